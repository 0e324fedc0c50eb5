"""The reference's slow runs are computed once per process for the same plain arguments."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks.hidden import gradient_descent as hidden
from autograder.grading.remembered import remembering
from reference import gradient_descent as reference


@pytest.fixture
def counted() -> tuple[list[tuple], object]:
    calls: list[tuple] = []

    def run(w, lr=1.0, grad_fn=None):
        calls.append((w, lr))
        return {"weights": np.asarray(w, dtype=float) * lr}

    return calls, remembering(run)


def test_the_same_plain_call_is_computed_once(counted) -> None:
    calls, run = counted
    first = run(np.array([1.0, 2.0]), lr=0.5)
    first["weights"][:] = 99.0  # a check may change what it gets
    again = run(np.array([1.0, 2.0]), lr=0.5)
    assert again["weights"].tolist() == [0.5, 1.0]
    assert len(calls) == 1


def test_any_difference_in_the_arguments_is_another_call(counted) -> None:
    calls, run = counted
    run(np.array([1.0, 2.0]))
    run(np.array([1.0, 2.0], dtype=np.float32))
    run(np.array([[1.0, 2.0]]))
    run(np.array([1.0, 2.0]), lr=1)
    run(np.array([1.0, 2.0]), lr=np.float64(1.0))
    run(np.array([0.0, 2.0]))
    run(np.array([-0.0, 2.0]))
    assert len(calls) == 7


def test_calls_with_a_callable_or_a_generator_are_always_computed(counted) -> None:
    calls, run = counted
    for _ in range(2):
        run(np.array([1.0]), grad_fn=lambda w: w)
        run(np.array([1.0]), grad_fn=np.random.default_rng(0))
    assert len(calls) == 4


def test_the_hidden_checks_get_the_reference_itself_for_the_rest() -> None:
    assert hidden.ref.num_batches is reference.num_batches
    assert hidden.ref.train is not reference.train
    X, y, w0 = np.eye(3), np.ones(3), np.zeros(3)
    runs = [hidden.ref.stochastic_gradient_descent(X, y, w0, 0.1, 2, 7) for _ in range(2)]
    plain = reference.stochastic_gradient_descent(X, y, w0, 0.1, 2, 7)
    for run in runs:
        for key in plain:
            assert np.array_equal(run[key], plain[key]) and run[key].dtype == plain[key].dtype
    assert runs[0]["weights"] is not runs[1]["weights"]
