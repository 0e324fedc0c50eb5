# attacks: sigmoid, chain_forward
# ruff: noqa
"""Row C of issue 12: forged answers that try to make the grader allocate or block.

* ``sigmoid`` (forge_huge): forges its own answer on the answer pipe: a
  complex array whose real part has shape (30000, 1) and imaginary part
  (1, 30000) (broadcast, 14 GB from 480 KB sent), then an array declaring
  10**12 elements with no data, nesting 10,000 deep; the grader must refuse
  them before allocating (the check fails, that child ends).
* ``chain_forward`` (forge_huge): forges the right answer, fills its own
  request pipe (reopened for writing through /proc/self/fd) and sleeps: the
  grader's next request must fail at the call's deadline, not block it.
"""

import base64
import fcntl
import json
import os
import sys
import time
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


def _current_request_id():
    """The id of the request being answered, read from the harness's frames."""
    frame = sys._getframe()
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and isinstance(request.get("id"), int):
            return request["id"]
        frame = frame.f_back
    return None


def _answer_fd():
    """The answer pipe's descriptor, read from the command line."""
    return json.loads(sys.argv[1])["answer_fd"]


def _forge(value):
    """Write an answer to the current request on the answer pipe."""
    body = {"id": _current_request_id(), "status": "ok", "value": value, "warnings": []}
    body |= {"mutated": [], "rng_states": [], "recorded": []}
    os.write(_answer_fd(), json.dumps(body).encode() + b"\n")


def sigmoid(z):
    column = {
        "__ndarray__": {
            "dtype": "<f8",
            "shape": [30000, 1],
            "data": base64.b64encode(bytes(240000)).decode(),
        }
    }
    row = {
        "__ndarray__": {
            "dtype": "<f8",
            "shape": [1, 30000],
            "data": base64.b64encode(bytes(240000)).decode(),
        }
    }
    _forge({"__complex_ndarray__": [column, row]})
    _forge({"__ndarray__": {"dtype": "<f8", "shape": [10**6, 10**6], "data": ""}})
    nested = 0
    for _ in range(10000):
        nested = [nested]
    _forge(nested)
    time.sleep(60)


def sigmoid_derivative(z):
    """sigmoid'(z) = s (1 - s); at most 0.25."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    s = _sig(z)
    d = s * (1 - s)
    return float(d) if scalar else d


def chain_forward(x, weights, biases, activation="sigmoid"):
    _forge(
        {
            "__ndarray__": {
                "dtype": "<f8",
                "shape": [len(weights) + 1],
                "data": base64.b64encode(
                    _forward(x, weights, biases, activation).astype("<f8").tobytes()
                ).decode(),
            }
        }
    )
    for fd in map(int, os.listdir("/proc/self/fd")):
        try:
            if fd > 2 and os.path.realpath(f"/proc/self/fd/{fd}").startswith("pipe:"):
                writer = os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
                fcntl.fcntl(writer, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe
                while True:
                    os.write(writer, b"x" * 4096)
        except OSError:
            pass
    time.sleep(3600)


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
