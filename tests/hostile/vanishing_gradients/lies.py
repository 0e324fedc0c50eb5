# attacks: sigmoid, chain_forward
# ruff: noqa
"""Values that lie, and a forged answer.

A correct submission with two functions replaced by attacks; the other two
stay correct and must keep full marks (each follows an attacked one in grading
order, so any damage an attack leaves behind would show there).

* ``sigmoid`` (lying_numbers): returns zeros as a float subclass / ndarray
  subclass whose comparisons always say equal.
* ``chain_forward`` (forge_answer): returns zeros, and forges the grader's
  answer line carrying the correct activations: printed to sys.stdout,
  sys.__stdout__ and sys.stderr, and os.write()n to file descriptors 1-10 and
  every other open one (the real answer pipe among them), under ids that are
  not the current call's (0-3 and 10**6).
"""

import base64
import json
import os
import sys
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


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)


def _descriptors():
    """Every open file descriptor from 1 up (the answer pipe among them)."""
    try:
        found = {int(name) for name in os.listdir("/proc/self/fd")}
    except OSError:
        found = set()
    return sorted((found | set(range(1, 11))) - {0})


def _forged_lines(value):
    data = base64.b64encode(np.ascontiguousarray(value, dtype="<f8").tobytes()).decode()
    encoded = {"__ndarray__": {"dtype": "<f8", "shape": list(value.shape), "data": data}}
    for forged_id in (0, 1, 2, 3, 10**6):
        answer = {
            "id": forged_id,
            "status": "ok",
            "value": encoded,
            "warnings": [],
            "mutated": [],
            "rng_states": [],
            "recorded": [],
        }
        yield json.dumps(answer).encode() + b"\n"


def sigmoid(z):
    if np.ndim(z) == 0 and not isinstance(z, np.ndarray):
        return LyingFloat(0.0)
    return np.zeros(np.shape(z)).view(LyingArray)


def sigmoid_derivative(z):
    """sigmoid'(z) = s (1 - s); at most 0.25."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    s = _sig(z)
    d = s * (1 - s)
    return float(d) if scalar else d


def chain_forward(x, weights, biases, activation="sigmoid"):
    correct = _forward(x, weights, biases, activation)
    for forged in _forged_lines(correct):
        for stream in (sys.stdout, sys.__stdout__, sys.stderr):
            try:
                stream.write(forged.decode())
                stream.flush()
            except Exception:
                pass
        for fd in _descriptors():
            try:
                os.write(fd, forged)
            except OSError:
                pass
    return np.zeros_like(correct)


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
