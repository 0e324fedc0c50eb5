"""Notebooks: the source notebook from the text and the reference, and what
``nbgrader generate_assignment`` makes of it (locked, stubbed, check-summed).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
import textwrap
from typing import Any

import nbformat

from autograder.contract import POINTS_PER_FUNCTION
from autograder.course.sources import answer_source
from autograder.course.text import parse_text, teaching_text

INTRO_ID = "how_to_work"
SETUP_ID = "setup"
HELPER_ID = "visible_checks"
HELPER_SOURCE = (
    "# The visible checks of the test cells below (shipped in ./selfcheck/). Read-only.\n"
    "from selfcheck.autograder.in_notebook.visible import visible_checks"
)
INTRO = """\
**How to work on this notebook.** Keep it in its folder `{assignment}/`, beside
`requirements.txt`, the self-check (`conftest.py`, `test_selfcheck.py`, `pytest.ini`) and
`selfcheck/`. Once, in a terminal in that folder (a virtual environment is fine):

```bash
pip install -r requirements.txt
```

Fill in each answer cell (replace `raise NotImplementedError()`) and run the test cell below
it. Then **save the notebook** and run the self-check in the same folder:

```bash
pytest   # every function: your points on the public checks
pytest -k {example}
```

The second line checks one function only (`-k` selects the tests whose name contains the
text you give).

Hidden checks also count towards your grade: a clean self-check is a good sign, not a final
score."""


SETUP_SOURCE = (
    "from __future__ import annotations\n"
    "\n"
    "import math\n"
    "\n"
    "import numpy as np\n"
    "import matplotlib.pyplot as plt"
)
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
"""nbgrader's ``ClearSolutions.code_stub`` for Python (also set in nbgrader_config.py)."""


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _nbgrader(
    grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = POINTS_PER_FUNCTION
    return meta


def _code_cell(cell_id: str, source: str, **nbgrader: Any) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": _nbgrader(cell_id, **nbgrader)})
    cell.id = cell_id
    return cell


def tests_source(assignment: str, function: str, visible: str) -> str:
    """A test cell: the visible asserts, then the hidden call that grades ``function``."""
    lines = [f"# Checks of {function}. When your notebook is graded, hidden checks run here too."]
    if visible.strip():
        statements = ast.parse(textwrap.dedent(visible)).body
        lines.append("with visible_checks():")
        lines += [f"    {line}" if line.strip() else "" for line in visible.splitlines()]
        if not statements:
            lines.append("    pass")
    lines += [
        "### BEGIN HIDDEN TESTS",
        "from autograder.in_notebook.nbgrader_cell import grade_function",
        "",
        f'grade_function("{assignment}", "{function}")',
        "### END HIDDEN TESTS",
    ]
    return "\n".join(lines)


def _notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    """nbgrader's source notebook of one assignment (solutions and hidden tests included)."""
    blocks = parse_text(teaching_text(assignment), assignment)
    functions = [b.name for b in blocks if b.kind == "function"]
    # pytest -k matches parts of names: show a function that is no part of another's name.
    alone = [f for f in functions if not any(f in g for g in functions if g != f)]
    example = alone[0] if alone else "<function>"
    intro = nbformat.v4.new_markdown_cell(INTRO.format(assignment=assignment, example=example))
    intro.id = INTRO_ID
    cells: list[nbformat.NotebookNode] = [intro]
    for block in blocks:
        if block.kind != "markdown" and not any(c.cell_type == "code" for c in cells):
            cells.append(_code_cell(SETUP_ID, SETUP_SOURCE, locked=True))
            cells.append(_code_cell(HELPER_ID, HELPER_SOURCE, locked=True))
        if block.kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(block.body)
            cell.id = f"markdown_{len(cells)}"
            cells.append(cell)
        elif block.kind == "code":
            cells.append(_code_cell(f"demo_{len(cells)}", block.body, locked=True))
        elif block.kind == "function":
            cells.append(
                _code_cell(block.name, answer_source(assignment, block.name), solution=True)
            )
        else:
            source = tests_source(assignment, block.name, block.body)
            cells.append(_code_cell(f"test_{block.name}", source, grade=True, locked=True))
    return _notebook(cells)


def _replace_regions(source: str, begin: str, end: str, stub: list[str]) -> str:
    """nbgrader's rule: each line holding ``begin`` .. ``end`` becomes ``stub`` at its indent."""
    kept: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
            indent = re.match(r"\s*", line).group(0)
            kept += [indent + s for s in stub]
        elif end in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def checksum(cell: nbformat.NotebookNode) -> str:
    """nbgrader's ``utils.compute_checksum`` of a cell."""
    meta = cell.metadata["nbgrader"]
    digest = hashlib.md5()
    for part in (
        cell.source,
        cell.cell_type,
        str(bool(meta.get("grade"))),
        str(bool(meta.get("solution"))),
        str(bool(meta.get("locked"))),
        meta["grade_id"],
    ):
        digest.update(part.encode("utf-8"))
    if meta.get("grade"):
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def release_notebook(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What ``nbgrader generate_assignment`` makes of a source notebook.

    Cells are locked (LockCells), solution regions become ``CODE_STUB``
    (ClearSolutions), hidden test regions vanish (ClearHiddenTests) and every
    nbgrader cell gets its checksum (ComputeChecksums).
    """
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        if meta["solution"]:
            cell.metadata["deletable"] = False
        elif meta["grade"] or meta["locked"]:
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        stub = CODE_STUB.split("\n")
        cell.source = _replace_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION", stub)
        cell.source = _replace_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", [])
        meta["checksum"] = checksum(cell)
        meta["cell_type"] = cell.cell_type
    return nb


def filled_notebook(
    release: nbformat.NotebookNode, answers: dict[str, str]
) -> nbformat.NotebookNode:
    """A student's notebook: the release with answer cells replaced by ``answers``."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """A notebook as the build writes it: validated, sorted keys, a final newline."""
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"
