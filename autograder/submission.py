"""Find submissions on disk and turn notebooks into the Python the sandbox runs.

A submission is one student's work: a folder holding ``<assignment>.ipynb``
(also one folder down, as nbgrader collects it:
``<assignment>/<assignment>.ipynb``) or ``<assignment>.py``. A single such
file is a submission for its own assignment alone. A folder whose subfolders
are student folders (an nbgrader course's ``submitted/``) holds one
submission per student.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.contract import ASSIGNMENTS


class SubmissionError(ValueError):
    """A path that is not a submission, a student folder or a class folder."""


@dataclass
class Submission:
    """The files of one student.

    Attributes
    ----------
    name : str
        The path as given (one submission) or the student's folder name.
    files : dict
        For each assignment found, the file to grade (``.py`` or ``.ipynb``).
    assignments : list of str
        The assignments graded: all three for a folder, one for a file.
    notes : list of str
        Remarks for the report, e.g. that a notebook won over a ``.py``.
    """

    name: str
    files: dict[str, Path]
    assignments: list[str]
    notes: list[str] = field(default_factory=list)


def _candidates(folder: Path, assignment: str) -> list[Path]:
    return [
        folder / f"{assignment}.ipynb",
        folder / assignment / f"{assignment}.ipynb",
        folder / f"{assignment}.py",
        folder / assignment / f"{assignment}.py",
    ]


def _student_folder(folder: Path, name: str) -> Submission:
    files: dict[str, Path] = {}
    notes: list[str] = []
    for assignment in ASSIGNMENTS:
        found = [p for p in _candidates(folder, assignment) if p.is_file()]
        if not found:
            continue
        files[assignment] = found[0]
        if found[0].suffix == ".ipynb" and any(p.suffix == ".py" for p in found):
            notes.append(
                f"{assignment}: both a notebook and a .py file were found; "
                f"the notebook {found[0].relative_to(folder)} was graded"
            )
    return Submission(name, files, list(ASSIGNMENTS), notes)


def is_student_folder(folder: Path) -> bool:
    """Whether ``folder`` directly holds any assignment file."""
    return any(p.is_file() for a in ASSIGNMENTS for p in _candidates(folder, a))


def discover(path: Path, name: str | None = None) -> tuple[list[Submission], bool]:
    """The submissions at ``path``.

    Parameters
    ----------
    path : pathlib.Path
        A file, a student folder or a class folder.
    name : str, optional
        How to name a single submission (default: ``path`` as given).

    Returns
    -------
    submissions : list of Submission
    is_class : bool
        True for a folder of student folders (the JSON is then a list).

    Raises
    ------
    SubmissionError
        When ``path`` is none of these.
    """
    label = name or str(path)
    if path.is_file():
        assignment = path.stem
        if assignment not in ASSIGNMENTS or path.suffix not in (".py", ".ipynb"):
            expected = ", ".join(f"{a}.py / {a}.ipynb" for a in ASSIGNMENTS)
            raise SubmissionError(f"{path}: a submission file is named one of {expected}")
        return [Submission(label, {assignment: path}, [assignment])], False
    if not path.is_dir():
        raise SubmissionError(f"{path}: no such file or folder")
    if is_student_folder(path):
        return [_student_folder(path, label)], False
    students = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise SubmissionError(f"{path}: holds no assignment file and no student folder")
    return [_student_folder(p, p.name) for p in students], True


def notebook_code(notebook: Path) -> str:
    """The Python code of a notebook's answer cells.

    For an nbgrader notebook: every code cell that nbgrader does not grade
    (answer cells and read-only setup cells), leaving out test cells and the
    student's own scratch cells. Otherwise every code cell. IPython magics
    and shell escapes are commented out.

    Raises
    ------
    SubmissionError
        When the file is not a readable notebook.
    """
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise SubmissionError(f"{notebook.name} is not a readable notebook ({error})") from None
    cells = [c for c in nb.cells if c.cell_type == "code"]
    if any("nbgrader" in c.metadata for c in cells):
        cells = [
            c
            for c in cells
            if "nbgrader" in c.metadata and not c.metadata["nbgrader"].get("grade", False)
        ]
    parts = []
    for number, cell in enumerate(cells, start=1):
        source = cell.source
        if source.lstrip().startswith("%%"):
            continue
        lines = [
            f"# {line}" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        ]
        parts.append(f"# --- notebook cell {number} ---\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def python_source(file: Path, folder: Path) -> Path:
    """A ``.py`` file for ``file``: itself, or its notebook's code written in ``folder``."""
    if file.suffix == ".py":
        return file
    target = Path(tempfile.mkdtemp(dir=folder)) / f"{file.stem}.py"
    target.write_text(notebook_code(file))
    return target
