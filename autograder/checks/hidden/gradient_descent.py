"""Hidden checks of ``gradient_descent``: comparisons with the reference implementation.

Both sides get the same inputs: a generator rebuilt from the same seed
(``Seed.build``) and the same test callables (``Gradient.build``,
``Loss.build``). Trajectories agree to a relative tolerance of ``1e-6`` with
an absolute one scaled to the largest weight (docs/contract.md).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.checks._support.gradient_descent import (
    batch_list,
    check_same_run,
    epoch_pair,
    number,
    run_args,
    scalar,
    tolerance,
    vector,
)
from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.remembered import Remembering
from autograder.grading.show import show
from autograder.strategies import gradient_descent as gds
from autograder.strategies.described import Gradient, Loss, Seed
from reference import gradient_descent

# The slow runs, computed once per grading process for each input (the recorded
# inputs are the same for every student).
ref = Remembering(
    gradient_descent,
    (
        "train",
        "batch_gradient_descent",
        "stochastic_gradient_descent",
        "minibatch_gradient_descent",
    ),
)

# --- num_batches ------------------------------------------------------------------


@check("num_batches", points=1, title="agrees with the reference on random counts")
@example(case=gds.WORKED_COUNTS, drop_last=False)
@example(case=gds.WORKED_COUNTS, drop_last=True)
@given(case=gds.counts(), drop_last=st.booleans())
def num_batches_matches_reference(student, case, drop_last):
    """Both ``drop_last`` settings."""
    n, batch_size = case
    expected = ref.num_batches(n, batch_size, drop_last)
    got = number(student.num_batches(n, batch_size, drop_last), "an int")
    if got != expected:
        expect.fail(show(expected), show(got))


# --- minibatch_indices ------------------------------------------------------------


@check("minibatch_indices", points=0.5, title="agrees with the reference for every option")
@example(case=gds.WORKED_INDEX_CASE, shuffle=True, drop_last=False)
@example(case=gds.WORKED_INDEX_CASE, shuffle=True, drop_last=True)
@given(case=gds.index_cases(), shuffle=st.booleans(), drop_last=st.booleans())
def minibatch_matches_reference(student, case, shuffle, drop_last):
    """Same seed, same batches."""
    n, batch_size, seed = case
    rng = Seed(seed)
    expected = ref.minibatch_indices(n, batch_size, shuffle, rng.build(), drop_last)
    got = batch_list(student.minibatch_indices(n, batch_size, shuffle, rng, drop_last))
    if len(got) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(got, expected, strict=True)
    ):
        expect.fail(show(expected), show(got))


# --- iterate_minibatches ----------------------------------------------------------


@check("iterate_minibatches", points=1, title="agrees with the reference for every option")
@example(case=gds.WORKED_BATCHED, shuffle=True, drop_last=False)
@example(case=gds.WORKED_BATCHED, shuffle=True, drop_last=True)
@given(case=gds.batched_datasets(), shuffle=st.booleans(), drop_last=st.booleans())
def iterate_matches_reference(student, case, shuffle, drop_last):
    """Same seed, same batches of rows and targets."""
    X, y, batch_size, seed = case
    rng = Seed(seed)
    expected = list(ref.iterate_minibatches(X, y, batch_size, shuffle, rng.build(), drop_last))
    got = student.iterate_minibatches(X, y, batch_size, shuffle, rng, drop_last, consume=True)
    expect.returned_something(got, "batches")
    if not isinstance(got, list | tuple) or len(got) != len(expected):
        expect.fail(f"{len(expected)} batches", show(got))
    for k, (item, (Xb, yb)) in enumerate(zip(got, expected, strict=True)):
        same = (
            isinstance(item, list | tuple)
            and len(item) == 2
            and np.array_equal(np.asarray(item[0]), Xb)
            and np.array_equal(np.asarray(item[1]), yb)
        )
        if not same:
            expect.fail(f"batch {k} = {show((Xb, yb))}", show(item))


# --- mse_loss ---------------------------------------------------------------------


@check("mse_loss", points=2, title="agrees with the reference on random data")
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases())
def mse_loss_matches_reference(student, case):
    """Small data sets."""
    expected = ref.mse_loss(*case)
    got = scalar(student.mse_loss(*case))
    expect.close(got, expected, atol=1e-9 * (1 + expected))


@check("mse_loss", points=1, title="agrees with the reference on data sets of up to 2000 rows")
@given(case=gds.large_loss_cases())
def mse_loss_large_matches_reference(student, case):
    """Up to 2000 rows and 10 columns."""
    case = case.arrays()
    expected = ref.mse_loss(*case)
    got = scalar(student.mse_loss(*case))
    expect.close(got, expected, atol=1e-9 * (1 + expected))


# --- mse_gradient -----------------------------------------------------------------


def gradient_tolerance(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Rounding of ``X.T @ (X @ w - y)`` in any summation order, and then some."""
    scale = float(np.max(np.abs(X), initial=0.0)) * float(np.max(np.abs(X @ w - y)))
    return 1e-9 * (1 + scale)


@check("mse_gradient", points=1.5, title="agrees with the reference on random data")
@example(case=gds.WORKED_LOSS_CASE)
@given(case=gds.loss_cases())
def mse_gradient_matches_reference(student, case):
    """Small data sets."""
    expected = ref.mse_gradient(*case)
    got = vector(student.mse_gradient(*case), len(expected), "the gradient")
    expect.close(got, expected, atol=gradient_tolerance(*case), what="the gradient")


@check(
    "mse_gradient",
    points=0.5,
    title="agrees with the reference on data sets of up to 2000 rows",
)
@given(case=gds.large_loss_cases())
def mse_gradient_large_matches_reference(student, case):
    """Up to 2000 rows and 10 columns."""
    case = case.arrays()
    expected = ref.mse_gradient(*case)
    got = vector(student.mse_gradient(*case), len(expected), "the gradient")
    expect.close(got, expected, atol=gradient_tolerance(*case), what="the gradient")


# --- gd_step ----------------------------------------------------------------------


@check("gd_step", points=2, title="agrees with the reference")
@example(case=gds.WORKED_STEP)
@given(case=gds.steps())
def gd_step_matches_reference(student, case):
    """Random weights, gradients and step sizes."""
    expected = ref.gd_step(*case)
    got = vector(student.gd_step(*case), len(expected), "the new weights")
    expect.close(got, expected, atol=tolerance(expected) * 1e-3, what="the new weights")


# --- run_epoch --------------------------------------------------------------------


@check(
    "run_epoch",
    points=1.5,
    title="with the default grad_fn (your mse_gradient) agrees with the reference",
)
@example(case=gds.WORKED_EPOCH, drop_last=False)
@example(case=gds.WORKED_EPOCH, drop_last=True)
@given(case=gds.epoch_cases(), drop_last=st.booleans())
def run_epoch_matches_reference(student, case, drop_last):
    """The mean squared error's gradient, both ``drop_last`` settings."""
    rng = Seed(case.seed)
    args = (case.w, case.X, case.y, case.batch_size, case.lr)
    w_ref, n_ref = ref.run_epoch(*args, rng.build(), drop_last=drop_last)
    w_got, n_got = epoch_pair(student.run_epoch(*args, rng, drop_last=drop_last), len(case.w))
    w_got = expect.is_array(w_got, w_ref.shape, what="the returned w")
    expect.close(w_got, w_ref, atol=tolerance(case.w, w_ref), what="the returned w")
    if n_got != n_ref:
        expect.fail(f"n_updates = {n_ref}", show(n_got))


# --- train ------------------------------------------------------------------------


@check(
    "train",
    points=1,
    title="with lr_decay and a test gradient and loss agrees with the reference",
)
@example(problem=gds.worked_problem(decay=True))
@given(problem=gds.problems(min_epochs=1, decay=True))
def train_decay_matches_reference(student, problem):
    """Decayed step sizes, test callables."""
    args = (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)
    grad, loss = Gradient("pull"), Loss("pull")
    expected = ref.train(
        *args, lr_decay=problem.lr_decay, grad_fn=grad.build(), loss_fn=loss.build()
    )
    got = student.train(*args, lr_decay=problem.lr_decay, grad_fn=grad, loss_fn=loss)
    check_same_run(got, expected, problem, "compared with the reference")


@check(
    "train",
    points=1,
    title="with the default grad_fn and loss_fn (yours) agrees with the reference",
)
@example(problem=gds.worked_problem(decay=True))
@given(problem=gds.problems(min_epochs=1, decay=True))
def train_defaults_match_reference(student, problem):
    """Your mse_gradient and mse_loss inside train."""
    args = (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)
    expected = ref.train(*args, lr_decay=problem.lr_decay)
    got = student.train(*args, lr_decay=problem.lr_decay)
    check_same_run(got, expected, problem, "compared with the reference")


# --- the three flavours -----------------------------------------------------------


def flavour_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.lr, problem.epochs, problem.seed)


@check("batch_gradient_descent", points=1, title="agrees with the reference on small data sets")
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(min_epochs=1, max_epochs=6, batch_size="full"))
def bgd_matches_reference(student, problem):
    """Up to 20 rows."""
    expected = ref.batch_gradient_descent(*flavour_args(problem))
    got = student.batch_gradient_descent(*flavour_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")


@check(
    "batch_gradient_descent",
    points=1,
    title="agrees with the reference on data sets of up to 2000 rows",
)
@example(problem=gds.worked_seeded_problem(510, 100, 2))
@given(problem=gds.large_problems())
def bgd_large_matches_reference(student, problem):
    """500 to 2000 rows, up to 10 columns."""
    problem = problem.problem()
    problem = problem._replace(batch_size=len(problem.X))
    expected = ref.batch_gradient_descent(*flavour_args(problem))
    got = student.batch_gradient_descent(*flavour_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")


@check(
    "stochastic_gradient_descent",
    points=1.5,
    title="agrees with the reference on small data sets",
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(min_epochs=1, batch_size="one"))
def sgd_matches_reference(student, problem):
    """Up to 20 rows."""
    expected = ref.stochastic_gradient_descent(*flavour_args(problem))
    got = student.stochastic_gradient_descent(*flavour_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")


@check(
    "stochastic_gradient_descent",
    points=1,
    title="agrees with the reference over up to 10 epochs on up to 100 rows",
)
@example(problem=gds.worked_seeded_problem(20, 1, 5))
@given(problem=gds.seeded_problems(20, 100, 1, min_epochs=5, max_epochs=10))
def sgd_long_matches_reference(student, problem):
    """Longer runs."""
    problem = problem.problem()._replace(batch_size=1)
    expected = ref.stochastic_gradient_descent(*flavour_args(problem))
    got = student.stochastic_gradient_descent(*flavour_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")


def mbgd_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)


@check(
    "minibatch_gradient_descent",
    points=1.5,
    title="agrees with the reference on small data sets",
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems(min_epochs=1))
def mbgd_matches_reference(student, problem):
    """Up to 20 rows, any batch size."""
    expected = ref.minibatch_gradient_descent(*mbgd_args(problem))
    got = student.minibatch_gradient_descent(*mbgd_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")


@check(
    "minibatch_gradient_descent",
    points=1,
    title="agrees with the reference on data sets of up to 2000 rows",
)
@example(problem=gds.worked_seeded_problem(510, 100, 2))
@given(problem=gds.large_problems())
def mbgd_large_matches_reference(student, problem):
    """500 to 2000 rows, batches of at least 100."""
    problem = problem.problem()
    expected = ref.minibatch_gradient_descent(*mbgd_args(problem))
    got = student.minibatch_gradient_descent(*mbgd_args(problem))
    check_same_run(got, expected, problem, "compared with the reference")
