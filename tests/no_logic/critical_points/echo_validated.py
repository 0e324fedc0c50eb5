"""No logic: the gradient echoes x, the Hessian is the identity, answers are constants.

Input checks are copied from the task statement, so every error check passes.
"""

import numpy as np


def _check_point(x):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    return x


def numerical_gradient(f, x, h=1e-6):
    if h <= 0:
        raise ValueError("h must be positive")
    return _check_point(x).copy()


def numerical_hessian(f, x, h=1e-4):
    if h <= 0:
        raise ValueError("h must be positive")
    return np.eye(_check_point(x).size)


def classify_hessian(H, tol=1e-8):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError("H must be square")
    if not np.allclose(H, H.T):
        raise ValueError("H must be symmetric")
    if tol < 0:
        raise ValueError("tol must be >= 0")
    return "local_minimum"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    _check_point(x)
    if grad_tol < 0 or eig_tol < 0:
        raise ValueError("tolerances must be >= 0")
    return "not_critical"
