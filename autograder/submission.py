"""Find submissions on disk and turn notebooks into the Python the sandbox runs.

A submission is one student's work: a folder holding ``<assignment>.ipynb``
(also one folder down, as nbgrader collects it:
``<assignment>/<assignment>.ipynb``) or ``<assignment>.py``. A single such
file is a submission for its own assignment alone. A folder whose subfolders
are student folders (an nbgrader course's ``submitted/``) holds one
submission per student.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def _defined_functions(path: Path) -> set[str]:
    """Names the file defines with ``def`` (read as text: nothing is run)."""
    text = path.read_text(errors="replace")
    if path.suffix == ".ipynb":
        try:
            text = "\n".join(cell.source for cell in code_cells(text))
        except Exception:  # an unreadable notebook is reported when it is graded
            return set()
    return set(re.findall(r"^[ \t]*def[ \t]+(\w+)", text, re.MULTILINE))


def assignment_of_file(path: Path) -> tuple[str, list[str]]:
    """The assignment a single file is for, and a note when it had to be inferred.

    A file named ``<assignment>.py`` or ``.ipynb`` is that assignment's. Any
    other ``.py`` or ``.ipynb`` file is graded for the assignment whose
    contract functions it defines most of (ties and files defining none fall
    back to the name of the folder holding it).

    Raises
    ------
    SubmissionError
        When the file is neither Python nor a notebook, or no assignment fits.
    """
    if path.suffix not in (".py", ".ipynb"):
        raise SubmissionError(f"{path}: a submission is a .py file or an .ipynb notebook")
    if path.stem in ASSIGNMENTS:
        return path.stem, []
    defined = _defined_functions(path)
    counts = {a: len(defined & set(functions)) for a, functions in ASSIGNMENTS.items()}
    best = max(counts.values())
    leaders = [a for a, count in counts.items() if count == best and best > 0]
    if len(leaders) == 1:
        found = leaders[0]
    elif path.parent.name in (leaders or ASSIGNMENTS):
        found = path.parent.name
    else:
        expected = ", ".join(f"{a}.py" for a in ASSIGNMENTS)
        raise SubmissionError(
            f"{path}: cannot tell which assignment this is (name it one of {expected})"
        )
    return found, [f"{path.name} was graded as {found} (the functions it defines)"]


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
        assignment, notes = assignment_of_file(path)
        return [Submission(label, {assignment: path}, [assignment], notes)], False
    if not path.is_dir():
        raise SubmissionError(f"{path}: no such file or folder")
    if is_student_folder(path):
        return [_student_folder(path, label)], False
    students = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise SubmissionError(f"{path}: holds no assignment file and no student folder")
    return [_student_folder(p, p.name) for p in students], True


SETUP_CELL = "setup"
"""The ``grade_id`` of the read-only cell whose imports the answer cells rely on."""

PLOTTING = ("matplotlib",)
"""Libraries whose imports are left out of the graded code: graded functions never plot."""


@dataclass
class CodeCell:
    """A notebook's code cell: its source and its metadata (nbgrader's included)."""

    source: str
    metadata: dict[str, Any]


def code_cells(text: str) -> list[CodeCell]:
    """The code cells of a notebook, from its JSON text.

    Notebooks in format 4 are read as JSON (importing nbformat costs almost two
    seconds, through jsonschema, a large part of grading one submission);
    older formats are converted by nbformat.

    Raises
    ------
    ValueError, KeyError, TypeError
        When the text is not a notebook.
    """
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        import nbformat  # only for old formats: slow to import

        data = nbformat.reads(text, as_version=4)
    cells = []
    for cell in data["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source, metadata = cell.get("source", ""), cell.get("metadata") or {}
        if isinstance(source, list):
            source = "".join(source)
        if not isinstance(source, str) or not isinstance(metadata, dict):
            raise TypeError("a code cell without text source or metadata")
        cells.append(CodeCell(source, metadata))
    return cells


def _graded_cells(cells: list[CodeCell]) -> list[CodeCell]:
    """The code cells of a notebook that make up the graded module."""
    if not any("nbgrader" in c.metadata for c in cells):
        return cells
    kept = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution", False) or meta.get("grade_id") == SETUP_CELL:
            kept.append(cell)
    return kept


def _without_plotting(source: str) -> str:
    """``source`` with every import of a plotting library replaced by ``pass``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # reported when the module is loaded
        return source
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if not all(name.split(".")[0] in PLOTTING for name in names):
            continue
        first = lines[node.lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        rest = lines[node.end_lineno - 1][node.end_col_offset :].strip()
        if node.col_offset != len(indent) or (rest and not rest.startswith("#")):
            continue  # shares its line with other statements: leave it alone
        lines[node.lineno - 1] = f"{indent}pass  # not graded: {first.strip()}"
        for number in range(node.lineno, node.end_lineno):
            lines[number] = ""
    return "\n".join(lines)


def notebook_code(notebook: Path) -> str:
    """The Python code of a notebook's answer cells.

    For an nbgrader notebook: the answer cells (nbgrader's ``solution``
    cells) and the read-only setup cell (``grade_id`` ``"setup"``, whose
    imports the answers use), in notebook order; test cells, read-only demo
    and plot cells and the student's own unmarked scratch cells are left
    out. For any other notebook: every code cell. IPython magics and shell
    escapes are commented out, and imports of plotting libraries
    (matplotlib) become ``pass``: graded functions never plot, and neither
    the grader nor the self-check needs matplotlib installed.

    Raises
    ------
    SubmissionError
        When the file is not a readable notebook.
    """
    try:
        cells = _graded_cells(code_cells(notebook.read_text(encoding="utf-8")))
    except Exception as error:  # JSON, nbformat and malformed cells raise several kinds
        raise SubmissionError(f"{notebook.name} is not a readable notebook ({error})") from None
    parts = []
    for number, cell in enumerate(cells, start=1):
        source = cell.source
        if source.lstrip().startswith("%%"):
            continue
        lines = [
            f"# {line}" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        ]
        parts.append(f"# --- notebook cell {number} ---\n" + _without_plotting("\n".join(lines)))
    return "\n\n".join(parts) + "\n"


def python_source(file: Path, folder: Path) -> Path:
    """A ``.py`` file for ``file``: itself, or its notebook's code written in ``folder``."""
    if file.suffix == ".py":
        return file
    target = Path(tempfile.mkdtemp(dir=folder)) / f"{file.stem}.py"
    target.write_text(notebook_code(file))
    return target
