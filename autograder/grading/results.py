"""The result model: what grading found, built once and read by every report.

Every check of every graded function has exactly one outcome:

``passed``
    The property held and its points count.
``failed``
    The property did not hold; :class:`Failure` says on which call, what was
    expected and what came back.
``held back``
    The property held, but it is a supporting property (see
    :func:`autograder.grading.registry.check`'s ``needs``) and none of the value
    checks it waits for passed: its points do not count yet, and ``why`` says
    what would make them count.
``not run``
    The check did not run; ``why`` says why (public checks only, the time
    budget, a file that could not be run).

Only ``passed`` checks count: the points of the counted checks add up to the
score of their function, of the assignment and of the submission, in every
report. The model crosses process boundaries as the JSON of
:func:`to_json` (docs/contract.md's format) and is rebuilt by
:func:`from_json`, so a renderer never reloads the check registry or matches
checks by their titles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, HELD_BACK, NOT_RUN = "passed", "failed", "held back", "not run"
OUTCOMES = (PASSED, FAILED, HELD_BACK, NOT_RUN)

# Why a check did not run (``CheckResult.cause``); the words for the student are in ``why``.
PUBLIC_ONLY, BUDGET, PROBLEM = "public only", "time budget", "problem"
CAUSES = (PUBLIC_ONLY, BUDGET, PROBLEM)


@dataclass(frozen=True)
class Failure:
    """Why a check failed.

    Attributes
    ----------
    call : str
        The smallest failing call, as text ("" when no call was made).
    expected : str
        What the contract asks for, in words ("" when only ``got`` explains).
    got : str
        What came back.
    detail : str
        An optional extra line.
    """

    call: str = ""
    expected: str = ""
    got: str = ""
    detail: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One check of one function and its outcome.

    Attributes
    ----------
    function : str
        The contract function the check grades.
    name : str
        The check's Python name, unique within its assignment and visibility.
    title : str
        The property in plain words.
    points : float
        What the check is worth.
    visibility : str
        ``"public"`` or ``"hidden"``.
    outcome : str
        One of :data:`OUTCOMES`.
    failure : Failure or None
        Set when ``outcome`` is ``failed``.
    why : str
        Set when ``outcome`` is ``held back`` or ``not run``: the reason in words.
    cause : str
        For ``not run``: one of :data:`CAUSES`.
    waits_for : tuple of str
        For ``held back``: the titles of the value checks of which one must pass.
    """

    function: str
    name: str
    title: str
    points: float
    visibility: str
    outcome: str
    failure: Failure | None = None
    why: str = ""
    cause: str = ""
    waits_for: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if (self.outcome == FAILED) != (self.failure is not None):
            raise ValueError("a failure belongs to a failed check, and only to one")
        if self.outcome == NOT_RUN and self.cause not in CAUSES:
            raise ValueError(f"a check that did not run needs a cause, one of {CAUSES}")

    @property
    def counted(self) -> bool:
        """Whether the check's points are part of the score (it passed)."""
        return self.outcome == PASSED

    @property
    def score(self) -> float:
        return self.points if self.counted else 0.0

    @property
    def in_grade(self) -> bool:
        """Whether the check is part of ``max_score`` (all but checks left out by choice)."""
        return not (self.outcome == NOT_RUN and self.cause == PUBLIC_ONLY)


@dataclass(frozen=True)
class FunctionResult:
    """The checks of one function, and notes on its failures."""

    name: str
    checks: tuple[CheckResult, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks if c.in_grade)

    def having(self, outcome: str) -> tuple[CheckResult, ...]:
        """The checks with one outcome, in order."""
        return tuple(c for c in self.checks if c.outcome == outcome)


@dataclass(frozen=True)
class AssignmentResult:
    """The functions of one assignment, and why it could not be graded, if so.

    Attributes
    ----------
    name : str
        The assignment.
    functions : tuple of FunctionResult
        In contract order.
    source : str
        The student's file ("" when not submitted).
    problem : str
        Why nothing could run ("" when it could).
    seconds : float
        Grading time.
    """

    name: str
    functions: tuple[FunctionResult, ...] = ()
    source: str = ""
    problem: str = ""
    seconds: float = field(default=0.0, compare=False)

    @property
    def score(self) -> float:
        return sum(f.score for f in self.functions)

    @property
    def max_score(self) -> float:
        return sum(f.max_score for f in self.functions)

    def function(self, name: str) -> FunctionResult:
        """One function's result, by its contract name."""
        for found in self.functions:
            if found.name == name:
                return found
        raise KeyError(name)

    def checks(self) -> Iterator[CheckResult]:
        """Every check of every function, in order."""
        for function in self.functions:
            yield from function.checks


def check_json(result: CheckResult) -> dict[str, Any]:
    """One check as plain data (an entry of a function's ``"checks"`` list)."""
    data: dict[str, Any] = {
        "name": result.name,
        "check": result.title,
        "points": result.points,
        "visibility": result.visibility,
        "outcome": result.outcome,
    }
    if result.failure is not None:
        data |= _failure_json(result.failure)
    if result.why:
        data["why"] = result.why
    if result.cause:
        data["cause"] = result.cause
    if result.waits_for:
        data["waits_for"] = list(result.waits_for)
    return data


def _failure_json(failure: Failure) -> dict[str, Any]:
    data = {"input": failure.call, "expected": failure.expected, "got": failure.got}
    return data | ({"detail": failure.detail} if failure.detail else {})


def function_json(assignment: str, function: FunctionResult) -> dict[str, Any]:
    """One function as in docs/contract.md: its score, every check, its failures and notes.

    ``"failed"`` repeats the failed checks in the older, shorter form
    (title, points, visibility and the failure) for readers that only list
    what lost points.
    """
    failed = [
        {
            "check": c.title,
            "points": c.points,
            "visibility": c.visibility,
            **_failure_json(c.failure or Failure()),
        }
        for c in function.having(FAILED)
    ]
    return {
        "score": float(function.score),
        "max_score": float(function.max_score),
        "checks": [check_json(c) for c in function.checks],
        "failed": failed,
        **({"notes": list(function.notes)} if function.notes else {}),
    }


def to_json(result: AssignmentResult) -> dict[str, Any]:
    """One graded assignment as plain data, keyed ``"<assignment>.<function>"``."""
    return {
        "name": result.name,
        "score": float(result.score),
        "max_score": float(result.max_score),
        "file": result.source,
        **({"problem": result.problem} if result.problem else {}),
        "functions": {
            f"{result.name}.{f.name}": function_json(result.name, f) for f in result.functions
        },
        "seconds": result.seconds,
    }


def check_from_json(function: str, data: Mapping[str, Any]) -> CheckResult:
    """Rebuild one :class:`CheckResult` from :func:`check_json`'s data."""
    failure = None
    if data["outcome"] == FAILED:
        failure = Failure(
            data.get("input", ""),
            data.get("expected", ""),
            data.get("got", ""),
            data.get("detail", ""),
        )
    return CheckResult(
        function=function,
        name=data["name"],
        title=data["check"],
        points=float(data["points"]),
        visibility=data["visibility"],
        outcome=data["outcome"],
        failure=failure,
        why=data.get("why", ""),
        cause=data.get("cause", ""),
        waits_for=tuple(data.get("waits_for", ())),
    )


def from_json(report: Mapping[str, Any], assignment: str) -> AssignmentResult:
    """Rebuild one assignment's result from a submission's JSON (or :func:`to_json`'s).

    Parameters
    ----------
    report : mapping
        A submission's JSON object (docs/contract.md), or one assignment's
        :func:`to_json` data.
    assignment : str
        Which assignment to rebuild.

    Returns
    -------
    AssignmentResult
    """
    part = report.get("assignments", {}).get(assignment, report)
    functions = []
    for key, entry in report["functions"].items():
        owner, name = key.split(".", 1)
        if owner != assignment:
            continue
        checks = tuple(check_from_json(name, c) for c in entry.get("checks", ()))
        functions.append(FunctionResult(name, checks, tuple(entry.get("notes", ()))))
    return AssignmentResult(
        assignment,
        tuple(functions),
        part.get("file", ""),
        part.get("problem", ""),
        float(part.get("seconds", 0.0)),
    )
