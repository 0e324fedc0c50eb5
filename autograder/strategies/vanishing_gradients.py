"""Hypothesis strategies and known answers for the ``vanishing_gradients`` checks.

Every strategy stays inside docs/contract.md's graded domain: chains of ``1 <= L <=
30`` units with ``|x|, |w_k|, |b_k| <= 10``. Values are compared only on
chains whose pre-activations all satisfy ``|z_k| <= 8``: :func:`chains`
builds such chains directly (it picks each ``z_k`` in ``[-7.9, 7.9]`` and
sets the bias to reach it). :func:`wild_chains` goes anywhere in the domain
(``L = 30`` with ``|w_k| = 10`` included) for the checks of finiteness,
warnings and the ``0.25`` bound.

:class:`Chain` knows its own answers, computed here with plain ``math``:
the forward pass, the derivatives of ``a_L`` by the complex-step method, and
tolerances that follow the rounding of any correct implementation through
the chain (a chain can amplify the last-digit differences of two correct
``tanh`` formulas by ``prod |w_k tanh'(z_k)|``; the tolerance grows with
that product and is a plain relative ``1e-6`` on a well-behaved chain).
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The activation names the contract accepts."""

UNKNOWN_ACTIVATIONS = (
    "Sigmoid",
    "TANH",
    "ReLU",
    "sigmoid ",
    "",
    "linear",
    "identity",
    "softmax",
    "leaky_relu",
    "logistic",
    "elu",
)
"""Names that are not an activation of the contract (case and spaces matter)."""

BOUND = 10.0
"""The largest size of ``x``, ``w_k`` and ``b_k`` (docs/contract.md)."""

MAX_LENGTH = 30
"""The longest chain (docs/contract.md)."""

COMPARED_Z = 8.0
"""Values are compared only where every ``|z| <= 8`` (docs/contract.md)."""

TARGET_Z = 7.9
"""The largest ``|z_k|`` :func:`chains` aims at, a margin below ``COMPARED_Z``."""

REACH = 17.8
"""The largest ``|w_k a_(k-1)|`` of :func:`chains`: below ``10 + 7.9``, so a bias
of size at most 10 can always bring ``z_k`` into ``[-7.9, 7.9]``."""

SMALLEST_WEIGHT = 1e-3
"""Nonzero weights of :func:`chains` are at least this large, so that products
of 30 local derivatives stay far from underflow (a smaller draw is rounded up)."""

LARGE_Z = 1000.0
"""The sigmoid must be finite and warning-free at ``z = ±1000`` (docs/contract.md)."""

RTOL = 1e-6
"""The relative tolerance of docs/contract.md."""

EPS = float(np.finfo(float).eps)
"""The float64 machine epsilon."""

SAFETY = 1e3
"""How many times the first-order rounding bound a correct result may be off."""

TINY = 1e-300
"""An absolute tolerance that only forgives numbers at the edge of underflow."""

NEAR_QUARTER_Z = (4.6005717259012353e-10, -5.574912368296616e-10)
"""Inputs where ``exp(-z) / (1 + exp(-z))**2``, ``1 / (2 + exp(z) + exp(-z))``,
``s(z) * s(-z)`` with a naive ``s`` and similar formulas round to just above
``0.25``."""


def floats_between(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]`` (no NaN, no infinity, no subnormal).

    Parameters
    ----------
    low, high : float
        The bounds.

    Returns
    -------
    SearchStrategy of float
    """
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


# --- the activations, on the grader's side ----------------------------------------


def sigmoid_value(z: float | complex) -> float | complex:
    """The logistic sigmoid ``1 / (1 + exp(-z))`` of a float or a complex number.

    ``exp`` is only taken of a number whose real part is not positive, so
    it cannot overflow.

    Parameters
    ----------
    z : float or complex

    Returns
    -------
    float or complex
    """
    exp = cmath.exp if isinstance(z, complex) else math.exp
    if z.real >= 0:
        return 1.0 / (1.0 + exp(-z))
    e = exp(z)
    return e / (1.0 + e)


def activate(z: float | complex, activation: str) -> float | complex:
    """One unit's activation: ``sigmoid``, ``tanh`` or ``relu``, on a float or a complex.

    For a complex ``z`` the ReLU keeps ``z`` when its real part is positive
    and gives 0 otherwise, so its complex-step derivative is
    ``relu'(z) = 1`` for ``z > 0`` and ``0`` for ``z <= 0`` (docs/contract.md).

    Parameters
    ----------
    z : float or complex
    activation : str

    Returns
    -------
    float or complex
    """
    if activation == "sigmoid":
        return sigmoid_value(z)
    if activation == "tanh":
        return cmath.tanh(z) if isinstance(z, complex) else math.tanh(z)
    return z if z.real > 0 else 0.0 * z


def local_derivative(z: float, activation: str) -> float:
    """``act'(z)``: ``s (1 - s)``, ``1 - tanh(z)**2`` or ``[z > 0]``, computed accurately.

    Parameters
    ----------
    z : float
    activation : str

    Returns
    -------
    float
    """
    if activation == "sigmoid":
        e = math.exp(-abs(z))
        return e / (1.0 + e) ** 2
    if activation == "tanh":
        return 1.0 / math.cosh(z) ** 2 if abs(z) < 350 else 0.0
    return 1.0 if z > 0 else 0.0


def _curvature(z: float, activation: str) -> float:
    """``|act''(z) / act'(z)|``: how a tiny change of ``z`` changes ``act'`` relatively."""
    if activation == "sigmoid":
        return abs(1.0 - 2.0 * sigmoid_value(z))
    if activation == "tanh":
        return 2.0 * abs(math.tanh(z))
    return 0.0


def forward_pass(
    x: float | complex, weights: list[float], biases: list[float | complex], activation: str
) -> list[float | complex]:
    """``a_0 .. a_L`` of the chain ``z_k = w_k a_(k-1) + b_k``, ``a_k = act(z_k)``.

    Parameters
    ----------
    x : float or complex
    weights, biases : list of float (a bias may be complex)
    activation : str

    Returns
    -------
    list
        The activations, ``a_0 = x`` first.
    """
    a = [x]
    for w, b in zip(weights, biases, strict=True):
        a.append(activate(w * a[-1] + b, activation))
    return a


# --- chains -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Chain:
    """The arguments of one ``chain_forward`` / ``chain_backward`` call, with known answers.

    Attributes
    ----------
    x : float
    weights : ndarray of shape (L,)
    biases : ndarray of shape (L,)
    activation : str
    """

    x: float
    weights: np.ndarray
    biases: np.ndarray
    activation: str

    def __repr__(self) -> str:
        return (
            f"Chain(x={self.x!r}, weights={self.weights.tolist()!r}, "
            f"biases={self.biases.tolist()!r}, activation={self.activation!r})"
        )

    @property
    def length(self) -> int:
        """``L``, the number of units."""
        return len(self.weights)

    def args(self) -> tuple[float, np.ndarray, np.ndarray, str]:
        """``(x, weights, biases, activation)`` with float64 arrays."""
        return self.x, self.weights.copy(), self.biases.copy(), self.activation

    def list_args(self) -> tuple[float, list[float], list[float], str]:
        """``(x, weights, biases, activation)`` with Python lists of floats."""
        return self.x, self.weights.tolist(), self.biases.tolist(), self.activation

    @cached_property
    def _floats(self) -> tuple[list[float], list[float]]:
        return [float(w) for w in self.weights], [float(b) for b in self.biases]

    @cached_property
    def a(self) -> np.ndarray:
        """The activations ``a_0 .. a_L``, shape ``(L + 1,)``."""
        weights, biases = self._floats
        return np.array(forward_pass(float(self.x), weights, biases, self.activation))

    @cached_property
    def z(self) -> np.ndarray:
        """The pre-activations ``z_1 .. z_L``, shape ``(L,)``."""
        weights, biases = self._floats
        return np.array([w * a + b for w, a, b in zip(weights, self.a[:-1], biases, strict=True)])

    @cached_property
    def _magnitudes(self) -> tuple[np.ndarray, np.ndarray]:
        """First-order rounding magnitudes ``(Mz, Ma)`` of the forward pass.

        A correct implementation computes ``a_k`` with an error of a few
        ``eps * Ma[k]``: every rounding (of ``w a``, of ``+ b``, of the
        activation, the latter absolute for the sigmoid and tanh since
        ``(1 + tanh(z/2)) / 2`` is a correct sigmoid) enters with its size and
        is carried forward by ``|w_k act'(z_k)|`` (1 for the ReLU, its
        Lipschitz constant).
        """
        weights, _ = self._floats
        Mz = np.zeros(self.length)
        Ma = np.zeros(self.length + 1)
        absolute = 0.0 if self.activation == "relu" else 1.0
        for k, w in enumerate(weights):
            Mz[k] = abs(w) * Ma[k] + abs(w * self.a[k]) + abs(self.z[k])
            slope = (
                1.0 if self.activation == "relu" else local_derivative(self.z[k], self.activation)
            )
            Ma[k + 1] = slope * Mz[k] + abs(self.a[k + 1]) + absolute
        return Mz, Ma

    def forward_tolerance(self, expected: np.ndarray) -> np.ndarray:
        """Per-entry tolerance for ``a_0 .. a_L`` close to ``expected``.

        Parameters
        ----------
        expected : ndarray of shape (L + 1,)

        Returns
        -------
        ndarray of shape (L + 1,)
            ``1e-6 |a_k|`` plus ``1000 eps`` times the rounding magnitude.
        """
        _, Ma = self._magnitudes
        return RTOL * np.abs(expected) + SAFETY * EPS * Ma + TINY

    @cached_property
    def _relative_backward(self) -> np.ndarray:
        """``R[k]``: the relative rounding magnitude of ``∂a_L/∂b_k`` (in units of eps).

        Each unit ``j >= k`` contributes the change of ``act'(z_j)`` caused by
        the error of ``z_j``, the rounding of ``act'`` itself (an absolute
        ``eps`` for formulas such as ``s - s*s``, so relative
        ``eps / act'``) and a few multiplications.
        """
        Mz, _ = self._magnitudes
        per_unit = np.zeros(self.length)
        for j, z in enumerate(self.z):
            slope = local_derivative(z, self.activation)
            own = 4.0 / slope if slope > 0 and self.activation != "relu" else 0.0
            per_unit[j] = _curvature(z, self.activation) * Mz[j] + 6.0 + own
        return np.cumsum(per_unit[::-1])[::-1]

    def d_biases_tolerance(self, expected: np.ndarray) -> np.ndarray:
        """Per-entry tolerance for ``d_biases`` close to ``expected``."""
        R = self._relative_backward
        return np.abs(expected) * (RTOL + SAFETY * EPS * R) + TINY

    def d_weights_tolerance(self, expected: np.ndarray, d_biases: np.ndarray) -> np.ndarray:
        """Per-entry tolerance for ``d_weights`` close to ``expected`` (``d_biases * a_(k-1)``)."""
        R = self._relative_backward
        _, Ma = self._magnitudes
        spread = np.abs(expected) * (R + 1.0) + np.abs(d_biases) * (Ma[:-1] + np.abs(self.a[:-1]))
        return RTOL * np.abs(expected) + SAFETY * EPS * spread + TINY

    def d_input_tolerance(self, expected: float) -> float:
        """Tolerance for ``d_input`` close to ``expected``."""
        R = self._relative_backward
        return abs(expected) * (RTOL + SAFETY * EPS * (R[0] + 1.0)) + TINY

    def step_derivatives(self) -> np.ndarray:
        """``∂a_L/∂b_k`` for every ``k`` by the complex-step method, shape ``(L,)``.

        ``f'(b) = Im f(b + ih) / h`` with ``h = 1e-50``: there is no
        subtraction, so no cancellation, and the result is exact to rounding
        (it is the forward pass run on numbers carrying a derivative along).
        """
        weights, biases = self._floats
        step = 1e-50
        found = np.zeros(self.length)
        for k in range(self.length):
            shifted: list[float | complex] = list(biases)
            shifted[k] = complex(biases[k], step)
            out = forward_pass(complex(self.x), weights, shifted, self.activation)[-1]
            found[k] = complex(out).imag / step
        return found


WEIGHT_STEPS = 10_000
"""Weights are drawn as ``i / 10_000 * w_max`` for an integer ``i``: integer
draws spread more evenly than hypothesis's floats, which favour 0 and the bounds."""

TARGET_STEPS = 7_900
"""Target pre-activations are drawn as ``i / 7_900 * 7.9`` for an integer ``i``."""


def _integer_arrays(length: int, low: int, high: int) -> st.SearchStrategy[list[int]]:
    """``length`` integers in ``[low, high]``, each drawn on its own (no fill value)."""
    return arrays(np.int64, length, elements=st.integers(low, high), fill=st.nothing()).map(
        np.ndarray.tolist
    )


@st.composite
def chains(
    draw: st.DrawFn,
    activation: str | None = None,
    min_length: int = 1,
    max_length: int = MAX_LENGTH,
    zero_biases: bool = False,
) -> Chain:
    """Chains in the graded domain whose pre-activations all satisfy ``|z_k| <= 7.9``.

    Unit by unit: a weight with ``|w_k a_(k-1)| <= 17.8`` (and ``1e-3 <=
    |w_k| <= 10``), then a target ``z_k`` in ``[-7.9, 7.9]`` within 10 of
    ``w_k a_(k-1)``, and the bias ``b_k = z_k - w_k a_(k-1)``, so ``|b_k| <=
    10``. About one chain in five has a unit with ``w_k = 0`` and one in
    three a unit with ``z_k = 0`` exactly; ReLU units are active seven times
    in eight.

    Parameters
    ----------
    activation : str, optional
        One of :data:`ACTIVATIONS`; drawn when ``None``.
    min_length, max_length : int
        Bounds of ``L``.
    zero_biases : bool
        Every ``b_k = 0`` (the weights then keep ``|w_k a_(k-1)| <= 7.9``).

    Returns
    -------
    Chain
    """
    act = activation or draw(st.sampled_from(ACTIVATIONS))
    length = draw(st.integers(min_length, max_length))
    zero_weight_at = draw(st.integers(0, 5 * length))
    zero_z_at = draw(st.integers(0, 3 * length))
    x = draw(floats_between(-BOUND, BOUND))
    steps = draw(_integer_arrays(length, -WEIGHT_STEPS, WEIGHT_STEPS))
    targets = draw(_integer_arrays(length, -TARGET_STEPS, TARGET_STEPS))
    inactive = draw(_integer_arrays(length, 0, 7)) if act == "relu" else [1] * length
    a = x
    weights, biases = [], []
    for k in range(length):
        reach = TARGET_Z if zero_biases else REACH
        w_max = BOUND if abs(a) * BOUND <= reach else reach / abs(a)
        w = steps[k] / WEIGHT_STEPS * w_max
        w = 0.0 if k == zero_weight_at else math.copysign(max(abs(w), SMALLEST_WEIGHT), w)
        wa = w * a
        if zero_biases:
            b = 0.0
        elif k == zero_z_at and abs(wa) <= BOUND:
            b = -wa  # z_k = w_k a_(k-1) - w_k a_(k-1) = 0 exactly
        else:
            target = targets[k] / TARGET_STEPS * TARGET_Z
            if inactive[k] > 0 and act == "relu":
                target = abs(target)
            low, high = max(-TARGET_Z, wa - BOUND), min(TARGET_Z, wa + BOUND)
            b = min(max(min(max(target, low), high) - wa, -BOUND), BOUND)
        weights.append(w)
        biases.append(b + 0.0)  # never -0.0
        a = activate(w * a + b, act)
    return Chain(x, np.array(weights, dtype=float), np.array(biases, dtype=float), act)


WILD_ENTRIES = st.one_of(st.sampled_from([-BOUND, BOUND]), floats_between(-BOUND, BOUND))
"""Entries anywhere in ``[-10, 10]``, often exactly ``±10``."""


@st.composite
def wild_chains(draw: st.DrawFn, activation: str | None = None, min_length: int = 1) -> Chain:
    """Chains anywhere in the graded domain (``|z_k|`` up to 110; up to ``1e31`` for the ReLU).

    Parameters
    ----------
    activation : str, optional
        One of :data:`ACTIVATIONS`; drawn when ``None``.
    min_length : int
        The shortest ``L``; the longest is 30.

    Returns
    -------
    Chain
    """
    act = activation or draw(st.sampled_from(ACTIVATIONS))
    length = draw(st.integers(min_length, MAX_LENGTH))
    x = draw(WILD_ENTRIES)
    weights = draw(arrays(np.float64, length, elements=WILD_ENTRIES))
    biases = draw(arrays(np.float64, length, elements=WILD_ENTRIES))
    return Chain(x, weights, biases, act)


def saturated_chain(activation: str, sign: float = 1.0) -> Chain:
    """``L = 30``, ``x = 10``, every ``w_k = 10 * sign`` and ``b_k = 10``: the extreme case."""
    weights = np.full(MAX_LENGTH, BOUND * sign)
    return Chain(BOUND, weights, np.full(MAX_LENGTH, BOUND), activation)


# --- worked cases -----------------------------------------------------------------
#
# Small chains with round numbers that the typical mistakes fail at once. The checks
# try them (``@example``) before any drawn chain, so a wrong submission gets a
# textbook case as feedback instead of a shrunk random one. They lie in the graded
# domain (every |z_k| <= 8) and are ``Chain``s just like the drawn ones.

WORKED_WEIGHTS = (2.0, -1.0, 0.5)
"""The weights of every worked chain: none is 0 or 1, so a forgotten ``w_k`` shows."""


def worked_chain(activation: str) -> Chain:
    """The textbook 3-unit chain ``x = 1``, ``w = (2, -1, 0.5)``, ``b = (0.5, 0, -1)``.

    ``z = (2.5, -a_1, 0.5 a_2 - 1)``: every unit has a non-trivial ``z``
    (``|z_k| <= 2.5``), the input and the first bias change ``z_1``, and
    ``a_1, a_2`` differ from 0 and 1. For the sigmoid and tanh, a forward pass
    that forgets the biases or activates the input, a backward pass that forgets
    a weight, uses ``a_k`` (or nothing) in place of ``a_(k-1)`` in ``d_weights``,
    or uses a wrong ``act'`` (``1 - tanh``, ``s'(a)``, ``s (1 + s)``) all give
    wrong numbers here. (For the ReLU its units 2 and 3 are off and every
    gradient is 0: use :func:`relu_worked_chain`.)

    Parameters
    ----------
    activation : str
        ``"sigmoid"`` or ``"tanh"``.

    Returns
    -------
    Chain
    """
    return Chain(1.0, np.array(WORKED_WEIGHTS), np.array([0.5, 0.0, -1.0]), activation)


def relu_worked_chain() -> Chain:
    """A ReLU chain with one unit off, then two on: ``x = -1``, ``b = (0.5, 1.5, 0.5)``.

    The weights are :data:`WORKED_WEIGHTS` ``(2, -1, 0.5)``;
    ``z = (-1.5, 1.5, 1.25)`` and ``a = (-1, 0, 1.5, 1.25)``, so ``d_biases =
    (0, 0.5, 1)``, ``d_weights = (0, 0, 1.5)`` and ``d_input = 0``. ``x < 0``
    so ``relu(x) != x`` (activating the input shows), the biases turn unit 2
    on (forgetting them switches every unit off), ``w_3 = 0.5`` (a forgotten
    weight shows) and ``a_1 = 0 != a_2`` (``d_weights`` without ``a_(k-1)``,
    or with ``a_k``, shows).

    Returns
    -------
    Chain
    """
    return Chain(-1.0, np.array(WORKED_WEIGHTS), np.array([0.5, 1.5, 0.5]), "relu")


def vanishing_worked_chain() -> Chain:
    """Two sigmoid units with small weights: ``x = 1``, ``w = (0.5, 0.5)``, ``b = (0, 0)``.

    ``d_input = 0.25 s'(0.5) s'(0.311) = 0.0143``, just below the bound
    ``prod(0.25 |w_k|) = 0.0156``; leaving the weights out of the chain rule
    gives ``s'(z_1) s'(z_2) = 0.057`` (or half of it), above the bound.

    Returns
    -------
    Chain
    """
    return Chain(1.0, np.array([0.5, 0.5]), np.array([0.0, 0.0]), "sigmoid")


@st.composite
def mismatched_lengths(draw: st.DrawFn) -> tuple[float, np.ndarray, np.ndarray, str]:
    """``(x, weights, biases, activation)`` with ``1 <= len(weights) != len(biases) <= 6``."""
    n_weights = draw(st.integers(1, 6))
    n_biases = draw(st.integers(1, 6).filter(lambda n: n != n_weights))
    x = draw(floats_between(-BOUND, BOUND))
    entries = floats_between(-BOUND, BOUND)
    weights = draw(arrays(np.float64, n_weights, elements=entries))
    biases = draw(arrays(np.float64, n_biases, elements=entries))
    return x, weights, biases, draw(st.sampled_from(ACTIVATIONS))


def unknown_activations() -> st.SearchStrategy[str]:
    """A name that is not ``"sigmoid"``, ``"tanh"`` or ``"relu"``."""
    return st.sampled_from(UNKNOWN_ACTIVATIONS)


# --- inputs of sigmoid and sigmoid_derivative -------------------------------------


def compared_z() -> st.SearchStrategy[float]:
    """A float ``z`` with ``|z| <= 8``, where values are compared."""
    return floats_between(-COMPARED_Z, COMPARED_Z)


def large_z() -> st.SearchStrategy[float]:
    """A float ``z`` with ``|z| <= 1000``, often exactly ``±1000``."""
    return st.one_of(st.sampled_from([-LARGE_Z, LARGE_Z]), floats_between(-LARGE_Z, LARGE_Z))


def near_zero_z() -> st.SearchStrategy[float]:
    """A float ``z`` close to 0 (``|z| <= 1e-6``) or anywhere in ``[-50, 50]``.

    Near 0 the sigmoid's derivative is within rounding of ``0.25``; below 50
    no formula of ``exp(±z)`` overflows.
    """
    return st.one_of(floats_between(-1e-6, 1e-6), floats_between(-50.0, 50.0))


@st.composite
def increasing_pairs(draw: st.DrawFn) -> tuple[float, float]:
    """``(z1, z2)`` with ``-8 <= z1 < z2 <= 8`` and ``z2 - z1 >= 0.01``.

    The sigmoid's slope is at least ``3.3e-4`` there, so ``sigmoid(z2) -
    sigmoid(z1) >= 3.3e-6``, far above rounding.
    """
    z1 = draw(floats_between(-COMPARED_Z, COMPARED_Z - 0.01))
    gap = draw(floats_between(0.01, 2.0))
    return z1, min(z1 + gap, COMPARED_Z)


def z_arrays(
    max_abs: float = COMPARED_Z, max_dims: int = 1, max_side: int = 8
) -> st.SearchStrategy[np.ndarray]:
    """Float64 arrays of ``z`` with entries in ``[-max_abs, max_abs]`` and no empty axis.

    Parameters
    ----------
    max_abs : float
        The largest entry size.
    max_dims : int
        The largest number of dimensions (at least 1).
    max_side : int
        The longest axis.

    Returns
    -------
    SearchStrategy of ndarray
    """
    return arrays(
        np.float64,
        array_shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=max_side),
        elements=floats_between(-max_abs, max_abs),
    )


def large_z_arrays(max_dims: int = 2) -> st.SearchStrategy[np.ndarray]:
    """Float64 arrays with entries in ``[-1000, 1000]``, often exactly ``±1000``.

    Parameters
    ----------
    max_dims : int
        The largest number of dimensions (at least 1).

    Returns
    -------
    SearchStrategy of ndarray
    """
    return arrays(
        np.float64,
        array_shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=8),
        elements=st.one_of(
            st.sampled_from([-LARGE_Z, LARGE_Z]), floats_between(-LARGE_Z, LARGE_Z)
        ),
    )


def large_z_inputs() -> st.SearchStrategy[float | np.ndarray]:
    """A float or an array (1-D or 2-D) with ``|z| <= 1000``, ``±1000`` often."""
    return st.one_of(large_z(), large_z_arrays())
