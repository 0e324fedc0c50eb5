"""Helpers of the ``vanishing_gradients`` checks, public and hidden: reading
an answer, the recurrence a forward pass must follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.grading import expect
from autograder.grading.show import show, show_type
from autograder.strategies import vanishing_gradients as vgs

ATOL = 1e-12
"""Absolute tolerance of sigmoid values (they are at least ``3.3e-4`` where compared)."""


def scalar(got: Any, what: str = "a float") -> float:
    """A returned number; a 1-element array is accepted here (the type has its own check)."""
    expect.returned_something(got, what)
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "fiu":
        return float(got.reshape(()))
    return expect.is_float(got, what)


def values(got: Any, what: str = "a number or an array of numbers") -> np.ndarray:
    """A returned number or array as a float array (its shape has its own check)."""
    expect.returned_something(got, what)
    if isinstance(got, bool) or not isinstance(got, int | float | np.ndarray):
        expect.fail(what, show_type(got))
    array = np.asarray(got)
    if array.dtype.kind not in "fiu":
        expect.fail(what, f"dtype {array.dtype}")
    return array.astype(float)


def activations(got: Any, chain: vgs.Chain) -> np.ndarray:
    """The array ``a_0 .. a_L`` returned by ``chain_forward``."""
    return expect.is_array(got, (chain.length + 1,), what="the activations a_0 .. a_L").astype(
        float
    )


BACKWARD_KEYS = ("d_weights", "d_biases", "d_input")


def gradients(got: Any, chain: vgs.Chain) -> tuple[np.ndarray, np.ndarray, float]:
    """``(d_weights, d_biases, d_input)`` of a returned dict (a 1-element ``d_input`` is read)."""
    what = 'a dict with keys "d_weights", "d_biases" and "d_input"'
    expect.returned_something(got, what)
    if not isinstance(got, dict):
        expect.fail(what, show_type(got))
    missing = [key for key in BACKWARD_KEYS if key not in got]
    if missing:
        expect.fail(what, f"a dict with keys {show(sorted(got))}")
    shape = (chain.length,)
    d_weights = expect.is_array(got["d_weights"], shape, what='result["d_weights"]')
    d_biases = expect.is_array(got["d_biases"], shape, what='result["d_biases"]')
    d_input = scalar(got["d_input"], 'result["d_input"] as a float')
    return d_weights.astype(float), d_biases.astype(float), d_input


def true_sigmoid(z: float) -> float:
    """``1 / (1 + exp(-z))``, evaluated without overflow."""
    return float(vgs.sigmoid_value(float(z)))


def describe_chain(chain: vgs.Chain) -> expect.Later:
    """The pre-activations of a chain, for feedback (written when needed)."""
    return expect.Later(lambda: f"the pre-activations z_1 .. z_L are {show(chain.z)}")


def check_recurrence(got: Any, chain: vgs.Chain, activation: str) -> None:
    """Each ``a_k`` is ``act(w_k a_(k-1) + b_k)`` with the returned ``a_(k-1)`` (``a_0 = x``)."""
    a = activations(got, chain)
    previous = chain.x
    for k in range(chain.length):
        w, b = float(chain.weights[k]), float(chain.biases[k])
        z = w * previous + b
        expected = float(vgs.activate(z, activation)) + 0.0  # a dead ReLU shows 0.0, not -0.0
        slope = 1.0 if activation == "relu" else vgs.local_derivative(z, activation)
        spread = slope * (abs(w * previous) + abs(z)) + abs(expected) + 1.0
        tolerance = vgs.RTOL * abs(expected) + vgs.SAFETY * vgs.EPS * spread
        if not abs(a[k + 1] - expected) <= tolerance:
            expect.fail(
                f"a_{k + 1} = {activation}(w_{k + 1} * a_{k} + b_{k + 1}) = "
                f"{activation}({w!r} * {float(previous)!r} + {b!r}) = {expected!r}",
                f"a_{k + 1} = {float(a[k + 1])!r} (all activations: {show(a)})",
            )
        previous = float(a[k + 1])
