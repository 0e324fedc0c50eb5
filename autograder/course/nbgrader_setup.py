"""What the course's ``nbgrader_config.py`` takes from the grader (needs nbgrader).

* :class:`RestoreHiddenTests`: nbgrader's ``OverwriteCells`` without its false
  "Attribute 'checksum' ... has changed!" warning on untouched test cells.
* :data:`FEEDBACK_TEMPLATES`: a feedback page whose table of contents names the
  function of each test cell and whose teaching tables have spaced columns.
* :func:`selfcheck_files`: the files of ``source/<assignment>/`` that only the
  students' self-check needs, which ``nbgrader autograde`` need not copy into
  every ``autograded/<student>/<assignment>/`` folder (nor, from there, into
  ``feedback/``).

Why the warning is false (jupyter/nbgrader#1961): ``generate_assignment`` saves
each test cell in the gradebook *before* it removes the hidden tests (it must:
``autograde`` restores them from there), while the released cell's checksum is
computed *after*. A student's untouched test cell therefore never matches the
gradebook's checksum, and ``OverwriteCells`` warns for every one of them before
it puts the gradebook's cell back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

FEEDBACK_TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbgrader"
FEEDBACK_TEMPLATE = "dl_feedback"
FEEDBACK_FILE = "feedback.html.j2"
"""Not ``index.html.j2``: it extends nbgrader's ``index.html.j2``, next on the search path."""
NBGRADER_TEMPLATES = (
    Path(utils.__file__).resolve().parent / "server_extensions/formgrader/templates"
)
"""nbgrader's own feedback template, which :data:`FEEDBACK_TEMPLATE` extends."""


class RestoreHiddenTests(OverwriteCells):
    """``OverwriteCells`` that knows a released test cell lacks its hidden tests.

    A locked cell whose source is exactly the gradebook's cell with the hidden
    test regions removed (what ``generate_assignment`` released) gets the
    gradebook's source back silently; any other change is reported and undone
    by ``OverwriteCells`` as before.
    """

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                source = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id
                )
            except MissingEntry:
                source = None
            if source is not None and source.locked and cell.source == _released(source.source):
                cell.source = source.source
        return super().preprocess_cell(cell, resources, cell_index)


def _released(source: str) -> str:
    """A cell's source as ``generate_assignment`` releases it: hidden tests removed."""
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def selfcheck_files(source: Path | str) -> dict[str, list[str]]:
    """Per assignment folder of ``source/``: the self-check's files its notebooks do not import.

    For nbgrader's ``Autograde.exclude_overwriting``: every file but the
    notebooks and the bundle's modules a notebook imports itself (its
    ``from selfcheck.autograder.in_notebook.visible import ...`` helper cell, the timing
    demo's ``epoch_timing``), which the kernel needs while autograding.
    """
    source = Path(source)
    found: dict[str, list[str]] = {}
    if not source.is_dir():
        return found
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        needed = notebook_imports(folder)
        found[folder.name] = sorted(
            relative
            for path in folder.rglob("*")
            if path.is_file()
            and path.suffix != ".ipynb"
            and (relative := path.relative_to(folder).as_posix()) not in needed
        )
    return found


def notebook_imports(folder: Path) -> set[str]:
    """The bundle's files the notebooks of ``folder`` import (``selfcheck.autograder.<m>``).

    Read as text from the notebooks' JSON; each module's package ``__init__.py`` counts too.
    """
    needed: set[str] = set()
    for notebook in folder.glob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8", errors="replace")
        for dotted in re.findall(r"(?:from|import)\s+(selfcheck(?:\.\w+)+)", text):
            parts = dotted.split(".")
            needed |= {"/".join([*parts[:i], "__init__.py"]) for i in range(1, len(parts))}
            needed.add("/".join(parts) + ".py")
    return needed
