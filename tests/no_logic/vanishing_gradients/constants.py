"""No logic: a sigmoid of 0.5, a derivative of 0.25, zero activations and zero derivatives."""

import numpy as np


def sigmoid(z):
    if np.ndim(z):
        return np.full(np.shape(z), 0.5)
    return 0.5


def sigmoid_derivative(z):
    if np.ndim(z):
        return np.full(np.shape(z), 0.25)
    return 0.25


def chain_forward(x, weights, biases, activation="sigmoid"):
    return np.zeros(len(weights) + 1)


def chain_backward(x, weights, biases, activation="sigmoid"):
    L = len(weights)
    return {"d_weights": np.zeros(L), "d_biases": np.zeros(L), "d_input": 0.0}
