# attacks: sigmoid_derivative, chain_backward
# ruff: noqa
"""Row D of issue 12: text from student code large enough to flood the grader.

* ``sigmoid_derivative`` (floods_text): raises an exception whose class name
  has 5 million characters and whose message has 10 million, with a lone
  surrogate (not valid UTF-8) in it.
* ``chain_backward`` (floods_text): lets a RuntimeWarning with a 10-million
  character text (and a lone surrogate) escape, then returns the right value.

Each must lose points with a short message: the grader caps every text from
student code (in the child and again in the grader), and its JSON stays
small and valid UTF-8.
"""

import warnings
import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _sig(z):
    """The stable logistic function on an array (private: no public function
    calls another one, so an attack on one function touches that one alone)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _check(weights, biases, activation):
    if activation not in ACTIVATIONS:
        raise ValueError("unknown activation %r" % (activation,))
    if len(weights) != len(biases):
        raise ValueError("weights and biases must have the same length")
    if len(weights) == 0:
        raise ValueError("the chain needs at least one unit")


def _act(z, activation):
    if activation == "sigmoid":
        return float(_sig(z))
    if activation == "tanh":
        return float(np.tanh(z))
    return z if z > 0 else 0.0


def _act_prime(z, activation):
    if activation == "sigmoid":
        s = float(_sig(z))
        return s * (1 - s)
    if activation == "tanh":
        t = float(np.tanh(z))
        return 1.0 - t * t
    return 1.0 if z > 0 else 0.0


def _forward(x, weights, biases, activation):
    _check(weights, biases, activation)
    L = len(weights)
    a = np.zeros(L + 1)
    a[0] = float(x)
    for k in range(L):
        z = float(weights[k]) * a[k] + float(biases[k])
        a[k + 1] = _act(z, activation)
    return a


def _backward(x, weights, biases, activation):
    a = _forward(x, weights, biases, activation)
    L = len(weights)
    d_weights = np.zeros(L)
    d_biases = np.zeros(L)
    upstream = 1.0
    for k in range(L - 1, -1, -1):
        z = float(weights[k]) * a[k] + float(biases[k])
        dz = upstream * _act_prime(z, activation)
        d_biases[k] = dz
        d_weights[k] = dz * a[k]
        upstream = dz * float(weights[k])
    return {"d_weights": d_weights, "d_biases": d_biases, "d_input": float(upstream)}


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), stable for every finite z."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    s = _sig(z)
    return float(s) if scalar else s


def sigmoid_derivative(z):
    error = type("E" * 5_000_000, (ValueError,), {})
    raise error("\ud800" + "m" * 10_000_000)


def chain_forward(x, weights, biases, activation="sigmoid"):
    """Activations a_0 = x, a_1, ..., a_L of the scalar chain."""
    return _forward(x, weights, biases, activation)


def chain_backward(x, weights, biases, activation="sigmoid"):
    warnings.warn("\ud800" + "w" * 10_000_000, RuntimeWarning)
    return _backward(x, weights, biases, activation)
