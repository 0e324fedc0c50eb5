# expect: lose classify_hessian
# may also lose: classify_critical_point
# mistake: classify_hessian answers 'inconclusive' as soon as one eigenvalue is zero, even when positive and negative eigenvalues already prove a saddle point.
"""critical_points -- wrong submission: a copy of correct_hessian_from_gradient.py with one mistake in classify_hessian.

classify_hessian answers 'inconclusive' as soon as one eigenvalue is zero, even when positive and negative eigenvalues already prove a saddle point.
"""
import math

import numpy as np


def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    if len(x) == 0:
        raise ValueError("x must not be empty")
    grad = np.empty(len(x))
    for i in range(len(x)):
        step = np.zeros(len(x))
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def numerical_hessian(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    if len(x) == 0:
        raise ValueError("x must not be empty")
    n = len(x)
    H = np.empty((n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = h
        H[:, j] = (numerical_gradient(f, x + step) - numerical_gradient(f, x - step)) / (2 * h)
    return (H + H.T) / 2


def classify_hessian(H, tol=1e-8):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2:
        raise ValueError("H must be a matrix")
    rows, cols = H.shape
    if rows == 0 or rows != cols:
        raise ValueError("H must be square and non-empty")
    if not np.all(np.isfinite(H)):
        raise ValueError("H must be finite")
    if not np.allclose(H, H.T):
        raise ValueError("H must be symmetric")
    lam = np.linalg.eigvalsh(H)
    n_pos = int(np.sum(lam > tol))
    n_neg = int(np.sum(lam < -tol))
    n = len(lam)
    if n_pos + n_neg < n:
        return "inconclusive"
    if n_pos > 0 and n_neg > 0:
        return "saddle_point"
    if n_pos == n:
        return "local_minimum"
    if n_neg == n:
        return "local_maximum"
    return "inconclusive"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    g = numerical_gradient(f, x)
    if math.sqrt(float(np.dot(g, g))) > grad_tol:
        return "not_critical"
    H = numerical_hessian(f, x)
    return classify_hessian(H, tol=eig_tol)
