# source: github.com/EgeOzturk/Detect-Garbage-Type-With-Neural-Network, NeuralNetwork/sigmoid.py, sigmoid and sigmoid_backward (the Coursera deep-learning course's helpers); licence not stated in the file
# covers: sigmoid, sigmoid_derivative
# expect: lose sigmoid, sigmoid_derivative
# why: 1 / (1 + np.exp(-Z)) overflows for z = -1000 (a RuntimeWarning; the contract asks for none at |z| <= 1000), and sigmoid_backward recomputes that same expression.
"""The logic of the Coursera course's sigmoid / sigmoid_backward, retyped, glued to the contract.

sigmoid returns (A, cache) with cache = Z; sigmoid_backward(dA, cache) returns dA * s * (1 - s)
and asserts the shapes agree, so the glue hands it arrays and gives a float back for a float.
"""
import numpy as np


def sigmoid_with_cache(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    assert dZ.shape == Z.shape
    return dZ


# --- glue: the contract's signatures ---------------------------------------------------------
def sigmoid(z):
    return sigmoid_with_cache(z)[0]


def sigmoid_derivative(z):
    Z = np.asarray(z, dtype=float)
    dZ = sigmoid_backward(np.ones_like(Z), Z)
    return dZ if np.ndim(z) else float(dZ)
