# expect: full
"""vanishing_gradients -- a correct submission whose sigmoid is an np.frompyfunc ufunc.

np.frompyfunc applies a stable scalar sigmoid (math.exp of a non-positive number only) element
by element and returns an array of dtype object holding Python floats; sigmoid_derivative and
the chain inherit that dtype. Arrays of real numbers are arrays of real numbers: full marks.
"""
import math

import numpy as np


def _scalar_sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


# np.frompyfunc returns an array of dtype object holding Python floats.
sigmoid = np.frompyfunc(_scalar_sigmoid, 1, 1)


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s - s * s


_FORWARD = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


def _validate(weights, biases, activation):
    if activation not in _FORWARD:
        raise ValueError(f"activation must be one of {sorted(_FORWARD)}, got {activation!r}")
    w = np.asarray(weights, dtype=float)
    b = np.asarray(biases, dtype=float)
    if w.ndim != 1 or b.ndim != 1 or w.shape != b.shape or w.size == 0:
        raise ValueError("weights and biases must be non-empty sequences of the same length")
    return w, b


def _forward(x, w, b, activation):
    act = _FORWARD[activation]
    z = np.empty(w.size)
    a = np.empty(w.size + 1)
    a[0] = x
    for k in range(w.size):
        z[k] = w[k] * a[k] + b[k]
        a[k + 1] = act(z[k])
    return z, a


def chain_forward(x, weights, biases, activation="sigmoid"):
    w, b = _validate(weights, biases, activation)
    return _forward(x, w, b, activation)[1]


def chain_backward(x, weights, biases, activation="sigmoid"):
    w, b = _validate(weights, biases, activation)
    z, a = _forward(x, w, b, activation)
    if activation == "sigmoid":
        local = sigmoid_derivative(z)
    elif activation == "tanh":
        local = 1.0 - np.tanh(z) ** 2
    else:
        local = (z > 0).astype(float)
    d_biases = np.empty(w.size)
    chain = 1.0
    for k in reversed(range(w.size)):
        chain = chain * local[k]
        d_biases[k] = chain
        chain = chain * w[k]
    return {"d_weights": d_biases * a[:-1], "d_biases": d_biases, "d_input": chain}
