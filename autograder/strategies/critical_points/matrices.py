"""Matrices for ``classify_hessian``: chosen eigenvalue signs, tolerances,
bad input, worked examples.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from autograder.strategies.critical_points.cases import DEFAULT_TOL, MatrixCase, second_order_label
from autograder.strategies.critical_points.numbers import (
    decimals,
    hessians,
    log_uniform,
    orthogonal_matrices,
    sorted_array,
    with_eigenvalues,
)

SIGN_PATTERNS = {
    "positive": ((1,), 1, 4),
    "negative": ((-1,), 1, 4),
    "mixed": ((1, -1), 2, 4),
    "mixed_with_zero": ((1, -1, 0), 3, 5),
    "semidefinite": ((0,), 1, 4),
}
"""For each kind of matrix: the signs that must all appear, and the range of ``n``.

For ``"semidefinite"`` the other eigenvalues are zero or all of one sign.
"""


@st.composite
def eigenvalue_signs(draw: st.DrawFn, signs: str) -> list[int]:
    """Signs (``1``, ``-1``, ``0``) of the eigenvalues for one kind of matrix.

    ``"positive"``, ``"negative"``: all of that sign. ``"mixed"``: both signs,
    no zero. ``"mixed_with_zero"``: both signs and a zero. ``"semidefinite"``:
    at least one zero and the others all ``+`` or all ``-``.
    """
    required, low, high = SIGN_PATTERNS[signs]
    n = draw(st.integers(low, high))
    if signs == "semidefinite":
        sign = draw(st.sampled_from((1, -1)))
        rest = draw(st.lists(st.sampled_from((0, sign)), min_size=n - 1, max_size=n - 1))
        return draw(st.permutations([0, *rest]))
    extra = n - len(required)
    rest = draw(st.lists(st.sampled_from(required), min_size=extra, max_size=extra))
    return draw(st.permutations([*required, *rest]))


@st.composite
def symmetric_matrices(draw: st.DrawFn, signs: str) -> MatrixCase:
    """Symmetric matrices with eigenvalues of chosen signs, for the default ``tol``.

    Parameters
    ----------
    signs : str
        See :func:`eigenvalue_signs`. Non-zero eigenvalues have sizes in
        ``[1e-2, 100]`` (three significant digits); zero ones are exactly zero
        before rounding, so the computed ones are about ``1e-15``. Unless all
        signs agree, ``H`` is turned by at least one rotation, so its diagonal
        usually does not show the signs of its eigenvalues.

    Returns
    -------
    SearchStrategy of MatrixCase
    """
    pattern = draw(eigenvalue_signs(signs))
    n = len(pattern)
    lam = [s * draw(log_uniform(1e-2, 100.0)) for s in pattern]
    # At least one rotation when the signs differ: the diagonal must not give them away.
    turns = 0 if signs in ("positive", "negative") else 1
    Q = draw(orthogonal_matrices(n, min_rotations=turns))
    H = with_eigenvalues(Q, np.array(lam, dtype=float))
    return MatrixCase(
        H, sorted_array(lam), DEFAULT_TOL, second_order_label(np.array(lam), DEFAULT_TOL)
    )


@st.composite
def tolerance_cases(draw: st.DrawFn) -> MatrixCase:
    """Matrices with eigenvalues on both sides of a given ``tol``.

    ``tol`` lies in ``[1e-8, 1]``; at least one eigenvalue is small,
    ``max(1e-10, 0.01 tol) <= |lam| <= 0.5 tol`` (it counts as zero), and the
    others are large, ``2 tol <= |lam| <= 100`` (they count). Signs are
    random.
    """
    tol = draw(log_uniform(1e-8, 1.0, digits=2))
    n = draw(st.integers(1, 4))
    small = [True, *draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))]
    lam = []
    for is_small in draw(st.permutations(small)):
        if is_small:
            size = draw(log_uniform(max(1e-10, 0.01 * tol), 0.5 * tol))
        else:
            size = draw(log_uniform(2 * tol, 100.0))
        lam.append(draw(st.sampled_from((1, -1))) * size)
    H = with_eigenvalues(draw(orthogonal_matrices(n)), np.array(lam), places=None)
    return MatrixCase(H, sorted_array(lam), tol, second_order_label(np.array(lam), tol))


@st.composite
def non_symmetric_matrices(draw: st.DrawFn) -> np.ndarray:
    """Square matrices with ``|H - H.T|`` at least ``2e-3 * (1 + max|H|)`` somewhere.

    A symmetric matrix with entries in ``[-10, 10]`` and one off-diagonal entry
    changed by ``k * (1 + max|S|)`` with ``2e-3 <= k <= 1``; every
    ``np.allclose(H, H.T)`` test (``rtol=1e-5``, ``atol=1e-8``) fails on it.
    """
    n = draw(st.integers(2, 4))
    S = draw(hessians(n, decimals(-10.0, 10.0), decimals(-10.0, 10.0)))
    i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    k = draw(log_uniform(2e-3, 1.0))
    sign = draw(st.sampled_from((1.0, -1.0)))
    H = S.copy()
    H[i, j] += sign * k * (1.0 + np.max(np.abs(S)))
    assert np.max(np.abs(H - H.T)) >= 1.9e-3 * (1.0 + np.max(np.abs(H)))
    return H


@st.composite
def non_finite_matrices(draw: st.DrawFn) -> np.ndarray:
    """Symmetric matrices holding ``inf``, ``-inf`` or ``nan`` (in mirrored places)."""
    n = draw(st.integers(1, 4))
    H = draw(hessians(n, decimals(-10.0, 10.0), decimals(-10.0, 10.0)))
    i, j = sorted(draw(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    H[i, j] = H[j, i] = draw(st.sampled_from((np.inf, -np.inf, np.nan)))
    return H


@st.composite
def badly_shaped_matrices(draw: st.DrawFn) -> np.ndarray:
    """A 1-D array, a non-square matrix, or the empty ``(0, 0)`` matrix."""
    kind = draw(st.sampled_from(("1-D", "non-square", "empty")))
    if kind == "empty":
        return np.zeros((0, 0))
    if kind == "1-D":
        shape: tuple[int, ...] = (draw(st.integers(1, 4)),)
    else:
        rows, cols = draw(
            st.tuples(st.integers(1, 4), st.integers(1, 4)).filter(lambda s: s[0] != s[1])
        )
        shape = (rows, cols)
    entries = [draw(decimals(-10.0, 10.0)) for _ in range(int(np.prod(shape)))]
    return np.array(entries, dtype=float).reshape(shape)


@st.composite
def random_symmetric_matrices(draw: st.DrawFn) -> tuple[np.ndarray, float | None]:
    """Any symmetric matrix and a tolerance (``None``: leave the default).

    Float entries in ``[-10, 10]``, small integer entries (exact zero
    eigenvalues happen), or ``±A @ A.T`` of low rank; ``1 <= n <= 5``;
    ``tol`` is the default or lies in ``[1e-10, 10]``. Matrices with an
    eigenvalue within ``1e-11 * (1 + max|H|)`` of ``±tol`` are rejected.
    """
    n = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(("floats", "integers", "low rank")))
    if kind == "floats":
        H = draw(hessians(n, decimals(-10.0, 10.0), decimals(-10.0, 10.0)))
    elif kind == "integers":
        whole = st.integers(-3, 3).map(float)
        H = draw(hessians(n, whole, whole))
    else:
        rank = draw(st.integers(0, max(0, n - 1)))
        A = np.array(
            [[draw(st.integers(-3, 3)) for _ in range(rank)] for _ in range(n)], dtype=float
        ).reshape(n, rank)
        H = draw(st.sampled_from((1.0, -1.0))) * (A @ A.T) + 0.0
    tol = draw(st.one_of(st.none(), log_uniform(1e-10, 10.0, digits=2)))
    lam = np.linalg.eigvalsh(H)
    margin = 1e-11 * (1.0 + np.max(np.abs(H)))
    threshold = DEFAULT_TOL if tol is None else tol
    assume(bool(np.all(np.abs(np.abs(lam) - threshold) > margin)))
    return H, tol


# --- worked cases for classify_hessian ------------------------------------------------


def _matrix_case(
    H: list[list[float]], eigenvalues: list[float], tol: float = DEFAULT_TOL
) -> MatrixCase:
    """A worked :class:`MatrixCase`: ``H`` with its exact eigenvalues and answer."""
    matrix = np.array(H, dtype=float)
    lam = sorted_array(eigenvalues)
    assert np.array_equal(matrix, matrix.T)
    assert np.allclose(np.linalg.eigvalsh(matrix), lam, rtol=0.0, atol=1e-12)
    return MatrixCase(matrix, lam, tol, second_order_label(lam, tol))


def zero_diagonal_saddle() -> MatrixCase:
    """``[[0, 1], [1, 0]]`` (eigenvalues -1 and 1): a saddle whose diagonal is zero.

    Catches a test on the signs of the diagonal instead of the eigenvalues.
    """
    return _matrix_case([[0.0, 1.0], [1.0, 0.0]], [-1.0, 1.0])


def saddle_beside_zero() -> MatrixCase:
    """``diag(1, -1, 0)``: a zero eigenvalue beside both signs is still a saddle.

    Catches answering ``"inconclusive"`` as soon as an eigenvalue is zero,
    before looking for a mix of signs.
    """
    return _matrix_case([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 0.0]], [-1.0, 0.0, 1.0])


def zero_diagonal_saddle_beside_zero() -> MatrixCase:
    """``[[0, 1, 0], [1, 0, 0], [0, 0, 0]]`` (eigenvalues -1, 0, 1): a saddle, zero diagonal.

    Catches reading the signs off the diagonal (which is all zero here).
    """
    H = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    return _matrix_case(H, [-1.0, 0.0, 1.0])


def all_ones() -> MatrixCase:
    """The all-ones ``3 x 3`` matrix: eigenvalues 0, 0 and 3, so ``"inconclusive"``.

    Its zero eigenvalues come out of ``eigvalsh`` as tiny non-zero numbers
    (about ``1e-16``): comparing them with 0 instead of ``tol`` gives another
    answer, and so does reading the (positive) diagonal.
    """
    return _matrix_case(np.ones((3, 3)).tolist(), [0.0, 0.0, 3.0])


def small_negative_eigenvalue() -> MatrixCase:
    """``[[0.995, 1.005], [1.005, 0.995]]`` with ``tol = 0.1``: eigenvalues -0.01 and 2.

    ``-0.01`` lies within ``tol`` of zero, so the answer is ``"inconclusive"``,
    not ``"saddle_point"`` (comparing with 0 instead of ``tol``) nor
    ``"local_minimum"`` (reading the positive diagonal).
    """
    return _matrix_case([[0.995, 1.005], [1.005, 0.995]], [-0.01, 2.0], tol=0.1)
