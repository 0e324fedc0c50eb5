"""Building blocks: decimals, points, monomials, Hessians of chosen eigenvalues."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from hypothesis import strategies as st

from autograder.strategies.critical_points.cases import ROTATIONS
from autograder.strategies.polynomials import Term


@functools.cache
def decimals(low: float, high: float, places: int = 3) -> st.SearchStrategy[float]:
    """Floats in ``[low, high]`` rounded to ``places`` decimals (``low``, ``high`` too).

    Parameters
    ----------
    low, high : float
        The bounds, themselves numbers with at most ``places`` decimals.
    places : int
        Decimals kept.

    Returns
    -------
    SearchStrategy of float
    """
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return floats.map(lambda v: min(max(round(v, places), low), high))


@functools.cache
def signed(low: float, high: float, places: int = 3) -> st.SearchStrategy[float]:
    """Floats with ``low <= |v| <= high``, either sign, rounded to ``places`` decimals.

    One draw ``d`` in ``[-(high - low), high - low]`` becomes
    ``d + copysign(low, d)``, so it shrinks towards ``low``.
    """
    spread = high - low
    return decimals(-spread, spread, places).map(
        lambda d: min(max(round(d + math.copysign(low, d), places), -high), high)
    )


@functools.cache
def log_uniform(low: float, high: float, digits: int = 3) -> st.SearchStrategy[float]:
    """Positive floats spread evenly in magnitude over ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Bounds, ``0 < low < high``.
    digits : int
        Significant digits kept (the result stays within ``[low, high]``).

    Returns
    -------
    SearchStrategy of float
    """
    exponents = st.floats(np.log10(low), np.log10(high), allow_nan=False)
    return exponents.map(lambda e: min(max(float(f"{10.0**e:.{digits}g}"), low), high))


@functools.cache
def points(n: int) -> st.SearchStrategy[tuple[float, ...]]:
    """Points of ``n`` coordinates in ``[-2, 2]`` with three decimals."""
    return st.tuples(*[decimals(-2.0, 2.0) for _ in range(n)])


def monomials(n: int, degrees: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every exponent tuple of ``n`` variables whose total degree is in ``degrees``."""
    found = [
        exps
        for exps in itertools.product(range(max(degrees) + 1), repeat=n)
        if sum(exps) in degrees
    ]
    return sorted(found, key=lambda e: (sum(e), [-v for v in e]))


@functools.cache
def higher_terms(
    n: int, max_terms: int = 4, scale: float = 10.0, pure_cubes: bool = True
) -> st.SearchStrategy[list[Term]]:
    """Up to ``max_terms`` random monomials of degree 3 or 4 of ``x - center``.

    Parameters
    ----------
    n : int
        The number of variables.
    max_terms : int
        The most terms drawn.
    scale : float
        Coefficients lie in ``[-scale, scale]``.
    pure_cubes : bool
        Whether ``u_i**3`` may be drawn (left out where the check fixes them).

    Returns
    -------
    SearchStrategy of list of (float, tuple of int)
    """
    choices = [e for e in monomials(n, (3, 4)) if pure_cubes or not (sum(e) == 3 and max(e) == 3)]
    term = st.tuples(decimals(-scale, scale), st.sampled_from(choices))
    return st.lists(term, max_size=max_terms)


@functools.cache
def pure_cubes(n: int, low: float = 10.0, high: float = 50.0) -> st.SearchStrategy[list[Term]]:
    """One term ``c * u_i**3`` per variable with ``low <= |c| <= high``.

    The third derivative ``6c`` along each axis is what a forward-difference
    Hessian gets wrong (by about ``h * 6c``).
    """
    axes = [tuple(3 * int(k == i) for k in range(n)) for i in range(n)]
    return st.tuples(*[signed(low, high) for _ in range(n)]).map(
        lambda cs: list(zip(cs, axes, strict=True))
    )


@functools.cache
@st.composite
def hessians(
    draw: st.DrawFn,
    n: int,
    diagonal: st.SearchStrategy[float],
    off_diagonal: st.SearchStrategy[float],
) -> np.ndarray:
    """Symmetric ``(n, n)`` matrices with entries drawn from the given strategies."""
    H = np.zeros((n, n))
    for i in range(n):
        H[i, i] = draw(diagonal)
        for j in range(i + 1, n):
            H[i, j] = H[j, i] = draw(off_diagonal)
    return H


@functools.cache
@st.composite
def orthogonal_matrices(
    draw: st.DrawFn, n: int, min_rotations: int = 0, max_rotations: int = 3
) -> np.ndarray:
    """Orthogonal matrices: products of Givens rotations.

    Each of the ``min_rotations`` to ``max_rotations`` rotations turns a plane
    ``(i, j)`` by an angle of the 3-4-5 triangle, so the entries are short
    decimals. Shrinks to the identity (or to ``min_rotations`` rotations).
    For ``n = 1`` the result is ``[[1.0]]``.
    """
    Q = np.eye(n)
    if n < 2:
        return Q
    for _ in range(draw(st.integers(min_rotations, max_rotations))):
        i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        c, s = draw(st.sampled_from(ROTATIONS))
        G = np.eye(n)
        G[i, i] = G[j, j] = c
        G[i, j], G[j, i] = -s, s
        Q = G @ Q
    return Q


def with_eigenvalues(
    Q: np.ndarray, eigenvalues: np.ndarray, places: int | None = 10
) -> np.ndarray:
    """``Q @ diag(eigenvalues) @ Q.T``, made exactly symmetric.

    Parameters
    ----------
    Q : ndarray of shape (n, n)
        Orthogonal.
    eigenvalues : ndarray of shape (n,)
    places : int or None
        Round the entries to this many decimals (their exact values are short
        decimals when ``Q`` comes from :func:`orthogonal_matrices` and the
        eigenvalues have few digits); ``None`` keeps them as computed.

    Returns
    -------
    ndarray of shape (n, n)
    """
    H = Q @ np.diag(eigenvalues) @ Q.T
    H = (H + H.T) / 2
    if places is not None:
        H = np.round(H, places)
    return H + 0.0  # no negative zeros


def sorted_array(values: list[float]) -> np.ndarray:
    return np.array(sorted(values), dtype=float)


@functools.cache
@st.composite
def unit_vectors(draw: st.DrawFn, n: int) -> np.ndarray:
    """Unit vectors with short decimal entries (a column of :func:`orthogonal_matrices`)."""
    Q = draw(orthogonal_matrices(n))
    return Q[:, draw(st.integers(0, n - 1))] * draw(st.sampled_from((1.0, -1.0))) + 0.0
