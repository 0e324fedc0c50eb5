"""Why gradients vanish (梯度消失) in deep chains of sigmoid units.

Take the simplest deep network: a chain of ``L`` scalar units,

    a_0 = x,    z_k = w_k · a_(k-1) + b_k,    a_k = act(z_k)    (k = 1 .. L),

with output ``a_L``. Backpropagation (反向传播) is the chain rule (链式法则)
applied from the output back to the input:

    ∂a_L/∂a_(k-1) = ∂a_L/∂a_k · act'(z_k) · w_k,

so the gradient reaching unit ``k`` is a product of one factor
``w_j · act'(z_j)`` per unit above it. The sigmoid's derivative is at most
``1/4``; unless the weights are large, every factor is below one and the
product shrinks geometrically with depth: the early units barely learn. This
is the vanishing-gradient problem (梯度消失问题); factors above one instead
make the gradients explode (梯度爆炸). ``tanh`` has ``tanh'(0) = 1`` and ReLU
has derivative exactly 1 for active units, which is one reason deep networks
use them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def sigmoid(z: float | np.ndarray) -> float | np.ndarray:
    """The logistic sigmoid (S 型函数) ``σ(z) = 1 / (1 + exp(-z))``, elementwise.

    The sigmoid squashes any real number into ``(0, 1)``: ``σ(0) = ½``,
    ``σ(z) → 1`` as ``z → +∞`` and ``σ(z) → 0`` as ``z → -∞``. It satisfies
    ``σ(-z) = 1 - σ(z)``.

    Parameters
    ----------
    z : float or ndarray
        The input, a number or an array of any shape.

    Returns
    -------
    float or ndarray
        ``σ(z)``: a float for a number, an array of the same shape (float64)
        for an array.

    Notes
    -----
    Numerical stability (数值稳定性): evaluated literally, ``exp(-z)``
    overflows for ``z`` below about ``-709`` (NumPy warns and returns
    ``inf``). The result must be finite and no ``RuntimeWarning`` may be
    emitted for any finite ``z``, ``z = ±1000`` included. Only ever take
    ``exp`` of a number that is not positive: for ``z < 0`` the same value
    can be written as ``exp(z) / (1 + exp(z))``.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    """
    raise NotImplementedError()


def sigmoid_derivative(z: float | np.ndarray) -> float | np.ndarray:
    """Derivative of the sigmoid, ``σ'(z) = σ(z) · (1 - σ(z))``, elementwise.

    The derivative is largest at ``z = 0``, where it equals ``½ · ½ = ¼``,
    and decays to 0 as ``|z|`` grows: a *saturated* (饱和) unit, far into
    either flat tail of the S-curve, passes almost no gradient back. Because
    ``σ' <= ¼`` everywhere, each sigmoid unit in a chain multiplies the
    backpropagated gradient by at most ``¼ |w|``: this bound is the root of
    the vanishing gradient (梯度消失).

    Parameters
    ----------
    z : float or ndarray
        The input, a number or an array of any shape.

    Returns
    -------
    float or ndarray
        ``σ'(z)``: a float for a number, an array of the same shape for an
        array. Never above ``0.25``, never negative.

    Notes
    -----
    Any formula algebraically equal to ``σ(z)(1 - σ(z))`` is fine, as long as
    it is finite and warning-free for every finite ``z`` (like ``sigmoid``)
    and rounding never pushes a value above ``0.25``.

    Examples
    --------
    >>> sigmoid_derivative(0.0)
    0.25
    """
    raise NotImplementedError()


def chain_forward(
    x: float,
    weights: Sequence[float] | np.ndarray,
    biases: Sequence[float] | np.ndarray,
    activation: str = "sigmoid",
) -> np.ndarray:
    """Forward pass (前向传播) through a chain of ``L`` scalar units.

    Starting from ``a_0 = x``, unit ``k = 1 .. L`` computes the
    pre-activation ``z_k = w_k · a_(k-1) + b_k`` and the activation
    ``a_k = act(z_k)``, where ``act`` is the sigmoid ``σ``, ``tanh`` or the
    ReLU ``max(z, 0)``.

    Parameters
    ----------
    x : float
        The input ``a_0``.
    weights : sequence of float or ndarray of shape (L,)
        ``w_1 .. w_L``, with ``L >= 1``.
    biases : sequence of float or ndarray of shape (L,)
        ``b_1 .. b_L``, the same length as ``weights``.
    activation : {"sigmoid", "tanh", "relu"}, default "sigmoid"
        The activation function (激活函数) of every unit.

    Returns
    -------
    ndarray of shape (L + 1,)
        The activations ``a_0, a_1, ..., a_L`` (float64); ``a_L`` is the
        output.

    Raises
    ------
    ValueError
        If ``activation`` is not one of the three names, or ``weights`` and
        ``biases`` are not 1-D, differ in length, or are empty.

    Notes
    -----
    Python lists index from 0: ``weights[0]`` is ``w_1``. Use the numerically
    stable ``sigmoid`` of this assignment.
    """
    raise NotImplementedError()


def chain_backward(
    x: float,
    weights: Sequence[float] | np.ndarray,
    biases: Sequence[float] | np.ndarray,
    activation: str = "sigmoid",
) -> dict[str, np.ndarray | float]:
    """Backpropagation (反向传播) through the chain: gradients of the output.

    Computes how the output ``a_L`` responds to every parameter and to the
    input. Run the forward pass, then walk from the output back to the
    input, carrying ``δ = ∂a_L/∂a_k`` (``δ = 1`` at ``k = L``). At unit ``k``
    the chain rule (链式法则) gives

    * ``∂a_L/∂b_k = δ · act'(z_k)``,
    * ``∂a_L/∂w_k = δ · act'(z_k) · a_(k-1) = ∂a_L/∂b_k · a_(k-1)``,
    * ``∂a_L/∂a_(k-1) = δ · act'(z_k) · w_k = ∂a_L/∂b_k · w_k``, the new
      ``δ`` for the unit below,

    and after unit 1, ``δ = ∂a_L/∂x``. Each unit multiplies ``δ`` by
    ``w_k · act'(z_k)``; with the sigmoid, ``act' <= ¼``, so
    ``|∂a_L/∂x| <= Π_k ¼ |w_k|``: the gradient vanishes (梯度消失)
    geometrically with depth unless the weights are large.

    The derivatives (导数) of the activations are
    ``σ'(z) = σ(z)(1 - σ(z))``, ``tanh'(z) = 1 - tanh(z)²`` and
    ``relu'(z) = 1`` for ``z > 0``, ``0`` for ``z <= 0``.

    Parameters
    ----------
    x : float
        The input ``a_0``.
    weights : sequence of float or ndarray of shape (L,)
        ``w_1 .. w_L``, with ``L >= 1``.
    biases : sequence of float or ndarray of shape (L,)
        ``b_1 .. b_L``, the same length as ``weights``.
    activation : {"sigmoid", "tanh", "relu"}, default "sigmoid"
        The activation function (激活函数) of every unit.

    Returns
    -------
    dict
        A plain ``dict`` with

        ``"d_weights"`` : ndarray of shape (L,)
            ``∂a_L/∂w_k`` for ``k = 1 .. L``.
        ``"d_biases"`` : ndarray of shape (L,)
            ``∂a_L/∂b_k`` for ``k = 1 .. L``.
        ``"d_input"`` : float
            ``∂a_L/∂x``.

    Raises
    ------
    ValueError
        As ``chain_forward``.

    Notes
    -----
    ReLU is not differentiable at 0; by convention ``relu'(0) = 0``, so a
    unit with ``z_k = 0`` passes no gradient. For ``L = 1``,
    ``d_input = w_1 · act'(z_1)``. Reuse ``chain_forward`` for the forward
    pass instead of repeating it.
    """
    raise NotImplementedError()
