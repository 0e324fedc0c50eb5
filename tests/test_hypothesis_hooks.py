"""The grader's hooks into hypothesis's internals fail loudly when hypothesis changes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from autograder.grading import hypothesis_hooks
from autograder.grading.hypothesis_hooks import HypothesisChanged


def test_the_hooks_hold_on_the_pinned_hypothesis() -> None:
    import hypothesis

    assert hypothesis.__version__ == hypothesis_hooks.TESTED_WITH
    # profiles applied the local-constants hook when the grader was imported
    assert providers._get_local_constants() is providers._local_constants


def test_a_missing_local_constants_hook_stops_the_grader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(providers, "_local_constants")
    with pytest.raises(HypothesisChanged, match=r"_local_constants.*6\.155\.2"):
        hypothesis_hooks.without_local_constants()


def test_a_given_test_without_its_inner_test_stops_replay() -> None:
    @given(st.integers())
    def check(n: int) -> None:
        del n

    del check.hypothesis.inner_test
    assert hypothesis_hooks.is_given(check)
    with pytest.raises(HypothesisChanged, match="inner_test"):
        hypothesis_hooks.body(check)


def test_replaced_body_runs_for_each_input_and_is_put_back() -> None:
    seen: list[int] = []

    @example(7)
    @given(st.integers(0, 3))
    def check(n: int) -> None:
        del n

    def record(n: int) -> None:
        seen.append(n)

    original = hypothesis_hooks.body(check)
    assert hypothesis_hooks.explicit_examples(check) == 1
    with hypothesis_hooks.replaced_body(check, record):
        check()
    assert hypothesis_hooks.body(check) is original
    assert seen[0] == 7 and len(seen) > 1


def test_importing_the_grader_fails_on_a_hypothesis_without_the_hook() -> None:
    code = (
        "from hypothesis.internal.conjecture import providers\n"
        "del providers._get_local_constants\n"
        "import autograder.grading.profiles\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode != 0
    assert "HypothesisChanged" in run.stderr and "hypothesis==6.155.2" in run.stderr
