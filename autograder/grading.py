"""Grade one student module: run every check of its assignment, score per function.

There is one scoring rule, used by the CLI, the self-check and nbgrader's
hidden cells: a value check earns its points when it passes; a supporting
check (one declared with ``needs``, see :func:`autograder.registry.check`)
when it passes and one of the value checks it names passes too, and is
"held back" otherwise. A function scores the sum of its counted checks, an
assignment the sum of its functions. The outcome of every check is recorded
in :mod:`autograder.results`, built here once.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from hypothesis.errors import Flaky

from autograder import replay
from autograder.contract import ASSIGNMENTS, callees
from autograder.expect import CheckFailed
from autograder.registry import VISIBILITIES, Check, checks_for
from autograder.results import (
    BUDGET,
    FAILED,
    HELD_BACK,
    NOT_RUN,
    PASSED,
    PROBLEM,
    PUBLIC_ONLY,
    AssignmentResult,
    CheckResult,
    Failure,
    FunctionResult,
)
from autograder.sandbox import (
    LimitExceeded,
    Limits,
    LoadError,
    Sandbox,
    capped,
    temporary_folder,
)
from autograder.student import NotWrittenYet, Student
from autograder.submission import Submission, SubmissionError, python_source

# The most text one failed check may hold in each of its fields (it quotes student code).
CHECK_TEXT_LIMIT = 2000


def _failed(check: Check, call: str, expected: str, got: str, detail: str = "") -> CheckResult:
    texts = (capped(text, CHECK_TEXT_LIMIT) for text in (call, expected, got, detail))
    return _result(check, FAILED, failure=Failure(*texts))


def _result(check: Check, outcome: str, **more: object) -> CheckResult:
    return CheckResult(
        check.function, check.name, check.title, check.points, check.visibility, outcome, **more
    )


def not_run(check: Check, cause: str, why: str) -> CheckResult:
    """The result of a check that did not run.

    Parameters
    ----------
    check : Check
        The check.
    cause : str
        One of :data:`autograder.results.CAUSES`.
    why : str
        The reason in words, as the student reads it.
    """
    return _result(check, NOT_RUN, cause=cause, why=why)


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
    return _result(check, PASSED)


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
    checks = checks_for(assignment)
    outcomes: dict[tuple[str, str], CheckResult] = {}
    for check in checks:
        if check.visibility not in visibilities:
            ran = " and ".join(visibilities)
            why = f"a {check.visibility} check: this grading ran the {ran} checks only"
            outcomes[_key(check)] = not_run(check, PUBLIC_ONLY, why)
    if source is None and not problem:
        problem = "not submitted"
    if not problem:
        with Sandbox(source, assignment, list(ASSIGNMENTS[assignment]), limits, hidden) as sandbox:
            try:
                present = sandbox.start()
            except (LoadError, LimitExceeded) as error:
                problem = f"your file could not be run: {error}"
            else:
                to_run = [c for c in checks if _key(c) not in outcomes]
                _run_checks(to_run, sandbox, present, outcomes)
    if problem:
        for check in checks:
            outcomes.setdefault(_key(check), not_run(check, PROBLEM, problem))
    functions = tuple(
        _function_result(name, [outcomes[_key(c)] for c in checks if c.function == name], checks)
        for name in ASSIGNMENTS[assignment]
    )
    return AssignmentResult(assignment, _note_callers(functions), str(source or ""), problem)


def _key(check: Check) -> tuple[str, str]:
    return check.visibility, check.name


def _run_checks(
    checks: list[Check],
    sandbox: Sandbox,
    present: dict[str, bool],
    outcomes: dict[tuple[str, str], CheckResult],
) -> None:
    student = Student(sandbox)
    for check in checks:
        if sandbox.out_of_budget():
            outcome = not_run(check, BUDGET, sandbox.budget_message())
        elif not present.get(check.function):
            outcome = _failed(check, "", f"a function named {check.function}", "none defined")
        else:
            outcome = run_check(check, student)
        outcomes[_key(check)] = outcome


def _function_result(name: str, results: list[CheckResult], checks: list[Check]) -> FunctionResult:
    """Apply the scoring rule: hold back supporting checks none of whose value checks passed."""
    declared = {(c.function, c.name): c for c in checks}
    passed = {r.name for r in results if r.outcome == PASSED}
    titles = {r.name: r.title for r in results}
    final = []
    for result in results:
        needs = declared[(name, result.name)].needs
        if result.outcome == PASSED and needs and not passed & set(needs):
            waits_for = tuple(titles[n] for n in needs if n in titles)
            result = replace(result, outcome=HELD_BACK, why=held_back_why(name, waits_for))
            result = replace(result, waits_for=waits_for)
        final.append(result)
    return FunctionResult(name, tuple(final))


def held_back_why(function: str, waits_for: tuple[str, ...]) -> str:
    """Why a supporting check's points are held back, in words."""
    if len(waits_for) == 1:
        return f"these points count once {function} passes the check: {waits_for[0]}"
    listed = "; ".join(waits_for)
    return f"these points count once {function} passes one of the checks: {listed}"


def _note_callers(functions: tuple[FunctionResult, ...]) -> tuple[FunctionResult, ...]:
    """Say when a failing function calls another function that fails too."""
    failing = {f.name for f in functions if f.score < f.max_score}
    noted = []
    for function in functions:
        culprits = [c for c in callees(function.name) if c in failing]
        if function.name in failing and culprits:
            note = (
                f"{function.name} calls your {', '.join(culprits)}, which also lost points: "
                "fix that first, it may be the cause of some failures here."
            )
            function = replace(function, notes=(*function.notes, note))
        noted.append(function)
    return tuple(noted)


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
        With ``source`` set to where the student's file was found and
        ``seconds`` to the time it took. The student's files are not opened
        again: their bytes came with ``submission``.
    """
    started = time.perf_counter()
    file = submission.files.get(assignment)
    with temporary_folder("autograder-nb-") as scratch:
        source, problem = None, submission.problem
        if file is not None and not problem:
            try:
                source = python_source(file, assignment, Path(scratch))
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
    found_at = file.path if file is not None else ""
    return replace(result, source=found_at, seconds=time.perf_counter() - started)
