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

:func:`visible_checks` wraps the visible asserts of each test cell of a
notebook. It is copied into the notebooks by the build (a read-only cell after
the setup cell), so that the notebooks run without this package.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import traceback
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
        The hypothesis settings profile (:mod:`autograder.profiles`).
    hidden : list of pathlib.Path, optional
        Extra folders the sandbox hides.

    Returns
    -------
    dict
        SPEC.md's JSON object for a submission of this one assignment,
        without timing.
    """
    from autograder import profiles, report
    from autograder.grading import grade_assignment
    from autograder.submission import Submission, read_file

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
        SPEC.md's JSON object for this one assignment (without timing).
    """
    return grade(notebook, assignment, visibilities=("public",), profile="selfcheck")


def function_feedback(graded: dict[str, Any], function: str) -> str:
    """The feedback text of one function of a graded report.

    Parameters
    ----------
    graded : dict
        SPEC.md's JSON object of one submission.
    function : str
        The function's name (without the assignment).

    Returns
    -------
    str
        The function's score and every failed check with its property, the
        failing input, what was expected and what came back (the
        format of :func:`autograder.report.feedback`).
    """
    from autograder import report

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
    score = f"{_points(graded['score'])} / {_points(graded['max_score'])}"
    return f"self-check: {score} points on the public checks.\n{SUMMARY}"


def _points(value: float) -> str:
    return f"{round(float(value), 2):g}"


# --- copied into every notebook by the build: the read-only cell after the setup cell ---


class VisibleCheckTimeout(BaseException):
    """The visible checks of a test cell ran too long while autograding."""


class VisibleChecks:
    """Run the visible asserts of a test cell; see :func:`visible_checks`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.grading = False
        self.quiet = contextlib.ExitStack()
        self.alarm = False
        self.handler: Any = None

    def __enter__(self) -> VisibleChecks:
        self.grading = os.environ.get("NBGRADER_EXECUTION") == "autograde"
        if self.grading:
            self.quiet.enter_context(contextlib.redirect_stderr(io.StringIO()))
            self.quiet.enter_context(warnings.catch_warnings())
            warnings.simplefilter("ignore")
            self.alarm = threading.current_thread() is threading.main_thread()
            if self.alarm:
                self.handler = signal.signal(signal.SIGALRM, self._too_slow)
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def _too_slow(self, *_: object) -> None:
        raise VisibleCheckTimeout(f"the visible checks took more than {self.seconds:g} seconds")

    def __exit__(self, kind: type | None, error: BaseException | None, tb: Any) -> bool:
        if self.alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if self.handler is None else self.handler)
        self.quiet.close()
        if error is None:
            print("visible checks passed")
            return False
        if not self.grading or isinstance(error, KeyboardInterrupt):
            return False
        frames = traceback.extract_tb(tb)
        where = f"line {frames[0].lineno}: {(frames[0].line or '').strip()}" if frames else ""
        print(f"visible check failed at {where}")
        print(f"  {type(error).__name__}: {error}".rstrip(": "))
        return True


def visible_checks(seconds: float = 60.0) -> VisibleChecks:
    """Run a test cell's visible asserts: ``with visible_checks(): assert ...``.

    In Jupyter a failing assert stops the cell as usual, with its traceback.
    While nbgrader autogrades (``NBGRADER_EXECUTION=autograde``) a failure, an
    error, a warning or a run longer than ``seconds`` is reported on standard
    output instead, so that the hidden checks after the block still decide the
    cell's points, exactly as on the grader's command line.
    """
    return VisibleChecks(seconds)


HELPER_IMPORTS = (
    "import contextlib\nimport io\nimport os\nimport signal\nimport threading\n"
    "import traceback\nimport warnings\nfrom typing import Any"
)
HELPER_OBJECTS = (VisibleCheckTimeout, VisibleChecks, visible_checks)
"""What the notebooks' helper cell holds, in order (after :data:`HELPER_IMPORTS`)."""
