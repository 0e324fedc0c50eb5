"""No logic: everything is zero (a sigmoid of 0.0, a derivative of 0.0, zero activations)."""

import numpy as np


def sigmoid(z):
    if np.ndim(z):
        return np.zeros(np.shape(z))
    return 0.0


def sigmoid_derivative(z):
    return sigmoid(z)


def chain_forward(x, weights, biases, activation="sigmoid"):
    a = np.zeros(len(weights) + 1)
    a[0] = x
    return a


def chain_backward(x, weights, biases, activation="sigmoid"):
    L = len(weights)
    return {"d_weights": np.zeros(L), "d_biases": np.zeros(L), "d_input": 0.0}
