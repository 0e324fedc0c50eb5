"""Time one epoch of mini-batch gradient descent against the batch size.

The course note claims that the batch size trades the cost of one update
against the number of updates: with batch size 1 (SGD) an epoch makes ``n``
cheap updates whose Python overhead dominates; with the whole data set (BGD)
it makes one expensive, fully vectorised update; in between, a batch of a few
dozen rows costs barely more than one row, so epochs are fastest there.

:func:`time_epochs` measures that for any ``run_epoch`` with the contract's
signature: the gradient_descent notebook runs it on the student's own
function, the benchmark on the reference's. This module ships with the
release and holds no solution: it only calls the function it is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EpochTiming:
    """One measured batch size.

    Attributes
    ----------
    batch_size : int
        The batch size.
    updates : int
        Parameter updates in one epoch, as ``run_epoch`` reported them.
    seconds : float
        Median wall-clock time of one epoch.
    """

    batch_size: int
    updates: int
    seconds: float

    @property
    def microseconds_per_update(self) -> float:
        return 1e6 * self.seconds / max(self.updates, 1)


def regression_data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy linear-regression data set ``y = X @ w_true + noise``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y = X @ w_true + 0.1 * rng.standard_normal(n)
    return X, y


def half_safe_step(X: np.ndarray) -> float:
    """A step size of half the largest safe one, ``0.5 / max_i ||x_i||**2``."""
    return 0.5 / float(np.max(np.sum(X**2, axis=1)))


def time_epochs(
    run_epoch: Callable[..., tuple[np.ndarray, int]],
    batch_sizes: Sequence[int] = (1, 8, 32, 128, 1024, 100_000),
    n: int = 100_000,
    d: int = 50,
    repeats: int = 3,
    seed: int = 0,
    max_seconds: float = 60.0,
) -> list[EpochTiming]:
    """Median time of one epoch of ``run_epoch`` for each batch size.

    Parameters
    ----------
    run_epoch : callable
        ``run_epoch(w, X, y, batch_size, lr, rng)`` returning ``(w, n_updates)``,
        as in the contract.
    batch_sizes : sequence of int
        Batch sizes to time; values above ``n`` are clipped to ``n``.
    n, d : int
        Size of the synthetic data set.
    repeats : int
        Epochs timed per batch size (the median is kept).
    seed : int
        Seed of the data and of the shuffling.
    max_seconds : float
        Stop repeating a batch size once this much time was spent on it
        (at least one epoch always runs).

    Returns
    -------
    list of EpochTiming
    """
    X, y = regression_data(n, d, seed)
    lr = half_safe_step(X)
    timings = []
    for batch_size in batch_sizes:
        batch_size = min(int(batch_size), n)
        rng = np.random.default_rng(seed)
        w = np.zeros(d)
        times: list[float] = []
        updates = 0
        while len(times) < repeats and (not times or sum(times) < max_seconds):
            start = time.perf_counter()
            _, updates = run_epoch(w, X, y, batch_size, lr, rng)
            times.append(time.perf_counter() - start)
        timings.append(EpochTiming(batch_size, int(updates), float(np.median(times))))
    return timings


@dataclass(frozen=True)
class BatchWork:
    """What an update costs without a function call or a check around it.

    Attributes
    ----------
    gradient : float
        Microseconds per batch of ``X_b.T @ (X_b @ w - y_b) / m`` alone, on
        contiguous batches of data shuffled beforehand.
    bare_epoch : float
        Microseconds per update of a bare epoch written inline: shuffle,
        gather the rows in that order, then per batch the gradient and the
        step. The least any ``run_epoch`` can spend per update.
    """

    gradient: float
    bare_epoch: float


def batch_work(
    batch_size: int = 32, n: int = 100_000, d: int = 50, seed: int = 0, repeats: int = 3
) -> BatchWork:
    """The work of one update, for comparison with :func:`time_epochs`' µs/update.

    An epoch's µs/update minus :attr:`BatchWork.bare_epoch` is its loop's
    own overhead (calls, checks). Medians over ``repeats`` passes.
    """
    X, y = regression_data(n, d, seed)
    lr = half_safe_step(X)
    updates = -(-n // batch_size)
    gradient, bare = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        order = np.random.default_rng(seed).permutation(n)
        X_s, y_s, w = X[order], y[order], np.zeros(d)
        for first in range(0, n, batch_size):
            X_b, y_b = X_s[first : first + batch_size], y_s[first : first + batch_size]
            w = w - lr * (X_b.T @ (X_b @ w - y_b) / len(y_b))
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        for first in range(0, n, batch_size):
            X_b, y_b = X_s[first : first + batch_size], y_s[first : first + batch_size]
            X_b.T @ (X_b @ w - y_b) / len(y_b)
        gradient.append(time.perf_counter() - start)
    return BatchWork(
        1e6 * float(np.median(gradient)) / updates, 1e6 * float(np.median(bare)) / updates
    )


def table(timings: Sequence[EpochTiming]) -> str:
    """The timings as a text table."""
    lines = [f"{'batch size':>10}  {'updates/epoch':>13}  {'epoch (s)':>10}  {'µs/update':>10}"]
    for t in timings:
        lines.append(
            f"{t.batch_size:>10}  {t.updates:>13}  {t.seconds:>10.4f}  "
            f"{t.microseconds_per_update:>10.1f}"
        )
    return "\n".join(lines)


def plot(timings: Sequence[EpochTiming], axes: object = None) -> object:
    """Epoch time and updates per epoch against batch size (log-log), with matplotlib."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(figsize=(6, 4))
    sizes = [t.batch_size for t in timings]
    axes.loglog(sizes, [t.seconds for t in timings], "o-", label="seconds per epoch")
    axes.set_xlabel("batch size")
    axes.set_ylabel("seconds per epoch")
    twin = axes.twinx()
    twin.loglog(sizes, [t.updates for t in timings], "s--", color="tab:orange")
    twin.set_ylabel("updates per epoch (orange)")
    axes.set_title("One epoch against the batch size")
    return axes
