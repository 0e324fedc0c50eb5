# attacks: sigmoid, chain_forward
# ruff: noqa
"""Objects that run code, and NumPy patched at import.

A correct submission with two functions replaced by attacks; the other two
stay correct and must keep full marks (each follows an attacked one in grading
order, so any damage an attack leaves behind would show there).

* ``sigmoid`` (code_objects): returns objects whose special methods (__repr__,
  __reduce__, __getstate__, __eq__, __del__, ...) write a marker file into
  MARKER_DIR when they run in a process holding the grader's modules: the
  grader never unpickles or calls repr on student objects, so MARKER_DIR must
  stay empty.
* ``chain_forward`` (monkeypatch_numpy): returns zeros, while the module
  patched NumPy's comparisons at import (np.allclose, np.isclose,
  np.array_equal, np.testing, math.isclose all say equal in the child; the
  grader's NumPy is another process's).
"""

import math
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


MARKER_DIR = "__MARKER_DIR__"  # the test puts a folder of its own here
_CALLS = 0


def _mark(name):
    if "hypothesis" in sys.modules or "autograder" in sys.modules:
        try:
            with open(os.path.join(MARKER_DIR, name), "w") as out:
                out.write(str(os.getpid()))
        except OSError:
            pass


class Evil:
    def __repr__(self):
        _mark("repr")
        return "Evil()"

    def __str__(self):
        _mark("str")
        return "Evil"

    def __format__(self, spec):
        _mark("format")
        return "Evil"

    def __reduce__(self):
        _mark("reduce")
        return (os.system, ("true",))

    def __reduce_ex__(self, protocol):
        _mark("reduce_ex")
        return (os.system, ("true",))

    def __getstate__(self):
        _mark("getstate")
        return {}

    def __setstate__(self, state):
        _mark("setstate")

    def __eq__(self, other):
        _mark("eq")
        return True

    def __ne__(self, other):
        _mark("ne")
        return False

    def __hash__(self):
        _mark("hash")
        return 0

    def __bool__(self):
        _mark("bool")
        return True

    def __len__(self):
        _mark("len")
        return 1

    def __iter__(self):
        _mark("iter")
        return iter([0.5])

    def __float__(self):
        _mark("float")
        return 0.5

    def __array__(self, *args, **kwargs):
        _mark("array")
        return np.zeros(1)

    def __del__(self):
        _mark("del")


def _always_equal(*args, **kwargs):
    return True


def _never_fails(*args, **kwargs):
    return None


np.allclose = _always_equal
np.isclose = _always_equal
np.array_equal = _always_equal
np.array_equiv = _always_equal
np.testing.assert_allclose = _never_fails
np.testing.assert_array_equal = _never_fails
np.testing.assert_array_almost_equal = _never_fails
math.isclose = _always_equal


def sigmoid(z):
    global _CALLS
    _CALLS += 1
    if _CALLS % 2:
        return Evil()
    return [Evil(), {"inside": Evil()}]


def sigmoid_derivative(z):
    """sigmoid'(z) = s (1 - s); at most 0.25."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    s = _sig(z)
    d = s * (1 - s)
    return float(d) if scalar else d


def chain_forward(x, weights, biases, activation="sigmoid"):
    return np.zeros(len(weights) + 1)


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
