"""No logic: every classification is "local_maximum"; the gradient and the Hessian are zeros."""

import numpy as np


def numerical_gradient(f, x, h=1e-6):
    return np.zeros(np.shape(x))


def numerical_hessian(f, x, h=1e-4):
    d = np.size(x)
    return np.zeros((d, d))


def classify_hessian(H, tol=1e-8):
    return "local_maximum"


def classify_critical_point(f, x, grad_tol=1e-4, eig_tol=1e-4):
    return "local_maximum"
