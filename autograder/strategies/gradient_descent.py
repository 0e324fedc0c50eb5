"""Hypothesis strategies for the ``gradient_descent`` checks.

Every strategy stays inside docs/contract.md's graded domain: ``1 <= n <= 2000`` rows,
``1 <= d <= 10`` columns, entries of ``X``, ``y`` and ``w0`` of size at most
10, ``1 <= batch_size <= n + 10``, ``epochs <= 10`` and a step size with
``lr * max_i ||x_i||**2 <= 1``. Most strategies keep the data small (a few
dozen rows) so that a check stays cheap; :func:`large_problems` is the one
that goes up to 2000 rows. Targets ``y`` get distinct values wherever a check
needs to tell the rows of a batch apart.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

ENTRY_BOUND = 10.0
"""The largest size of an entry of ``X``, ``y`` or ``w0`` (docs/contract.md)."""

ENTRIES = st.floats(
    -ENTRY_BOUND, ENTRY_BOUND, allow_nan=False, allow_infinity=False, allow_subnormal=False
)
"""Finite float entries in ``[-10, 10]``."""


class Problem(NamedTuple):
    """The arguments of one training run (``train`` and its variants).

    Attributes
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    w0 : ndarray of shape (d,)
    batch_size : int
    lr : float
    epochs : int
    seed : int
    lr_decay : float
    """

    X: np.ndarray
    y: np.ndarray
    w0: np.ndarray
    batch_size: int
    lr: float
    epochs: int
    seed: int
    lr_decay: float


def safe_step_size(X: np.ndarray, fraction: float) -> float:
    """A step size inside the graded domain: ``fraction / max(1, max_i ||x_i||**2)``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The inputs.
    fraction : float
        A number in ``(0, 1]``.

    Returns
    -------
    float
        ``lr`` with ``lr * max_i ||x_i||**2 <= fraction <= 1`` and ``lr <= 1``.
        Since ``lambda_max(X.T X / n) <= max_i ||x_i||**2``, it is also at most
        ``1 / lambda_max(X.T X / n)``.
    """
    largest = float(np.max(np.sum(X * X, axis=1))) if X.size else 0.0
    return float(fraction / max(1.0, largest))


FRACTIONS = st.floats(0.05, 1.0, allow_nan=False)
"""The fraction of the largest safe step size used in a run."""


# --- counts -----------------------------------------------------------------


@st.composite
def counts(draw: st.DrawFn, max_n: int = 200) -> tuple[int, int]:
    """``(n, batch_size)`` with ``0 <= n <= max_n`` and ``1 <= batch_size <= n + 10``.

    Parameters
    ----------
    max_n : int
        The largest ``n``.

    Returns
    -------
    tuple of int
    """
    n = draw(st.integers(0, max_n))
    return n, draw(st.integers(1, n + 10))


@st.composite
def huge_counts(draw: st.DrawFn) -> tuple[int, int]:
    """``(n, batch_size)`` near a multiple of a huge ``batch_size``, where floats round.

    ``n = k * batch_size + r`` with ``batch_size`` between ``2**55`` and
    ``2**58``, ``1 <= k <= 8`` and ``-3 <= r <= 3``: the float quotient
    ``n / batch_size`` rounds to ``k``, so a count through float division is
    wrong whenever ``r != 0``. Every ``n`` stays below ``2**62`` (it fits a
    64-bit NumPy integer).

    Returns
    -------
    tuple of int
    """
    batch_size = draw(st.integers(2**55, 2**58))
    k = draw(st.integers(1, 8))
    r = draw(st.integers(-3, 3).filter(lambda r: r != 0))
    return k * batch_size + r, batch_size


@st.composite
def negative_counts(draw: st.DrawFn) -> tuple[int, int]:
    """``(n, batch_size)`` with ``n < 0`` and a valid ``batch_size``."""
    return draw(st.integers(-1000, -1)), draw(st.integers(1, 20))


@st.composite
def bad_batch_sizes(draw: st.DrawFn) -> tuple[int, int]:
    """``(n, batch_size)`` with a valid ``n`` and ``batch_size < 1``."""
    return draw(st.integers(0, 50)), draw(st.integers(-20, 0))


@st.composite
def index_cases(
    draw: st.DrawFn, min_n: int = 0, max_n: int = 60, short_last: bool = False
) -> tuple[int, int, int]:
    """``(n, batch_size, seed)`` for ``minibatch_indices``.

    Parameters
    ----------
    min_n, max_n : int
        The range of ``n``.
    short_last : bool
        Only cases where ``batch_size`` does not divide ``n`` (so the last
        batch is shorter).

    Returns
    -------
    tuple of int
    """
    n = draw(st.integers(max(min_n, 2 if short_last else 0), max_n))
    batch_size = draw(short_batch_sizes(n) if short_last else st.integers(1, n + 10))
    return n, batch_size, draw(seeds())


def short_batch_sizes(n: int) -> st.SearchStrategy[int]:
    """Batch sizes in ``[2, n + 10]`` that do not divide ``n`` (a shorter last batch).

    Drawn from the list of such sizes rather than filtered, so that the
    simplest draw is valid: a filter made hypothesis retry and shrink a
    failing case for hundreds of runs.
    """
    return st.sampled_from([b for b in range(2, n + 11) if n % b != 0])


def seeds() -> st.SearchStrategy[int]:
    """Seeds for ``np.random.default_rng``."""
    return st.integers(0, 2**32 - 1)


# --- data ---------------------------------------------------------------------


def vectors(d: int) -> st.SearchStrategy[np.ndarray]:
    """Float vectors of shape ``(d,)`` with entries in ``[-10, 10]``."""
    return arrays(np.float64, (d,), elements=ENTRIES)


def uniform_entries(gen: np.random.Generator, *shapes: int | tuple[int, ...]) -> list[np.ndarray]:
    """Arrays of the given shapes with entries uniform in ``[-10, 10]``, drawn in order."""
    return [gen.uniform(-ENTRY_BOUND, ENTRY_BOUND, shape) for shape in shapes]


DATA_STYLES = ("small integers", "floats")
"""How :func:`seeded_data` fills ``X``: first the style a failure shrinks to (readable)."""


def seeded_data(draw: st.DrawFn, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` of shape ``(n, d)`` and distinct targets ``y``, made by NumPy from a drawn seed.

    Hypothesis draws only a style and a seed (drawing every entry through
    hypothesis made generating and shrinking most of the grading time); a
    failure shrinks to small ``n``, ``d``, the integer style and seed 0.
    ``"small integers"``: entries of ``X`` in ``[-3, 3]`` (zeros and repeats
    included) and ``y`` distinct integers in ``[-10, 10]`` while ``n <= 21``;
    ``"floats"``: uniform entries in ``[-10, 10]``.
    """
    style = draw(st.sampled_from(DATA_STYLES))
    gen = np.random.default_rng(draw(seeds()))
    if style == "small integers":
        X = gen.integers(-3, 4, (n, d)).astype(np.float64)
        y = gen.permutation(np.linspace(-ENTRY_BOUND, ENTRY_BOUND, max(n, 21)))[:n]
    else:
        X, y = uniform_entries(gen, (n, d), n)
        if len(np.unique(y)) < n:  # (almost never) keep the targets distinct
            y = gen.permutation(np.linspace(-ENTRY_BOUND, ENTRY_BOUND, n))
    return X, y


@st.composite
def datasets(
    draw: st.DrawFn, min_n: int = 1, max_n: int = 30, max_d: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """A data set ``(X, y)`` whose targets ``y`` are all different.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows ``n``.
    max_d : int
        The largest number of columns ``d``.

    Returns
    -------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Distinct values, so that a batch of targets tells which rows it holds.
    """
    n = draw(st.integers(min_n, max_n))
    d = draw(st.integers(1, max_d))
    return seeded_data(draw, n, d)


@st.composite
def batched_datasets(
    draw: st.DrawFn, min_n: int = 1, max_n: int = 30, short_last: bool = False
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """``(X, y, batch_size, seed)`` for ``iterate_minibatches``, targets distinct.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows.
    short_last : bool
        Only batch sizes that do not divide ``n`` (a shorter last batch).

    Returns
    -------
    tuple
    """
    X, y = draw(datasets(max(min_n, 2 if short_last else 1), max_n))
    n = len(X)
    batch_size = draw(short_batch_sizes(n) if short_last else st.integers(1, n + 10))
    return X, y, batch_size, draw(seeds())


@st.composite
def loss_cases(
    draw: st.DrawFn, min_n: int = 1, max_n: int = 30, max_d: int = 4
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(w, X, y)`` for ``mse_loss`` and ``mse_gradient``.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows.
    max_d : int
        The largest number of columns.

    Returns
    -------
    tuple of ndarray
    """
    n = draw(st.integers(min_n, max_n))
    d = draw(st.integers(1, max_d))
    X, y = seeded_data(draw, n, d)
    return draw(vectors(d)), X, y


@st.composite
def exact_fits(draw: st.DrawFn, max_n: int = 20, max_d: int = 4) -> tuple[np.ndarray, ...]:
    """``(w, X, y)`` with ``y == X @ w`` exactly, in every summation order.

    The entries of ``X`` and ``w`` are small integers (stored as floats), so
    every partial sum of ``X @ w`` is an exactly representable integer.

    Returns
    -------
    tuple of ndarray
    """
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    ints = st.integers(-10, 10).map(float)
    X = draw(arrays(np.float64, (n, d), elements=ints))
    w = draw(arrays(np.float64, (d,), elements=ints))
    return w, X, X @ w


class SeededLossCase(NamedTuple):
    """``(w, X, y)`` with uniform entries, made by NumPy from ``seed`` when asked.

    A recording (:mod:`autograder.grading.replay`) keeps these three numbers, not the
    arrays (up to 20000 entries, which would make most of the recorded data).
    """

    seed: int
    n: int
    d: int

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The arguments ``(w, X, y)`` of ``mse_loss`` and ``mse_gradient``."""
        gen = np.random.default_rng(self.seed)
        X, y, w = uniform_entries(gen, (self.n, self.d), self.n, self.d)
        return w, X, y


@st.composite
def large_loss_cases(draw: st.DrawFn) -> SeededLossCase:
    """``(w, X, y)`` with 500 to 2000 rows and up to 10 columns, from a seed.

    The arrays are drawn with NumPy from a hypothesis-chosen seed (drawing
    20000 entries one by one through hypothesis would be slow).

    Returns
    -------
    SeededLossCase
    """
    seed = draw(seeds())
    return SeededLossCase(seed, draw(st.integers(500, 2000)), draw(st.integers(1, 10)))


@st.composite
def steps(draw: st.DrawFn, max_d: int = 6) -> tuple[np.ndarray, np.ndarray, float]:
    """``(w, grad, lr)`` for ``gd_step``: ``lr`` in ``(0, 1]``, gradients up to 1000.

    Returns
    -------
    tuple
    """
    d = draw(st.integers(1, max_d))
    w = draw(vectors(d))
    grad = draw(arrays(np.float64, (d,), elements=st.floats(-1000, 1000, allow_subnormal=False)))
    lr = draw(st.floats(1e-4, 1.0, allow_nan=False))
    return w, grad, lr


class EpochCase(NamedTuple):
    """The arguments of one ``run_epoch`` call (the rng as a seed)."""

    w: np.ndarray
    X: np.ndarray
    y: np.ndarray
    batch_size: int
    lr: float
    seed: int


@st.composite
def epoch_cases(
    draw: st.DrawFn, min_n: int = 1, max_n: int = 30, max_d: int = 4, short_last: bool = False
) -> EpochCase:
    """One ``run_epoch`` call: distinct targets, a safe step size, any batch size.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows.
    max_d : int
        The largest number of columns.
    short_last : bool
        Only batch sizes that do not divide ``n`` (a shorter last batch).

    Returns
    -------
    EpochCase
    """
    X, y = draw(datasets(max(min_n, 2 if short_last else 1), max_n, max_d))
    n, d = X.shape
    batch_size = draw(short_batch_sizes(n) if short_last else st.integers(1, n + 10))
    lr = safe_step_size(X, draw(FRACTIONS))
    return EpochCase(draw(vectors(d)), X, y, batch_size, lr, draw(seeds()))


@st.composite
def problems(
    draw: st.DrawFn,
    min_n: int = 1,
    max_n: int = 20,
    max_d: int = 4,
    min_epochs: int = 0,
    max_epochs: int = 4,
    decay: bool = False,
    batch_size: str = "any",
) -> Problem:
    """One training run with a safe step size and distinct targets.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows.
    max_d : int
        The largest number of columns.
    min_epochs, max_epochs : int
        The range of ``epochs`` (at most 10 in the graded domain).
    decay : bool
        Draw a positive ``lr_decay`` (else it is 0).
    batch_size : str
        ``"any"`` (1 to ``n + 10``), ``"full"`` (``n``) or ``"one"`` (1).

    Returns
    -------
    Problem
    """
    X, y = draw(datasets(min_n, max_n, max_d))
    n, d = X.shape
    size = {"full": n, "one": 1}.get(batch_size) or draw(st.integers(1, n + 10))
    lr = safe_step_size(X, draw(FRACTIONS))
    epochs = draw(st.integers(min_epochs, max_epochs))
    lr_decay = draw(st.floats(0.25, 3.0, allow_nan=False)) if decay else 0.0
    return Problem(X, y, draw(vectors(d)), size, lr, epochs, draw(seeds()), lr_decay)


@st.composite
def consistent_problems(draw: st.DrawFn, max_n: int = 20, max_d: int = 4) -> tuple:
    """A noiseless problem ``y = X @ w_star`` and a run on it.

    ``X`` has integer entries in ``[-3, 3]`` and ``w_star`` in ``[-1, 1]`` (so
    ``|y| <= 3 d <= 10`` and ``y`` is exact).

    Returns
    -------
    problem : Problem
        With ``batch_size = 1`` and ``lr_decay = 0``.
    w_star : ndarray of shape (d,)
        A minimiser with zero loss.
    """
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, min(max_d, 3)))
    X = draw(arrays(np.float64, (n, d), elements=st.integers(-3, 3).map(float)))
    w_star = draw(arrays(np.float64, (d,), elements=st.integers(-1, 1).map(float)))
    lr = safe_step_size(X, draw(FRACTIONS))
    epochs = draw(st.integers(1, 5))
    problem = Problem(X, X @ w_star, draw(vectors(d)), 1, lr, epochs, draw(seeds()), 0.0)
    return problem, w_star


class SeededProblem(NamedTuple):
    """A :class:`Problem` on uniform data NumPy makes from ``data_seed`` when asked.

    A recording (:mod:`autograder.grading.replay`) keeps these seven numbers, not the
    data (up to 2000 rows).
    """

    data_seed: int
    n: int
    d: int
    batch_size: int
    fraction: float
    epochs: int
    seed: int

    def problem(self) -> Problem:
        """The run: ``X``, ``y`` and ``w0`` uniform in ``[-10, 10]``, a safe step size."""
        gen = np.random.default_rng(self.data_seed)
        X, y, w0 = uniform_entries(gen, (self.n, self.d), self.n, self.d)
        lr = safe_step_size(X, self.fraction)
        return Problem(X, y, w0, self.batch_size, lr, self.epochs, self.seed, 0.0)


@st.composite
def seeded_problems(
    draw: st.DrawFn,
    min_n: int = 500,
    max_n: int = 2000,
    min_batch: int = 100,
    min_epochs: int = 1,
    max_epochs: int = 3,
) -> SeededProblem:
    """A training run on a larger data set drawn by NumPy from a seed.

    Drawing thousands of entries one by one through hypothesis (and shrinking
    them) would be slow, so the arrays come from
    ``np.random.default_rng(data_seed)`` with uniform entries in ``[-10, 10]``.

    Parameters
    ----------
    min_n, max_n : int
        The range of the number of rows (at most 2000).
    min_batch : int
        The smallest batch size (at most ``min_n``); with the defaults an
        epoch makes at most 20 updates, which keeps a check cheap.
    min_epochs, max_epochs : int
        The range of ``epochs`` (at most 10).

    Returns
    -------
    SeededProblem
    """
    data_seed = draw(seeds())
    n = draw(st.integers(min_n, max_n))
    d = draw(st.integers(1, 10))
    batch_size = draw(st.integers(min_batch, n + 10))
    fraction = draw(FRACTIONS)
    epochs = draw(st.integers(min_epochs, max_epochs))
    return SeededProblem(data_seed, n, d, batch_size, fraction, epochs, draw(seeds()))


# --- worked cases -------------------------------------------------------------
#
# Hypothesis tries a check's explicit examples before it searches, and reports
# a failing one as it is, unshrunk. Most checks therefore start with the worked
# case below: five rows in batches of two (so the last batch is shorter), two
# epochs (so the second one reshuffles) and numbers small enough to follow by
# hand. A typical mistake fails there at once, with an input the student can
# read, instead of after a search and a shrink of dozens of runs.


def _frozen(rows: list) -> np.ndarray:
    """A read-only float array (a worked case is shared by every run of every check)."""
    array = np.array(rows, dtype=np.float64)
    array.setflags(write=False)
    return array


WORKED_X = _frozen([[1, 2], [-1, 0], [2, 1], [0, -1], [1, 1]])
"""The worked case's inputs: 5 rows, 2 columns, largest squared row norm 5."""
WORKED_Y = _frozen([3, -1, 2, -2, 1])
"""Its targets, all different (a batch of targets tells which rows it holds)."""
WORKED_W = _frozen([0.5, -0.5])
"""Its starting weights."""
WORKED_LR = safe_step_size(WORKED_X, 0.5)
"""Its step size: half the largest safe one, 0.1."""
WORKED_COUNTS = (5, 2)
"""``(n, batch_size)``: 3 batches, the last one of a single example."""
WORKED_INDEX_CASE = (5, 2, 0)
"""``(n, batch_size, seed)`` for ``minibatch_indices``."""
WORKED_BATCHED = (WORKED_X, WORKED_Y, 2, 0)
"""``(X, y, batch_size, seed)`` for ``iterate_minibatches``."""
WORKED_LOSS_CASE = (WORKED_W, WORKED_X, WORKED_Y)
"""``(w, X, y)`` for ``mse_loss`` and ``mse_gradient``."""
WORKED_ROW = (WORKED_W, WORKED_X[:1], WORKED_Y[:1])
"""``(w, X, y)`` with the worked case's first row alone."""
WORKED_STEP = (WORKED_W, _frozen([1, -2]), WORKED_LR)
"""``(w, grad, lr)`` for ``gd_step``."""
WORKED_EPOCH = EpochCase(WORKED_W, WORKED_X, WORKED_Y, 2, WORKED_LR, 0)
"""One ``run_epoch`` call on the worked data."""


def worked_problem(batch_size: str = "any", decay: bool = False) -> Problem:
    """The worked training run: two epochs on the worked data, seed 0.

    Parameters
    ----------
    batch_size : str
        ``"any"`` (2: a shorter last batch), ``"full"`` (5) or ``"one"`` (1),
        as for :func:`problems`.
    decay : bool
        ``lr_decay = 0.5`` (else 0).

    Returns
    -------
    Problem
    """
    size = {"full": len(WORKED_X), "one": 1}.get(batch_size, 2)
    return Problem(WORKED_X, WORKED_Y, WORKED_W, size, WORKED_LR, 2, 0, 0.5 if decay else 0.0)


def worked_consistent_problem() -> tuple[Problem, np.ndarray]:
    """The worked data with noiseless targets ``X @ [1, -1]``, as :func:`consistent_problems`."""
    w_star = _frozen([1, -1])
    y = WORKED_X @ w_star
    y.setflags(write=False)
    return Problem(WORKED_X, y, WORKED_W, 1, WORKED_LR, 2, 0, 0.0), w_star


def worked_seeded_problem(n: int, batch_size: int, epochs: int) -> SeededProblem:
    """A run drawn as :func:`seeded_problems` draws it, from seed 0 with 3 columns.

    Parameters
    ----------
    n, batch_size, epochs : int
        Inside the range of the :func:`seeded_problems` call it stands for.

    Returns
    -------
    SeededProblem
    """
    return SeededProblem(0, n, 3, batch_size, 0.5, epochs, 0)


def large_problems() -> st.SearchStrategy[SeededProblem]:
    """Training runs with 500 to 2000 rows, batches of at least 100, ``epochs <= 3``."""
    return seeded_problems()
