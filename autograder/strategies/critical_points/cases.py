"""The cases the ``critical_points`` checks draw, and the contract's constants."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from autograder.strategies.polynomials import Polynomial

MAX_VARIABLES = 4
"""The largest number of variables of ``f`` (docs/contract.md)."""

VALUE_BOUND = 10.0
"""``|f| <= 10`` within ``NEAR`` of ``x`` (docs/contract.md)."""

NEAR = 1e-3
"""The radius around ``x`` in which ``|f|`` is bounded."""

DEFAULT_TOL = 1e-8
"""``classify_hessian``'s default ``tol``."""

DEFAULT_GRAD_TOL = 1e-4
"""``classify_critical_point``'s default ``grad_tol``."""

DEFAULT_EIG_TOL = 1e-4
"""``classify_critical_point``'s default ``eig_tol``."""

LABELS = ("local_minimum", "local_maximum", "saddle_point", "inconclusive")
"""The answers of ``classify_hessian``."""

ROTATIONS = ((0.6, 0.8), (0.8, 0.6), (0.6, -0.8), (0.8, -0.6))
"""``(cos, sin)`` of the Givens rotations that build the orthogonal matrices."""


# --- cases ----------------------------------------------------------------------


class GradientCase(NamedTuple):
    """A point with its exact gradient.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    gradient : ndarray of shape (n,)
        The exact gradient of ``f`` at ``x``.
    """

    f: Polynomial
    x: np.ndarray
    gradient: np.ndarray


class HessianCase(NamedTuple):
    """A point with its exact Hessian.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    hessian : ndarray of shape (n, n)
        The exact Hessian of ``f`` at ``x``.
    size : float
        A bound of ``|f|`` within ``1e-3`` of ``x`` (the ``max|f|`` of docs/contract.md).
    """

    f: Polynomial
    x: np.ndarray
    hessian: np.ndarray
    size: float


class StepCase(NamedTuple):
    """A point and a step ``h`` for ``numerical_gradient``.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    h : float
    """

    f: Polynomial
    x: np.ndarray
    h: float


class PointCase(NamedTuple):
    """A function and a point (for checks that need no answer).

    Attributes
    ----------
    f : Polynomial
    x : ndarray
    """

    f: Polynomial
    x: np.ndarray


class MatrixCase(NamedTuple):
    """A symmetric matrix with known eigenvalues.

    Attributes
    ----------
    H : ndarray of shape (n, n)
        Exactly symmetric.
    eigenvalues : ndarray of shape (n,)
        Its eigenvalues, sorted (as chosen, before rounding).
    tol : float
        The tolerance the expected answer was computed with.
    expected : str
        The answer of ``classify_hessian(H, tol)``.
    """

    H: np.ndarray
    eigenvalues: np.ndarray
    tol: float
    expected: str


class CriticalCase(NamedTuple):
    """A point of a polynomial with a known answer of ``classify_critical_point``.

    Attributes
    ----------
    f : Polynomial
    x : ndarray of shape (n,)
    gradient : ndarray of shape (n,)
        The exact gradient at ``x``.
    eigenvalues : ndarray of shape (n,)
        The eigenvalues of the exact Hessian at ``x``, sorted.
    grad_tol, eig_tol : float
        The tolerances the expected answer was computed with.
    expected : str
        The answer.
    """

    f: Polynomial
    x: np.ndarray
    gradient: np.ndarray
    eigenvalues: np.ndarray
    grad_tol: float
    eig_tol: float
    expected: str


# --- numbers ----------------------------------------------------------------------


def second_order_label(eigenvalues: np.ndarray, tol: float) -> str:
    """The second-order test of docs/contract.md on known eigenvalues.

    Parameters
    ----------
    eigenvalues : ndarray
        The eigenvalues of a symmetric matrix.
    tol : float
        Eigenvalues with ``|lam| <= tol`` count as zero.

    Returns
    -------
    str
        One of :data:`LABELS`.
    """
    lam = np.asarray(eigenvalues, dtype=float)
    positive, negative = bool(np.any(lam > tol)), bool(np.any(lam < -tol))
    if positive and negative:
        return "saddle_point"
    if np.all(lam > tol):
        return "local_minimum"
    if np.all(lam < -tol):
        return "local_maximum"
    return "inconclusive"
