# expect: full
"""vanishing_gradients -- a correct submission using numpy ufuncs.

The sigmoid is the stable split form computed with boolean masks: for
z >= 0 it evaluates 1 / (1 + exp(-z)), for z < 0 the equal exp(z) / (1 + exp(z)),
so np.exp only ever sees non-positive numbers and cannot overflow; the
backward pass walks the chain in reverse, accumulating the chain product
of local derivatives in one running variable.
"""
import numpy as np


def sigmoid(z):
    z_arr = np.asarray(z, dtype=float)
    out = np.empty_like(z_arr)
    pos = z_arr >= 0
    neg = ~pos
    out[pos] = 1.0 / (1.0 + np.exp(-z_arr[pos]))
    ez = np.exp(z_arr[neg])
    out[neg] = ez / (1.0 + ez)
    if isinstance(z, np.ndarray):
        return out
    return out[()]  # a NumPy float for a scalar argument


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s - s * s


_FORWARD = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


def _validate(weights, biases, activation):
    if activation not in _FORWARD:
        raise ValueError(f"activation must be one of {sorted(_FORWARD)}, got {activation!r}")
    w = np.asarray(weights, dtype=float)
    b = np.asarray(biases, dtype=float)
    if w.ndim != 1 or b.ndim != 1 or w.shape != b.shape or w.size == 0:
        raise ValueError("weights and biases must be non-empty sequences of the same length")
    return w, b


def _forward(x, w, b, activation):
    act = _FORWARD[activation]
    z = np.empty(w.size)
    a = np.empty(w.size + 1)
    a[0] = x
    for k in range(w.size):
        z[k] = w[k] * a[k] + b[k]
        a[k + 1] = act(z[k])
    return z, a


def chain_forward(x, weights, biases, activation="sigmoid"):
    w, b = _validate(weights, biases, activation)
    return _forward(x, w, b, activation)[1]


def chain_backward(x, weights, biases, activation="sigmoid"):
    w, b = _validate(weights, biases, activation)
    z, a = _forward(x, w, b, activation)
    if activation == "sigmoid":
        local = sigmoid_derivative(z)
    elif activation == "tanh":
        local = 1.0 - np.tanh(z) ** 2
    else:
        local = (z > 0).astype(float)
    d_biases = np.empty(w.size)
    chain = 1.0
    for k in reversed(range(w.size)):
        chain = chain * local[k]
        d_biases[k] = chain
        chain = chain * w[k]
    return {"d_weights": d_biases * a[:-1], "d_biases": d_biases, "d_input": chain}
