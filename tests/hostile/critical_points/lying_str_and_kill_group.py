# attacks: numerical_gradient, classify_hessian
# ruff: noqa
"""critical_points: a lying string and a process-group kill.

classify_critical_point classifies with private helpers, so it keeps full
marks although classify_hessian lies. The other two stay correct and must keep
full marks (each follows an attacked one in grading order, so any damage an
attack leaves behind would show there).

* ``numerical_gradient`` (kill_group): sends SIGKILL to its whole process
  group (os.killpg(0, 9)).
* ``classify_hessian`` (lying_str): returns a str subclass whose comparisons
  always say equal (docs/contract.md: "a subclass that overrides comparison is not a
  string").
"""

import os
import signal
import numpy as np


def _gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    steps = h * np.eye(x.size)
    forward = np.array([f(x + e) for e in steps], dtype=float)
    backward = np.array([f(x - e) for e in steps], dtype=float)
    return (forward - backward) / (2 * h)


def _hessian(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("x must be a non-empty 1-D array")
    steps = h * np.eye(x.size)
    fpp = np.array([[f(x + ei + ej) for ej in steps] for ei in steps], dtype=float)
    fpm = np.array([[f(x + ei - ej) for ej in steps] for ei in steps], dtype=float)
    fmp = np.array([[f(x - ei + ej) for ej in steps] for ei in steps], dtype=float)
    fmm = np.array([[f(x - ei - ej) for ej in steps] for ei in steps], dtype=float)
    full = (fpp - fpm - fmp + fmm) / (4 * h * h)
    return np.triu(full) + np.triu(full, k=1).T


def _classify(H, tol=1e-8):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.size == 0 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be a non-empty square matrix")
    if not np.isfinite(H).all():
        raise ValueError("H contains inf or nan")
    if not np.allclose(H, H.T):
        raise ValueError("H is not symmetric")
    lam = np.linalg.eigvalsh(H)
    positive = lam > tol
    negative = lam < -tol
    if positive.any() and negative.any():
        return "saddle_point"
    if positive.all():
        return "local_minimum"
    if negative.all():
        return "local_maximum"
    return "inconclusive"


class LyingStr(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


def numerical_gradient(f, x, h=1e-6):
    os.killpg(0, signal.SIGKILL)
    return None


def numerical_hessian(f, x, h=1e-4):
    return _hessian(f, x, h)


def classify_hessian(H, tol=1e-8):
    return LyingStr("whatever you expected")


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    if np.linalg.norm(_gradient(f, x)) > grad_tol:
        return "not_critical"
    return _classify(_hessian(f, x), tol=eig_tol)
