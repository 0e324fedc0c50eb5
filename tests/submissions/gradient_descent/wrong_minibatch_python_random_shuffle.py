# expect: lose minibatch_indices
# may also lose: iterate_minibatches, run_epoch, train, batch_gradient_descent, stochastic_gradient_descent, minibatch_gradient_descent
# mistake: minibatch_indices shuffles a list with Python's global random.shuffle (d2l's data_iter) instead of the rng it was given.
"""gradient_descent -- wrong submission: a copy of correct_vectorised.py with one mistake in minibatch_indices.

minibatch_indices shuffles with Python's global random.shuffle, as d2l's data_iter does, so it
ignores the rng it was given. The grade must still be the same on every run.
"""
import random

import numpy as np


def num_batches(n, batch_size, drop_last=False):
    if n < 0 or batch_size < 1:
        raise ValueError("need n >= 0 and batch_size >= 1")
    return n // batch_size if drop_last else -(-n // batch_size)


def minibatch_indices(n, batch_size, shuffle=True, rng=None, drop_last=False):
    count = num_batches(n, batch_size, drop_last)
    order = list(range(n))
    if shuffle:
        random.shuffle(order)
    order = np.array(order, dtype=int)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(count)]


def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    if X.shape[0] != y.shape[0]:
        raise ValueError("X has %d rows but y has %d" % (X.shape[0], y.shape[0]))
    return ((X[idx], y[idx]) for idx in minibatch_indices(X.shape[0], batch_size, shuffle, rng, drop_last))


def mse_loss(w, X, y):
    r = X @ w - y
    return float(0.5 * np.mean(r ** 2))


def mse_gradient(w, X, y):
    return X.T @ (X @ w - y) / X.shape[0]


def gd_step(w, grad, lr):
    return w - lr * grad


def run_epoch(w, X, y, batch_size, lr, rng, grad_fn=mse_gradient, drop_last=False):
    w = np.copy(w)
    for idx in minibatch_indices(len(X), batch_size, shuffle=True, rng=rng, drop_last=drop_last):
        w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)
    return w, num_batches(len(X), batch_size, drop_last)


def train(X, y, w0, batch_size, lr, epochs, seed=0, lr_decay=0.0,
          grad_fn=mse_gradient, loss_fn=mse_loss):
    rng = np.random.default_rng(seed)
    w = np.asarray(w0, dtype=float)
    weights, losses, updates = [w], [loss_fn(w, X, y)], []
    for e in range(epochs):
        w, n_updates = run_epoch(w, X, y, batch_size, lr / (1 + lr_decay * e), rng, grad_fn)
        weights.append(w)
        losses.append(loss_fn(w, X, y))
        updates.append(n_updates)
    return {
        "weights": np.stack(weights),
        "losses": np.array(losses, dtype=float),
        "updates": np.array(updates, dtype=int),
    }


def batch_gradient_descent(X, y, w0, lr, epochs, seed=0):
    return train(X, y, w0, batch_size=len(X), lr=lr, epochs=epochs, seed=seed)


def stochastic_gradient_descent(X, y, w0, lr, epochs, seed=0):
    return train(X, y, w0, batch_size=1, lr=lr, epochs=epochs, seed=seed)


def minibatch_gradient_descent(X, y, w0, batch_size, lr, epochs, seed=0):
    return train(X, y, w0, batch_size=batch_size, lr=lr, epochs=epochs, seed=seed)
