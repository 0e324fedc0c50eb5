"""Grade one student module: run every check of its assignment, score per function.

There is one scoring rule, used by the CLI, the self-check and nbgrader's
hidden cells: a check earns its points when it passes, a function scores the
sum of its passed checks, an assignment the sum of its functions.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis.errors import Flaky

from autograder import replay
from autograder.contract import ASSIGNMENTS, callees
from autograder.expect import CheckFailed
from autograder.registry import VISIBILITIES, Check, checks_for
from autograder.sandbox import LimitExceeded, Limits, LoadError, Sandbox
from autograder.student import NotWrittenYet, Student
from autograder.submission import Submission, SubmissionError, python_source


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    check : Check
        The check that ran.
    passed : bool
        Whether the property held on every input tried.
    call : str
        The smallest failing call, as text ("" when it passed).
    expected, got, detail : str
        The failure's explanation ("" when it passed).
    """

    check: Check
    passed: bool
    call: str = ""
    expected: str = ""
    got: str = ""
    detail: str = ""

    @property
    def score(self) -> float:
        return self.check.points if self.passed else 0.0


@dataclass
class FunctionResult:
    """The score of one function and the checks behind it."""

    name: str
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(result.score for result in self.checks)

    @property
    def max_score(self) -> float:
        return sum(result.check.points for result in self.checks)


@dataclass
class AssignmentResult:
    """The functions of one assignment, and why any could not be graded."""

    name: str
    functions: dict[str, FunctionResult]
    source: str = ""
    problem: str = ""
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(f.score for f in self.functions.values())

    @property
    def max_score(self) -> float:
        return sum(f.max_score for f in self.functions.values())


def _failed(check: Check, call: str, expected: str, got: str, detail: str = "") -> CheckResult:
    return CheckResult(check, False, call, expected, got, detail)


def run_check(check: Check, student: Student) -> CheckResult:
    """Run one check and turn whatever happened into a :class:`CheckResult`."""
    student.forget_last_call()
    try:
        replay.run(check, student)
    except CheckFailed as failure:
        return _failed(check, student.last_call, failure.expected, failure.got, failure.detail)
    except LimitExceeded as limit:
        return _failed(check, student.last_call, "a result within the limits", str(limit))
    except NotWrittenYet as stub:
        expected = "your own code in place of the stub's raise NotImplementedError()"
        return _failed(check, student.last_call, expected, str(stub))
    except Flaky as flaky:
        inner = _first_failure(flaky)
        detail = f"{inner.expected}, got {inner.got}" if inner else ""
        return _failed(
            check,
            student.last_call,
            "the same result every time for the same input",
            "a different result on a second try (does your code use randomness "
            "or global state it changes?)",
            detail,
        )
    except Exception as error:
        if os.environ.get("AUTOGRADER_DEBUG"):
            raise
        return _failed(
            check,
            student.last_call,
            "an answer the grader can use",
            f"{type(error).__name__}: {error}",
        )
    return CheckResult(check, True)


def _first_failure(error: BaseException) -> CheckFailed | None:
    if isinstance(error, CheckFailed):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _first_failure(inner)
        if found is not None:
            return found
    return None


def grade_module(
    assignment: str,
    source: Path | None,
    *,
    visibilities: tuple[str, ...] = VISIBILITIES,
    limits: Limits | None = None,
    hidden: list[Path] | None = None,
    problem: str = "",
) -> AssignmentResult:
    """Grade one student module (a ``.py`` file) for one assignment.

    Parameters
    ----------
    assignment : str
        The assignment's name.
    source : pathlib.Path or None
        The student's code; ``None`` when the submission does not hold it.
    visibilities : tuple of str
        Which checks run: ``("public", "hidden")`` on the grader,
        ``("public",)`` in the self-check.
    limits : Limits, optional
        Sandbox limits.
    hidden : list of pathlib.Path, optional
        Extra folders the sandbox must hide (the class folder).
    problem : str
        A reason the module cannot be graded at all (for example an
        unreadable notebook); every function then scores zero with it.

    Returns
    -------
    AssignmentResult
    """
    checks = checks_for(assignment, visibilities)
    functions = {name: FunctionResult(name) for name in ASSIGNMENTS[assignment]}
    result = AssignmentResult(assignment, functions, str(source or ""), problem)
    if source is None and not problem:
        result.problem = "not submitted"
    if not result.problem:
        with Sandbox(source, assignment, list(functions), limits, hidden) as sandbox:
            try:
                present = sandbox.start()
            except (LoadError, LimitExceeded) as error:
                result.problem = f"your file could not be run: {error}"
            else:
                _run_checks(checks, Student(sandbox), present, functions)
    if result.problem:
        for check in checks:
            functions[check.function].checks.append(_failed(check, "", "", result.problem))
        return result
    _note_callers(functions)
    return result


def _run_checks(
    checks: list[Check],
    student: Student,
    present: dict[str, bool],
    functions: dict[str, FunctionResult],
) -> None:
    for check in checks:
        if not present.get(check.function):
            outcome = _failed(check, "", f"a function named {check.function}", "none defined")
        else:
            outcome = run_check(check, student)
        functions[check.function].checks.append(outcome)


def _note_callers(functions: dict[str, FunctionResult]) -> None:
    """Say when a failing function calls another function that fails too."""
    failing = {name for name, f in functions.items() if f.score < f.max_score}
    for name in failing:
        culprits = [c for c in callees(name) if c in failing]
        if culprits:
            functions[name].notes.append(
                f"{name} calls your {', '.join(culprits)}, which also lost points: "
                "fix that first, it may be the cause of some failures here."
            )


def grade_assignment(
    submission: Submission,
    assignment: str,
    *,
    visibilities: tuple[str, ...] = VISIBILITIES,
    limits: Limits | None = None,
    hidden: list[Path] | None = None,
) -> AssignmentResult:
    """Grade one assignment of a submission (a notebook is converted first).

    Parameters
    ----------
    submission : Submission
        What :func:`autograder.submission.discover` found.
    assignment : str
        Which of its assignments.
    visibilities, limits, hidden
        As for :func:`grade_module`.

    Returns
    -------
    AssignmentResult
        With ``source`` set to the student's own file and ``seconds`` to the
        time it took.
    """
    started = time.perf_counter()
    file = submission.files.get(assignment)
    with tempfile.TemporaryDirectory(prefix="autograder-nb-") as scratch:
        source, problem = None, ""
        if file is not None:
            try:
                source = python_source(file, Path(scratch))
            except SubmissionError as error:
                problem = str(error)
        result = grade_module(
            assignment,
            source,
            visibilities=visibilities,
            limits=limits,
            hidden=hidden,
            problem=problem,
        )
    result.source = str(file or "")
    result.seconds = time.perf_counter() - started
    return result
