"""No logic: every function echoes one of its inputs, or a count it was given."""

import numpy as np


def num_batches(n, batch_size, drop_last=False):
    return n


def minibatch_indices(n, batch_size, shuffle=True, rng=None, drop_last=False):
    return [np.array([i]) for i in range(n)]


def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    for i in range(len(X)):
        yield X[i : i + 1], y[i : i + 1]


def mse_loss(w, X, y):
    return float(np.sum(w))


def mse_gradient(w, X, y):
    return np.array(w, dtype=float)


def gd_step(w, grad, lr):
    return np.array(grad, dtype=float)


def run_epoch(w, X, y, batch_size, lr, rng, grad_fn=None, drop_last=False):
    return np.array(w, dtype=float), len(X)


def train(X, y, w0, batch_size, lr, epochs, seed=0, lr_decay=0.0, grad_fn=None, loss_fn=None):
    w0 = np.asarray(w0, dtype=float)
    return {
        "weights": np.tile(w0, (epochs + 1, 1)),
        "losses": np.full(epochs + 1, float(np.sum(w0))),
        "updates": np.full(epochs, len(X), dtype=int),
    }


def batch_gradient_descent(X, y, w0, lr, epochs, seed=0):
    return train(X, y, w0, len(X), lr, epochs, seed)


def stochastic_gradient_descent(X, y, w0, lr, epochs, seed=0):
    return train(X, y, w0, 1, lr, epochs, seed)


def minibatch_gradient_descent(X, y, w0, batch_size, lr, epochs, seed=0):
    return train(X, y, w0, batch_size, lr, epochs, seed)
