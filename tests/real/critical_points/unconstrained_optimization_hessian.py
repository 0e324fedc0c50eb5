# source: github.com/codeowlers/unconstrained-optimzation, algorithms/gradient.py and algorithms/hessian.py (a university optimisation assignment); licence not stated in the files
# covers: numerical_gradient, numerical_hessian
# expect: lose numerical_gradient, numerical_hessian
# why: numerical_gradient is right for a 1-D x (central differences on copies) but len(x) accepts a 2-D x without a ValueError; numerical_hessian takes central differences of that gradient (its own epsilon 1e-4 inside), row by row, and never symmetrises: H == H.T fails, and the same missing input check.
"""The logic of a course project's gradient and Hessian, retyped, glued to the contract.

gradient: central differences on copies of x. hessian: row i is the central difference of the
numerical gradient at x +- epsilon e_i (the inner gradient keeps its default epsilon).
"""
import numpy as np


def gradient(f, x0, epsilon=1e-4):
    size = len(x0)
    result = np.zeros(size)
    for i in range(size):
        up = np.copy(x0)
        up[i] += epsilon
        down = np.copy(x0)
        down[i] -= epsilon
        result[i] = (f(up) - f(down)) / (2 * epsilon)
    return result


def hessian(f, x0, epsilon=1e-4):
    size = len(x0)
    matrix = np.zeros((size, size))
    for i in range(size):
        up = np.copy(x0)
        up[i] += epsilon
        down = np.copy(x0)
        down[i] -= epsilon
        matrix[i] = (gradient(f, up) - gradient(f, down)) / (2 * epsilon)
    return matrix


# --- glue: the contract's names and default steps ---------------------------------------------
def numerical_gradient(f, x, h=1e-6):
    return gradient(f, x, epsilon=h)


def numerical_hessian(f, x, h=1e-4):
    return hessian(f, x, epsilon=h)
