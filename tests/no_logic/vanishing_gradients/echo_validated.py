"""No logic: the task statement's input checks, then echoes of the inputs.

The sigmoid and its derivative return z itself; the forward pass repeats x;
the backward pass returns the weights and biases it was given.
"""

import numpy as np


def _chain(weights, biases, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError("unknown activation")
    w = np.asarray(weights, dtype=float)
    b = np.asarray(biases, dtype=float)
    if w.ndim != 1 or b.ndim != 1 or len(w) != len(b) or len(w) == 0:
        raise ValueError("bad weights or biases")
    return w, b


def sigmoid(z):
    if np.ndim(z):
        return np.array(z, dtype=float)
    return float(z)


def sigmoid_derivative(z):
    return sigmoid(z)


def chain_forward(x, weights, biases, activation="sigmoid"):
    w, _ = _chain(weights, biases, activation)
    return np.full(len(w) + 1, float(x))


def chain_backward(x, weights, biases, activation="sigmoid"):
    w, b = _chain(weights, biases, activation)
    return {"d_weights": w.copy(), "d_biases": b.copy(), "d_input": float(x)}
