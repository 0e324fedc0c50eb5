"""Public checks of ``mse_loss``, ``mse_gradient`` and ``gd_step``."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from autograder.checks._support.gradient_descent import mse, scalar, tolerance, vector
from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.show import show
from autograder.grading.student import returned
from autograder.strategies import gradient_descent as gds

MSE_LOSS_VALUES = (
    "mse_loss_single_row",
    "mse_loss_worked",
    "mse_loss_matches_reference",
    "mse_loss_large_matches_reference",
)
MSE_GRADIENT_VALUES = (
    "mse_gradient_numerical",
    "mse_gradient_single_row",
    "mse_gradient_matches_reference",
    "mse_gradient_large_matches_reference",
)
GD_STEP_VALUES = ("gd_step_value", "gd_step_worked", "gd_step_matches_reference")


@check("mse_loss", points=1.5, title="on one example the loss is half its squared residual")
@example(case=gds.WORKED_ROW)
@given(case=gds.loss_cases(max_n=1))
def mse_loss_single_row(student, case):
    """``0.5 * (x . w - y) ** 2`` for a single row."""
    w, X, y = case
    residual = float(X[0] @ w - y[0])
    expected = 0.5 * residual**2
    got = scalar(student.mse_loss(w, X, y))
    expect.close(
        got, expected, atol=1e-9 * (1 + expected), detail=f"the residual x . w - y is {residual!r}"
    )


@check("mse_loss", points=1.5, title="worked example: residuals 1, 2, 3 give 0.5 * 14 / 3")
def mse_loss_worked(student):
    """``w = [1, 2]``, three rows, ``y = 0``."""
    w = np.array([1.0, 2.0])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.zeros(3)
    got = scalar(student.mse_loss(w, X, y))
    expect.close(got, 7 / 3, rtol=1e-12, detail="X @ w - y = [1, 2, 3]: 0.5 * (1 + 4 + 9) / 3")


@check(
    "mse_loss",
    points=2,
    title="stacking the data set twice leaves the loss unchanged (a mean, not a sum)",
    needs=MSE_LOSS_VALUES,
)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases())
def mse_loss_duplicated(student, case):
    """``mse_loss(w, [X; X], [y; y]) == mse_loss(w, X, y)``."""
    w, X, y = case
    once = scalar(student.mse_loss(w, X, y))
    twice = scalar(student.mse_loss(w, np.vstack([X, X]), np.concatenate([y, y])))
    expect.close(
        twice,
        once,
        atol=1e-9 * (1 + abs(once)),
        what="the loss on the doubled data",
        detail=f"the loss on the data itself was {once!r}",
    )


@check("mse_loss", points=1, title="is zero when y == X @ w", needs=MSE_LOSS_VALUES)
@given(case=gds.exact_fits())
def mse_loss_zero(student, case):
    """A perfect fit has no loss."""
    w, X, y = case
    got = scalar(student.mse_loss(w, X, y))
    expect.close(got, 0.0, atol=1e-12, detail="every residual X @ w - y is 0")


@check("mse_loss", points=1, title="returns a float", needs=MSE_LOSS_VALUES)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases(max_n=5))
def mse_loss_float(student, case):
    """A Python or NumPy float (a 0-d array is accepted), not an array."""
    expect.is_float(student.mse_loss(*case))


# --- mse_gradient ---------------------------------------------------------------


@check(
    "mse_gradient",
    points=3,
    title="matches central differences of 0.5 * mean((X @ w - y) ** 2)",
)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases())
def mse_gradient_numerical(student, case):
    """A gradient check (relative error scaled to the gradient's size)."""
    w, X, y = case
    d = len(w)
    h = 1e-3
    numerical = np.empty(d)
    for i in range(d):
        step = np.zeros(d)
        step[i] = h
        numerical[i] = (mse(w + step, X, y) - mse(w - step, X, y)) / (2 * h)
    got = vector(student.mse_gradient(w, X, y), d, "the gradient")
    rounding = 1e-12 * (1 + mse(w, X, y)) / h
    expect.close(
        got,
        numerical,
        atol=1e-6 * (1 + float(np.max(np.abs(numerical)))) + rounding,
        what="the gradient",
        detail=f"central differences with h = {h} give {show(numerical)}",
    )


@check(
    "mse_gradient",
    points=2,
    title="stacking the data set twice leaves the gradient unchanged (a mean, not a sum)",
    needs=MSE_GRADIENT_VALUES,
)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases())
def mse_gradient_duplicated(student, case):
    """``mse_gradient(w, [X; X], [y; y]) == mse_gradient(w, X, y)``."""
    w, X, y = case
    d = len(w)
    once = vector(student.mse_gradient(w, X, y), d, "the gradient")
    twice = vector(
        student.mse_gradient(w, np.vstack([X, X]), np.concatenate([y, y])), d, "the gradient"
    )
    scale = float(np.max(np.abs(X), initial=0.0)) * float(np.max(np.abs(X @ w - y)))
    expect.close(
        twice,
        once,
        atol=1e-9 * (1 + scale),
        what="the gradient on the doubled data",
        detail=f"the gradient on the data itself was {show(once)}",
    )


@check("mse_gradient", points=1, title="on one example the gradient is (x . w - y) * x")
@example(case=gds.WORKED_ROW)
@given(case=gds.loss_cases(max_n=1))
def mse_gradient_single_row(student, case):
    """The gradient of half a squared residual."""
    w, X, y = case
    residual = float(X[0] @ w - y[0])
    expected = residual * X[0]
    got = vector(student.mse_gradient(w, X, y), len(w), "the gradient")
    expect.close(
        got,
        expected,
        atol=1e-9 * (1 + float(np.max(np.abs(expected)))),
        what="the gradient",
        detail=f"the residual x . w - y is {residual!r}",
    )


@check(
    "mse_gradient",
    points=1,
    title="returns a float array of shape (d,)",
    needs=MSE_GRADIENT_VALUES,
)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases(max_n=5))
def mse_gradient_shape(student, case):
    """One entry per weight."""
    w, X, y = case
    expect.is_array(student.mse_gradient(w, X, y), (len(w),), what="the gradient")


@check("mse_gradient", points=1, title="leaves w, X and y unchanged", needs=MSE_GRADIENT_VALUES)
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases(max_n=8))
def mse_gradient_no_mutation(student, case):
    """No argument is modified in place."""
    outcome = student.call("mse_gradient", *case)
    returned(outcome)
    if outcome.mutated:
        names = {"0": "w", "1": "X", "2": "y"}
        changed = ", ".join(names.get(key, key) for key in outcome.mutated)
        expect.fail("w, X and y left unchanged", f"{changed} modified in place")


# --- gd_step --------------------------------------------------------------------


@check("gd_step", points=3, title="returns w - lr * grad")
@example(case=gds.WORKED_STEP)
@given(case=gds.steps())
def gd_step_value(student, case):
    """One step against the gradient."""
    w, grad, lr = case
    expected = w - lr * grad
    got = vector(student.gd_step(w, grad, lr), len(w), "the new weights")
    expect.close(got, expected, atol=tolerance(w, expected) * 1e-3, what="the new weights")


@check("gd_step", points=1, title="worked example: w = [1, 2], grad = [0.5, -1], lr = 0.1")
def gd_step_worked(student):
    """Gives ``[0.95, 2.1]``."""
    got = vector(
        student.gd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1), 2, "the new weights"
    )
    expect.close(got, [0.95, 2.1], rtol=1e-12, what="the new weights")


@check("gd_step", points=2, title="leaves w unchanged (returns a new array)", needs=GD_STEP_VALUES)
@example(case=gds.WORKED_STEP)
@given(case=gds.steps())
def gd_step_w_unchanged(student, case):
    """No in-place update of ``w``."""
    outcome = student.call("gd_step", *case)
    returned(outcome)
    if "0" in outcome.mutated:
        expect.fail("w left unchanged", "w was modified in place")


@check("gd_step", points=1, title="leaves grad unchanged", needs=GD_STEP_VALUES)
@example(case=gds.WORKED_STEP)
@given(case=gds.steps())
def gd_step_grad_unchanged(student, case):
    """No in-place update of ``grad``."""
    outcome = student.call("gd_step", *case)
    returned(outcome)
    if "1" in outcome.mutated:
        expect.fail("grad left unchanged", "grad was modified in place")


@check("gd_step", points=1, title="returns a float array of the shape of w", needs=GD_STEP_VALUES)
@example(case=gds.WORKED_STEP)
@given(case=gds.steps())
def gd_step_shape(student, case):
    """Shape ``(d,)``."""
    w, grad, lr = case
    expect.is_array(student.gd_step(w, grad, lr), w.shape, what="the new weights")
