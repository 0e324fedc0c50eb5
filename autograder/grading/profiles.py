"""Hypothesis settings profiles, kept in one place and selected per use.

``grading``
    The autograder: derandomised (the same submission always meets the same
    inputs), no example database (one student's failure must never be
    replayed on the next), no deadline (the sandbox's time limit is the only
    clock), one reported failure per check, no health check that could fail a
    student for the grader's own slowness.
``selfcheck``
    A student's local ``pytest`` run: the same, so that the self-check and the
    grader agree on public checks.
``dev``
    The project's own quick runs: fewer examples.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

from autograder.grading import hypothesis_hooks

hypothesis_hooks.without_local_constants()  # inputs must not depend on what is imported

_COMMON = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "report_multiple_bugs": False,
    "print_blob": False,
    "suppress_health_check": list(HealthCheck),
    "phases": (Phase.explicit, Phase.generate, Phase.shrink),
}

# 15 examples per check (explicit examples first). Measured on the tests' 92 wrong
# submissions (corpus, real code, no-logic files) with 30: 90% of the 867 failing
# checks failed on their first input and 99% by their fourth; every function that
# lost points lost them on some check's first three inputs. The second half of the
# inputs caught nothing another check did not, and cost half the grading time.
settings.register_profile("grading", max_examples=15, **_COMMON)
settings.register_profile("selfcheck", max_examples=15, **_COMMON)
settings.register_profile("dev", max_examples=10, **_COMMON)


def use(profile: str) -> None:
    """Load one of the profiles above for every check that runs next."""
    settings.load_profile(profile)
