"""Public checks of ``critical_points``: properties, invariants and worked cases.

These checks ship to students as their self-check; they never consult the
reference. Every ``f`` is a polynomial whose value, gradient and Hessian at
the point tested are known exactly (see
:mod:`autograder.strategies.critical_points`).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.show import show
from autograder.grading.student import describe_raised
from autograder.strategies import critical_points as st_cp
from autograder.strategies.polynomials import Polynomial

# --- the scoring rule ------------------------------------------------------------
# Value checks show that a function computes something right. Every other check is
# supporting: its points count only when one of the checks it names counts (see
# autograder.grading.registry.check), so that code without logic (zeros, one constant
# answer) does not collect them. A one-sided worked case of one answer waits for a
# case of another answer, so that always answering one label earns nothing.

# A caller's value check that passes is evidence too: classify_critical_point compares
# your gradient's norm with grad_tol, and classifies x**2 and -x**2 by your Hessian.
GRADIENT_VALUES = (
    "gradient_matches_true_gradient",
    "gradient_uses_given_step",
    "grad_tol_is_honoured",
)
HESSIAN_VALUES = (
    "hessian_matches_true_hessian",
    "hessian_agrees_with_reference",
    "worked_minimum_and_maximum",
)
CLASSIFY_HESSIAN_VALUES = ("tolerance_is_honoured", "classify_hessian_agrees_with_reference")
MINIMUM_CASES = ("positive_definite_is_minimum",)
MAXIMUM_CASES = ("negative_definite_is_maximum",)
SADDLE_CASES = ("mixed_signs_is_saddle", "zero_beside_mixed_signs_is_saddle")
INCONCLUSIVE_CASES = ("semidefinite_is_inconclusive",)
LABEL_CASES = MINIMUM_CASES + MAXIMUM_CASES + SADDLE_CASES + INCONCLUSIVE_CASES
CRITICAL_POINT_VALUES = (
    "worked_minimum_and_maximum",
    "critical_point_by_eigenvalues",
    "grad_tol_is_honoured",
    "eig_tol_is_honoured",
    "classify_critical_point_agrees_with_reference",
)
INCONCLUSIVE_POINTS = ("worked_flat_second_derivative", "worked_monkey_saddle")
SADDLE_POINTS = ("worked_saddles",)
MINIMUM_POINTS = ("worked_rosenbrock",)
NOT_CRITICAL_POINTS = ("non_critical_point",)


# --- numerical_gradient ---------------------------------------------------------


@check(
    "numerical_gradient",
    points=4,
    title="matches the true gradient to within 1e-6 * (1 + |g_i|) on polynomials with "
    "strong curvature (central differences, not one-sided ones)",
)
@given(case=st_cp.gradient_cases())
# a forward difference, or an x changed in place, is 1e-5 off at once
@example(case=st_cp.curved_cubic_gradient())
def gradient_matches_true_gradient(student, case):
    """The central difference at the default step is within 1e-6 of the exact gradient."""
    n = case.x.size
    got = expect.is_array(student.numerical_gradient(case.f, case.x), (n,), what="the gradient")
    try:
        expect.close(got, case.gradient, rtol=1e-6, atol=1e-6, what="the true gradient")
    except expect.CheckFailed as failure:
        failure.detail = "allowed error 1e-6 * (1 + |g_i|) per entry; " + _gradient_hint(got, case)
        raise


@check(
    "numerical_gradient",
    points=1,
    title="returns a float array of shape (n,)",
    needs=GRADIENT_VALUES,
)
@given(case=st_cp.gradient_cases())
def gradient_shape(student, case):
    """The result is a NumPy float array with one entry per variable."""
    n = case.x.size
    expect.is_array(student.numerical_gradient(case.f, case.x), (n,), what="the gradient")


@check("numerical_gradient", points=1, title="leaves the array x unchanged", needs=GRADIENT_VALUES)
@given(case=st_cp.gradient_cases())
def gradient_leaves_x_unchanged(student, case):
    """``x`` holds the same values after the call."""
    outcome = student.call("numerical_gradient", case.f, case.x)
    if outcome.status == "error":
        expect.fail("a result", describe_raised(outcome.error))
    if outcome.mutated:
        expect.fail(
            "x left unchanged (no function may modify its array arguments)",
            "x was changed in place",
            "work on copies such as x + h * e_i (or x.copy()); x[i] += h followed by "
            "x[i] -= h does not always restore x exactly",
        )


@check("numerical_gradient", points=1, title="a 2-D x is a ValueError", needs=GRADIENT_VALUES)
@given(case=st_cp.matrix_points())
def gradient_rejects_matrix_x(student, case):
    """An ``x`` of shape ``(1, n)``, ``(n, 1)`` or ``(2, 2)`` is rejected."""
    student.raises_input_error("numerical_gradient", case.f, case.x)


@check("numerical_gradient", points=1, title="an empty x is a ValueError", needs=GRADIENT_VALUES)
def gradient_rejects_empty_x(student):
    """An ``x`` of shape ``(0,)`` is rejected."""
    case = st_cp.empty_point()
    student.raises_input_error("numerical_gradient", case.f, case.x)


# --- numerical_hessian ------------------------------------------------------------


@check(
    "numerical_hessian",
    points=3,
    title="matches the true Hessian to within 1e-4 * (1 + max|f|) on cubic and quartic "
    "polynomials (an O(h**2) central-difference stencil, mixed partials included)",
)
@given(case=st_cp.hessian_cases())
# forward differences, and mixed partials left out or divided by 2 h**2
@example(case=st_cp.curved_cubic_hessian())
def hessian_matches_true_hessian(student, case):
    """Central differences at the default step are within the contract's Hessian bound.

    The bound is the one of docs/contract.md for ``numerical_hessian``.
    """
    n = case.x.size
    got = student.numerical_hessian(case.f, case.x)
    got = expect.is_array(got, (n, n), what="the Hessian")
    tolerance = 1e-4 * (1.0 + case.size)
    try:
        expect.close(got, case.hessian, rtol=0.0, atol=tolerance, what="the true Hessian")
    except expect.CheckFailed as failure:
        failure.detail = (
            f"allowed error {tolerance:.2g} per entry (1e-4 * (1 + max|f| near x)); "
            + _hessian_hint(got, case)
        )
        raise


@check(
    "numerical_hessian",
    points=2,
    title="returns an exactly symmetric matrix (H == H.T)",
    needs=HESSIAN_VALUES,
)
@given(case=st_cp.hessian_cases(min_n=2))
# an unsymmetrised Jacobian of the gradient (about 7e-14 off here)
@example(case=st_cp.curved_cubic_hessian())
def hessian_exactly_symmetric(student, case):
    """Every ``H[i, j]`` equals ``H[j, i]`` to the last bit."""
    n = case.x.size
    got = expect.is_array(student.numerical_hessian(case.f, case.x), (n, n), what="the Hessian")
    difference = np.abs(got - got.T)
    if not np.array_equal(got, got.T):
        expect.fail(
            "H == H.T exactly",
            f"H - H.T has entries up to {float(np.max(difference)):.3g}: {show(got)}",
            "compute each pair i <= j once and use it for both entries, or return (H + H.T) / 2",
        )


@check(
    "numerical_hessian",
    points=1,
    title="returns a float array of shape (n, n)",
    needs=HESSIAN_VALUES,
)
@given(case=st_cp.hessian_cases())
def hessian_shape(student, case):
    """The result is a NumPy float array with one row and one column per variable."""
    n = case.x.size
    expect.is_array(student.numerical_hessian(case.f, case.x), (n, n), what="the Hessian")


@check("numerical_hessian", points=1, title="leaves the array x unchanged", needs=HESSIAN_VALUES)
@given(case=st_cp.hessian_cases())
def hessian_leaves_x_unchanged(student, case):
    """``x`` holds the same values after the call."""
    outcome = student.call("numerical_hessian", case.f, case.x)
    if outcome.status == "error":
        expect.fail("a result", describe_raised(outcome.error))
    if outcome.mutated:
        expect.fail(
            "x left unchanged (no function may modify its array arguments)",
            "x was changed in place",
            "work on copies such as x + h * e_i; x[i] += h followed by x[i] -= h does not "
            "always restore x exactly",
        )


@check(
    "numerical_hessian", points=1, title="a 2-D or empty x is a ValueError", needs=HESSIAN_VALUES
)
@given(case=st_cp.bad_points())
def hessian_rejects_bad_x(student, case):
    """An ``x`` that is not a non-empty 1-D array is rejected."""
    student.raises_input_error("numerical_hessian", case.f, case.x)


# --- classify_hessian -----------------------------------------------------------


def _eigenvalues(case: st_cp.MatrixCase) -> expect.Later:
    return expect.Later(lambda: f"the eigenvalues of H are {show(case.eigenvalues)}")


@check(
    "classify_hessian",
    points=1,
    title='a positive definite H (every eigenvalue > tol) is a "local_minimum"',
    needs=CLASSIFY_HESSIAN_VALUES + MAXIMUM_CASES + SADDLE_CASES + INCONCLUSIVE_CASES,
)
@given(case=st_cp.symmetric_matrices("positive"))
def positive_definite_is_minimum(student, case):
    """All eigenvalues positive."""
    expect.is_string(student.classify_hessian(case.H), case.expected, _eigenvalues(case))


@check(
    "classify_hessian",
    points=1,
    title='a negative definite H (every eigenvalue < -tol) is a "local_maximum"',
    needs=CLASSIFY_HESSIAN_VALUES + MINIMUM_CASES + SADDLE_CASES + INCONCLUSIVE_CASES,
)
@given(case=st_cp.symmetric_matrices("negative"))
def negative_definite_is_maximum(student, case):
    """All eigenvalues negative."""
    expect.is_string(student.classify_hessian(case.H), case.expected, _eigenvalues(case))


@check(
    "classify_hessian",
    points=1,
    title='eigenvalues of both signs make a "saddle_point" (the diagonal alone does not tell)',
    needs=CLASSIFY_HESSIAN_VALUES + MINIMUM_CASES + MAXIMUM_CASES + INCONCLUSIVE_CASES,
)
@given(case=st_cp.symmetric_matrices("mixed"))
@example(case=st_cp.zero_diagonal_saddle())  # reading the signs off the diagonal
def mixed_signs_is_saddle(student, case):
    """Positive and negative eigenvalues, none zero."""
    expect.is_string(student.classify_hessian(case.H), case.expected, _eigenvalues(case))


@check(
    "classify_hessian",
    points=1,
    title='a zero eigenvalue beside eigenvalues of both signs still makes a "saddle_point"',
    needs=CLASSIFY_HESSIAN_VALUES + MINIMUM_CASES + MAXIMUM_CASES + INCONCLUSIVE_CASES,
)
@given(case=st_cp.symmetric_matrices("mixed_with_zero"))
@example(case=st_cp.saddle_beside_zero())  # "inconclusive" as soon as an eigenvalue is 0
@example(case=st_cp.zero_diagonal_saddle_beside_zero())  # reading the diagonal
def zero_beside_mixed_signs_is_saddle(student, case):
    """Positive, negative and zero eigenvalues."""
    expect.is_string(student.classify_hessian(case.H), case.expected, _eigenvalues(case))


@check(
    "classify_hessian",
    points=1,
    title='a semidefinite H with a zero eigenvalue (and no mix of signs) is "inconclusive"',
    needs=CLASSIFY_HESSIAN_VALUES + MINIMUM_CASES + MAXIMUM_CASES + SADDLE_CASES,
)
@given(case=st_cp.symmetric_matrices("semidefinite"))
# rounded zero eigenvalues compared with 0 instead of tol, or the diagonal read
@example(case=st_cp.all_ones())
def semidefinite_is_inconclusive(student, case):
    """Zero eigenvalues and the others of one sign (or none)."""
    expect.is_string(student.classify_hessian(case.H), case.expected, _eigenvalues(case))


@check(
    "classify_hessian",
    points=1,
    title="eigenvalues with |lam| <= tol count as zero, larger ones count (tol is honoured)",
)
@given(case=st_cp.tolerance_cases())
# eigenvalues compared with 0 instead of tol, or the diagonal read
@example(case=st_cp.small_negative_eigenvalue())
def tolerance_is_honoured(student, case):
    """Small eigenvalues on either side of zero are treated as zero."""
    got = student.classify_hessian(case.H, tol=case.tol)
    expect.is_string(got, case.expected, f"{_eigenvalues(case)}, tol = {case.tol!r}")


@check(
    "classify_hessian",
    points=1,
    title="a non-symmetric H is a ValueError (np.allclose(H, H.T) is false)",
    needs=CLASSIFY_HESSIAN_VALUES + LABEL_CASES,
)
@given(H=st_cp.non_symmetric_matrices())
def non_symmetric_is_error(student, H):
    """``H`` and ``H.T`` differ by far more than ``np.allclose`` allows."""
    student.raises_input_error("classify_hessian", H)


@check(
    "classify_hessian",
    points=1,
    title="a 1-D, non-square or empty H is a ValueError",
    needs=CLASSIFY_HESSIAN_VALUES + LABEL_CASES,
)
@given(H=st_cp.badly_shaped_matrices())
def badly_shaped_is_error(student, H):
    """Only a non-empty square matrix is accepted."""
    student.raises_input_error("classify_hessian", H)


@check(
    "classify_hessian",
    points=0.5,
    title="an H holding inf or nan is a ValueError",
    needs=CLASSIFY_HESSIAN_VALUES + LABEL_CASES,
)
@given(H=st_cp.non_finite_matrices())
def non_finite_is_error(student, H):
    """Every entry must be finite."""
    student.raises_input_error("classify_hessian", H)


# --- classify_critical_point -----------------------------------------------------


def _worked(student, f: Polynomial, x: list[float], expected: str, detail: str) -> None:
    got = student.classify_critical_point(f, np.array(x, dtype=float))
    expect.is_string(got, expected, detail)


@check(
    "classify_critical_point",
    points=1,
    title='x**2 at 0 is a "local_minimum" and -x**2 at 0 a "local_maximum"',
)
def worked_minimum_and_maximum(student):
    """The two simplest optima."""
    _worked(student, Polynomial.square(), [0.0], "local_minimum", "the Hessian is [[2]]")
    _worked(student, Polynomial.negative_square(), [0.0], "local_maximum", "the Hessian is [[-2]]")


@check(
    "classify_critical_point",
    points=1,
    title='x**3 and x**4 at 0 are "inconclusive" (zero second derivative)',
    needs=CRITICAL_POINT_VALUES + SADDLE_POINTS + MINIMUM_POINTS + NOT_CRITICAL_POINTS,
)
def worked_flat_second_derivative(student):
    """The second-order test cannot decide when ``f''(0) = 0``."""
    _worked(student, Polynomial.cube(), [0.0], "inconclusive", "the Hessian is [[0]]")
    _worked(student, Polynomial.fourth_power(), [0.0], "inconclusive", "the Hessian is [[0]]")


@check(
    "classify_critical_point",
    points=1,
    title='x**2 - y**2 and x**2 - y**2 + z**4 at the origin are "saddle_point"s',
    needs=CRITICAL_POINT_VALUES + INCONCLUSIVE_POINTS + MINIMUM_POINTS + NOT_CRITICAL_POINTS,
)
def worked_saddles(student):
    """A saddle, also when another eigenvalue is zero."""
    _worked(student, Polynomial.saddle(), [0.0, 0.0], "saddle_point", "the Hessian is diag(2, -2)")
    _worked(
        student,
        Polynomial.saddle_with_flat_direction(),
        [0.0, 0.0, 0.0],
        "saddle_point",
        "the Hessian is diag(2, -2, 0): one eigenvalue of each sign",
    )


@check(
    "classify_critical_point",
    points=0.5,
    title='the monkey saddle x**3 - 3*x*y**2 at the origin is "inconclusive"',
    needs=CRITICAL_POINT_VALUES + SADDLE_POINTS + MINIMUM_POINTS + NOT_CRITICAL_POINTS,
)
def worked_monkey_saddle(student):
    """A zero Hessian: no optimum, but the second-order test cannot tell."""
    _worked(
        student,
        Polynomial.monkey_saddle(),
        [0.0, 0.0],
        "inconclusive",
        "the Hessian at the origin is the zero matrix",
    )


@check(
    "classify_critical_point",
    points=0.5,
    title='Rosenbrock\'s function at (1, 1) is a "local_minimum"',
    needs=CRITICAL_POINT_VALUES + INCONCLUSIVE_POINTS + SADDLE_POINTS + NOT_CRITICAL_POINTS,
)
def worked_rosenbrock(student):
    """A curved valley with eigenvalues about 0.4 and 1001.6."""
    _worked(
        student,
        Polynomial.rosenbrock(),
        [1.0, 1.0],
        "local_minimum",
        "the Hessian is [[802, -400], [-400, 200]], eigenvalues about 0.3994 and 1001.6",
    )


def _critical_detail(case: st_cp.CriticalCase) -> expect.Later:
    return expect.Later(
        lambda: (
            f"the gradient at x is {show(case.gradient)} "
            f"(norm {np.linalg.norm(case.gradient):.3g}), "
            f"the Hessian's eigenvalues are {show(case.eigenvalues)}"
        )
    )


@check(
    "classify_critical_point",
    points=1,
    title='a point where the gradient\'s norm is at least 1e-3 is "not_critical"',
    needs=CRITICAL_POINT_VALUES + INCONCLUSIVE_POINTS + SADDLE_POINTS + MINIMUM_POINTS,
)
@given(case=st_cp.non_critical_cases())
@example(case=st_cp.rosenbrock_away_from_minimum())
def non_critical_point(student, case):
    """The gradient is checked before the Hessian."""
    got = student.classify_critical_point(case.f, case.x)
    expect.is_string(got, case.expected, _critical_detail(case))


@check(
    "classify_critical_point",
    points=2,
    title="at a critical point, the answer follows the signs of the Hessian's eigenvalues "
    "(polynomials with cubic and quartic terms, eigenvalues 0 or at least 1e-2 in size)",
)
@given(case=st_cp.critical_cases())
# a zero eigenvalue beside both signs; the diagonal read; mixed partials left out
@example(case=st_cp.flat_cross_saddle())
# eig_tol not passed on, or eigenvalues compared with 0; mixed partials doubled
@example(case=st_cp.bowl_with_quartic_direction())
def critical_point_by_eigenvalues(student, case):
    """Random critical points of every kind."""
    got = student.classify_critical_point(case.f, case.x)
    expect.is_string(got, case.expected, _critical_detail(case))


@check(
    "classify_critical_point",
    points=1,
    title="grad_tol is honoured: the point is critical exactly when the gradient's norm is "
    "at most grad_tol",
)
@given(case=st_cp.grad_tol_cases())
# the diagonal read, or mixed partials left out
@example(case=st_cp.small_gradient_saddle())
@example(case=st_cp.small_gradient_minimum())  # a wrong label for the minimum
def grad_tol_is_honoured(student, case):
    """Gradient norms far below or far above a custom ``grad_tol``."""
    got = student.classify_critical_point(case.f, case.x, grad_tol=case.grad_tol)
    detail = f"{_critical_detail(case)}; grad_tol = {case.grad_tol!r}"
    expect.is_string(got, case.expected, detail)


@check(
    "classify_critical_point",
    points=1,
    title="eig_tol is passed on: Hessian eigenvalues of size at most eig_tol count as zero",
)
@given(case=st_cp.eig_tol_cases())
# eig_tol not passed on, or eigenvalues compared with 0; mixed partials doubled
@example(case=st_cp.bowl_with_small_eigenvalue())
# "inconclusive" as soon as an eigenvalue counts as zero, before looking for both signs
@example(case=st_cp.saddle_beside_small_eigenvalue())
def eig_tol_is_honoured(student, case):
    """Eigenvalues far below or far above a custom ``eig_tol``."""
    got = student.classify_critical_point(case.f, case.x, eig_tol=case.eig_tol)
    detail = f"{_critical_detail(case)}; eig_tol = {case.eig_tol!r}"
    expect.is_string(got, case.expected, detail)


# --- hints that follow the evidence ------------------------------------------------
# A hint names a likely cause only when the values returned fit it: a one-sided
# difference is suggested only when the values are those of a one-sided difference.


def _fits(got: np.ndarray, candidates: list[np.ndarray], exact: np.ndarray) -> bool:
    """Whether ``got`` is far closer to one of ``candidates`` than to ``exact``."""
    got = np.asarray(got, dtype=float)
    off = float(np.max(np.abs(got - exact)))
    if not np.isfinite(off) or off == 0.0:
        return False
    return any(float(np.max(np.abs(got - c))) <= 0.1 * off for c in candidates)


def _gradient_hint(got: np.ndarray, case: st_cp.GradientCase) -> str:
    """Why a gradient may be off, said only when its values fit the cause."""
    f, x, h = case.f, case.x, 1e-6
    steps = np.eye(x.size) * h
    forward = np.array([(f.value(x + e) - f.value(x)) / h for e in steps])
    backward = np.array([(f.value(x) - f.value(x - e)) / h for e in steps])
    if _fits(got, [forward, backward], case.gradient):
        return (
            "your values are those of a one-sided difference (f(x + h e_i) - f(x)) / h, which "
            "is off by about h/2 * f'' >= 1e-5 here: use the central difference "
            "(f(x + h e_i) - f(x - h e_i)) / (2 h)"
        )
    return "central differences with h = 1e-6 are within about 1e-9 of the true gradient here"


def _hessian_hint(got: np.ndarray, case: st_cp.HessianCase) -> str:
    """Why a Hessian may be off, said only when its values fit the cause."""
    f, x, h = case.f, case.x, 1e-4
    steps = np.eye(x.size) * h
    base = f.value(x)
    from_values = np.array(
        [
            [(f.value(x + a + b) - f.value(x + a) - f.value(x + b) + base) / h**2 for b in steps]
            for a in steps
        ]
    )
    gradient = f.gradient(x)
    columns = np.array([(f.gradient(x + e) - gradient) / h for e in steps]).T
    one_sided = [from_values, columns, (columns + columns.T) / 2]
    if _fits(got, one_sided, case.hessian):
        return (
            "your values are those of a one-sided (forward) difference, which is off by about "
            "h * f''' >= 6e-3 here: use central differences"
        )
    return "central differences with h = 1e-4 are within this bound here"
