# source: github.com/fffaez/johnny_deep, johnny_deep/activations.py, sigmoid and sigmoid_backward; licence not stated in the file
# covers: sigmoid, sigmoid_derivative
# expect: lose sigmoid, sigmoid_derivative
# why: the textbook 1 / (1 + np.exp(-Z)) overflows at z = -1000 (RuntimeWarning), and the derivative sig * (1 - sig) inherits it; right everywhere else.
"""The logic of johnny_deep's activations, retyped, glued to the contract.

sigmoid_backward(dA, Z) = dA * sigmoid(Z) * (1 - sigmoid(Z)); the glue passes dA = 1.
"""
import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def sigmoid_backward(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s)


# --- glue: the contract's signature ------------------------------------------------------------
def sigmoid_derivative(z):
    return sigmoid_backward(1.0, z)
