# expect: lose chain_backward
# mistake: chain_backward multiplies by the unit's own output a_k instead of its input a_(k-1) in d_weights (an index off by one).
"""vanishing_gradients -- wrong submission: a copy of correct_loops.py with one mistake in chain_backward.

chain_backward multiplies by the unit's own output a_k instead of its input a_(k-1) in d_weights (an index off by one).
"""
import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), stable for every finite z."""
    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if scalar:
        return float(s)
    return s


def sigmoid_derivative(z):
    """sigmoid'(z) = s (1 - s); at most 0.25."""
    s = sigmoid(z)
    return s * (1 - s)


def _check(weights, biases, activation):
    if activation not in ACTIVATIONS:
        raise ValueError("unknown activation %r" % (activation,))
    if len(weights) != len(biases):
        raise ValueError("weights and biases must have the same length")
    if len(weights) == 0:
        raise ValueError("the chain needs at least one unit")


def _act(z, activation):
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "tanh":
        return float(np.tanh(z))
    return z if z > 0 else 0.0


def _act_prime(z, activation):
    if activation == "sigmoid":
        return sigmoid_derivative(z)
    if activation == "tanh":
        t = float(np.tanh(z))
        return 1.0 - t * t
    return 1.0 if z > 0 else 0.0


def chain_forward(x, weights, biases, activation="sigmoid"):
    """Activations a_0 = x, a_1, ..., a_L of the scalar chain."""
    _check(weights, biases, activation)
    L = len(weights)
    a = np.zeros(L + 1)
    a[0] = float(x)
    for k in range(L):
        z = float(weights[k]) * a[k] + float(biases[k])
        a[k + 1] = _act(z, activation)
    return a


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation (反向传播) through the chain: d a_L / d (w_k, b_k, x)."""
    _check(weights, biases, activation)
    L = len(weights)
    a = chain_forward(x, weights, biases, activation)
    d_weights = np.zeros(L)
    d_biases = np.zeros(L)
    upstream = 1.0  # d a_L / d a_k, starting at k = L
    for k in range(L - 1, -1, -1):
        z = float(weights[k]) * a[k] + float(biases[k])
        dz = upstream * _act_prime(z, activation)
        d_biases[k] = dz
        d_weights[k] = dz * a[k + 1]
        upstream = dz * float(weights[k])
    return {"d_weights": d_weights, "d_biases": d_biases, "d_input": float(upstream)}
