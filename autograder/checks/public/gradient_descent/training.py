"""Public checks of ``run_epoch``, ``train`` and the three gradient descents."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from autograder.checks._support.gradient_descent import (
    bgd_args,
    check_full_steps,
    check_run_shapes,
    check_same_run,
    check_single_example_steps,
    check_updates,
    epoch_args,
    epoch_pair,
    field,
    mbgd_args,
    mse,
    permutations,
    rows_of,
    run_args,
    slices,
    state_after_permutation,
    tolerance,
    train_args,
    weights_of,
)
from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.show import show
from autograder.grading.student import returned
from autograder.strategies import gradient_descent as gds
from autograder.strategies.described import Gradient, Loss

RUN_EPOCH_VALUES = (
    "run_epoch_batches",
    "run_epoch_weights",
    "run_epoch_drop_last",
    "run_epoch_matches_reference",
)
TRAIN_VALUES = (
    "train_reshuffles",
    "train_lr_decay",
    "train_decay_matches_reference",
    "train_defaults_match_reference",
)
BGD_VALUES = ("bgd_full_steps", "bgd_matches_reference", "bgd_large_matches_reference")
SGD_VALUES = ("sgd_single_steps", "sgd_matches_reference", "sgd_long_matches_reference")
MBGD_VALUES = (
    "mbgd_full_batch",
    "mbgd_single_example",
    "mbgd_matches_reference",
    "mbgd_large_matches_reference",
)


@check(
    "run_epoch",
    points=1.5,
    title="returns (w, n_updates) with the int n_updates == ceil(len(X) / batch_size)",
    needs=RUN_EPOCH_VALUES,
)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases())
def run_epoch_updates(student, case):
    """The number of updates of one epoch."""
    got = student.run_epoch(*epoch_args(case))
    _, n_updates = epoch_pair(got, len(case.w))
    n_updates = expect.is_int(n_updates, "n_updates as an int")
    expected = -(-len(case.X) // case.batch_size)
    if n_updates != expected:
        expect.fail(
            f"n_updates = {expected}",
            show(n_updates),
            f"{len(case.X)} rows in batches of {case.batch_size}",
        )


@check(
    "run_epoch",
    points=2,
    title="grad_fn is called on the batches of rng.permutation(len(X)), in order",
)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases())
def run_epoch_batches(student, case):
    """The batches ``grad_fn`` sees (recorded by their targets)."""
    outcome = student.call("run_epoch", *epoch_args(case, record=True))
    returned(outcome)
    seen = outcome.recorded[0] if outcome.recorded else []
    (order,) = permutations(len(case.X), case.seed)
    expected = [case.y[idx] for idx in slices(order, case.batch_size)]
    same = len(seen) == len(expected) and all(
        np.array_equal(a, b) for a, b in zip(seen, expected, strict=True)
    )
    if not same:
        expect.fail(
            f"grad_fn called on the y batches {show(expected)}",
            f"{show(seen)}" if seen else "grad_fn never called",
            f"np.random.default_rng({case.seed}).permutation({len(case.X)}) is {show(order)}",
        )


@check(
    "run_epoch",
    points=2,
    title="returns the weights after w = w - lr * grad_fn(w, X[idx], y[idx]) for each batch",
)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases())
def run_epoch_weights(student, case):
    """Recomputed batch by batch with the test gradient."""
    got = student.run_epoch(*epoch_args(case))
    w_got, _ = epoch_pair(got, len(case.w))
    grad = Gradient("pull").build()
    (order,) = permutations(len(case.X), case.seed)
    w = case.w.copy()
    for idx in slices(order, case.batch_size):
        w = w - case.lr * grad(w, case.X[idx], case.y[idx])
    w_got = expect.is_array(w_got, case.w.shape, what="the returned w")
    expect.close(
        w_got,
        w,
        atol=tolerance(case.w, w),
        what="the returned w",
        detail=(
            "grad_fn is a test gradient, w - mean(y_i * x_i) over the batch; "
            f"batches of np.random.default_rng({case.seed}).permutation({len(case.X)}) "
            f"= {show(order)}"
        ),
    )


@check(
    "run_epoch",
    points=1,
    title="draws from rng exactly one permutation(len(X))",
    needs=RUN_EPOCH_VALUES,
)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases(min_n=2))
def run_epoch_rng_consumed_once(student, case):
    """The generator passed in is the one that shuffles, once."""
    outcome = student.call("run_epoch", *epoch_args(case))
    returned(outcome)
    if outcome.rng_states[0] != state_after_permutation(len(case.X), case.seed):
        expect.fail(
            f"rng in the state np.random.default_rng({case.seed}) has after one "
            f"permutation({len(case.X)})",
            "a different state (the rng passed in was not used, or used for other draws)",
        )


@check("run_epoch", points=1, title="leaves the w passed in unchanged", needs=RUN_EPOCH_VALUES)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases())
def run_epoch_w_unchanged(student, case):
    """No in-place update of the caller's weights."""
    outcome = student.call("run_epoch", *epoch_args(case))
    returned(outcome)
    if "0" in outcome.mutated:
        expect.fail("w left unchanged", "the w passed in was modified in place")


@check(
    "run_epoch",
    points=1,
    title="drop_last skips a short last batch and counts only the updates made",
)
@example(case=gds.WORKED_EPOCH)
@given(case=gds.epoch_cases(short_last=True))
def run_epoch_drop_last(student, case):
    """Only full batches reach ``grad_fn``, and ``n_updates`` counts them."""
    outcome = student.call("run_epoch", *epoch_args(case, record=True), True)
    got = returned(outcome)
    _, n_updates = epoch_pair(got, len(case.w))
    seen = outcome.recorded[0] if outcome.recorded else []
    sizes = [len(batch) for batch in seen]
    expected = [case.batch_size] * (len(case.X) // case.batch_size)
    detail = f"{len(case.X)} rows in batches of {case.batch_size}, the short last batch dropped"
    if sizes != expected:
        expect.fail(f"grad_fn called on batches of sizes {expected}", f"sizes {sizes}", detail)
    if n_updates != len(expected):
        expect.fail(f"n_updates = {len(expected)}", show(n_updates), detail)


@check(
    "train",
    points=1,
    title='returns a dict of "weights" (epochs+1, d), "losses" (epochs+1,), "updates" (epochs,)',
    needs=TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.Problem(np.eye(2), np.array([1.0, 2.0]), np.zeros(2), 1, 0.5, 0, 0, 0.0))
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def train_shapes(student, problem):
    """The shapes of the three arrays."""
    args, kwargs = train_args(problem)
    got = student.train(*args, **kwargs)
    epochs, d = problem.epochs, problem.X.shape[1]
    field(got, "weights", (epochs + 1, d))
    field(got, "losses", (epochs + 1,))
    field(got, "updates", (epochs,))


@check(
    "train",
    points=1,
    title='"updates" has an integer dtype, also when epochs == 0',
    needs=TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.Problem(np.eye(2), np.array([1.0, 2.0]), np.zeros(2), 1, 0.5, 0, 0, 0.0))
@example(problem=gds.worked_problem())
@given(problem=gds.problems(max_n=8))
def train_updates_dtype(student, problem):
    """Counts are integers."""
    args, kwargs = train_args(problem)
    field(student.train(*args, **kwargs), "updates", (problem.epochs,), kind="i")


@check("train", points=1, title='"weights" starts with w0', needs=TRAIN_VALUES + RUN_EPOCH_VALUES)
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def train_starts_at_w0(student, problem):
    """The first row of the trajectory."""
    args, kwargs = train_args(problem)
    weights = weights_of(student.train(*args, **kwargs), problem)
    if not np.array_equal(weights[0], problem.w0):
        expect.fail(f'result["weights"][0] = w0 = {show(problem.w0)}', show(weights[0]))


@check(
    "train",
    points=1,
    title="makes ceil(len(X) / batch_size) updates in every epoch",
    needs=TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def train_updates(student, problem):
    """The update count of each epoch."""
    args, kwargs = train_args(problem)
    got = student.train(*args, **kwargs)
    n, b = len(problem.X), problem.batch_size
    check_updates(got, problem, -(-n // b), f"{n} rows in batches of {b}")


@check(
    "train",
    points=1.5,
    title="reshuffles every epoch with one generator np.random.default_rng(seed)",
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems(min_n=2, min_epochs=2))
def train_reshuffles(student, problem):
    """Epoch ``e`` uses the batches of the ``e``-th permutation of one generator."""
    args, kwargs = train_args(problem, grad_fn=Gradient("pull", record=True))
    outcome = student.call("train", *args, **kwargs)
    returned(outcome)
    seen = outcome.recorded[0] if outcome.recorded else []
    n, b = len(problem.X), problem.batch_size
    orders = permutations(n, problem.seed, problem.epochs)
    expected = [problem.y[idx] for order in orders for idx in slices(order, b)]
    same = len(seen) == len(expected) and all(
        np.array_equal(a, c) for a, c in zip(seen, expected, strict=True)
    )
    if not same:
        expect.fail(
            f"grad_fn called on the y batches {show(expected)}",
            show(seen) if seen else "grad_fn never called",
            f"rng = np.random.default_rng({problem.seed}) once; its permutations are "
            f"{show(orders)}",
        )


@check(
    "train",
    points=1,
    title='"losses" holds loss_fn on the whole data set at each row of "weights"',
    needs=TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def train_losses(student, problem):
    """Recorded with the ``loss_fn`` passed in (a test loss here)."""
    args, kwargs = train_args(problem, grad_fn=Gradient("pull"), loss_fn=Loss("pull"))
    got = student.train(*args, **kwargs)
    weights = weights_of(got, problem)
    losses = field(got, "losses", (problem.epochs + 1,))
    loss = Loss("pull").build()
    expected = np.array([loss(w, problem.X, problem.y) for w in weights])
    expect.close(
        losses,
        expected,
        atol=tolerance(expected),
        what='result["losses"]',
        detail="loss_fn is a test loss, 0.5 * ||w - mean(y_i * x_i)||**2, on all of X and y",
    )


@check("train", points=1.5, title="epoch e (from 0) uses the step size lr / (1 + lr_decay * e)")
@example(problem=gds.worked_problem(decay=True))
@given(problem=gds.problems(min_epochs=1, decay=True))
def train_lr_decay(student, problem):
    """Each epoch recomputed from the returned weights and the batches grad_fn saw."""
    args, kwargs = train_args(
        problem, lr_decay=problem.lr_decay, grad_fn=Gradient("pull", record=True)
    )
    outcome = student.call("train", *args, **kwargs)
    weights = weights_of(returned(outcome), problem)
    seen = outcome.recorded[0] if outcome.recorded else []
    n, b = len(problem.X), problem.batch_size
    per_epoch = -(-n // b)
    if len(seen) != per_epoch * problem.epochs:
        expect.fail(
            f"{per_epoch} calls of grad_fn per epoch, {per_epoch * problem.epochs} in all",
            f"{len(seen)}",
        )
    grad = Gradient("pull").build()
    for e in range(problem.epochs):
        step = problem.lr / (1 + problem.lr_decay * e)
        w = (problem.w0 if e == 0 else weights[e]).copy()
        for batch in seen[e * per_epoch : (e + 1) * per_epoch]:
            idx = rows_of(problem.y, batch)
            w = w - step * grad(w, problem.X[idx], problem.y[idx])
        expect.close(
            weights[e + 1],
            w,
            atol=tolerance(weights[e], problem.w0, w),
            what=f'result["weights"][{e + 1}]',
            detail=(
                f"epoch {e} from weights[{e}] with the step size lr / (1 + lr_decay * {e}) "
                f"= {step!r} (grad_fn is a test gradient, w - mean(y_i * x_i))"
            ),
        )


@check(
    "batch_gradient_descent",
    points=2,
    title="makes exactly one update per epoch",
    needs=BGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(batch_size="full"))
def bgd_updates(student, problem):
    """``updates`` is all ones."""
    got = student.batch_gradient_descent(*bgd_args(problem))
    check_updates(got, problem, 1, "BGD uses the whole data set in each update")


@check(
    "batch_gradient_descent",
    points=1,
    title="returns weights (epochs+1, d) starting at w0, losses (epochs+1,), updates (epochs,)",
    needs=BGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(batch_size="full"))
def bgd_shapes(student, problem):
    """The trajectory's shapes and start."""
    check_run_shapes(student.batch_gradient_descent(*bgd_args(problem)), problem)


@check(
    "batch_gradient_descent",
    points=2,
    title="the loss never increases when lr <= 1 / lambda_max(X.T @ X / n)",
    needs=BGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(min_epochs=1, max_epochs=6, batch_size="full"))
def bgd_monotone(student, problem):
    """Descent on a convex quadratic with a safe step."""
    X, y = problem.X, problem.y
    weights = weights_of(student.batch_gradient_descent(*bgd_args(problem)), problem)
    losses = [mse(w, X, y) for w in weights]
    scale = float(np.max(np.abs(y))) + X.shape[1] * 10 * (1 + float(np.max(np.abs(weights))))
    slack = 1e-11 * scale**2
    for e in range(problem.epochs):
        if losses[e + 1] > losses[e] + slack:
            expect.fail(
                f"a loss at weights[{e + 1}] no larger than {losses[e]!r} (at weights[{e}])",
                f"{losses[e + 1]!r}",
                f"0.5 * mean((X @ w - y)**2) along your weights {show(weights)}, lr = "
                f"{problem.lr!r} <= 1 / max_i ||x_i||**2",
            )


@check(
    "batch_gradient_descent",
    points=2,
    title="each epoch is one step w - lr * X.T @ (X @ w - y) / n on the whole data set",
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(min_epochs=1, batch_size="full"))
def bgd_full_steps(student, problem):
    """Recomputed from the returned weights."""
    check_full_steps(student.batch_gradient_descent(*bgd_args(problem)), problem)


@check(
    "batch_gradient_descent",
    points=1,
    title="returns the same as your train with batch_size = len(X)",
    needs=BGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(min_epochs=1, batch_size="full"))
def bgd_is_train(student, problem):
    """BGD is ``train`` with the full batch."""
    expected = student.train(
        *run_args(problem), len(problem.X), problem.lr, problem.epochs, problem.seed
    )
    got = student.batch_gradient_descent(*bgd_args(problem))
    check_same_run(got, expected, problem, "compared with your train(..., batch_size=len(X))")


# --- stochastic_gradient_descent ------------------------------------------------------


@check(
    "stochastic_gradient_descent",
    points=2,
    title="makes len(X) updates per epoch",
    needs=SGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(batch_size="one"))
def sgd_updates(student, problem):
    """One update per example."""
    got = student.stochastic_gradient_descent(*bgd_args(problem))
    check_updates(got, problem, len(problem.X), "SGD makes one update per example")


@check(
    "stochastic_gradient_descent",
    points=1,
    title="returns weights (epochs+1, d) starting at w0, losses (epochs+1,), updates (epochs,)",
    needs=SGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(batch_size="one"))
def sgd_shapes(student, problem):
    """The trajectory's shapes and start."""
    check_run_shapes(student.stochastic_gradient_descent(*bgd_args(problem)), problem)


@check(
    "stochastic_gradient_descent",
    points=2,
    title="each epoch steps through the examples one at a time, in a fresh seeded random order",
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(min_epochs=1, batch_size="one"))
def sgd_single_steps(student, problem):
    """Recomputed from the returned weights, in the orders of ``default_rng(seed)``."""
    check_single_example_steps(student.stochastic_gradient_descent(*bgd_args(problem)), problem)


@check(
    "stochastic_gradient_descent",
    points=1.5,
    title="on a noiseless problem y = X @ w_star, no epoch moves the weights away from w_star",
    needs=SGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(case=gds.worked_consistent_problem())
@given(case=gds.consistent_problems())
def sgd_approaches_solution(student, case):
    """Each single-example step with ``lr * ||x||**2 <= 1`` is a contraction towards ``w_star``."""
    problem, w_star = case
    weights = weights_of(student.stochastic_gradient_descent(*bgd_args(problem)), problem)
    distances = [float(v) for v in np.linalg.norm(weights - w_star, axis=1)]
    slack = 1e-9 * (1 + float(np.max(np.abs(weights))))
    for e in range(problem.epochs):
        if distances[e + 1] > distances[e] + slack:
            expect.fail(
                f"||weights[{e + 1}] - w_star|| <= {distances[e]!r}",
                f"{distances[e + 1]!r}",
                f"w_star = {show(w_star)}, your weights {show(weights)}",
            )


@check(
    "stochastic_gradient_descent",
    points=1,
    title="returns the same as your train with batch_size = 1",
    needs=SGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(min_epochs=1, batch_size="one"))
def sgd_is_train(student, problem):
    """SGD is ``train`` with batches of one."""
    expected = student.train(*run_args(problem), 1, problem.lr, problem.epochs, problem.seed)
    got = student.stochastic_gradient_descent(*bgd_args(problem))
    check_same_run(got, expected, problem, "compared with your train(..., batch_size=1)")


@check(
    "minibatch_gradient_descent",
    points=2,
    title="makes ceil(len(X) / batch_size) updates per epoch",
    needs=MBGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def mbgd_updates(student, problem):
    """One update per batch."""
    got = student.minibatch_gradient_descent(*mbgd_args(problem))
    n, b = len(problem.X), problem.batch_size
    check_updates(got, problem, -(-n // b), f"{n} rows in batches of {b}")


@check(
    "minibatch_gradient_descent",
    points=1,
    title="returns weights (epochs+1, d) starting at w0, losses (epochs+1,), updates (epochs,)",
    needs=MBGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems())
def mbgd_shapes(student, problem):
    """The trajectory's shapes and start."""
    check_run_shapes(student.minibatch_gradient_descent(*mbgd_args(problem)), problem)


@check(
    "minibatch_gradient_descent",
    points=1.5,
    title="returns the same as your train with the same batch_size",
    needs=MBGD_VALUES + TRAIN_VALUES + RUN_EPOCH_VALUES,
)
@example(problem=gds.worked_problem())
@given(problem=gds.problems(min_epochs=1))
def mbgd_is_train(student, problem):
    """MBGD is ``train`` with the given batch size."""
    expected = student.train(*mbgd_args(problem))
    got = student.minibatch_gradient_descent(*mbgd_args(problem))
    check_same_run(got, expected, problem, "compared with your train with the same arguments")


@check(
    "minibatch_gradient_descent",
    points=1.5,
    title="with batch_size = len(X), each epoch is one full-batch gradient step (BGD)",
)
@example(problem=gds.worked_problem("full"))
@given(problem=gds.problems(min_epochs=1, batch_size="full"))
def mbgd_full_batch(student, problem):
    """Recomputed from the returned weights."""
    check_full_steps(student.minibatch_gradient_descent(*mbgd_args(problem)), problem)


@check(
    "minibatch_gradient_descent",
    points=1.5,
    title="with batch_size = 1, each epoch steps through the examples one at a time (SGD)",
)
@example(problem=gds.worked_problem("one"))
@given(problem=gds.problems(min_epochs=1, batch_size="one"))
def mbgd_single_example(student, problem):
    """Recomputed from the returned weights, in the orders of ``default_rng(seed)``."""
    check_single_example_steps(student.minibatch_gradient_descent(*mbgd_args(problem)), problem)
