"""Feedback details are written only when a check fails, and read the same when they are."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks._support.vanishing_gradients import describe_chain
from autograder.grading import expect
from autograder.strategies import vanishing_gradients as vgs


def _never() -> str:
    raise AssertionError("a passing comparison wrote its feedback")


def test_a_passing_comparison_writes_no_detail() -> None:
    expect.is_string("saddle_point", "saddle_point", _never)
    expect.close(np.array([1.0, 2.0]), np.array([1.0, 2.0]), detail=_never)
    expect.close(1.0, 1.0, detail=expect.Later(_never))


def test_a_failing_comparison_writes_its_detail_once() -> None:
    written = []

    def detail() -> str:
        written.append(1)
        return "the eigenvalues of H are np.array([1.])"

    with pytest.raises(expect.CheckFailed) as failed:
        expect.is_string("minimum", "local_minimum", detail)
    assert failed.value.detail == "the eigenvalues of H are np.array([1.])"
    assert written == [1]
    with pytest.raises(expect.CheckFailed) as failed:
        expect.close(np.array([1.0]), np.array([2.0]), detail="plain text")
    assert failed.value.detail == "plain text"


def test_later_text_reads_the_same_in_an_f_string() -> None:
    chain = vgs.worked_chain("sigmoid")
    later = describe_chain(chain)
    assert f"{later}; more" == f"{later()}; more"
    assert str(later).startswith("the pre-activations z_1 .. z_L are np.array([")
