# expect: lose classify_hessian
# may also lose: classify_critical_point
# mistake: classify_hessian returns 'minimum' / 'maximum' instead of the required labels 'local_minimum' / 'local_maximum'.
"""critical_points -- wrong submission: a copy of correct_vectorised.py with one mistake in classify_hessian.

classify_hessian returns 'minimum' / 'maximum' instead of the required labels 'local_minimum' / 'local_maximum'.
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
    upper = np.triu(full)
    return upper + np.triu(full, k=1).T


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
        return "minimum"
    if negative.all():
        return "maximum"
    return "inconclusive"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    if np.linalg.norm(numerical_gradient(f, x)) > grad_tol:
        return "not_critical"
    return classify_hessian(numerical_hessian(f, x), tol=eig_tol)
