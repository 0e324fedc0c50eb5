"""Hidden checks of ``vanishing_gradients``: comparisons with the reference implementation.

Values are compared only where every ``|z| <= 8`` (docs/contract.md), with a relative
tolerance of ``1e-6``; along a chain the tolerance also follows how much the
chain amplifies rounding (see :class:`autograder.strategies.vanishing_gradients.Chain`).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given

from autograder.checks._support.vanishing_gradients import (
    ATOL,
    activations,
    describe_chain,
    gradients,
    scalar,
)
from autograder.grading import expect
from autograder.grading.registry import check
from autograder.strategies import vanishing_gradients as vgs
from reference import vanishing_gradients as ref

# --- sigmoid ------------------------------------------------------------------


@check("sigmoid", points=1.5, title="agrees with the reference elementwise on arrays")
@given(z=vgs.z_arrays(max_side=12))
def sigmoid_arrays_match_reference(student, z):
    """1-D arrays with ``|z| <= 8``."""
    got = expect.is_array(student.sigmoid(z), z.shape, what="sigmoid(z) elementwise")
    expect.close(got, ref.sigmoid(z), rtol=vgs.RTOL, atol=ATOL, what="sigmoid(z) =")


@check("sigmoid", points=0.5, title="agrees with the reference on floats")
@given(z=vgs.compared_z())
def sigmoid_floats_match_reference(student, z):
    """``|z| <= 8``."""
    got = scalar(student.sigmoid(z))
    expect.close(got, ref.sigmoid(z), rtol=vgs.RTOL, atol=ATOL, what=f"sigmoid({z!r}) =")


# --- sigmoid_derivative --------------------------------------------------------


@check("sigmoid_derivative", points=1.5, title="agrees with the reference elementwise on arrays")
@given(z=vgs.z_arrays(max_side=12))
def derivative_arrays_match_reference(student, z):
    """1-D arrays with ``|z| <= 8``."""
    got = expect.is_array(
        student.sigmoid_derivative(z), z.shape, what="sigmoid_derivative(z) elementwise"
    )
    expected = ref.sigmoid_derivative(z)
    expect.close(got, expected, rtol=vgs.RTOL, atol=ATOL, what="sigmoid_derivative(z) =")


@check("sigmoid_derivative", points=0.5, title="agrees with the reference on floats")
@given(z=vgs.compared_z())
def derivative_floats_match_reference(student, z):
    """``|z| <= 8``."""
    got = scalar(student.sigmoid_derivative(z))
    expected = ref.sigmoid_derivative(z)
    expect.close(got, expected, rtol=vgs.RTOL, atol=ATOL, what=f"sigmoid_derivative({z!r}) =")


# --- chain_forward --------------------------------------------------------------


def forward_matches_reference(student, chain: vgs.Chain) -> None:
    """The whole forward pass against the reference's."""
    got = activations(student.chain_forward(*chain.args()), chain)
    expected = ref.chain_forward(*chain.args())
    expect.close(
        got,
        expected,
        rtol=0.0,
        atol=chain.forward_tolerance(expected),
        what="the activations a_0 .. a_L =",
        detail=describe_chain(chain),
    )


@check("chain_forward", points=0.5, title="agrees with the reference on sigmoid chains")
@example(chain=vgs.worked_chain("sigmoid"))  # biases forgotten, or the input activated
@given(chain=vgs.chains("sigmoid"))
def forward_sigmoid_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    forward_matches_reference(student, chain)


@check("chain_forward", points=0.5, title="agrees with the reference on tanh chains")
@example(chain=vgs.worked_chain("tanh"))  # biases forgotten, or the input activated
@given(chain=vgs.chains("tanh"))
def forward_tanh_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    forward_matches_reference(student, chain)


@check("chain_forward", points=0.5, title="agrees with the reference on relu chains")
@example(chain=vgs.relu_worked_chain())  # biases forgotten, or the input activated
@given(chain=vgs.chains("relu"))
def forward_relu_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    forward_matches_reference(student, chain)


# --- chain_backward ----------------------------------------------------------------


def backward_matches_reference(student, chain: vgs.Chain) -> None:
    """All three results against the reference's."""
    d_weights, d_biases, d_input = gradients(student.chain_backward(*chain.args()), chain)
    expected = ref.chain_backward(*chain.args())
    # + 0.0 shows the zeros of dead ReLU units as 0.0 rather than -0.0 in feedback
    want_b, want_w, want_in = (expected[key] + 0.0 for key in ("d_biases", "d_weights", "d_input"))
    detail = describe_chain(chain)
    expect.close(
        d_biases,
        want_b,
        rtol=0.0,
        atol=chain.d_biases_tolerance(want_b),
        what='result["d_biases"] =',
        detail=detail,
    )
    expect.close(
        d_weights,
        want_w,
        rtol=0.0,
        atol=chain.d_weights_tolerance(want_w, want_b),
        what='result["d_weights"] =',
        detail=detail,
    )
    expect.close(
        d_input,
        want_in,
        rtol=0.0,
        atol=chain.d_input_tolerance(want_in),
        what='result["d_input"] =',
        detail=detail,
    )


@check("chain_backward", points=0.5, title="agrees with the reference on sigmoid chains")
@example(chain=vgs.worked_chain("sigmoid"))  # a forgotten w_k, a_k for a_(k-1), a wrong act'
@given(chain=vgs.chains("sigmoid"))
def backward_sigmoid_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    backward_matches_reference(student, chain)


@check("chain_backward", points=0.5, title="agrees with the reference on tanh chains")
@example(chain=vgs.worked_chain("tanh"))  # a forgotten w_k, a_k for a_(k-1), a wrong act'
@given(chain=vgs.chains("tanh"))
def backward_tanh_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    backward_matches_reference(student, chain)


@check("chain_backward", points=0.5, title="agrees with the reference on relu chains")
@example(chain=vgs.Chain(0.0, np.array([3.0, -1.0, 2.0]), np.array([0.0, 1.0, -2.0]), "relu"))
@example(chain=vgs.relu_worked_chain())  # a forgotten w_k, a_k for a_(k-1), a wrong act'
@given(chain=vgs.chains("relu"))
def backward_relu_matches_reference(student, chain):
    """Up to 30 units, every ``|z_k| <= 8``."""
    backward_matches_reference(student, chain)
