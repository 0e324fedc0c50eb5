"""Everything the grader needs from hypothesis beyond its public API, checked on import.

Grading must be deterministic: a submission meets the same inputs in every
process, however it is graded. Two things need hypothesis's internals:

* :func:`without_local_constants`: since 6.13x hypothesis mixes literals found
  in the modules imported so far into its examples, so the same check would
  meet different inputs depending on what else the process imported (the
  reference or not, nbgrader or not): the same submission could score
  differently in the CLI, in a class run and in nbgrader.
* replaying recorded inputs (:mod:`autograder.grading.replay`) calls the body
  of a ``@given`` test directly (:func:`body`, :func:`replaced_body`) and
  counts its explicit ``@example`` inputs (:func:`explicit_examples`).

Each hook checks that what it touches exists, and this module checks on
import that a ``@given`` test still has the attributes the hooks use. A
hypothesis that changed raises :class:`HypothesisChanged` naming the version
these hooks were written for, instead of silently grading differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

TESTED_WITH = "6.155.2"
"""The hypothesis these hooks were written for (pinned in pyproject.toml)."""


class HypothesisChanged(RuntimeError):
    """This hypothesis lacks an internal the grader relies on: grading would not be stable."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"hypothesis {hypothesis.__version__} has no {what}; the grader's hooks "
            f"(autograder/grading/hypothesis_hooks.py) were written for {TESTED_WITH}: "
            f"install hypothesis=={TESTED_WITH} or update the hooks"
        )


def without_local_constants() -> None:
    """Stop hypothesis from drawing constants found in whatever modules are loaded.

    Raises
    ------
    HypothesisChanged
        When ``providers._get_local_constants`` or ``providers._local_constants``
        is gone.
    """
    for name in ("_get_local_constants", "_local_constants"):
        if not hasattr(providers, name):
            raise HypothesisChanged(f"hypothesis.internal.conjecture.providers.{name}")
    providers._get_local_constants = lambda: providers._local_constants


def is_given(test: Callable[..., Any]) -> bool:
    """Whether ``test`` is a hypothesis ``@given`` test (its inputs come from hypothesis)."""
    return getattr(test, "hypothesis", None) is not None


def body(test: Callable[..., Any]) -> Callable[..., Any]:
    """The function a ``@given`` test wraps: call it with one input to run the test once."""
    handle = getattr(test, "hypothesis", None)
    if handle is None or not hasattr(handle, "inner_test"):
        raise HypothesisChanged("inner_test on a @given test's .hypothesis handle")
    return handle.inner_test


@contextmanager
def replaced_body(test: Callable[..., Any], replacement: Callable[..., Any]) -> Iterator[None]:
    """Run ``test`` with ``replacement`` as its body (hypothesis calls it for each input)."""
    handle = test.hypothesis
    original = body(test)
    handle.inner_test = replacement
    try:
        yield
    finally:
        handle.inner_test = original


def explicit_examples(test: Callable[..., Any]) -> int:
    """How many ``@example`` inputs ``test`` has (hypothesis runs them first, unshrunk)."""
    return len(getattr(test, "hypothesis_explicit_examples", ()))


def _probe() -> None:
    """Check that a ``@given`` test still looks as the hooks above expect."""

    @example(0)
    @given(st.integers())
    def probe(n: int) -> None:
        del n

    if not callable(body(probe)):
        raise HypothesisChanged("callable inner_test on a @given test")
    if explicit_examples(probe) != 1:
        raise HypothesisChanged("hypothesis_explicit_examples on an @example test")


_probe()
