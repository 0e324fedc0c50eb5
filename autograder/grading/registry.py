"""Checks: each one property of one function, declared once with its points.

A check is a function taking the :class:`~autograder.grading.student.Student` proxy;
it may be a hypothesis ``@given`` test. It passes by returning and fails by
raising :class:`~autograder.grading.expect.CheckFailed` (or by breaking a sandbox
limit). Whether a check is public or hidden is decided by where it lives:
``autograder/checks/public/`` ships to students in the self-check,
``autograder/checks/hidden/`` stays on the grader.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.contract import ASSIGNMENTS, assignment_of

VISIBILITIES = ("public", "hidden")


@dataclass(frozen=True)
class Check:
    """One graded property of one function.

    Attributes
    ----------
    function : str
        The contract function it grades.
    title : str
        The property in plain words, as the student reads it in feedback.
    points : float
        What it is worth.
    run : callable
        ``run(student)``; raises on failure.
    visibility : str
        ``"public"`` or ``"hidden"``, from the module it is declared in.
    name : str
        The Python name of the check, unique within its module.
    needs : tuple of str
        Empty for a value check. For a supporting check, the names of the
        checks it depends on: its points count only when one of them counts
        (see :func:`check`).
    """

    function: str
    title: str
    points: float
    run: Callable[[Any], None]
    visibility: str
    name: str
    needs: tuple[str, ...] = ()

    @property
    def supporting(self) -> bool:
        """Whether the check's points wait for a value check (it has ``needs``)."""
        return bool(self.needs)

    @property
    def assignment(self) -> str:
        return assignment_of(self.function)


_DECLARED: dict[str, list[Check]] = {}


def check(
    function: str, points: float, title: str, needs: tuple[str, ...] = ()
) -> Callable[[Callable], Callable]:
    """Declare a check of ``function`` worth ``points``.

    The scoring rule: a *value check* (no ``needs``) earns its points when it
    passes. A *supporting check* names in ``needs`` the checks it depends
    on (value checks of its function or of a function it calls or that calls
    it, or, for a one-sided worked case of one answer, the cases of the other
    answers) and earns its points when it passes and one of those counts too
    (see :func:`autograder.grading.grade.counted_checks`). Supporting properties
    (type and shape, no mutation, input errors, invariants, monotonicity,
    agreement with the student's own helpers, one-sided worked cases) are
    necessary but not sufficient: code without logic has many of them (a
    constant is symmetric, weights that never move never increase the loss),
    so they pay only for a function that also computes something right. A
    supporting check that passes without support is "held back", and feedback
    says which checks would release it; when it fails, feedback shows the
    failure as for any check.

    Parameters
    ----------
    function : str
        A contract function name.
    points : float
        Points the check is worth.
    title : str
        The property in plain words.
    needs : tuple of str
        For a supporting check, the Python names of the checks (public or
        hidden, of the same assignment) of which one must count. A public
        supporting check names at least one public check, so that the
        self-check applies the rule too.

    Returns
    -------
    callable
        A decorator that registers the check and returns it unchanged.
    """
    assignment_of(function)
    needs = (needs,) if isinstance(needs, str) else tuple(needs)

    def register(run: Callable) -> Callable:
        module = run.__module__
        declared = Check(
            function, title, float(points), run, visibility_of(module), run.__name__, needs
        )
        _DECLARED.setdefault(module, []).append(declared)
        run.check = declared
        return run

    return register


def visibility_of(module: str) -> str:
    """Who sees the checks of ``module``: the folder after ``checks`` (public by default).

    ``autograder.checks.hidden.x`` and ``autograder.checks.hidden.x.part`` are hidden;
    a module elsewhere takes the name of the folder holding it.
    """
    parts = module.split(".")
    if "checks" in parts[:-2]:
        found = parts[parts.index("checks") + 1]
    else:
        found = parts[-2] if len(parts) >= 3 else "public"
    return found if found in VISIBILITIES else "public"


def checks_for(assignment: str, visibilities: tuple[str, ...] = VISIBILITIES) -> list[Check]:
    """Every declared check of one assignment, in contract order, public first.

    Parameters
    ----------
    assignment : str
        The assignment's name.
    visibilities : tuple of str
        Which check folders to load; the self-check loads ``("public",)``.

    Returns
    -------
    list of Check
    """
    found: list[Check] = []
    for visibility in visibilities:
        module = f"autograder.checks.{visibility}.{assignment}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            # The self-check's bundle has no autograder.checks.hidden package at all.
            if error.name not in (module, module.rsplit(".", 1)[0]):
                raise
            continue
        for declared_in, declared in _DECLARED.items():
            if declared_in == module or declared_in.startswith(module + "."):
                found.extend(declared)
    order = list(ASSIGNMENTS[assignment])
    return sorted(found, key=lambda c: order.index(c.function))
