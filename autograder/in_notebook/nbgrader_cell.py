"""The call in nbgrader's hidden test cells: grade one function of the notebook being graded.

Every test cell of a source notebook ends with a hidden region::

    ### BEGIN HIDDEN TESTS
    from autograder.in_notebook.nbgrader_cell import grade_function

    grade_function("critical_points", "classify_hessian")
    ### END HIDDEN TESTS

During ``nbgrader autograde`` the kernel's working folder is
``autograded/<student>/<assignment>/`` and ``<assignment>.ipynb`` there
already holds the student's code. :func:`grade_function` grades the code of
its answer cells (:func:`autograder.grading.submission.notebook_code`) with every
check, public and hidden, in the same isolated sandbox and with the same
scoring rule as ``python -m autograder grade``, once per notebook content for
all functions; it prints the function's feedback on standard output and
returns its points, which nbgrader records as the cell's score (the cell's
last expression). Nothing reaches standard error: nbgrader zeroes a cell that
writes there. The student's kernel never runs a check, and importing
``reference`` in the notebook gains nothing: the sandbox cannot see it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from pathlib import Path
from typing import Any

_GRADED: dict[str, dict[str, Any]] = {}
"""docs/contract.md reports by notebook content and assignment: one grading per notebook."""


def course_root(folder: Path) -> Path | None:
    """The nbgrader course folder above ``folder`` (holding the gradebook), if any."""
    for parent in [folder, *folder.parents]:
        if (parent / "gradebook.db").exists() or (parent / "nbgrader_config.py").exists():
            return parent
    return None


def grade_notebook(notebook: Path, assignment: str) -> dict[str, Any]:
    """Grade one notebook with every check, as ``python -m autograder grade`` does.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook to grade.
    assignment : str
        The assignment it holds.

    Returns
    -------
    dict
        the JSON object of docs/contract.md (without timing), from the cache when this
        content was graded before.
    """
    from autograder.grading.registry import VISIBILITIES
    from autograder.in_notebook.selfcheck import grade

    key = hashlib.sha256(assignment.encode() + b"\0" + notebook.read_bytes()).hexdigest()
    if key not in _GRADED:
        folder = notebook.resolve().parent
        root = course_root(folder)
        hidden = [folder] if root is None else [folder, root]
        _GRADED[key] = grade(
            notebook, assignment, visibilities=VISIBILITIES, profile="grading", hidden=hidden
        )
    return _GRADED[key]


def grade_function(assignment: str, function: str) -> float:
    """Grade ``function`` of ``<assignment>.ipynb`` in the working folder; print its feedback.

    Parameters
    ----------
    assignment : str
        The assignment, e.g. ``"critical_points"``.
    function : str
        One of its contract functions.

    Returns
    -------
    float
        The points the function earned, out of its maximum.

    Raises
    ------
    FileNotFoundError
        When the working folder holds no ``<assignment>.ipynb`` (the cell is
        not running in nbgrader's autograde folder).
    """
    from autograder.in_notebook.selfcheck import function_feedback

    notebook = Path.cwd() / f"{assignment}.ipynb"
    if not notebook.is_file():
        raise FileNotFoundError(
            f"{notebook.name} is not in the working folder {Path.cwd()}: the hidden "
            "tests grade the notebook being autograded by nbgrader"
        )
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graded = grade_notebook(notebook, assignment)
    entry = graded["functions"][f"{assignment}.{function}"]
    print(function_feedback(graded, function))
    return float(entry["score"])
