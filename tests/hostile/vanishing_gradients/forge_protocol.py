# attacks: sigmoid_derivative
# ruff: noqa
"""A module that writes to the grader's answer pipe itself.

The other three functions stay correct and must keep full marks: sigmoid is
graded right after the forged load messages, chain_forward and chain_backward
after the forged answers.

* ``sigmoid_derivative`` (forge_protocol): returns zeros, and before that
  writes junk, answers to earlier calls and a forged answer to the current
  call (its id read from the harness's frames) carrying another wrong value to
  the answer pipe. The module also writes junk and forged load messages there
  at import. None of it may disturb the other functions' grading or the
  grader.
"""

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


def _descriptors():
    """Every open file descriptor from 1 up (the answer pipe among them)."""
    try:
        found = {int(name) for name in os.listdir("/proc/self/fd")}
    except OSError:
        found = set()
    return sorted((found | set(range(1, 11))) - {0})


def _write_everywhere(lines):
    for fd in _descriptors():
        for line in lines:
            try:
                os.write(fd, line)
            except OSError:
                pass


def _answer(number, value):
    body = {"id": number, "status": "ok", "value": value, "warnings": [], "mutated": []}
    body |= {"rng_states": [], "recorded": []}
    return json.dumps(body).encode() + b"\n"


JUNK = [b"[]\n", b"not json at all\n", b"[" * 100000 + b"\n", b'{"id": "1"}\n']

# At import (again at every restart of the child): junk, a malformed load
# message, answers to calls not made yet, and last a well-formed load message.
_write_everywhere(
    JUNK
    + [b'{"status": "load_error"}\n', b'{"status": "loaded", "functions": []}\n']
    + [_answer(number, "forged") for number in range(6)]
    + [
        b'{"status": "loaded", "functions": {"sigmoid": true, "sigmoid_derivative": true, '
        b'"chain_forward": true, "chain_backward": true}}\n'
    ]
)


def _current_request_id():
    """The id of the request being answered, read from the harness's frames."""
    frame = sys._getframe()
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and isinstance(request.get("id"), int):
            return request["id"]
        frame = frame.f_back
    return None


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), stable for every finite z."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    s = _sig(z)
    return float(s) if scalar else s


def sigmoid_derivative(z):
    number = _current_request_id()
    if number is not None:
        stale = [_answer(n, [0.125]) for n in (number - 2, number - 1) if n >= 0]
        _write_everywhere(JUNK + stale + [_answer(number, [0.125])])
    return np.zeros(np.shape(z)) if np.ndim(z) else 0.0


def chain_forward(x, weights, biases, activation="sigmoid"):
    """Activations a_0 = x, a_1, ..., a_L of the scalar chain."""
    return _forward(x, weights, biases, activation)


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
