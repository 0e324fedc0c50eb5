"""Hypothesis strategies for the ``critical_points`` checks.

Every strategy stays inside SPEC.md's graded domain, with margins:

* ``f`` is a :class:`~autograder.polynomials.Polynomial` of degree at most 4
  in ``n <= 4`` variables, written in Taylor form around the point ``x`` it is
  evaluated at, so its value, gradient and Hessian at ``x`` are the
  coefficients the strategy chose. The coordinates of ``x`` lie in
  ``[-2, 2]`` and have three decimals (they print exactly), and ``|f| <= 10``
  within ``1e-3`` of ``x`` (checked with
  :meth:`~autograder.polynomials.Polynomial.bound_near`, the size of the terms
  before they cancel, which also bounds the rounding error of ``f``).
* Matrices for ``classify_hessian`` are exactly symmetric, with entries of
  size at most ``1e3``, and no eigenvalue lies anywhere near ``tol`` or
  ``-tol``. They are built as ``Q @ diag(lam) @ Q.T`` with ``Q`` a product of
  Givens rotations by the angles of the 3-4-5 triangle, so that their entries
  are short decimals and a shrunk example reads well.
* At a point given to ``classify_critical_point`` every Hessian eigenvalue is
  zero or at least ``1e-2`` in size and the gradient's norm is zero or at
  least ``1e-3``; with custom tolerances, eigenvalues and gradient norms keep
  a factor of 2 from ``eig_tol`` and ``grad_tol``.

The sizes are chosen so that every correct method passes by a wide margin:
a Hessian taken as the central difference of a central-difference gradient
with ``h = 1e-6`` is off by about ``1e-5`` at most here, against the allowed
``1e-4 * (1 + max|f|)``; and so that wrong ones fail by a wide margin: second
derivatives of at least 20 put a forward-difference gradient ``1e-5`` off
(allowed ``1e-6 * (1 + |g_i|)`` with ``|g_i| <= 3``), and pure cubic terms
with third derivatives of at least 60 put a forward-difference Hessian
``6e-3`` off (allowed at most ``6e-4``).
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from autograder.polynomials import Polynomial, Term

MAX_VARIABLES = 4
"""The largest number of variables of ``f`` (SPEC)."""

VALUE_BOUND = 10.0
"""``|f| <= 10`` within ``NEAR`` of ``x`` (SPEC)."""

NEAR = 1e-3
"""The radius around ``x`` in which ``|f|`` is bounded."""

DEFAULT_TOL = 1e-8
"""``classify_hessian``'s default ``tol``."""

DEFAULT_GRAD_TOL = 1e-4
"""``classify_critical_point``'s default ``grad_tol``."""

DEFAULT_EIG_TOL = 1e-4
"""``classify_critical_point``'s default ``eig_tol``."""

LABELS = ("local_minimum", "local_maximum", "saddle_point", "inconclusive")
"""The answers of ``classify_hessian``."""

ROTATIONS = ((0.6, 0.8), (0.8, 0.6), (0.6, -0.8), (0.8, -0.6))
"""``(cos, sin)`` of the Givens rotations that build the orthogonal matrices."""


# --- cases ----------------------------------------------------------------------


class GradientCase(NamedTuple):
    """A point with its exact gradient.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    gradient : ndarray of shape (n,)
        The exact gradient of ``f`` at ``x``.
    """

    f: Polynomial
    x: np.ndarray
    gradient: np.ndarray


class HessianCase(NamedTuple):
    """A point with its exact Hessian.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    hessian : ndarray of shape (n, n)
        The exact Hessian of ``f`` at ``x``.
    size : float
        A bound of ``|f|`` within ``1e-3`` of ``x`` (the ``max|f|`` of SPEC).
    """

    f: Polynomial
    x: np.ndarray
    hessian: np.ndarray
    size: float


class StepCase(NamedTuple):
    """A point and a step ``h`` for ``numerical_gradient``.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    h : float
    """

    f: Polynomial
    x: np.ndarray
    h: float


class PointCase(NamedTuple):
    """A function and a point (for checks that need no answer).

    Attributes
    ----------
    f : Polynomial
    x : ndarray
    """

    f: Polynomial
    x: np.ndarray


class MatrixCase(NamedTuple):
    """A symmetric matrix with known eigenvalues.

    Attributes
    ----------
    H : ndarray of shape (n, n)
        Exactly symmetric.
    eigenvalues : ndarray of shape (n,)
        Its eigenvalues, sorted (as chosen, before rounding).
    tol : float
        The tolerance the expected answer was computed with.
    expected : str
        The answer of ``classify_hessian(H, tol)``.
    """

    H: np.ndarray
    eigenvalues: np.ndarray
    tol: float
    expected: str


class CriticalCase(NamedTuple):
    """A point of a polynomial with a known answer of ``classify_critical_point``.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    gradient : ndarray of shape (n,)
        The exact gradient at ``x``.
    eigenvalues : ndarray of shape (n,)
        The eigenvalues of the exact Hessian at ``x``, sorted.
    grad_tol, eig_tol : float
        The tolerances the expected answer was computed with.
    expected : str
        The answer.
    """

    f: Polynomial
    x: np.ndarray
    gradient: np.ndarray
    eigenvalues: np.ndarray
    grad_tol: float
    eig_tol: float
    expected: str


# --- numbers ----------------------------------------------------------------------


def second_order_label(eigenvalues: np.ndarray, tol: float) -> str:
    """The second-order test of SPEC on known eigenvalues.

    Parameters
    ----------
    eigenvalues : ndarray
        The eigenvalues of a symmetric matrix.
    tol : float
        Eigenvalues with ``|lam| <= tol`` count as zero.

    Returns
    -------
    str
        One of :data:`LABELS`.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    positive, negative = bool(np.any(lam > tol)), bool(np.any(lam < -tol))
    if positive and negative:
        return "saddle_point"
    if np.all(lam > tol):
        return "local_minimum"
    if np.all(lam < -tol):
        return "local_maximum"
    return "inconclusive"


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


def _sorted(values: list[float]) -> np.ndarray:
    return np.array(sorted(values), dtype=float)


# --- numerical_gradient -------------------------------------------------------------


@st.composite
def gradient_cases(draw: st.DrawFn, min_n: int = 1, max_n: int = MAX_VARIABLES) -> GradientCase:
    """Polynomials with strong curvature at ``x``, and their exact gradient there.

    ``|f(x)| <= 5``, gradient entries of size at most 3, second derivatives
    ``20 <= |f_ii| <= 100`` (a forward difference is then off by at least
    ``1e-5``, more than twice the allowed ``1e-6 * (1 + |g_i|) <= 4e-6``),
    and up to four cubic or quartic terms.
    """
    n = draw(st.integers(min_n, max_n))
    x = draw(points(n))
    gradient = [draw(decimals(-3.0, 3.0)) for _ in range(n)]
    H = draw(hessians(n, signed(20.0, 100.0), decimals(-20.0, 20.0)))
    higher = draw(higher_terms(n, scale=50.0))
    f = Polynomial.taylor(x, draw(decimals(-5.0, 5.0)), gradient, H, higher)
    assert f.bound_near(x, NEAR) <= VALUE_BOUND
    return GradientCase(f, np.array(x), np.array(gradient, dtype=float))


@st.composite
def step_cases(draw: st.DrawFn) -> StepCase:
    """Polynomials with large third derivatives, and a large step ``h``.

    ``1e-3 <= h <= 1e-2`` and pure cubic terms ``c * u_i**3`` with
    ``|c| >= 10``: the central difference with this ``h`` differs from the
    true gradient by ``c * h**2 >= 1e-5`` (and from one with another step by
    as much), while its rounding error is below ``1e-11``. ``|f| <= 10``
    within ``h`` of ``x``.
    """
    n = draw(st.integers(1, MAX_VARIABLES))
    x = draw(points(n))
    gradient = [draw(decimals(-3.0, 3.0)) for _ in range(n)]
    H = draw(hessians(n, decimals(-20.0, 20.0), decimals(-20.0, 20.0)))
    higher = draw(pure_cubes(n)) + draw(higher_terms(n, scale=50.0, pure_cubes=False))
    h = draw(log_uniform(1e-3, 1e-2, digits=2))
    f = Polynomial.taylor(x, draw(decimals(-5.0, 5.0)), gradient, H, higher)
    assert f.bound_near(x, h) <= VALUE_BOUND
    return StepCase(f, np.array(x), h)


@st.composite
def matrix_points(draw: st.DrawFn) -> PointCase:
    """A 2-D ``x`` (shape ``(1, n)``, ``(n, 1)`` or ``(2, 2)``) and ``f`` of ``n`` variables."""
    n = draw(st.integers(1, MAX_VARIABLES))
    shapes = [(1, n), (n, 1)] + ([(2, 2)] if n == 4 else [])
    shape = draw(st.sampled_from(shapes))
    x = draw(points(n))
    gradient = [draw(decimals(-3.0, 3.0)) for _ in range(n)]
    f = Polynomial.taylor(x, draw(decimals(-5.0, 5.0)), gradient)
    return PointCase(f, np.array(x).reshape(shape))


def empty_point() -> PointCase:
    """An empty ``x`` (shape ``(0,)``) and a constant ``f`` of no variables."""
    return PointCase(Polynomial.taylor((), 1.5), np.zeros(0))


def bad_points() -> st.SearchStrategy[PointCase]:
    """A 2-D ``x`` (see :func:`matrix_points`) or an empty one."""
    return st.one_of(st.just(empty_point()), matrix_points())


# --- numerical_hessian -------------------------------------------------------------


@st.composite
def hessian_cases(draw: st.DrawFn, min_n: int = 1, max_n: int = MAX_VARIABLES) -> HessianCase:
    """Cubic and quartic polynomials, and their exact Hessian at ``x``.

    ``|f(x)| <= 5``, gradient entries of size at most 3, Hessian entries of
    size at most 50 with off-diagonal ones at least 1 in size, a pure cubic
    term ``c * u_i**3`` with ``10 <= |c| <= 50`` per variable, and up to four
    more terms of degree 3 or 4.
    """
    n = draw(st.integers(min_n, max_n))
    x = draw(points(n))
    gradient = [draw(decimals(-3.0, 3.0)) for _ in range(n)]
    H = draw(hessians(n, decimals(-50.0, 50.0), signed(1.0, 20.0)))
    higher = draw(pure_cubes(n)) + draw(higher_terms(n, scale=50.0, pure_cubes=False))
    f = Polynomial.taylor(x, draw(decimals(-5.0, 5.0)), gradient, H, higher)
    size = f.bound_near(x, NEAR)
    assert size <= VALUE_BOUND
    return HessianCase(f, np.array(x), f.hessian(x), size)


@st.composite
def shifted_hessian_cases(draw: st.DrawFn) -> HessianCase:
    """Polynomials of degree at most 4 evaluated away from their expansion center.

    Every monomial of degree 1 to 4 may appear (up to twelve of them) around a
    center ``c``, and ``x = c + d`` with ``|d_i| <= 0.5``; the coefficients
    are scaled down when needed so that ``|f| <= 10`` within ``1e-3`` of
    ``x``, counted before cancellation, and cases with a gradient entry above
    ``2 * (1 + max|f|)`` are rejected. The answer is the exact Hessian at
    ``x``.
    """
    n = draw(st.integers(1, MAX_VARIABLES))
    center = draw(points(n))
    shift = [draw(decimals(-0.5, 0.5)) for _ in range(n)]
    x = tuple(round(c + d, 3) for c, d in zip(center, shift, strict=True))
    choices = monomials(n, (1, 2, 3, 4))
    terms = draw(st.lists(st.tuples(decimals(-20.0, 20.0), st.sampled_from(choices)), max_size=12))
    terms.append((draw(decimals(-5.0, 5.0)), (0,) * n))
    f = Polynomial(center, tuple(terms))
    size = f.bound_near(x, NEAR)
    if size > VALUE_BOUND:
        factor = float(f"{VALUE_BOUND / size:.2g}") / 1.1
        f = Polynomial(center, tuple((round(c * factor, 6), e) for c, e in f.terms))
        size = f.bound_near(x, NEAR)
    assert size <= VALUE_BOUND
    # A Hessian taken from a numerical gradient (h = 1e-6) is off by about
    # 5e-6 * |grad f| through the rounding of x + h: keep that well inside.
    assume(float(np.max(np.abs(f.gradient(x)))) <= 2.0 * (1.0 + size))
    return HessianCase(f, np.array(x), f.hessian(x), size)


# --- worked cases for numerical_gradient and numerical_hessian -------------------------
#
# Explicit ``@example``s: hypothesis tries them before it draws anything and
# reports a failing one as it is, without shrinking, so a typical mistake
# meets a short textbook case at once. Each lies inside the strategy of the
# check it is given to.


def curved_cubic() -> Polynomial:
    """``10*x0**2 + 15*x0*x1 + 10*x1**2 + 10*x0**3 + 10*x1**3``, around the origin.

    At the origin its gradient is zero, its Hessian ``[[20, 15], [15, 20]]``
    (strong curvature and a cross term) and its third derivatives along the
    axes are 60: a forward difference, a step other than the given ``h``, a
    Hessian without (or with wrongly scaled) mixed partials and an ``x``
    changed in place all show at once. The Jacobian of a central-difference
    gradient (``h = 1e-6``, then ``h = 1e-4``) comes out about ``7e-14`` away
    from symmetric here, so a Hessian that is not symmetrised shows too.

    Returns
    -------
    Polynomial
    """
    hessian = [[20.0, 15.0], [15.0, 20.0]]
    cubes = [(10.0, (3, 0)), (10.0, (0, 3))]
    return Polynomial.taylor((0.0, 0.0), 0.0, [0.0, 0.0], hessian, cubes)


def curved_cubic_gradient() -> GradientCase:
    """:func:`curved_cubic` at the origin, for :func:`gradient_cases` (gradient ``(0, 0)``).

    A forward difference is off by ``h/2 * f'' = 1e-5`` (allowed ``1e-6``); an
    ``x`` left at ``x_0 - h`` after the first entry moves the second by
    ``1.5e-5``.
    """
    f, x = curved_cubic(), np.zeros(2)
    return GradientCase(f, x, f.gradient(x))


def curved_cubic_step() -> StepCase:
    """:func:`curved_cubic` at the origin with ``h = 0.01``, for :func:`step_cases`.

    The central difference with this ``h`` is ``10 * h**2 = 1e-3`` per entry;
    another step gives about ``1e-9`` and a forward difference about ``0.1``.
    """
    return StepCase(curved_cubic(), np.zeros(2), 0.01)


def curved_cubic_hessian() -> HessianCase:
    """:func:`curved_cubic` at the origin, for :func:`hessian_cases`.

    A forward-difference Hessian is off by ``h * f''' = 6e-3`` on the diagonal
    (allowed about ``1e-4``); dropping the mixed partials or dividing them by
    ``2 h**2`` gets the off-diagonal ``15`` wrong; an unsymmetrised Jacobian of
    the gradient is not exactly symmetric.
    """
    f, x = curved_cubic(), np.zeros(2)
    return HessianCase(f, x, f.hessian(x), f.bound_near(x, NEAR))


def monkey_saddle_off_center() -> HessianCase:
    """The monkey saddle ``x0**3 - 3*x0*x1**2`` at ``(0.5, 0.5)``, off its center.

    For :func:`shifted_hessian_cases`. Its Hessian there is
    ``[[3, -3], [-3, -3]]`` and its gradient ``(0, -1.5)``; a
    forward-difference Hessian is off by ``h * 6 = 6e-4`` (allowed
    ``1.5e-4``), mixed partials left out or doubled are off by 3.
    """
    f, x = Polynomial.monkey_saddle(), np.array([0.5, 0.5])
    return HessianCase(f, x, f.hessian(x), f.bound_near(x, NEAR))


# --- classify_hessian ----------------------------------------------------------------

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
    return MatrixCase(H, _sorted(lam), DEFAULT_TOL, second_order_label(np.array(lam), DEFAULT_TOL))


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
    return MatrixCase(H, _sorted(lam), tol, second_order_label(np.array(lam), tol))


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
    lam = _sorted(eigenvalues)
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


# --- classify_critical_point ----------------------------------------------------------


@st.composite
def _polynomial_with_eigenvalues(
    draw: st.DrawFn,
    lam: list[float],
    gradient: np.ndarray,
    value: st.SearchStrategy[float],
) -> tuple[Polynomial, np.ndarray]:
    n = len(lam)
    x = draw(points(n))
    H = with_eigenvalues(draw(orthogonal_matrices(n)), np.array(lam, dtype=float))
    higher = draw(higher_terms(n))
    f = Polynomial.taylor(x, draw(value), list(gradient), H, higher)
    assert f.bound_near(x, NEAR) <= VALUE_BOUND
    return f, np.array(x)


@st.composite
def critical_cases(draw: st.DrawFn, min_n: int = 1, max_n: int = MAX_VARIABLES) -> CriticalCase:
    """Critical points (zero gradient) with eigenvalues of random signs.

    Each eigenvalue is ``0`` or ``±lam`` with ``1e-2 <= lam <= 10``; ``f``
    adds up to four cubic or quartic terms and ``|f(x)| <= 1``. The answer
    is the second-order test with the default ``eig_tol``.
    """
    n = draw(st.integers(min_n, max_n))
    pattern = [draw(st.sampled_from((1, -1, 0))) for _ in range(n)]
    lam = [s * draw(log_uniform(1e-2, 10.0)) for s in pattern]
    gradient = np.zeros(n)
    f, x = draw(_polynomial_with_eigenvalues(lam, gradient, decimals(-1.0, 1.0)))
    label = second_order_label(np.array(lam), DEFAULT_EIG_TOL)
    return CriticalCase(f, x, gradient, _sorted(lam), DEFAULT_GRAD_TOL, DEFAULT_EIG_TOL, label)


@functools.cache
@st.composite
def unit_vectors(draw: st.DrawFn, n: int) -> np.ndarray:
    """Unit vectors with short decimal entries (a column of :func:`orthogonal_matrices`)."""
    Q = draw(orthogonal_matrices(n))
    return Q[:, draw(st.integers(0, n - 1))] * draw(st.sampled_from((1.0, -1.0))) + 0.0


@st.composite
def non_critical_cases(draw: st.DrawFn) -> CriticalCase:
    """Points where the gradient's norm is between ``1.2e-3`` and 5.

    The Hessian has eigenvalues of any sign (or zero), ``|f(x)| <= 5``.
    """
    n = draw(st.integers(1, MAX_VARIABLES))
    norm = draw(log_uniform(1.2e-3, 5.0))
    gradient = np.round(norm * draw(unit_vectors(n)), 12) + 0.0
    pattern = [draw(st.sampled_from((1, -1, 0))) for _ in range(n)]
    lam = [s * draw(log_uniform(1e-2, 10.0)) for s in pattern]
    f, x = draw(_polynomial_with_eigenvalues(lam, gradient, decimals(-5.0, 5.0)))
    return CriticalCase(
        f, x, gradient, _sorted(lam), DEFAULT_GRAD_TOL, DEFAULT_EIG_TOL, "not_critical"
    )


def rosenbrock_away_from_minimum() -> CriticalCase:
    """Rosenbrock's function at ``(0, 0)``: gradient ``(-2, 0)``, not critical."""
    f = Polynomial.rosenbrock((0.0, 0.0))
    x = np.zeros(2)
    lam = np.linalg.eigvalsh(f.hessian(x))
    return CriticalCase(
        f, x, f.gradient(x), lam, DEFAULT_GRAD_TOL, DEFAULT_EIG_TOL, "not_critical"
    )


def _worked_point(
    f: Polynomial,
    x: list[float],
    eigenvalues: list[float],
    grad_tol: float = DEFAULT_GRAD_TOL,
    eig_tol: float = DEFAULT_EIG_TOL,
) -> CriticalCase:
    """A worked :class:`CriticalCase`: ``f`` at ``x``, its exact eigenvalues and answer."""
    point = np.array(x, dtype=float)
    gradient = f.gradient(point)
    lam = _sorted(eigenvalues)
    assert np.allclose(np.linalg.eigvalsh(f.hessian(point)), lam, rtol=0.0, atol=1e-12)
    assert f.bound_near(point, NEAR) <= VALUE_BOUND
    critical = float(np.linalg.norm(gradient)) <= grad_tol
    label = second_order_label(lam, eig_tol) if critical else "not_critical"
    return CriticalCase(f, point, gradient, lam, grad_tol, eig_tol, label)


def flat_cross_saddle() -> CriticalCase:
    """``x0*x1`` in three variables at the origin: a ``"saddle_point"``.

    The Hessian ``[[0, 1, 0], [1, 0, 0], [0, 0, 0]]`` has eigenvalues -1, 0
    and 1 and a zero diagonal: catches answering ``"inconclusive"`` for the
    zero eigenvalue before looking for both signs, reading the diagonal
    instead of the eigenvalues, and a Hessian without its mixed partials.
    """
    hessian = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    f = Polynomial.taylor((0.0, 0.0, 0.0), hessian=hessian)
    return _worked_point(f, [0.0, 0.0, 0.0], [-1.0, 0.0, 1.0])


def bowl_with_quartic_direction() -> CriticalCase:
    """``x0**2 + 1.5*x0*x1 + x1**2 + 10*x2**4`` at the origin: ``"inconclusive"``.

    The eigenvalues are 0.5, 3.5 and 0 (along ``x2``, where ``f`` is
    quartic). A central-difference Hessian puts about ``2e-7`` there: well
    within the default ``eig_tol = 1e-4``, but positive when compared with 0
    or with the default ``tol = 1e-8`` of ``classify_hessian`` (``eig_tol``
    not passed on). Doubled mixed partials turn the ``x0, x1`` block
    ``[[2, 1.5], [1.5, 2]]`` into ``[[2, 3], [3, 2]]``, a saddle.
    """
    hessian = [[2.0, 1.5, 0.0], [1.5, 2.0, 0.0], [0.0, 0.0, 0.0]]
    f = Polynomial.taylor((0.0, 0.0, 0.0), hessian=hessian, higher=[(10.0, (0, 0, 4))])
    return _worked_point(f, [0.0, 0.0, 0.0], [0.0, 0.5, 3.5])


def small_gradient_saddle() -> CriticalCase:
    """``0.01*x0 + x0*x1`` at the origin with ``grad_tol = 0.1``: a ``"saddle_point"``.

    The gradient ``(0.01, 0)`` is within ``grad_tol`` (though not within the
    default ``1e-4``); the Hessian ``[[0, 1], [1, 0]]`` has a zero diagonal,
    so reading the diagonal, or a Hessian without mixed partials, answers
    ``"inconclusive"``.
    """
    f = Polynomial.taylor((0.0, 0.0), 0.0, [0.01, 0.0], [[0.0, 1.0], [1.0, 0.0]])
    return _worked_point(f, [0.0, 0.0], [-1.0, 1.0], grad_tol=0.1)


def small_gradient_minimum() -> CriticalCase:
    """``0.01*x + 0.5*x**2`` at 0 with ``grad_tol = 0.1``: a ``"local_minimum"``.

    The gradient 0.01 is within ``grad_tol`` (though not within the default
    ``1e-4``); the answer uses the exact label ``"local_minimum"``.
    """
    f = Polynomial.taylor((0.0,), 0.0, [0.01], [[1.0]])
    return _worked_point(f, [0.0], [1.0], grad_tol=0.1)


def bowl_with_small_eigenvalue() -> CriticalCase:
    """``x0**2 + 1.5*x0*x1 + x1**2 + 0.025*x2**2`` at the origin, ``eig_tol = 0.1``.

    The eigenvalue 0.05 counts as zero with this ``eig_tol``, so the answer
    is ``"inconclusive"``; ``eig_tol`` not passed on (or a comparison with 0)
    gives ``"local_minimum"``, doubled mixed partials a saddle.
    """
    hessian = [[2.0, 1.5, 0.0], [1.5, 2.0, 0.0], [0.0, 0.0, 0.05]]
    f = Polynomial.taylor((0.0, 0.0, 0.0), hessian=hessian)
    return _worked_point(f, [0.0, 0.0, 0.0], [0.05, 0.5, 3.5], eig_tol=0.1)


def saddle_beside_small_eigenvalue() -> CriticalCase:
    """``x0*x1 + 0.025*x2**2`` at the origin with ``eig_tol = 0.1``: a ``"saddle_point"``.

    The eigenvalue 0.05 counts as zero, but -1 and 1 still make a saddle:
    catches answering ``"inconclusive"`` as soon as an eigenvalue is within
    ``eig_tol`` of zero.
    """
    hessian = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.05]]
    f = Polynomial.taylor((0.0, 0.0, 0.0), hessian=hessian)
    return _worked_point(f, [0.0, 0.0, 0.0], [-1.0, 0.05, 1.0], eig_tol=0.1)


def gradient_between_norms() -> CriticalCase:
    """``0.1*x0 + 0.1*x1 + 0.5*x0**2 + 0.5*x1**2`` at the origin, ``grad_tol = 0.12``.

    The gradient ``(0.1, 0.1)`` has max-norm 0.1 but 2-norm 0.1414, above
    ``grad_tol``: ``"not_critical"``. Catches a missing gradient test and a
    max-norm in place of the 2-norm (a :func:`norm_cases` case).
    """
    f = Polynomial.taylor((0.0, 0.0), 0.0, [0.1, 0.1], [[1.0, 0.0], [0.0, 1.0]])
    return _worked_point(f, [0.0, 0.0], [1.0, 1.0], grad_tol=0.12)


@st.composite
def grad_tol_cases(draw: st.DrawFn) -> CriticalCase:
    """Points whose gradient norm is far on one side of a custom ``grad_tol``.

    ``grad_tol`` lies in ``[1e-6, 1]``; the gradient's norm is
    ``grad_tol * k`` with ``0.01 <= k <= 0.5`` (critical) or ``2 <= k <= 100``
    (not critical, and at most 5). The Hessian's eigenvalues have sizes in
    ``[0.1, 10]`` and any signs, ``|f(x)| <= 1``.
    """
    grad_tol = draw(log_uniform(1e-6, 1.0, digits=2))
    critical = draw(st.booleans())
    if critical:
        norm = grad_tol * draw(decimals(0.01, 0.5))
    else:
        norm = min(5.0, grad_tol * draw(decimals(2.0, 100.0)))
    n = draw(st.integers(1, MAX_VARIABLES))
    gradient = norm * draw(unit_vectors(n)) + 0.0
    lam = [draw(st.sampled_from((1, -1))) * draw(log_uniform(0.1, 10.0)) for _ in range(n)]
    f, x = draw(_polynomial_with_eigenvalues(lam, gradient, decimals(-1.0, 1.0)))
    label = second_order_label(np.array(lam), DEFAULT_EIG_TOL) if critical else "not_critical"
    return CriticalCase(f, x, gradient, _sorted(lam), grad_tol, DEFAULT_EIG_TOL, label)


@st.composite
def eig_tol_cases(draw: st.DrawFn) -> CriticalCase:
    """Critical points with eigenvalues on both sides of a custom ``eig_tol``.

    ``eig_tol`` lies in ``[1e-3, 1]``; at least one eigenvalue is zero or
    small (``0.01 eig_tol <= |lam| <= 0.5 eig_tol``: it counts as zero) and
    the others count (``2 eig_tol <= |lam| <= 10``). ``|f(x)| <= 1``.
    """
    eig_tol = draw(log_uniform(1e-3, 1.0, digits=2))
    n = draw(st.integers(1, MAX_VARIABLES))
    small = [True, *draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))]
    lam = []
    for is_small in draw(st.permutations(small)):
        if is_small:
            size = draw(st.one_of(st.just(0.0), log_uniform(0.01 * eig_tol, 0.5 * eig_tol)))
        else:
            size = draw(log_uniform(2 * eig_tol, 10.0))
        lam.append(draw(st.sampled_from((1, -1))) * size + 0.0)
    gradient = np.zeros(n)
    f, x = draw(_polynomial_with_eigenvalues(lam, gradient, decimals(-1.0, 1.0)))
    label = second_order_label(np.array(lam), eig_tol)
    return CriticalCase(f, x, gradient, _sorted(lam), DEFAULT_GRAD_TOL, eig_tol, label)


@st.composite
def norm_cases(draw: st.DrawFn) -> CriticalCase:
    """Gradients whose 2-norm lies between their max-norm and their 1-norm.

    ``g = a * (±1, ..., ±1)`` with ``n >= 2`` entries and ``1e-3 <= a <= 1``,
    and ``grad_tol`` halfway between the max-norm ``a`` and the 2-norm
    ``a * sqrt(n)`` (so the point is not critical) or halfway between the
    2-norm and the 1-norm ``a * n`` (so it is). The margins are at least 17%.
    The expected answer is left to the reference (``expected`` is ``""``).
    """
    n = draw(st.integers(2, MAX_VARIABLES))
    a = draw(log_uniform(1e-3, 1.0))
    gradient = np.array([a * draw(st.sampled_from((1.0, -1.0))) for _ in range(n)])
    root = np.sqrt(n)
    between = draw(st.sampled_from(((1.0 + root) / 2, (root + n) / 2)))
    grad_tol = float(f"{a * between:.3g}")
    lam = [draw(st.sampled_from((1, -1))) * draw(log_uniform(0.1, 10.0)) for _ in range(n)]
    f, x = draw(_polynomial_with_eigenvalues(lam, gradient, decimals(-1.0, 1.0)))
    return CriticalCase(f, x, gradient, _sorted(lam), grad_tol, DEFAULT_EIG_TOL, "")


def classification_cases() -> st.SearchStrategy[CriticalCase]:
    """Critical, non-critical and 2-norm cases mixed, for comparing with the reference."""
    return st.one_of(critical_cases(), non_critical_cases(), norm_cases())
