# expect: lose num_batches
# may also lose: minibatch_indices, iterate_minibatches, run_epoch, train, batch_gradient_descent, stochastic_gradient_descent, minibatch_gradient_descent
# mistake: num_batches does not check its arguments: a negative n returns a number and batch_size = 0 raises ZeroDivisionError instead of ValueError.
"""gradient_descent -- wrong submission: a copy of correct_pythonic.py with one mistake in num_batches.

num_batches does not check its arguments: a negative n returns a number and batch_size = 0 raises ZeroDivisionError instead of ValueError.
"""
import numpy as np


def num_batches(n, batch_size, drop_last=False):
    """ceil(n / batch_size), or floor when drop_last, in exact integer arithmetic."""
    full, rest = divmod(n, batch_size)
    return full if drop_last or rest == 0 else full + 1


def minibatch_indices(n, batch_size, shuffle=True, rng=None, drop_last=False):
    """Consecutive slices of a (shuffled) order of range(n)."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if not shuffle:
        order = np.arange(n)
    else:
        if rng is None:
            rng = np.random.default_rng()
        order = rng.permutation(n)
    last_start = n - batch_size if drop_last else n - 1
    return [order[start:start + batch_size] for start in range(0, last_start + 1, batch_size)]


def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    """Yield (X[idx], y[idx]) batch after batch."""
    if len(X) != len(y):
        raise ValueError(f"{len(X)} rows in X but {len(y)} targets in y")
    for idx in minibatch_indices(len(X), batch_size, shuffle=shuffle, rng=rng, drop_last=drop_last):
        yield X[idx], y[idx]


def mse_loss(w, X, y):
    """Half the mean squared residual."""
    residual = np.dot(X, w) - y
    return np.dot(residual, residual) / (2 * len(y))


def mse_gradient(w, X, y):
    """Mean-over-the-batch gradient of mse_loss."""
    residual = np.dot(X, w) - y
    return np.dot(residual, X) / len(y)


def gd_step(w, grad, lr):
    """Return w - lr * grad without touching w."""
    new_w = np.array(w, dtype=float, copy=True)
    new_w -= lr * np.asarray(grad)
    return new_w


def run_epoch(w, X, y, batch_size, lr, rng, grad_fn=mse_gradient, drop_last=False):
    """One epoch of minibatch updates; returns (w, n_updates)."""
    batches = minibatch_indices(len(X), batch_size, shuffle=True, rng=rng, drop_last=drop_last)
    for idx in batches:
        w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)
    if not batches:
        w = np.array(w, dtype=float, copy=True)
    return w, len(batches)


def train(X, y, w0, batch_size, lr, epochs, seed=0, lr_decay=0.0,
          grad_fn=mse_gradient, loss_fn=mse_loss):
    """Train from w0; weights, losses and update counts per epoch."""
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float, copy=True)
    weights = np.empty((epochs + 1, w.shape[0]))
    losses = np.empty(epochs + 1)
    updates = np.zeros(epochs, dtype=np.int64)
    weights[0] = w
    losses[0] = loss_fn(w, X, y)
    for epoch in range(epochs):
        w, updates[epoch] = run_epoch(w, X, y, batch_size, lr / (1 + lr_decay * epoch), rng, grad_fn=grad_fn)
        weights[epoch + 1] = w
        losses[epoch + 1] = loss_fn(w, X, y)
    return dict(weights=weights, losses=losses, updates=updates)


def batch_gradient_descent(X, y, w0, lr, epochs, seed=0):
    """BGD: one update per epoch on the whole data set."""
    return train(X, y, w0, len(X), lr, epochs, seed)


def stochastic_gradient_descent(X, y, w0, lr, epochs, seed=0):
    """SGD: len(X) single-sample updates per epoch."""
    return train(X, y, w0, 1, lr, epochs, seed)


def minibatch_gradient_descent(X, y, w0, batch_size, lr, epochs, seed=0):
    """MBGD: ceil(len(X) / batch_size) updates per epoch."""
    return train(X, y, w0, batch_size, lr, epochs, seed)
