"""Public checks of ``gradient_descent``: properties, invariants and worked cases.

Nothing here uses the reference implementation. Expected values come from
the contract itself: the batches of ``np.random.default_rng(seed)``'s
permutations, central differences of the loss, one gradient step recomputed
from the weights you returned, and the test gradient ``pull`` whose formula
is not the mean squared error's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder import expect
from autograder.described import Gradient, Loss, Seed
from autograder.registry import check
from autograder.show import show, show_type
from autograder.strategies import gradient_descent as gds
from autograder.student import returned

# --- the scoring rule ------------------------------------------------------------
# Value checks show that a function computes something right. Every other check is
# supporting (types and shapes, no mutation, input errors, invariants, stability,
# agreement with your own helpers): its points count only when one of the checks it
# names counts (see autograder.registry.check), so that code without logic (one
# batch of every index, a loss of 0.0, weights that never move) does not collect them.

NUM_BATCHES_VALUES = (
    "num_batches_ceil",
    "num_batches_drop_last",
    "num_batches_huge",
    "num_batches_matches_reference",
)
MINIBATCH_VALUES = (
    "minibatch_sizes",
    "minibatch_seeded_order",
    "minibatch_no_shuffle",
    "minibatch_drop_last",
    "minibatch_matches_reference",
)
ITERATE_VALUES = (
    "iterate_shapes",  # the batch sizes of ceil(n / batch_size) batches: a value
    "iterate_contract_batches",
    "iterate_no_shuffle",
    "iterate_drop_last",
    "iterate_matches_reference",
)
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


# --- helpers ----------------------------------------------------------------


def number(got: Any, what: str) -> int | float:
    """A returned count as a number (its int type is graded by its own check)."""
    expect.returned_something(got, what)
    if isinstance(got, bool) or not isinstance(got, int | float):
        expect.fail(what, show_type(got))
    return got


def scalar(got: Any, what: str = "a float") -> float:
    """A returned scalar; an array holding one number is accepted here."""
    expect.returned_something(got, what)
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "fiu":
        return float(got.reshape(()))
    return expect.is_float(got, what)


def vector(got: Any, d: int, what: str) -> np.ndarray:
    """A returned vector of ``d`` numbers (any shape holding ``d`` numbers is read here)."""
    expect.returned_something(got, f"{what} of shape ({d},)")
    if isinstance(got, list | tuple) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in got
    ):
        got = np.array(got, dtype=float)
    if isinstance(got, np.ndarray) and got.size == d and got.dtype.kind in "fiub":
        return got.reshape(d).astype(float)
    return expect.is_array(got, (d,), "f", what)


def batch_list(got: Any, what: str = "a list of index arrays") -> list[np.ndarray]:
    """Returned batches as a list of 1-D arrays (dtype is graded by its own check)."""
    expect.returned_something(got, what)
    if not isinstance(got, list | tuple):
        expect.fail(what, show_type(got))
    batches = []
    for k, batch in enumerate(got):
        array = np.asarray(batch) if isinstance(batch, list | tuple | np.ndarray) else None
        if array is None or array.dtype.kind not in "fiub" or array.ndim != 1:
            expect.fail(f"{what}: batch {k} a 1-D array", f"{show_type(batch)}: {show(batch)}")
        batches.append(array)
    return batches


def pairs(got: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Returned ``(X_batch, y_batch)`` pairs of arrays."""
    what = "batches (X_batch, y_batch)"
    expect.returned_something(got, what)
    if not isinstance(got, list | tuple):
        expect.fail(what, show_type(got))
    found = []
    for k, item in enumerate(got):
        if not isinstance(item, list | tuple) or len(item) != 2:
            expect.fail(f"batch {k} as a pair (X_batch, y_batch)", show(item))
        Xb, yb = (np.asarray(part) for part in item)
        if Xb.dtype.kind not in "fiu" or yb.dtype.kind not in "fiu":
            expect.fail(f"batch {k} as two arrays of numbers", show(item))
        found.append((Xb, yb))
    return found


def permutations(n: int, seed: int, count: int = 1) -> list[np.ndarray]:
    """The orders of ``count`` successive ``permutation(n)`` calls of ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(count)]


def slices(order: np.ndarray, batch_size: int, drop_last: bool = False) -> list[np.ndarray]:
    """The contract's batches: consecutive slices of ``order``."""
    n = len(order)
    stop = n - n % batch_size if drop_last else n
    return [order[k : k + batch_size] for k in range(0, stop, batch_size)]


def state_after_permutation(n: int, seed: int) -> dict[str, Any]:
    """The state of ``default_rng(seed)`` after exactly one ``permutation(n)``."""
    rng = np.random.default_rng(seed)
    rng.permutation(n)
    return rng.bit_generator.state


def mse(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """``0.5 * mean((X @ w - y) ** 2)``, as SPEC defines it."""
    return float(0.5 * np.mean((X @ w - y) ** 2))


def mse_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``X.T @ (X @ w - y) / m``, as SPEC defines it."""
    return X.T @ (X @ w - y) / len(X)


def tolerance(*arrays: Any) -> float:
    """An absolute tolerance scaled to the numbers: ``1e-6 * (1 + max |value|)``."""
    largest = max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=0.0)
    return 1e-6 * (1.0 + largest)


def rows_of(y: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """The row indices of a recorded ``y`` batch (the targets are distinct)."""
    where = {float(v): i for i, v in enumerate(y)}
    missing = [float(v) for v in batch if float(v) not in where]
    if missing:
        expect.fail(
            "every batch to hold rows of the data set",
            f"a batch with targets {show(np.asarray(missing))} that are not in y",
        )
    return np.array([where[float(v)] for v in batch], dtype=int)


KEYS = ("weights", "losses", "updates")


def result_dict(got: Any) -> dict[str, Any]:
    """The dict ``train`` returns, with its three keys."""
    what = 'a dict with keys "weights", "losses" and "updates"'
    expect.returned_something(got, what)
    if not isinstance(got, dict):
        expect.fail(what, show_type(got))
    missing = [key for key in KEYS if key not in got]
    if missing:
        expect.fail(what, f"a dict with keys {show(sorted(got))}")
    return got


def field(got: Any, key: str, shape: tuple[int, ...], kind: str = "f") -> np.ndarray:
    """One array of the returned dict, of the expected shape."""
    return expect.is_array(result_dict(got)[key], shape, kind, what=f'result["{key}"]')


def weights_of(got: Any, problem: gds.Problem) -> np.ndarray:
    """The ``weights`` array of a run, shape ``(epochs + 1, d)``."""
    return field(got, "weights", (problem.epochs + 1, problem.X.shape[1])).astype(float)


def check_run_shapes(got: Any, problem: gds.Problem) -> None:
    """The three arrays of a run have their contract shapes, ``w0`` first."""
    epochs, d = problem.epochs, problem.X.shape[1]
    weights = field(got, "weights", (epochs + 1, d))
    field(got, "losses", (epochs + 1,))
    field(got, "updates", (epochs,))
    if not np.array_equal(weights[0], problem.w0):
        expect.fail(f'result["weights"][0] equal to w0 = {show(problem.w0)}', show(weights[0]))


def check_updates(got: Any, problem: gds.Problem, per_epoch: int, why: str) -> None:
    """``updates`` holds ``per_epoch`` for every epoch."""
    updates = field(got, "updates", (problem.epochs,))
    expected = np.full(problem.epochs, per_epoch)
    if not np.array_equal(updates, expected):
        expect.fail(f'result["updates"] = {show(expected)}', show(updates), why)


def check_full_steps(got: Any, problem: gds.Problem) -> None:
    """Each epoch is one step ``w - lr * X.T @ (X @ w - y) / n`` from the previous weights."""
    X, y, lr = problem.X, problem.y, problem.lr
    weights = weights_of(got, problem)
    for e in range(problem.epochs):
        start = problem.w0 if e == 0 else weights[e]
        expected = start - lr * mse_grad(start, X, y)
        expect.close(
            weights[e + 1],
            expected,
            atol=tolerance(start, expected),
            what=f'result["weights"][{e + 1}]',
            detail=f"one full-batch step from weights[{e}] = {show(start)} with lr = {lr!r}",
        )


def check_single_example_steps(got: Any, problem: gds.Problem) -> None:
    """Each epoch steps through the rows one by one in the seeded permutation's order."""
    X, y, lr = problem.X, problem.y, problem.lr
    weights = weights_of(got, problem)
    orders = permutations(len(X), problem.seed, problem.epochs)
    for e, order in enumerate(orders):
        w = (problem.w0 if e == 0 else weights[e]).copy()
        for i in order:
            w = w - lr * mse_grad(w, X[i : i + 1], y[i : i + 1])
        expect.close(
            weights[e + 1],
            w,
            atol=tolerance(weights[e], problem.w0, w),
            what=f'result["weights"][{e + 1}]',
            detail=(
                f"one single-example step per row from weights[{e}], rows in the order "
                f"{show(order)} (permutation call number {e + 1} on one "
                f"np.random.default_rng({problem.seed}))"
            ),
        )


def check_same_run(got: Any, expected: Any, problem: gds.Problem, detail: str) -> None:
    """Two runs agree in all three arrays, to rounding."""
    epochs, d = problem.epochs, problem.X.shape[1]
    for key, shape in (("weights", (epochs + 1, d)), ("losses", (epochs + 1,))):
        want = field(expected, key, shape)
        have = field(got, key, shape)
        expect.close(have, want, atol=tolerance(want), what=f'result["{key}"]', detail=detail)
    want = field(expected, "updates", (epochs,))
    have = field(got, "updates", (epochs,))
    if not np.array_equal(have, want):
        expect.fail(f'result["updates"] = {show(want)}', show(have), detail)


def run_args(problem: gds.Problem) -> tuple:
    """``(X, y, w0)`` of a run."""
    return problem.X, problem.y, problem.w0


# --- num_batches ------------------------------------------------------------


@check("num_batches", points=2, title="returns ceil(n / batch_size)")
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts())
def num_batches_ceil(student, case):
    """The number of batches, short last batch included."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size), "an int")
    expected = -(-n // batch_size)
    if got != expected:
        expect.fail(show(expected), show(got), f"{n} examples in batches of {batch_size}")


@check("num_batches", points=1.5, title="returns floor(n / batch_size) when drop_last is true")
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts() | gds.huge_counts())
def num_batches_drop_last(student, case):
    """The number of full batches, exactly (huge integers included)."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size, drop_last=True), "an int")
    expected = n // batch_size
    if got != expected:
        detail = huge_detail(n, batch_size)
        expect.fail(show(expected), show(got), f"{detail}, the short last batch dropped")


@check(
    "num_batches",
    points=2,
    title="is exact for huge integers (integer arithmetic, not float division)",
)
@example(case=(10**17 + 1, 10**17))
@example(case=(2**60 + 1, 2**60))
@given(case=gds.huge_counts())
def num_batches_huge(student, case):
    """``n = 10**17 + 1, batch_size = 10**17`` has 2 batches; ``n / batch_size`` rounds to 1.0."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size), "an int")
    expected = -(-n // batch_size)
    if got != expected:
        expect.fail(show(expected), show(got), huge_detail(n, batch_size))


def huge_detail(n: int, batch_size: int) -> str:
    """Why a float quotient goes wrong for these numbers."""
    if n < 2**53:
        return f"{n} examples in batches of {batch_size}"
    return (
        f"n = {n} = {n // batch_size} * {batch_size} + {n % batch_size}; "
        f"n / batch_size as a float is {n / batch_size!r}"
    )


@check("num_batches", points=1, title="returns an int", needs=NUM_BATCHES_VALUES)
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts(max_n=50))
def num_batches_int(student, case):
    """A Python or NumPy integer, not a float."""
    n, batch_size = case
    expect.is_int(student.num_batches(n, batch_size))


@check(
    "num_batches", points=0.5, title="zero examples make zero batches", needs=NUM_BATCHES_VALUES
)
def num_batches_zero(student):
    """``n = 0`` is valid."""
    for batch_size in (1, 3):
        for drop_last in (False, True):
            got = number(student.num_batches(0, batch_size, drop_last=drop_last), "an int")
            if got != 0:
                expect.fail("0", show(got))


@check("num_batches", points=1, title="a negative n is a ValueError", needs=NUM_BATCHES_VALUES)
@given(case=gds.negative_counts())
def num_batches_negative_n(student, case):
    """``n < 0`` is rejected."""
    student.raises_input_error("num_batches", *case)


@check(
    "num_batches", points=1, title="a batch_size below 1 is a ValueError", needs=NUM_BATCHES_VALUES
)
@given(case=gds.bad_batch_sizes())
def num_batches_bad_batch_size(student, case):
    """``batch_size < 1`` is rejected (not a ZeroDivisionError)."""
    student.raises_input_error("num_batches", *case)


# --- minibatch_indices --------------------------------------------------------


@check(
    "minibatch_indices",
    points=2,
    title="the batches together hold every index 0 .. n-1 exactly once",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_partition(student, case):
    """A partition of ``range(n)``."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    together = np.concatenate(batches) if batches else np.array([], dtype=int)
    if together.size != n or not np.array_equal(np.sort(together), np.arange(n)):
        expect.fail(
            f"each of 0 .. {n - 1} exactly once",
            f"{show(np.sort(together))} (sorted)",
            f"n = {n}, batch_size = {batch_size}",
        )


@check(
    "minibatch_indices",
    points=1,
    title="there are ceil(n / batch_size) batches of batch_size indices, only the last shorter",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_sizes(student, case):
    """The sizes of the batches."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    sizes = [len(batch) for batch in batches]
    expected = [len(batch) for batch in slices(np.arange(n), batch_size)]
    if sizes != expected:
        expect.fail(f"batch sizes {expected}", f"sizes {sizes}")


@check(
    "minibatch_indices",
    points=1.5,
    title="with shuffle, the batches are consecutive slices of rng.permutation(n)",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_seeded_order(student, case):
    """The random-number contract: exactly the order of ``rng.permutation(n)``."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    (order,) = permutations(n, seed)
    expected = slices(order, batch_size)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(
            show(expected),
            show(batches),
            f"np.random.default_rng({seed}).permutation({n}) is {show(order)}",
        )


@check(
    "minibatch_indices",
    points=1,
    title="with shuffle, rng is used for exactly one permutation(n) and nothing else",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=2))
def minibatch_rng_consumed_once(student, case):
    """The generator's state afterwards is that after one ``permutation(n)``."""
    n, batch_size, seed = case
    outcome = student.call("minibatch_indices", n, batch_size, True, Seed(seed))
    returned(outcome)
    if outcome.rng_states[0] != state_after_permutation(n, seed):
        expect.fail(
            f"rng in the state np.random.default_rng({seed}) has after one permutation({n})",
            "a different state (rng was not used, or used for other or further draws)",
        )


@check(
    "minibatch_indices",
    points=1,
    title="without shuffle, the batches are consecutive slices of 0, 1, ..., n-1",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_no_shuffle(student, case):
    """``shuffle=False`` keeps the natural order."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, False, Seed(seed)))
    expected = slices(np.arange(n), batch_size)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(show(expected), show(batches))


@check(
    "minibatch_indices",
    points=0.5,
    title="without shuffle, rng is not touched",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=2))
def minibatch_no_shuffle_rng_untouched(student, case):
    """``shuffle=False`` makes no draw."""
    n, batch_size, seed = case
    outcome = student.call("minibatch_indices", n, batch_size, False, Seed(seed))
    returned(outcome)
    if outcome.rng_states[0] != np.random.default_rng(seed).bit_generator.state:
        expect.fail("rng left in its initial state", "a changed state (something drew from it)")


@check(
    "minibatch_indices",
    points=1,
    title="drop_last leaves out the last batch only when it is shorter than batch_size",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=1))
def minibatch_drop_last(student, case):
    """The full batches of the permutation, and only those."""
    n, batch_size, seed = case
    got = student.minibatch_indices(n, batch_size, True, Seed(seed), True)
    batches = batch_list(got)
    (order,) = permutations(n, seed)
    expected = slices(order, batch_size, drop_last=True)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(
            show(expected),
            show(batches),
            f"n = {n}, batch_size = {batch_size}: {n // batch_size} full batches",
        )


@check(
    "minibatch_indices",
    points=0.5,
    title="returns a list of 1-D integer arrays",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_types(student, case):
    """Index arrays usable as ``X[idx]``."""
    n, batch_size, seed = case
    got = student.minibatch_indices(n, batch_size, True, Seed(seed))
    expect.returned_something(got, "a list")
    if not isinstance(got, list):
        expect.fail("a list", show_type(got))
    for k, batch in enumerate(got):
        if not isinstance(batch, np.ndarray) or batch.ndim != 1:
            expect.fail(f"batch {k} a 1-D NumPy array", show_type(batch))
        if batch.dtype.kind not in "iu":
            expect.fail(f"batch {k} with an integer dtype", f"dtype {batch.dtype}")


@check(
    "minibatch_indices",
    points=0.5,
    title="a negative n or a batch_size below 1 is a ValueError",
    needs=MINIBATCH_VALUES,
)
@given(case=gds.negative_counts() | gds.bad_batch_sizes())
def minibatch_bad_input(student, case):
    """The same input errors as ``num_batches``."""
    n, batch_size = case
    student.raises_input_error("minibatch_indices", n, batch_size, True, Seed(0))


@check(
    "minibatch_indices",
    points=0.5,
    title="rng=None shuffles with a fresh generator",
    needs=MINIBATCH_VALUES,
)
# No worked case here: with a fresh generator, a wrong answer on 5 rows differs from
# run to run; a shrunk failure (1 row) reads the same every time.
@given(case=gds.index_cases())
def minibatch_rng_none(student, case):
    """Without an rng the result is still a partition of ``range(n)``."""
    n, batch_size, _ = case
    batches = batch_list(student.minibatch_indices(n, batch_size))
    together = np.concatenate(batches) if batches else np.array([], dtype=int)
    if together.size != n or not np.array_equal(np.sort(together), np.arange(n)):
        expect.fail(f"each of 0 .. {n - 1} exactly once", f"{show(np.sort(together))} (sorted)")


# --- iterate_minibatches ------------------------------------------------------


@check(
    "iterate_minibatches",
    points=2,
    title="each row of X stays paired with its own target in y",
    needs=ITERATE_VALUES,
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_rows_paired(student, case):
    """``X_batch[j]`` is the row of ``X`` whose target is ``y_batch[j]``."""
    X, y, batch_size, seed = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True))
    for k, (Xb, yb) in enumerate(got):
        if Xb.ndim != 2 or yb.ndim != 1 or len(Xb) != len(yb):
            expect.fail(
                f"batch {k}: as many rows in X_batch as targets in y_batch", show((Xb, yb))
            )
        rows = rows_of(y, yb)
        if not np.array_equal(Xb, X[rows]):
            expect.fail(
                f"batch {k}: X_batch = {show(X[rows])}, the rows of X with targets {show(yb)}",
                show(Xb),
            )


@check(
    "iterate_minibatches",
    points=2,
    title="yields (X[idx], y[idx]) for the batches idx of minibatch_indices with the same rng",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_contract_batches(student, case):
    """Slices of ``rng.permutation(n)``, in order."""
    X, y, batch_size, seed = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True))
    (order,) = permutations(len(X), seed)
    expected = slices(order, batch_size)
    detail = f"np.random.default_rng({seed}).permutation({len(X)}) is {show(order)}"
    if len(got) != len(expected):
        expect.fail(f"{len(expected)} batches", f"{len(got)}", detail)
    for k, ((Xb, yb), idx) in enumerate(zip(got, expected, strict=True)):
        if not (np.array_equal(Xb, X[idx]) and np.array_equal(yb, y[idx])):
            expect.fail(
                f"batch {k} = (X[idx], y[idx]) with idx = {show(idx)}", show((Xb, yb)), detail
            )


@check(
    "iterate_minibatches",
    points=1.5,
    title="without shuffle, the rows come in their original order",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_no_shuffle(student, case):
    """``shuffle=False``: consecutive slices of the data."""
    X, y, batch_size, _ = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, False, consume=True))
    expected = slices(np.arange(len(X)), batch_size)
    if len(got) != len(expected):
        expect.fail(f"{len(expected)} batches", f"{len(got)}")
    for k, ((Xb, yb), idx) in enumerate(zip(got, expected, strict=True)):
        if not (np.array_equal(Xb, X[idx]) and np.array_equal(yb, y[idx])):
            expect.fail(f"batch {k} = (X[{idx[0]}:{idx[-1] + 1}], y[...])", show((Xb, yb)))


@check(
    "iterate_minibatches",
    points=1,
    title="drop_last leaves out a short last batch",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets(short_last=True))
def iterate_drop_last(student, case):
    """Only full batches with ``drop_last=True``."""
    X, y, batch_size, seed = case
    got = pairs(
        student.iterate_minibatches(X, y, batch_size, True, Seed(seed), True, consume=True)
    )
    sizes = [len(yb) for _, yb in got]
    expected = [batch_size] * (len(X) // batch_size)
    if sizes != expected:
        expect.fail(
            f"batch sizes {expected}",
            f"sizes {sizes}",
            f"{len(X)} rows in batches of {batch_size}, the short last batch dropped",
        )


@check(
    "iterate_minibatches",
    points=1,
    title="every batch is a pair of arrays of shapes (b, d) and (b,)",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_shapes(student, case):
    """Shapes of ``X_batch`` and ``y_batch``."""
    X, y, batch_size, seed = case
    got = student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True)
    expect.returned_something(got, "batches")
    if not isinstance(got, list | tuple):
        expect.fail("an iterable of batches", show_type(got))
    sizes = [len(idx) for idx in slices(np.arange(len(X)), batch_size)]
    if len(got) != len(sizes):
        expect.fail(f"{len(sizes)} batches", f"{len(got)}")
    for k, (item, b) in enumerate(zip(got, sizes, strict=True)):
        if not isinstance(item, list | tuple) or len(item) != 2:
            expect.fail(f"batch {k} as a pair (X_batch, y_batch)", show(item))
        expect.is_array(item[0], (b, X.shape[1]), what=f"X_batch of batch {k}")
        expect.is_array(item[1], (b,), what=f"y_batch of batch {k}")


@check(
    "iterate_minibatches",
    points=1.5,
    title="X and y with different numbers of rows are a ValueError",
    needs=ITERATE_VALUES,
)
@given(data=gds.datasets(), extra=st.integers(-3, 3).filter(lambda k: k != 0))
def iterate_length_mismatch(student, data, extra):
    """Raised at the call or on the first iteration."""
    X, y = data
    if extra > 0:
        y = np.concatenate([y, np.arange(1.0, extra + 1)])
    elif len(y) + extra >= 0:
        y = y[: len(y) + extra]
    else:
        y = y[:0]
    student.raises_input_error("iterate_minibatches", X, y, 2, True, Seed(0))


# --- mse_loss -------------------------------------------------------------------


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


# --- run_epoch ------------------------------------------------------------------


def epoch_args(case: gds.EpochCase, record: bool = False) -> tuple:
    """``run_epoch``'s arguments with the test gradient ``pull``."""
    return (
        case.w,
        case.X,
        case.y,
        case.batch_size,
        case.lr,
        Seed(case.seed),
        Gradient("pull", record=record),
    )


def epoch_pair(got: Any, d: int) -> tuple[Any, Any]:
    """The returned ``(w, n_updates)``."""
    expect.returned_something(got, "a pair (w, n_updates)")
    if not isinstance(got, tuple | list) or len(got) != 2:
        expect.fail("a pair (w, n_updates)", f"{show_type(got)}: {show(got)}")
    return got[0], got[1]


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


# --- train ------------------------------------------------------------------------


def train_args(problem: gds.Problem, **kwargs: Any) -> tuple[tuple, dict[str, Any]]:
    """``train``'s arguments; keyword overrides for ``lr_decay``, ``grad_fn``, ``loss_fn``."""
    args = (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)
    return args, kwargs


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


# --- batch_gradient_descent ---------------------------------------------------------


def bgd_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.lr, problem.epochs, problem.seed)


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


# --- minibatch_gradient_descent ---------------------------------------------------------


def mbgd_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)


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
