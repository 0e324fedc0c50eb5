"""Hypothesis strategies for the ``critical_points`` checks.

Every strategy stays inside docs/contract.md's graded domain, with margins:

* ``f`` is a :class:`~autograder.strategies.polynomials.Polynomial` of degree at most 4
  in ``n <= 4`` variables, written in Taylor form around the point ``x`` it is
  evaluated at, so its value, gradient and Hessian at ``x`` are the
  coefficients the strategy chose. The coordinates of ``x`` lie in
  ``[-2, 2]`` and have three decimals (they print exactly), and ``|f| <= 10``
  within ``1e-3`` of ``x`` (checked with
  :meth:`~autograder.strategies.polynomials.Polynomial.bound_near`, the size of the terms
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

from autograder.strategies.critical_points.cases import (
    DEFAULT_EIG_TOL,
    DEFAULT_GRAD_TOL,
    DEFAULT_TOL,
    LABELS,
    MAX_VARIABLES,
    NEAR,
    ROTATIONS,
    VALUE_BOUND,
    CriticalCase,
    GradientCase,
    HessianCase,
    MatrixCase,
    PointCase,
    StepCase,
    second_order_label,
)
from autograder.strategies.critical_points.derivatives import (
    bad_points,
    curved_cubic,
    curved_cubic_gradient,
    curved_cubic_hessian,
    curved_cubic_step,
    empty_point,
    gradient_cases,
    hessian_cases,
    matrix_points,
    monkey_saddle_off_center,
    shifted_hessian_cases,
    step_cases,
)
from autograder.strategies.critical_points.matrices import (
    SIGN_PATTERNS,
    all_ones,
    badly_shaped_matrices,
    eigenvalue_signs,
    non_finite_matrices,
    non_symmetric_matrices,
    random_symmetric_matrices,
    saddle_beside_zero,
    small_negative_eigenvalue,
    symmetric_matrices,
    tolerance_cases,
    zero_diagonal_saddle,
    zero_diagonal_saddle_beside_zero,
)
from autograder.strategies.critical_points.numbers import (
    decimals,
    hessians,
    higher_terms,
    log_uniform,
    monomials,
    orthogonal_matrices,
    points,
    pure_cubes,
    signed,
    sorted_array,
    unit_vectors,
    with_eigenvalues,
)
from autograder.strategies.critical_points.points import (
    bowl_with_quartic_direction,
    bowl_with_small_eigenvalue,
    classification_cases,
    critical_cases,
    eig_tol_cases,
    flat_cross_saddle,
    grad_tol_cases,
    gradient_between_norms,
    non_critical_cases,
    norm_cases,
    rosenbrock_away_from_minimum,
    saddle_beside_small_eigenvalue,
    small_gradient_minimum,
    small_gradient_saddle,
)

__all__ = [
    "DEFAULT_EIG_TOL",
    "DEFAULT_GRAD_TOL",
    "DEFAULT_TOL",
    "LABELS",
    "MAX_VARIABLES",
    "NEAR",
    "ROTATIONS",
    "SIGN_PATTERNS",
    "VALUE_BOUND",
    "CriticalCase",
    "GradientCase",
    "HessianCase",
    "MatrixCase",
    "PointCase",
    "StepCase",
    "all_ones",
    "bad_points",
    "badly_shaped_matrices",
    "bowl_with_quartic_direction",
    "bowl_with_small_eigenvalue",
    "classification_cases",
    "critical_cases",
    "curved_cubic",
    "curved_cubic_gradient",
    "curved_cubic_hessian",
    "curved_cubic_step",
    "decimals",
    "eig_tol_cases",
    "eigenvalue_signs",
    "empty_point",
    "flat_cross_saddle",
    "grad_tol_cases",
    "gradient_between_norms",
    "gradient_cases",
    "hessian_cases",
    "hessians",
    "higher_terms",
    "log_uniform",
    "matrix_points",
    "monkey_saddle_off_center",
    "monomials",
    "non_critical_cases",
    "non_finite_matrices",
    "non_symmetric_matrices",
    "norm_cases",
    "orthogonal_matrices",
    "points",
    "pure_cubes",
    "random_symmetric_matrices",
    "rosenbrock_away_from_minimum",
    "saddle_beside_small_eigenvalue",
    "saddle_beside_zero",
    "second_order_label",
    "shifted_hessian_cases",
    "signed",
    "small_gradient_minimum",
    "small_gradient_saddle",
    "small_negative_eigenvalue",
    "sorted_array",
    "step_cases",
    "symmetric_matrices",
    "tolerance_cases",
    "unit_vectors",
    "with_eigenvalues",
    "zero_diagonal_saddle",
    "zero_diagonal_saddle_beside_zero",
]
