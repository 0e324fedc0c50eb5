"""The callables and generators the contract passes to student functions.

A check never sends a function to the sandbox: it sends a plain description
(polynomial coefficients, a gradient by name, a generator's seed), and this
module rebuilds the object on either side of the boundary. It holds no
reference code and no check: the functions here are deliberately *not* the
ones students write (the gradients are of a "pull towards the data" loss, not
of the mean squared error).

This module is copied into the sandbox as it is: it imports only the standard
library and NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def polynomial_value(center: np.ndarray, terms: Sequence[Any], x: np.ndarray) -> float:
    """Evaluate ``sum(c * prod((x - center) ** e))`` over ``terms = [(c, e), ...]``."""
    u = np.asarray(x, dtype=float) - center
    total = 0.0
    for coefficient, exponents in terms:
        product = float(coefficient)
        for value, power in zip(u, exponents, strict=True):
            if power:
                product *= float(value) ** power
        total += product
    return total


class PolynomialFunction:
    """A polynomial ``f`` as the student receives it: ``f(x) -> float``.

    Parameters
    ----------
    center : sequence of float
        The point the polynomial is expanded around.
    terms : sequence of (float, sequence of int)
        Coefficients and exponent tuples, one per monomial of ``x - center``.
    """

    def __init__(self, center: Sequence[float], terms: Sequence[Any]) -> None:
        self.center = np.asarray(center, dtype=float)
        self.terms = [(float(c), tuple(int(e) for e in exps)) for c, exps in terms]

    def __call__(self, x: np.ndarray) -> float:
        x = np.asarray(x, dtype=float)
        if x.shape != self.center.shape:
            # Deliberately lenient: an error raised here would hide a missing
            # shape check in the student's function from the grader.
            return float(np.sum(x**2))
        return polynomial_value(self.center, self.terms, x)


def pull_target(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The point the "pull" loss pulls ``w`` towards: the mean of ``y_i * x_i``."""
    return (np.asarray(X, dtype=float) * np.asarray(y, dtype=float)[:, None]).mean(axis=0)


def pull_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`pull_loss`: ``w - mean(y_i * x_i)`` over the batch."""
    return np.asarray(w, dtype=float) - pull_target(X, y)


def pull_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """``0.5 * ||w - mean(y_i * x_i)||**2``: a loss that is not the students' MSE."""
    return float(0.5 * np.sum((np.asarray(w, dtype=float) - pull_target(X, y)) ** 2))


GRADIENTS = {"pull": pull_gradient}
LOSSES = {"pull": pull_loss}


class Recorder:
    """Wraps a callable and records the ``y`` batch of every call.

    Checks give every row a distinct ``y`` value, so the recorded ``y``
    arrays tell which rows each batch held and in which order.
    """

    def __init__(self, function: Any) -> None:
        self.function = function
        self.batches: list[np.ndarray] = []

    def __call__(self, w: np.ndarray, X: np.ndarray, y: np.ndarray) -> Any:
        self.batches.append(np.array(y, dtype=float, copy=True))
        return self.function(w, X, y)


def rebuild(tag: str, payload: Any) -> Any:
    """Rebuild a described callable or generator, or return ``NotImplemented``.

    Parameters
    ----------
    tag : str
        ``"__polynomial__"``, ``"__gradient__"``, ``"__loss__"`` or ``"__rng__"``.
    payload : object
        The description: ``{"center": [...], "terms": [...]}``, a name with an
        optional ``"record"`` flag, or a seed.

    Returns
    -------
    object
        The callable or ``numpy.random.Generator``.
    """
    if tag == "__polynomial__":
        return PolynomialFunction(payload["center"], payload["terms"])
    if tag == "__gradient__":
        function = GRADIENTS[payload["name"]]
        return Recorder(function) if payload.get("record") else function
    if tag == "__loss__":
        return LOSSES[payload["name"]]
    if tag == "__rng__":
        return np.random.default_rng(int(payload))
    return NotImplemented
