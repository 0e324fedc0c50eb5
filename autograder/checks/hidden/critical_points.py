"""Hidden checks of ``critical_points``: comparisons with the reference."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.show import show
from autograder.strategies import critical_points as st_cp
from reference import critical_points as ref


@check(
    "numerical_gradient",
    points=2,
    title="uses the step h it is given: with 1e-3 <= h <= 1e-2 the result is the central "
    "difference with that h",
)
@given(case=st_cp.step_cases())
# a forward difference, a hard-coded step, or an x changed in place
@example(case=st_cp.curved_cubic_step())
def gradient_uses_given_step(student, case):
    """At a large ``h`` the central difference carries its own ``h**2 f'''/6`` error."""
    n = case.x.size
    got = student.numerical_gradient(case.f, case.x, h=case.h)
    got = expect.is_array(got, (n,), what="the gradient")
    expected = ref.numerical_gradient(case.f.build(), case.x.copy(), h=case.h)
    expect.close(
        got,
        expected,
        rtol=1e-8,
        atol=1e-8,
        what=f"the central difference with h = {case.h!r}",
        detail=f"the true gradient is {show(case.f.gradient(case.x))}; with this h the "
        "central difference differs from it by h**2/6 * f''' per entry",
    )


@check(
    "numerical_hessian",
    points=2,
    title="agrees with the reference Hessian to within 1e-4 * (1 + max|f|) on polynomials of "
    "degree <= 4 evaluated away from their expansion point",
)
@given(case=st_cp.shifted_hessian_cases())
# forward differences, and mixed partials left out or divided by 2 h**2
@example(case=st_cp.monkey_saddle_off_center())
def hessian_agrees_with_reference(student, case):
    """General polynomials, not in Taylor form around ``x``."""
    n = case.x.size
    got = expect.is_array(student.numerical_hessian(case.f, case.x), (n, n), what="the Hessian")
    expected = ref.numerical_hessian(case.f.build(), case.x.copy())
    tolerance = 1e-4 * (1.0 + case.size)
    expect.close(
        got,
        expected,
        rtol=0.0,
        atol=tolerance,
        what="the Hessian",
        detail=f"allowed error {tolerance:.2g} per entry (1e-4 * (1 + max|f| near x))",
    )


@check(
    "classify_hessian",
    points=1.5,
    title="agrees with the reference on random symmetric matrices and tolerances",
)
@given(case=st_cp.random_symmetric_matrices())
# rounded zero eigenvalues compared with 0 instead of tol, or the diagonal read
@example(case=(st_cp.all_ones().H, None))
# "inconclusive" as soon as an eigenvalue is 0, before looking for both signs
@example(case=(st_cp.saddle_beside_zero().H, None))
def classify_hessian_agrees_with_reference(student, case):
    """Float, integer and low-rank matrices, default or random ``tol``."""
    H, tol = case
    if tol is None:
        got = student.classify_hessian(H)
        expected = ref.classify_hessian(H.copy())
    else:
        got = student.classify_hessian(H, tol=tol)
        expected = ref.classify_hessian(H.copy(), tol=tol)
    shown_tol = st_cp.DEFAULT_TOL if tol is None else tol
    detail = f"the eigenvalues of H are {show(np.linalg.eigvalsh(H))}, tol = {shown_tol!r}"
    expect.is_string(got, expected, detail)


@check(
    "classify_critical_point",
    points=1,
    title="agrees with the reference on random points, critical or not, and compares the "
    "gradient's 2-norm with grad_tol",
)
@given(case=st_cp.classification_cases())
# a zero eigenvalue beside both signs; the diagonal read; mixed partials left out
@example(case=st_cp.flat_cross_saddle())
# eig_tol not passed on, or eigenvalues compared with 0
@example(case=st_cp.bowl_with_quartic_direction())
# no gradient test, or the max-norm instead of the 2-norm
@example(case=st_cp.gradient_between_norms())
def classify_critical_point_agrees_with_reference(student, case):
    """Random critical and non-critical points, and gradients whose 2-norm decides."""
    if case.grad_tol == st_cp.DEFAULT_GRAD_TOL:
        got = student.classify_critical_point(case.f, case.x)
    else:
        got = student.classify_critical_point(case.f, case.x, grad_tol=case.grad_tol)
    expected = ref.classify_critical_point(case.f.build(), case.x.copy(), grad_tol=case.grad_tol)
    detail = (
        f"the gradient at x is {show(case.gradient)} "
        f"(2-norm {np.linalg.norm(case.gradient):.4g}), the Hessian's eigenvalues are "
        f"{show(case.eigenvalues)}, grad_tol = {case.grad_tol!r}"
    )
    expect.is_string(got, expected, detail)
