"""Helpers of the ``gradient_descent`` checks, public and hidden: reading an
answer, the arguments of a run, the properties every run must have.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.grading import expect
from autograder.grading.show import show, show_type
from autograder.strategies import gradient_descent as gds
from autograder.strategies.described import Gradient, Seed


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
    """``0.5 * mean((X @ w - y) ** 2)``, as docs/contract.md defines it."""
    return float(0.5 * np.mean((X @ w - y) ** 2))


def mse_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``X.T @ (X @ w - y) / m``, as docs/contract.md defines it."""
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
            detail=lambda e=e, start=start: (
                f"one full-batch step from weights[{e}] = {show(start)} with lr = {lr!r}"
            ),
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
            detail=lambda e=e, order=order: (
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


def train_args(problem: gds.Problem, **kwargs: Any) -> tuple[tuple, dict[str, Any]]:
    """``train``'s arguments; keyword overrides for ``lr_decay``, ``grad_fn``, ``loss_fn``."""
    args = (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)
    return args, kwargs


def bgd_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.lr, problem.epochs, problem.seed)


def mbgd_args(problem: gds.Problem) -> tuple:
    return (*run_args(problem), problem.batch_size, problem.lr, problem.epochs, problem.seed)
