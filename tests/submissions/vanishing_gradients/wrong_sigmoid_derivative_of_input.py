# expect: lose sigmoid_derivative
# may also lose: chain_backward
# mistake: sigmoid_derivative applies the formula s (1 - s) to z itself, returning z * (1 - z) instead of sigmoid(z) * (1 - sigmoid(z)).
"""vanishing_gradients -- wrong submission: a copy of correct_tanh_identity.py with one mistake in sigmoid_derivative.

sigmoid_derivative applies the formula s (1 - s) to z itself, returning z * (1 - z) instead of sigmoid(z) * (1 - sigmoid(z)).
"""
import math

import numpy as np


def sigmoid(z):
    if isinstance(z, np.ndarray):
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    return 0.5 * (1.0 + math.tanh(0.5 * float(z)))


def sigmoid_derivative(z):
    if not isinstance(z, np.ndarray):
        z = float(z)
    return z * (1.0 - z)


def _check_chain(weights, biases, activation):
    if activation not in ("sigmoid", "tanh", "relu"):
        raise ValueError("activation must be 'sigmoid', 'tanh' or 'relu'")
    n_w = len(weights)
    n_b = len(biases)
    if n_w == 0 or n_w != n_b:
        raise ValueError("need as many biases as weights, and at least one of each")
    return [float(v) for v in weights], [float(v) for v in biases]


def chain_forward(x, weights, biases, activation="sigmoid"):
    weights, biases = _check_chain(weights, biases, activation)
    out = [float(x)]
    for w, b in zip(weights, biases):
        z = w * out[-1] + b
        if activation == "sigmoid":
            out.append(sigmoid(z))
        elif activation == "tanh":
            out.append(math.tanh(z))
        else:
            out.append(max(z, 0.0))
    return np.array(out)


def chain_backward(x, weights, biases, activation="sigmoid"):
    ws, bs = _check_chain(weights, biases, activation)
    a = chain_forward(x, ws, bs, activation)
    L = len(ws)
    if activation == "sigmoid":
        local = a[1:] * (1.0 - a[1:])
    elif activation == "tanh":
        local = 1.0 - a[1:] ** 2
    else:
        local = np.where(a[1:] > 0, 1.0, 0.0)
    d_biases = np.zeros(L)
    d_biases[L - 1] = local[L - 1]
    for k in range(L - 2, -1, -1):
        d_biases[k] = d_biases[k + 1] * ws[k + 1] * local[k]
    d_weights = d_biases * a[:L]
    return {"d_weights": d_weights, "d_biases": d_biases, "d_input": ws[0] * d_biases[0]}
