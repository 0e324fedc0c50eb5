# expect: lose gd_step
# may also lose: run_epoch, train, batch_gradient_descent, stochastic_gradient_descent, minibatch_gradient_descent
# mistake: gd_step updates w in place (w -= lr * grad) and returns it, so the caller's array is modified.
"""gradient_descent -- wrong submission: a copy of correct_loops.py with one mistake in gd_step.

gd_step updates w in place (w -= lr * grad) and returns it, so the caller's array is modified.
"""
import numpy as np


def _check_sizes(n, batch_size):
    if not isinstance(n, (int, np.integer)) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError("n and batch_size must be integers")
    if n < 0:
        raise ValueError("n must be >= 0")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")


def num_batches(n, batch_size, drop_last=False):
    """Number of parameter updates in one epoch."""
    _check_sizes(n, batch_size)
    n = int(n)
    batch_size = int(batch_size)
    full = n // batch_size
    if drop_last:
        return full
    if full * batch_size < n:
        full = full + 1
    return full


def minibatch_indices(n, batch_size, shuffle=True, rng=None, drop_last=False):
    """Split range(n) (shuffled or not) into consecutive batches of indices."""
    _check_sizes(n, batch_size)
    n = int(n)
    batch_size = int(batch_size)
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    batches = []
    start = 0
    while start < n:
        stop = start + batch_size
        if stop > n:
            if drop_last:
                break
            stop = n
        batches.append(order[start:stop])
        start = stop
    return batches


def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    """A list of (X_batch, y_batch) pairs."""
    if len(X) != len(y):
        raise ValueError("X and y must have the same number of rows")
    pairs = []
    for idx in minibatch_indices(len(X), batch_size, shuffle, rng, drop_last):
        pairs.append((X[idx], y[idx]))
    return pairs


def mse_loss(w, X, y):
    """0.5 * mean squared error (均方误差) of the linear model X @ w."""
    residual = X @ w - y
    m = len(residual)
    total = 0.0
    i = 0
    while i < m:
        total += residual[i] * residual[i]
        i += 1
    return 0.5 * total / m


def mse_gradient(w, X, y):
    """Gradient of mse_loss with respect to w: the mean over the rows."""
    residual = X @ w - y
    m = X.shape[0]
    grad = np.zeros(X.shape[1])
    i = 0
    while i < m:
        grad = grad + residual[i] * X[i]
        i += 1
    return grad / m


def gd_step(w, grad, lr):
    """One gradient-descent update, as a new array."""
    w -= lr * grad
    return w


def run_epoch(w, X, y, batch_size, lr, rng, grad_fn=mse_gradient, drop_last=False):
    """One pass over the data; returns (w, number of updates)."""
    w = np.array(w, dtype=float)
    updates = 0
    for idx in minibatch_indices(len(X), batch_size, shuffle=True, rng=rng, drop_last=drop_last):
        w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)
        updates += 1
    return w, updates


def train(X, y, w0, batch_size, lr, epochs, seed=0, lr_decay=0.0,
          grad_fn=mse_gradient, loss_fn=mse_loss):
    """Run `epochs` epochs of minibatch gradient descent from w0."""
    if len(X) < 1 or lr <= 0 or lr_decay < 0 or epochs < 0:
        raise ValueError("need len(X) >= 1, lr > 0, lr_decay >= 0, epochs >= 0")
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    weights = [w.copy()]
    losses = [float(loss_fn(w, X, y))]
    updates = []
    e = 0
    while e < epochs:
        step = lr / (1 + lr_decay * e)
        w, k = run_epoch(w, X, y, batch_size, step, rng, grad_fn=grad_fn)
        weights.append(w.copy())
        losses.append(float(loss_fn(w, X, y)))
        updates.append(int(k))
        e += 1
    return {
        "weights": np.array(weights, dtype=float),
        "losses": np.array(losses, dtype=float),
        "updates": np.array(updates, dtype=np.int64),
    }


def batch_gradient_descent(X, y, w0, lr, epochs, seed=0):
    """BGD (批梯度下降): the whole data set in every update."""
    return train(X, y, w0, len(X), lr, epochs, seed=seed)


def stochastic_gradient_descent(X, y, w0, lr, epochs, seed=0):
    """SGD (随机梯度下降): one sample per update."""
    return train(X, y, w0, 1, lr, epochs, seed=seed)


def minibatch_gradient_descent(X, y, w0, batch_size, lr, epochs, seed=0):
    """MBGD (小批量梯度下降): batch_size samples per update."""
    return train(X, y, w0, batch_size, lr, epochs, seed=seed)
