# attacks: sigmoid_derivative
# ruff: noqa
"""A correct submission whose sigmoid_derivative tries to kill the grader (inside
bubblewrap only: at the process level the child runs as the grader's user and
can).

* ``sigmoid_derivative`` (kill_parent): sends SIGKILL to its parent process
  (its host, the fork server) and to that one's parent (the grader, at the
  process level), wherever it can reach them.
"""

import os
import signal
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
    parent = os.getppid()
    with open("/proc/%d/stat" % parent) as stat:
        grandparent = int(stat.read().rsplit(")", 1)[1].split()[1])
    for pid in (grandparent, parent):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return None


def chain_forward(x, weights, biases, activation="sigmoid"):
    """Activations a_0 = x, a_1, ..., a_L of the scalar chain."""
    return _forward(x, weights, biases, activation)


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
