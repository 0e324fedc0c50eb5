"""Cases for ``numerical_gradient`` and ``numerical_hessian``, with their
worked examples.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from autograder.strategies.critical_points.cases import (
    MAX_VARIABLES,
    NEAR,
    VALUE_BOUND,
    GradientCase,
    HessianCase,
    PointCase,
    StepCase,
)
from autograder.strategies.critical_points.numbers import (
    decimals,
    hessians,
    higher_terms,
    log_uniform,
    monomials,
    points,
    pure_cubes,
    signed,
)
from autograder.strategies.polynomials import Polynomial


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
