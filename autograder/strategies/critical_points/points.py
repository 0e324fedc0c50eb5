"""Points for ``classify_critical_point``: critical or not, tolerances, worked
examples.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from autograder.strategies.critical_points.cases import (
    DEFAULT_EIG_TOL,
    DEFAULT_GRAD_TOL,
    MAX_VARIABLES,
    NEAR,
    VALUE_BOUND,
    CriticalCase,
    second_order_label,
)
from autograder.strategies.critical_points.numbers import (
    decimals,
    higher_terms,
    log_uniform,
    orthogonal_matrices,
    points,
    sorted_array,
    unit_vectors,
    with_eigenvalues,
)
from autograder.strategies.polynomials import Polynomial


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
    return CriticalCase(
        f, x, gradient, sorted_array(lam), DEFAULT_GRAD_TOL, DEFAULT_EIG_TOL, label
    )


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
        f, x, gradient, sorted_array(lam), DEFAULT_GRAD_TOL, DEFAULT_EIG_TOL, "not_critical"
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
    lam = sorted_array(eigenvalues)
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
    return CriticalCase(f, x, gradient, sorted_array(lam), grad_tol, DEFAULT_EIG_TOL, label)


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
    return CriticalCase(f, x, gradient, sorted_array(lam), DEFAULT_GRAD_TOL, eig_tol, label)


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
    return CriticalCase(f, x, gradient, sorted_array(lam), grad_tol, DEFAULT_EIG_TOL, "")


def classification_cases() -> st.SearchStrategy[CriticalCase]:
    """Critical, non-critical and 2-norm cases mixed, for comparing with the reference."""
    return st.one_of(critical_cases(), non_critical_cases(), norm_cases())
