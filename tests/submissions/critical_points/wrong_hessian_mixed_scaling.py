# expect: lose numerical_hessian
# may also lose: classify_critical_point
# mistake: the mixed partial derivatives are divided by 2h^2 instead of 4h^2, so every off-diagonal entry is twice too large.
"""critical_points -- wrong submission: a copy of correct_loops.py with one mistake in numerical_hessian.

the mixed partial derivatives are divided by 2h^2 instead of 4h^2, so every off-diagonal entry is twice too large.
"""
import numpy as np


def _as_point(x):
    x = np.array(x, dtype=float)  # a private copy: the caller's x is never touched
    if x.ndim != 1 or x.shape[0] < 1:
        raise ValueError("x must be a non-empty 1-D array, got shape %r" % (x.shape,))
    return x


def numerical_gradient(f, x, h=1e-6):
    """Gradient of f at x by central differences (中心差分)."""
    x = _as_point(x)
    n = x.shape[0]
    g = np.zeros(n)
    for i in range(n):
        xp = x.copy()
        xm = x.copy()
        xp[i] = xp[i] + h
        xm[i] = xm[i] - h
        g[i] = (f(xp) - f(xm)) / (2.0 * h)
    return g


def numerical_hessian(f, x, h=1e-4):
    """Hessian matrix (海森矩阵) of f at x by central differences."""
    x = _as_point(x)
    n = x.shape[0]
    H = np.zeros((n, n))
    fx = f(x)
    for i in range(n):
        for j in range(i, n):
            if i == j:
                xp = x.copy()
                xm = x.copy()
                xp[i] += h
                xm[i] -= h
                H[i, i] = (f(xp) - 2.0 * fx + f(xm)) / (h * h)
            else:
                xpp = x.copy()
                xpm = x.copy()
                xmp = x.copy()
                xmm = x.copy()
                xpp[i] += h
                xpp[j] += h
                xpm[i] += h
                xpm[j] -= h
                xmp[i] -= h
                xmp[j] += h
                xmm[i] -= h
                xmm[j] -= h
                value = (f(xpp) - f(xpm) - f(xmp) + f(xmm)) / (2.0 * h * h)
                H[i, j] = value
                H[j, i] = value
    return H


def classify_hessian(H, tol=1e-8):
    """Second-order test from the eigenvalues of a symmetric Hessian."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError("H must be a non-empty square matrix")
    if not np.all(np.isfinite(H)):
        raise ValueError("H must be finite")
    if not np.allclose(H, H.T):
        raise ValueError("H must be symmetric")
    eigenvalues = np.linalg.eigvalsh(H)
    has_positive = False
    has_negative = False
    all_positive = True
    all_negative = True
    for lam in eigenvalues:
        if lam > tol:
            has_positive = True
        else:
            all_positive = False
        if lam < -tol:
            has_negative = True
        else:
            all_negative = False
    if has_positive and has_negative:
        return "saddle_point"
    if all_positive:
        return "local_minimum"
    if all_negative:
        return "local_maximum"
    return "inconclusive"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    """'not_critical' if the gradient is not (numerically) zero, else the Hessian test."""
    g = numerical_gradient(f, x)
    norm = 0.0
    for gi in g:
        norm += gi * gi
    norm = norm ** 0.5
    if norm > grad_tol:
        return "not_critical"
    return classify_hessian(numerical_hessian(f, x), tol=eig_tol)
