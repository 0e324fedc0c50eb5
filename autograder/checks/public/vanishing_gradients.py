"""Public checks of ``vanishing_gradients``: properties, invariants and worked cases.

Nothing here uses the reference implementation. Expected values come from
the contract itself: the sigmoid ``1 / (1 + exp(-z))`` evaluated stably,
central differences of it, each unit's recurrence ``a_k = act(w_k a_(k-1) +
b_k)`` recomputed from the activations you returned, a forward pass computed
here and its derivatives by the complex-step method, and worked cases.
Values are compared where every ``|z| <= 8``; beyond that only finiteness,
signs, the ``0.25`` bound and the absence of warnings are checked (docs/contract.md).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.checks._support.vanishing_gradients import (
    ATOL,
    activations,
    check_recurrence,
    describe_chain,
    gradients,
    scalar,
    true_sigmoid,
    values,
)
from autograder.grading import expect
from autograder.grading.expect import CheckFailed
from autograder.grading.registry import check
from autograder.grading.show import show
from autograder.grading.student import describe_raised
from autograder.strategies import vanishing_gradients as vgs

SIGMOID_VALUES = (
    "sigmoid_worked_values",
    "sigmoid_arrays_match_reference",
    "sigmoid_floats_match_reference",
)
DERIVATIVE_VALUES = (
    "derivative_worked_values",
    "derivative_central_differences",
    "derivative_arrays_match_reference",
    "derivative_floats_match_reference",
)
FORWARD_VALUES = (
    "forward_sigmoid_recurrence",
    "forward_tanh_recurrence",
    "forward_relu_recurrence",
    "forward_default_sigmoid",
    "forward_sigmoid_matches_reference",
    "forward_tanh_matches_reference",
    "forward_relu_matches_reference",
)
BACKWARD_VALUES = (
    "backward_gradient_check",
    "backward_relu_worked",
    "backward_tanh_worked",
    "backward_sigmoid_matches_reference",
    "backward_tanh_matches_reference",
    "backward_relu_matches_reference",
)


@check(
    "sigmoid", points=1, title="sigmoid(0) = 0.5 and sigmoid(±2) = 1 / (1 + e**∓2) (worked values)"
)
def sigmoid_worked_values(student):
    """Three values anyone can check on a calculator."""
    for z, expected in ((0.0, 0.5), (2.0, 1 / (1 + math.exp(-2))), (-2.0, 1 / (1 + math.exp(2)))):
        got = scalar(student.sigmoid(z))
        expect.close(got, expected, rtol=vgs.RTOL, atol=ATOL, what=f"sigmoid({z}) =")


@check("sigmoid", points=1, title="sigmoid(-z) = 1 - sigmoid(z)", needs=SIGMOID_VALUES)
@given(z=vgs.compared_z())
def sigmoid_symmetric(student, z):
    """The S-curve is point-symmetric about (0, 0.5); ``|z| <= 8``."""
    positive = scalar(student.sigmoid(z))
    negative = scalar(student.sigmoid(-z))
    expect.close(
        negative,
        1.0 - positive,
        rtol=vgs.RTOL,
        atol=ATOL,
        what=f"sigmoid({-z!r}) = 1 - sigmoid({z!r}) =",
        detail=f"sigmoid({z!r}) returned {positive!r}",
    )


@check("sigmoid", points=1, title="sigmoid is increasing", needs=SIGMOID_VALUES)
@given(pair=vgs.increasing_pairs())
def sigmoid_increasing(student, pair):
    """``z1 < z2`` (at least 0.01 apart, ``|z| <= 8``) gives ``sigmoid(z1) < sigmoid(z2)``."""
    z1, z2 = pair
    low = scalar(student.sigmoid(z1))
    high = scalar(student.sigmoid(z2))
    if not low < high:
        expect.fail(
            f"sigmoid({z2!r}) > sigmoid({z1!r}) = {low!r}",
            f"sigmoid({z2!r}) = {high!r}",
        )


@check(
    "sigmoid", points=0.5, title="sigmoid(z) lies strictly between 0 and 1", needs=SIGMOID_VALUES
)
@given(z=vgs.compared_z())
def sigmoid_between_zero_and_one(student, z):
    """For ``|z| <= 8`` the value is in ``(0, 1)``."""
    got = scalar(student.sigmoid(z))
    if not 0.0 < got < 1.0:
        expect.fail(f"a value in (0, 1) for z = {z!r}", repr(got))


@check(
    "sigmoid",
    points=2,
    title="is finite, in [0, 1] and raises no RuntimeWarning for |z| up to 1000, "
    "z = ±1000 included, as floats and inside arrays",
    needs=SIGMOID_VALUES,
)
@example(z=-1000.0)
@example(z=1000.0)
@example(z=np.array([-1000.0, 0.0, 1000.0]))
@example(z=np.array([[-1000.0, -710.0], [710.0, 1000.0]]))
@given(z=vgs.large_z_inputs())
def sigmoid_stable(student, z):
    """A literal ``1 / (1 + np.exp(-z))`` overflows (and warns) at ``z = -1000``."""
    got = values(student.sigmoid(z))
    if not np.all(np.isfinite(got)):
        expect.fail("finite values", show(got), "exp(-z) overflows for z below about -709")
    if not np.all((got >= 0.0) & (got <= 1.0)):
        expect.fail("values in [0, 1]", show(got))


@check(
    "sigmoid", points=1, title="a float in gives a float out (not an array)", needs=SIGMOID_VALUES
)
@given(z=vgs.compared_z())
def sigmoid_float_in_float_out(student, z):
    """A Python float, NumPy float or 0-d array is a float; a 1-element array is not."""
    expect.is_float(student.sigmoid(z), "a float (z is a float)")


@check(
    "sigmoid",
    points=1,
    title="an array in gives an array of the same shape out (1-D, 2-D, 3-D)",
    needs=SIGMOID_VALUES,
)
@example(z=np.array([0.5]))
@example(z=np.array([[0.0, 1.0, -1.0]]))
@given(z=vgs.z_arrays(max_dims=3, max_side=4))
def sigmoid_same_shape(student, z):
    """Elementwise: the shape is kept, even for a 1-element or a 1-row array."""
    expect.is_array(student.sigmoid(z), z.shape, what="sigmoid(z) elementwise")


@check("sigmoid", points=0.5, title="leaves the array z unchanged", needs=SIGMOID_VALUES)
@example(z=np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]))
@given(z=vgs.large_z_arrays(max_dims=1))
def sigmoid_keeps_input(student, z):
    """No in-place change of the argument (for example ``np.clip(z, ..., out=z)``)."""
    outcome = student.call("sigmoid", z)
    if outcome.status == "error":
        raise CheckFailed("a result", describe_raised(outcome.error))
    if outcome.mutated:
        expect.fail(f"z still equal to {show(z)} after the call", "z changed in place")


# --- sigmoid_derivative --------------------------------------------------------


@check(
    "sigmoid_derivative",
    points=1,
    title="sigmoid_derivative(0) = 0.25 and sigmoid_derivative(2) = s (1 - s) with s = sigmoid(2) "
    "(worked values)",
)
def derivative_worked_values(student):
    """``s(2) = 0.8808`` so ``s (1 - s) = 0.1050``."""
    s2 = 1 / (1 + math.exp(-2))
    for z, expected in ((0.0, 0.25), (2.0, s2 * (1 - s2)), (-2.0, s2 * (1 - s2))):
        got = scalar(student.sigmoid_derivative(z))
        expect.close(got, expected, rtol=vgs.RTOL, atol=ATOL, what=f"sigmoid_derivative({z}) =")


@check(
    "sigmoid_derivative",
    points=2,
    title="matches central differences (s(z + h) - s(z - h)) / (2h) of the sigmoid",
)
@given(z=vgs.compared_z())
def derivative_central_differences(student, z):
    """With ``h = 1e-5`` the quotient is within ``1e-10`` of the derivative (``|z| <= 8``)."""
    h = 1e-5
    expected = (true_sigmoid(z + h) - true_sigmoid(z - h)) / (2 * h)
    got = scalar(student.sigmoid_derivative(z))
    expect.close(
        got,
        expected,
        rtol=vgs.RTOL,
        atol=1e-10,
        what=f"sigmoid_derivative({z!r}) =",
        detail=f"central difference with h = {h}, sigmoid = 1 / (1 + exp(-z))",
    )


@check(
    "sigmoid_derivative",
    points=1.5,
    title="is never above 0.25, not even by rounding near z = 0",
    needs=DERIVATIVE_VALUES,
)
@example(z=0.0)
@example(z=vgs.NEAR_QUARTER_Z[0])
@example(z=vgs.NEAR_QUARTER_Z[1])
@given(z=vgs.near_zero_z())
def derivative_at_most_quarter(student, z):
    """``s (1 - s) <= 1/4``; ``exp(-z) / (1 + exp(-z))**2`` can round to ``0.25 + 5.6e-17``."""
    got = scalar(student.sigmoid_derivative(z))
    if not got <= 0.25:
        expect.fail(
            f"sigmoid_derivative({z!r}) <= 0.25",
            repr(got),
            "the largest value is 0.25 at z = 0; compute s (1 - s) from the sigmoid, "
            "or cap the result at 0.25",
        )


@check(
    "sigmoid_derivative",
    points=1,
    title="is symmetric: sigmoid_derivative(-z) = sigmoid_derivative(z)",
    needs=DERIVATIVE_VALUES,
)
@given(z=vgs.compared_z())
def derivative_symmetric(student, z):
    """``|z| <= 8``."""
    positive = scalar(student.sigmoid_derivative(z))
    negative = scalar(student.sigmoid_derivative(-z))
    expect.close(
        negative,
        positive,
        rtol=vgs.RTOL,
        atol=1e-15,
        what=f"sigmoid_derivative({-z!r}) = sigmoid_derivative({z!r}) =",
        detail=f"sigmoid_derivative({z!r}) returned {positive!r}",
    )


@check(
    "sigmoid_derivative",
    points=1.5,
    title="is finite, not negative and raises no RuntimeWarning for |z| up to 1000, "
    "as floats and inside arrays",
    needs=DERIVATIVE_VALUES,
)
@example(z=-1000.0)
@example(z=1000.0)
@example(z=np.array([-1000.0, 0.0, 1000.0]))
@given(z=vgs.large_z_inputs())
def derivative_stable(student, z):
    """A saturated unit passes (almost) no gradient: ``s'(±1000)`` is 0 to double precision."""
    got = values(student.sigmoid_derivative(z))
    if not np.all(np.isfinite(got)):
        expect.fail("finite values", show(got), "exp(-z) overflows for z below about -709")
    if not np.all(got >= 0.0):
        expect.fail("values >= 0", show(got))


@check(
    "sigmoid_derivative",
    points=0.5,
    title="a float in gives a float out (not an array)",
    needs=DERIVATIVE_VALUES,
)
@given(z=vgs.compared_z())
def derivative_float_in_float_out(student, z):
    """A Python float, NumPy float or 0-d array is a float; a 1-element array is not."""
    expect.is_float(student.sigmoid_derivative(z), "a float (z is a float)")


@check(
    "sigmoid_derivative",
    points=0.5,
    title="an array in gives an array of the same shape out",
    needs=DERIVATIVE_VALUES,
)
@example(z=np.array([0.5]))
@given(z=vgs.z_arrays(max_dims=3, max_side=4))
def derivative_same_shape(student, z):
    """Elementwise: the shape is kept, even for a 1-element array."""
    expect.is_array(
        student.sigmoid_derivative(z), z.shape, what="sigmoid_derivative(z) elementwise"
    )


# --- chain_forward --------------------------------------------------------------


@check(
    "chain_forward",
    points=1,
    title="returns an array of L + 1 activations a_0 .. a_L",
    needs=FORWARD_VALUES,
)
@given(chain=vgs.chains(max_length=8))
def forward_shape(student, chain):
    """Shape ``(L + 1,)``."""
    activations(student.chain_forward(*chain.args()), chain)


@check(
    "chain_forward",
    points=0.5,
    title="the first activation a_0 is the input x",
    needs=FORWARD_VALUES,
)
@given(chain=vgs.chains(max_length=5))
def forward_starts_at_x(student, chain):
    """``a_0 = x`` exactly."""
    got = student.chain_forward(*chain.args())
    a = values(got, "an array of activations")
    if a.ndim != 1 or a.size == 0:
        expect.fail("a 1-D array of activations", show(got))
    if a[0] != chain.x:
        expect.fail(
            f"a_0 = x = {chain.x!r}", f"a_0 = {float(a[0])!r} (all activations: {show(a)})"
        )


@check(
    "chain_forward",
    points=1,
    title="each sigmoid unit computes a_k = sigmoid(w_k * a_(k-1) + b_k)",
)
@example(chain=vgs.Chain(3.0, np.array([0.0]), np.array([2.0]), "sigmoid"))
@example(chain=vgs.worked_chain("sigmoid"))  # a_0 = sigmoid(x): w_1 != 0 shows it
@given(chain=vgs.chains("sigmoid"))
def forward_sigmoid_recurrence(student, chain):
    """Checked unit by unit from the activations you returned (``|z_k| <= 8``)."""
    check_recurrence(student.chain_forward(*chain.args()), chain, "sigmoid")


@check("chain_forward", points=1, title="each tanh unit computes a_k = tanh(w_k * a_(k-1) + b_k)")
@example(chain=vgs.worked_chain("tanh"))  # biases forgotten, or a_0 = tanh(x)
@given(chain=vgs.chains("tanh"))
def forward_tanh_recurrence(student, chain):
    """Checked unit by unit from the activations you returned (``|z_k| <= 8``)."""
    check_recurrence(student.chain_forward(*chain.args()), chain, "tanh")


@check(
    "chain_forward",
    points=1,
    title="each relu unit computes a_k = max(w_k * a_(k-1) + b_k, 0): negatives become 0",
)
@example(chain=vgs.Chain(2.0, np.array([-1.0, 1.0]), np.array([0.5, 0.0]), "relu"))
@example(chain=vgs.relu_worked_chain())  # biases forgotten, or a_0 = relu(x) with x < 0
@given(chain=vgs.chains("relu"))
def forward_relu_recurrence(student, chain):
    """Checked unit by unit from the activations you returned (``|z_k| <= 8``)."""
    check_recurrence(student.chain_forward(*chain.args()), chain, "relu")


@check(
    "chain_forward",
    points=0.5,
    title="a tanh chain with zero biases is odd: x -> -x flips every a_k",
    needs=FORWARD_VALUES,
)
@given(chain=vgs.chains("tanh", max_length=10, zero_biases=True))
def forward_tanh_odd(student, chain):
    """``tanh(-z) = -tanh(z)`` and ``w (-a) = -(w a)``."""
    x, weights, biases, activation = chain.args()
    positive = activations(student.chain_forward(x, weights, biases, activation), chain)
    negative = activations(student.chain_forward(-x, weights, biases, activation), chain)
    expect.close(
        negative,
        -positive,
        rtol=0.0,
        atol=2 * chain.forward_tolerance(chain.a),
        what=f"the activations for x = {-x!r}: minus those for x = {x!r},",
        detail="the biases are all 0",
    )


@check("chain_forward", points=0.5, title='activation defaults to "sigmoid"')
@example(chain=vgs.worked_chain("sigmoid"))  # biases forgotten, or a_0 = sigmoid(x)
@given(chain=vgs.chains("sigmoid", max_length=5))
def forward_default_sigmoid(student, chain):
    """Called without ``activation``."""
    x, weights, biases, _ = chain.args()
    check_recurrence(student.chain_forward(x, weights, biases), chain, "sigmoid")


@check(
    "chain_forward",
    points=1,
    title="weights and biases given as Python lists give the same result as arrays",
    needs=FORWARD_VALUES,
)
@given(chain=vgs.chains(max_length=8))
def forward_accepts_lists(student, chain):
    """Sequences of floats are part of the contract, not only arrays."""
    from_arrays = activations(student.chain_forward(*chain.args()), chain)
    from_lists = activations(student.chain_forward(*chain.list_args()), chain)
    expect.close(
        from_lists,
        from_arrays,
        rtol=0.0,
        atol=2 * chain.forward_tolerance(from_arrays),
        what="the activations for lists, as for arrays:",
    )


@check(
    "chain_forward",
    points=1,
    title="an unknown activation name is a ValueError",
    needs=FORWARD_VALUES,
)
@given(chain=vgs.chains(max_length=3), name=vgs.unknown_activations())
def forward_unknown_activation(student, chain, name):
    """Only ``"sigmoid"``, ``"tanh"`` and ``"relu"`` exist (exact spelling)."""
    x, weights, biases, _ = chain.args()
    student.raises_input_error("chain_forward", x, weights, biases, name)


@check(
    "chain_forward",
    points=0.5,
    title="weights and biases of different lengths are a ValueError",
    needs=FORWARD_VALUES,
)
@given(case=vgs.mismatched_lengths())
def forward_length_mismatch(student, case):
    """Not an IndexError, and not silently using the shorter one."""
    student.raises_input_error("chain_forward", *case)


@check(
    "chain_forward",
    points=0.5,
    title="empty weights and biases (L = 0) are a ValueError",
    needs=FORWARD_VALUES,
)
@given(x=vgs.floats_between(-10.0, 10.0), activation=st.sampled_from(vgs.ACTIVATIONS))
def forward_empty(student, x, activation):
    """A chain needs at least one unit."""
    student.raises_input_error("chain_forward", x, np.array([]), np.array([]), activation)


# --- chain_backward ----------------------------------------------------------------


@check(
    "chain_backward",
    points=0.5,
    title='returns a dict: "d_weights" and "d_biases" arrays of shape (L,), "d_input" a float',
    needs=BACKWARD_VALUES,
)
@given(chain=vgs.chains(max_length=6))
def backward_structure(student, chain):
    """The types and shapes of the result."""
    got = student.chain_backward(*chain.args())
    gradients(got, chain)
    expect.is_float(got["d_input"], 'result["d_input"] as a float')


@check(
    "chain_backward",
    points=1.5,
    title="d_biases[k] is the derivative of a_L with respect to b_k (gradient check)",
)
@example(chain=vgs.Chain(1.0, np.array([1.0, 2.0]), np.array([-1.0, 0.5]), "relu"))
@example(chain=vgs.worked_chain("tanh"))  # 1 - tanh for tanh', a forgotten w_k, a wrong forward
@given(chain=vgs.chains())
def backward_gradient_check(student, chain):
    """Against the complex-step derivative ``Im a_L(b_k + ih) / h`` of a forward pass here."""
    _, d_biases, _ = gradients(student.chain_backward(*chain.args()), chain)
    expected = chain.step_derivatives()
    expect.close(
        d_biases,
        expected,
        rtol=0.0,
        atol=chain.d_biases_tolerance(expected),
        what='result["d_biases"] =',
        detail=describe_chain(chain),
    )


@check(
    "chain_backward", points=1, title="d_weights[k] = d_biases[k] * a_(k-1)", needs=BACKWARD_VALUES
)
@example(chain=vgs.worked_chain("sigmoid"))  # a_k or no factor in place of a_(k-1)
@given(chain=vgs.chains())
def backward_weights_identity(student, chain):
    """``∂a_L/∂w_k = ∂a_L/∂b_k · a_(k-1)``, with your ``d_biases`` and ``a_0 .. a_(L-1)``."""
    d_weights, d_biases, _ = gradients(student.chain_backward(*chain.args()), chain)
    expected = d_biases * chain.a[:-1]
    expect.close(
        d_weights,
        expected,
        rtol=0.0,
        atol=chain.d_weights_tolerance(expected, d_biases),
        what='result["d_weights"] = result["d_biases"] * a[:-1] =',
        detail=f"a_0 .. a_(L-1) = {show(chain.a[:-1])}, your d_biases = {show(d_biases)}",
    )


@check(
    "chain_backward", points=1, title="d_input = weights[0] * d_biases[0]", needs=BACKWARD_VALUES
)
@given(chain=vgs.chains())
def backward_input_identity(student, chain):
    """``∂a_L/∂x = ∂a_L/∂b_1 · w_1``, with your ``d_biases``."""
    _, d_biases, d_input = gradients(student.chain_backward(*chain.args()), chain)
    expected = float(chain.weights[0]) * float(d_biases[0])
    expect.close(
        d_input,
        expected,
        rtol=vgs.RTOL,
        atol=vgs.TINY,
        what='result["d_input"] = weights[0] * result["d_biases"][0] =',
        detail=f"weights[0] = {float(chain.weights[0])!r}, "
        f"your d_biases[0] = {float(d_biases[0])!r}",
    )


@check(
    "chain_backward",
    points=1,
    title="for the sigmoid, |d_input| <= prod(0.25 * |w_k|): the gradient vanishes with depth",
    needs=BACKWARD_VALUES,
)
@example(chain=vgs.saturated_chain("sigmoid"))
@example(chain=vgs.Chain(0.0, np.full(30, 4.0), np.full(30, -2.0), "sigmoid"))
@example(chain=vgs.vanishing_worked_chain())  # the weights left out of the chain rule
@given(chain=vgs.wild_chains("sigmoid"))
def backward_sigmoid_bound(student, chain):
    """Each unit multiplies the gradient by ``w_k s'(z_k)`` and ``s' <= 1/4``; any inputs."""
    _, _, d_input = gradients(student.chain_backward(*chain.args()), chain)
    bound = float(np.prod(0.25 * np.abs(chain.weights)))
    if not abs(d_input) <= bound * (1 + vgs.RTOL) + vgs.TINY:
        expect.fail(
            f"|d_input| <= prod(0.25 * |w_k|) = {bound!r}",
            f"d_input = {d_input!r}",
            "the sigmoid's derivative is at most 0.25",
        )


@check(
    "chain_backward",
    points=0.5,
    title="relu'(z) is 1 for z > 0 and 0 for z <= 0, so relu'(0) = 0 (worked cases)",
)
def backward_relu_worked(student):
    """``z = 0`` passes no gradient; ``z > 0`` passes it unchanged."""
    cases = (
        # x, weights, biases, (d_weights, d_biases, d_input)
        (0.0, [1.0], [0.0], ([0.0], [0.0], 0.0)),
        (1.0, [1.0, 1.0], [-1.0, 0.0], ([0.0, 0.0], [0.0, 0.0], 0.0)),
        (2.0, [1.5], [-1.0], ([2.0], [1.0], 1.5)),
        (2.0, [1.5, -2.0], [-1.0, 5.0], ([-4.0, 2.0], [-2.0, 1.0], -3.0)),
    )
    for x, weights, biases, (d_w, d_b, d_in) in cases:
        chain = vgs.Chain(x, np.array(weights), np.array(biases), "relu")
        got_w, got_b, got_in = gradients(student.chain_backward(*chain.args()), chain)
        detail = describe_chain(chain)
        expect.close(got_b, d_b, atol=1e-12, what='result["d_biases"] =', detail=detail)
        expect.close(got_w, d_w, atol=1e-12, what='result["d_weights"] =', detail=detail)
        expect.close(got_in, d_in, atol=1e-12, what='result["d_input"] =', detail=detail)


@check(
    "chain_backward",
    points=0.5,
    title="tanh'(z) = 1 - tanh(z)**2 (worked cases)",
)
def backward_tanh_worked(student):
    """One unit, then two units; the expected values are written out with the chain rule."""
    # One unit: x = 0.5, w = 2, b = -0.3, z = 0.7.
    t = math.tanh(0.7)
    one = vgs.Chain(0.5, np.array([2.0]), np.array([-0.3]), "tanh")
    d_b = 1 - t**2
    expected_one = ([d_b * 0.5], [d_b], 2.0 * d_b)
    # Two units: x = 1, w = (0.5, -1.5), b = (0.2, 0.1).
    a1 = math.tanh(0.5 * 1.0 + 0.2)
    a2 = math.tanh(-1.5 * a1 + 0.1)
    d_b2 = 1 - a2**2
    d_b1 = d_b2 * -1.5 * (1 - a1**2)
    two = vgs.Chain(1.0, np.array([0.5, -1.5]), np.array([0.2, 0.1]), "tanh")
    expected_two = ([d_b1 * 1.0, d_b2 * a1], [d_b1, d_b2], 0.5 * d_b1)
    for chain, (d_w, d_b, d_in) in ((one, expected_one), (two, expected_two)):
        got_w, got_b, got_in = gradients(student.chain_backward(*chain.args()), chain)
        detail = describe_chain(chain)
        expect.close(got_b, d_b, rtol=vgs.RTOL, what='result["d_biases"] =', detail=detail)
        expect.close(got_w, d_w, rtol=vgs.RTOL, what='result["d_weights"] =', detail=detail)
        expect.close(got_in, d_in, rtol=vgs.RTOL, what='result["d_input"] =', detail=detail)


@check(
    "chain_backward",
    points=0.5,
    title="is finite and raises no RuntimeWarning anywhere in the domain "
    "(L = 30, |w_k| = 10 included)",
    needs=BACKWARD_VALUES,
)
@example(chain=vgs.saturated_chain("relu"))
@example(chain=vgs.saturated_chain("relu", -1.0))
@example(chain=vgs.saturated_chain("sigmoid"))
@example(chain=vgs.saturated_chain("tanh"))
@example(chain=vgs.Chain(-10.0, np.full(30, 10.0), np.full(30, -10.0), "relu"))
@given(chain=vgs.wild_chains())
def backward_finite(student, chain):
    """Saturated units and dead ReLUs make gradients underflow to 0: never divide by them."""
    d_weights, d_biases, d_input = gradients(student.chain_backward(*chain.args()), chain)
    for key, value in (("d_weights", d_weights), ("d_biases", d_biases), ("d_input", d_input)):
        if not np.all(np.isfinite(value)):
            expect.fail(f'finite values in result["{key}"]', show(value))


@check(
    "chain_backward",
    points=0.5,
    title="weights and biases given as Python lists give the same result as arrays",
    needs=BACKWARD_VALUES,
)
@given(chain=vgs.chains(max_length=8))
def backward_accepts_lists(student, chain):
    """Sequences of floats are part of the contract, not only arrays."""
    d_w, d_b, d_in = gradients(student.chain_backward(*chain.args()), chain)
    got_w, got_b, got_in = gradients(student.chain_backward(*chain.list_args()), chain)
    what = 'result["{}"] for lists, as for arrays:'
    expect.close(
        got_b, d_b, rtol=0, atol=2 * chain.d_biases_tolerance(d_b), what=what.format("d_biases")
    )
    expect.close(
        got_w,
        d_w,
        rtol=0,
        atol=2 * chain.d_weights_tolerance(d_w, d_b),
        what=what.format("d_weights"),
    )
    expect.close(
        got_in, d_in, rtol=0, atol=2 * chain.d_input_tolerance(d_in), what=what.format("d_input")
    )


@check(
    "chain_backward",
    points=0.5,
    title="an unknown activation name is a ValueError",
    needs=BACKWARD_VALUES,
)
@given(chain=vgs.chains(max_length=3), name=vgs.unknown_activations())
def backward_unknown_activation(student, chain, name):
    """Only ``"sigmoid"``, ``"tanh"`` and ``"relu"`` exist (exact spelling)."""
    x, weights, biases, _ = chain.args()
    student.raises_input_error("chain_backward", x, weights, biases, name)


@check(
    "chain_backward",
    points=0.5,
    title="weights and biases of different lengths are a ValueError",
    needs=BACKWARD_VALUES,
)
@given(case=vgs.mismatched_lengths())
def backward_length_mismatch(student, case):
    """Not an IndexError, and not silently using the shorter one."""
    student.raises_input_error("chain_backward", *case)


@check(
    "chain_backward",
    points=0.5,
    title="empty weights and biases (L = 0) are a ValueError",
    needs=BACKWARD_VALUES,
)
@given(x=vgs.floats_between(-10.0, 10.0), activation=st.sampled_from(vgs.ACTIVATIONS))
def backward_empty(student, x, activation):
    """A chain needs at least one unit."""
    student.raises_input_error("chain_backward", x, np.array([]), np.array([]), activation)
