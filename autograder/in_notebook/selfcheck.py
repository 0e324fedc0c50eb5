"""The students' self-check, and the helper that runs a notebook's visible asserts.

A released assignment folder holds the stub notebook ``<assignment>.ipynb``
and a self-check a student runs with ``pytest`` in that folder: ``conftest.py``
and ``test_selfcheck.py`` (written by ``python -m autograder build``) and, in
``selfcheck/``, a copy of the public part of this package (no reference, no
hidden check). The self-check grades the code of the notebook's answer cells
exactly as the grader does (same sandbox, same scoring rule), with the public
checks only: one pytest test per function, failing with the feedback a
student can act on. Hidden checks also count towards the grade, and the
summary says so.

The visible asserts of the notebooks' test cells run under
:func:`autograder.in_notebook.visible.visible_checks`, which ships in the same bundle.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

SUMMARY = (
    "These are the public checks only: hidden checks also count towards your grade. "
    "Save the notebook before you run the self-check: it grades the file on disk."
)


def grade(
    notebook: Path,
    assignment: str,
    *,
    visibilities: tuple[str, ...],
    profile: str,
    hidden: list[Path] | None = None,
) -> dict[str, Any]:
    """Grade one notebook for one assignment, as ``python -m autograder grade`` does.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook (its answer cells are graded, in the sandbox).
    assignment : str
        The assignment it holds.
    visibilities : tuple of str
        Which checks run.
    profile : str
        The hypothesis settings profile (:mod:`autograder.grading.profiles`).
    hidden : list of pathlib.Path, optional
        Extra folders the sandbox hides.

    Returns
    -------
    dict
        the JSON object of docs/contract.md for a submission of this one assignment,
        without timing.
    """
    from autograder.grading import profiles
    from autograder.grading.grade import grade_assignment
    from autograder.grading.submission import Submission, read_file
    from autograder.reports import report

    profiles.use(profile)
    submission = Submission(notebook.name, {assignment: read_file(notebook)}, [assignment])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = grade_assignment(submission, assignment, visibilities=visibilities, hidden=hidden)
    return report.submission_json(submission, [report.assignment_json(result)], timing=False)


def grade_notebook(notebook: Path, assignment: str) -> dict[str, Any]:
    """Grade a notebook's answer cells with the public checks only (the self-check).

    Parameters
    ----------
    notebook : pathlib.Path
        The student's ``<assignment>.ipynb``.
    assignment : str
        The assignment it holds.

    Returns
    -------
    dict
        the JSON object of docs/contract.md for this one assignment (without timing).
    """
    return grade(notebook, assignment, visibilities=("public",), profile="selfcheck")


def function_feedback(graded: dict[str, Any], function: str) -> str:
    """The feedback text of one function of a graded report.

    Parameters
    ----------
    graded : dict
        the JSON object of docs/contract.md of one submission.
    function : str
        The function's name (without the assignment).

    Returns
    -------
    str
        The function's score and every failed check with its property, the
        failing input, what was expected and what came back (the
        format of :func:`autograder.reports.report.feedback`).
    """
    from autograder.reports import report

    key = next(k for k in graded["functions"] if k.split(".", 1)[1] == function)
    assignment = key.split(".", 1)[0]
    entry = graded["functions"][key]
    score = f"{_points(entry['score'])} / {_points(entry['max_score'])}"
    problem = graded["assignments"][assignment].get("problem")
    if problem:
        return f"  {function}  {score}\n    {report.FAIL} {problem}"
    single = {
        "submission": graded["submission"],
        "score": entry["score"],
        "max_score": entry["max_score"],
        "notes": [],
        "functions": {key: entry},
        "assignments": {assignment: {"score": entry["score"], "max_score": entry["max_score"]}},
    }
    # Skip the report's two header lines: the submission and the assignment totals.
    return "\n".join(report.feedback(single).splitlines()[2:])


def failure_text(graded: dict[str, Any], function: str) -> str | None:
    """Why ``function`` lost public points, or ``None`` when it lost none."""
    entry = next(v for k, v in graded["functions"].items() if k.split(".", 1)[1] == function)
    if entry["score"] >= entry["max_score"]:
        return None
    return function_feedback(graded, function)


def summary(graded: dict[str, Any] | None) -> str:
    """The closing lines of a self-check run."""
    if graded is None:
        return SUMMARY
    from autograder.isolation.confinement import isolation_level, limits_in_force

    score = f"{_points(graded['score'])} / {_points(graded['max_score'])}"
    where = f"Your code ran in {limits_in_force(isolation_level())}."
    return f"self-check: {score} points on the public checks.\n{where}\n{SUMMARY}"


def _points(value: float) -> str:
    return f"{round(float(value), 2):g}"
