"""``python -m autograder build``: write (or ``--check``) every generated file."""

from __future__ import annotations

from pathlib import Path

from autograder.contract import ASSIGNMENTS
from autograder.course.bundle import selfcheck_files, write_bundles
from autograder.course.demo import DEMO_STUDENTS, demo_notebooks
from autograder.course.layout import SOURCE, SUBMITTED
from autograder.course.notebooks import notebook_text, release_notebook, source_notebook
from autograder.grading import record
from autograder.grading.replay import RECORDINGS


def committed_files() -> dict[Path, str]:
    """Every committed generated file and the text it must hold."""
    files: dict[Path, str] = {}
    for assignment in ASSIGNMENTS:
        source = source_notebook(assignment)
        folder = SOURCE / assignment
        files[folder / f"{assignment}.ipynb"] = notebook_text(source)
        for name, text in selfcheck_files(assignment).items():
            files[folder / name] = text
        for student, nb in demo_notebooks(assignment, release_notebook(source)).items():
            files[SUBMITTED / student / assignment / f"{assignment}.ipynb"] = notebook_text(nb)
    return files


def stale_files(wanted: dict[Path, str]) -> list[Path]:
    """Files of the demo students that the build no longer makes (such as old ``.py`` demos).

    Only the demo students' folders are looked at: real students' work collected
    into ``submitted/`` is never touched.
    """
    found = [
        path
        for student in DEMO_STUDENTS
        if (SUBMITTED / student).is_dir()
        for path in (SUBMITTED / student).rglob("*")
        if path.is_file() and path.suffix in (".py", ".ipynb")
    ]
    return sorted(p for p in found if p not in wanted)


def build(check: bool = False) -> list[Path]:
    """Write (or with ``check``, only compare) every generated file.

    Parameters
    ----------
    check : bool
        Do not write; return the committed files whose content differs, and
        old files in ``submitted/`` the build would remove. The self-check
        bundles (not committed) are left alone.

    Returns
    -------
    list of pathlib.Path
        The files written or removed, or the files that differ.
    """
    files = committed_files()
    changed = [p for p, text in files.items() if not (p.is_file() and p.read_text() == text)]
    stale = stale_files(files)
    if check:
        return changed + stale + record.differing(RECORDINGS)
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
    for path in stale:
        path.unlink()
    changed += record.write(RECORDINGS)  # before the bundles, which copy the public ones
    return changed + stale + write_bundles()
