# expect: lose numerical_hessian
# may also lose: classify_critical_point
# mistake: numerical_hessian only computes the pure second derivatives d2f/dxi2 and leaves the mixed partials at zero.
"""critical_points -- wrong submission: a copy of correct_vectorised.py with one mistake in numerical_hessian.

numerical_hessian only computes the pure second derivatives d2f/dxi2 and leaves the mixed partials at zero.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    steps = h * np.eye(x.size)
    forward = np.array([f(x + e) for e in steps], dtype=float)
    backward = np.array([f(x - e) for e in steps], dtype=float)
    return (forward - backward) / (2 * h)


def numerical_hessian(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    steps = h * np.eye(x.size)
    fpp = np.array([[f(x + ei + ej) for ej in steps] for ei in steps], dtype=float)
    fpm = np.array([[f(x + ei - ej) for ej in steps] for ei in steps], dtype=float)
    fmp = np.array([[f(x - ei + ej) for ej in steps] for ei in steps], dtype=float)
    fmm = np.array([[f(x - ei - ej) for ej in steps] for ei in steps], dtype=float)
    full = (fpp - fpm - fmp + fmm) / (4 * h * h)
    return np.diag(np.diag(full))


def classify_hessian(H, tol=1e-8):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.size == 0 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be a non-empty square matrix")
    if not np.isfinite(H).all():
        raise ValueError("H contains inf or nan")
    if not np.allclose(H, H.T):
        raise ValueError("H is not symmetric")
    lam, _ = np.linalg.eigh(H)
    positive = lam > tol
    negative = lam < -tol
    if positive.any() and negative.any():
        return "saddle_point"
    if positive.all():
        return "local_minimum"
    if negative.all():
        return "local_maximum"
    return "inconclusive"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    if np.linalg.norm(numerical_gradient(f, x)) > grad_tol:
        return "not_critical"
    return classify_hessian(numerical_hessian(f, x), tol=eig_tol)
