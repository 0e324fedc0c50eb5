"""Grade one student module: run every check of its assignment, score per function.

There is one scoring rule, used by the CLI, the self-check and nbgrader's
hidden cells: a value check earns its points when it passes; a supporting
check (one declared with ``needs``, see :func:`autograder.grading.registry.check`)
when it passes and one of the value checks it names passes too, and is
"held back" otherwise. A function scores the sum of its counted checks, an
assignment the sum of its functions. The outcome of every check is recorded
in :mod:`autograder.grading.results`, built here once.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from hypothesis.errors import Flaky

from autograder.contract import ASSIGNMENTS, callees, may_reach
from autograder.grading import replay
from autograder.grading.expect import CheckFailed
from autograder.grading.registry import VISIBILITIES, Check, checks_for
from autograder.grading.results import (
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
from autograder.grading.student import NotWrittenYet, Student, untouched_stubs
from autograder.grading.submission import Submission, SubmissionError, python_source
from autograder.isolation.host import Host, temporary_folder
from autograder.isolation.limits import LimitExceeded, Limits, capped
from autograder.isolation.outcome import LoadError
from autograder.isolation.sandbox import Sandbox

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
        One of :data:`autograder.grading.results.CAUSES`.
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
    except NotWrittenYet as raised:
        if raised.stub:
            expected = "your own code in place of the stub's raise NotImplementedError()"
        else:
            expected = "a result (your code raised NotImplementedError on this input)"
        return _failed(check, student.last_call, expected, str(raised))
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
    host: Host | None = None,
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
    host : Host, optional
        The student's host, to run the module on (by default one of its own).

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
        functions = list(ASSIGNMENTS[assignment])
        with Sandbox(source, assignment, functions, limits, hidden, host) as sandbox:
            try:
                present = sandbox.start()
            except (LoadError, LimitExceeded) as error:
                problem = f"your file could not be run: {error}"
            else:
                to_run = [c for c in checks if _key(c) not in outcomes]
                stubs = untouched_stubs(source, list(ASSIGNMENTS[assignment]))
                _run_checks(to_run, sandbox, present, outcomes, stubs)
    if problem:
        for check in checks:
            outcomes.setdefault(_key(check), not_run(check, PROBLEM, problem))
    final = apply_scoring_rule(checks, outcomes)
    functions = tuple(
        FunctionResult(name, tuple(final[_key(c)] for c in checks if c.function == name))
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
    stubs: frozenset[str] = frozenset(),
) -> None:
    student = Student(sandbox, stubs)
    for check in checks:
        if sandbox.out_of_budget():
            outcome = not_run(check, BUDGET, sandbox.budget_message())
        elif not present.get(check.function):
            outcome = _failed(check, "", f"a function named {check.function}", "none defined")
        else:
            outcome = run_check(check, student)
        outcomes[_key(check)] = outcome


def counted_checks(checks: list[Check], passed: set[str]) -> set[str]:
    """The names of the checks whose points count, given the names of those that passed.

    The largest set of passed checks in which every supporting check names at
    least one check of the set: value checks count when they pass; supporting
    checks when one of the checks they name counts too. Two one-sided cases
    of different answers can support each other (a classifier that gets both
    right has some logic); a case whose only support is held back is held
    back too.
    """
    needs = {c.name: set(c.needs) for c in checks}
    counted = set(passed)
    while True:
        unsupported = {n for n in counted if needs.get(n) and not needs[n] & counted}
        if not unsupported:
            return counted
        counted -= unsupported


def apply_scoring_rule(
    checks: list[Check], outcomes: dict[tuple[str, str], CheckResult]
) -> dict[tuple[str, str], CheckResult]:
    """Hold back the supporting checks that passed without support (see :func:`counted_checks`)."""
    passed = {c.name for c in checks if outcomes[_key(c)].outcome == PASSED}
    counted = counted_checks(checks, passed)
    by_name = {c.name: c for c in checks}
    final = dict(outcomes)
    for name in passed - counted:
        check = by_name[name]
        waits_for = tuple(
            _named(by_name[n], check.function)
            for n in check.needs
            if n in by_name and outcomes[_key(by_name[n])].outcome != NOT_RUN
        )
        final[_key(check)] = replace(
            outcomes[_key(check)],
            outcome=HELD_BACK,
            why=held_back_why(check.function, waits_for),
            waits_for=waits_for,
        )
    return final


def _named(check: Check, function: str) -> str:
    """A check's title, with its function's name when it belongs to another function."""
    return check.title if check.function == function else f"{check.function}: {check.title}"


def held_back_why(function: str, waits_for: tuple[str, ...]) -> str:
    """Why a supporting check's points are held back, in words."""
    if not waits_for:
        return f"these points count once {function} computes something right"
    if len(waits_for) == 1:
        return f"these points count once {function} passes the check: {waits_for[0]}"
    listed = "; ".join(waits_for)
    return (
        f"these points count once {function} computes something right, "
        f"that is once one of these checks passes: {listed}"
    )


def _note_callers(functions: tuple[FunctionResult, ...]) -> tuple[FunctionResult, ...]:
    """Say when a failing function calls another function that fails too.

    The note names a callee only when one of the failing calls could reach it
    (a ReLU chain never calls the sigmoid).
    """
    failing = {f.name for f in functions if f.score < f.max_score}
    noted = []
    for function in functions:
        calls = [c.failure.call for c in function.having(FAILED) if c.failure and c.failure.call]
        culprits = [
            callee
            for callee in callees(function.name)
            if callee in failing and any(may_reach(function.name, call, callee) for call in calls)
        ]
        if culprits:
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
    host: Host | None = None,
) -> AssignmentResult:
    """Grade one assignment of a submission (a notebook is converted first).

    Parameters
    ----------
    submission : Submission
        What :func:`autograder.grading.submission.discover` found.
    assignment : str
        Which of its assignments.
    visibilities, limits, hidden, host
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
            host=host,
        )
    found_at = file.path if file is not None else ""
    return replace(result, source=found_at, seconds=time.perf_counter() - started)
