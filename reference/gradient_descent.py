"""Mini-batches and the three flavours of gradient descent: BGD, MBGD and SGD.

We fit a linear model ``ŷ = X w`` by minimising the mean squared error
(均方误差) over ``m`` examples. Gradient descent (梯度下降) repeats the update
``w ← w - lr · g``, where ``lr`` is the learning rate (学习率) and ``g`` a
gradient. The variants differ only in how many examples each gradient uses:

* **BGD**, batch gradient descent (批梯度下降): the whole data set, so one
  exact but expensive update per epoch (轮, one pass over the data);
* **SGD**, stochastic gradient descent (随机梯度下降): a single example, so
  ``m`` cheap but noisy updates per epoch;
* **MBGD**, mini-batch gradient descent (小批量梯度下降): ``batch_size``
  examples, the compromise used to train almost every deep network. It makes
  ``ceil(m / batch_size)`` updates per epoch, uses vectorised hardware well,
  and its gradient noise even helps to escape saddle points (鞍点).

Every epoch visits the examples in a fresh random order (shuffling, 打乱), so
that the batches differ from one epoch to the next. All randomness comes from
one ``numpy.random.Generator``, which makes every run reproducible from its
seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np


def num_batches(n: int, batch_size: int, drop_last: bool = False) -> int:
    """Count the mini-batches (小批量) of one epoch.

    Cutting ``n`` examples into consecutive batches of ``batch_size`` gives
    ``ceil(n / batch_size)`` batches, the last one shorter when
    ``batch_size`` does not divide ``n``. With ``drop_last`` that short last
    batch is left out, leaving ``floor(n / batch_size)`` batches. Since each
    batch gives one parameter update, this is also the number of updates per
    epoch (轮).

    Parameters
    ----------
    n : int
        The number of examples, ``n >= 0``.
    batch_size : int
        The number of examples per batch, ``batch_size >= 1``.
    drop_last : bool, default False
        Whether to leave out a last batch shorter than ``batch_size``.

    Returns
    -------
    int
        The number of batches.

    Raises
    ------
    TypeError
        If ``n`` or ``batch_size`` is not an integer (``bool`` included).
    ValueError
        If ``n < 0`` or ``batch_size < 1``.

    Notes
    -----
    Use integer arithmetic only. Floating-point division rounds for large
    integers (``2**53 + 1`` is not a float), so going through ``n / batch_size``
    can give a wrong count.

    Examples
    --------
    >>> num_batches(10, 3)
    4
    >>> num_batches(10, 3, drop_last=True)
    3
    """
    for name, value in (("n", n), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"num_batches: {name} must be an integer, got {type(value).__name__}")
    n, batch_size = int(n), int(batch_size)
    if n < 0:
        raise ValueError(f"num_batches: n must be >= 0, got {n}")
    if batch_size < 1:
        raise ValueError(f"num_batches: batch_size must be >= 1, got {batch_size}")
    if drop_last:
        return n // batch_size
    return -(-n // batch_size)


def minibatch_indices(
    n: int,
    batch_size: int,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
    drop_last: bool = False,
) -> list[np.ndarray]:
    """Split the indices ``0 .. n-1`` into mini-batches (小批量), in random order.

    The order is a random permutation (随机排列) of ``0 .. n-1`` when
    ``shuffle`` is true and ``0, 1, ..., n-1`` otherwise. Batch ``k`` holds
    the entries ``k·batch_size`` up to (not including) ``(k+1)·batch_size`` of
    that order. Without ``drop_last`` every index lands in exactly one batch,
    so one epoch sees every example once.

    Parameters
    ----------
    n : int
        The number of examples, ``n >= 0``.
    batch_size : int
        The number of indices per batch, ``batch_size >= 1``.
    shuffle : bool, default True
        Whether to visit the indices in a random order.
    rng : numpy.random.Generator or None, default None
        The source of randomness when ``shuffle`` is true. ``None`` means a
        fresh ``np.random.default_rng()``.
    drop_last : bool, default False
        Whether to leave out a last batch shorter than ``batch_size``.

    Returns
    -------
    list of ndarray
        ``num_batches(n, batch_size, drop_last)`` 1-D integer arrays.

    Raises
    ------
    TypeError
        If ``n`` or ``batch_size`` is not an integer.
    ValueError
        If ``n < 0`` or ``batch_size < 1``.

    Notes
    -----
    The random-number contract, which makes results reproducible: when
    ``shuffle`` is true, draw the order with exactly one call of
    ``rng.permutation(n)`` and make no other draw from ``rng``; when
    ``shuffle`` is false, do not touch ``rng`` at all.

    The last batch is shorter when ``batch_size`` does not divide ``n``
    (``n = 10, batch_size = 3`` gives sizes 3, 3, 3, 1), and it is dropped
    when ``drop_last`` is true. When ``batch_size > n`` there is a single
    batch of all ``n`` indices, or none with ``drop_last``.

    Examples
    --------
    >>> minibatch_indices(7, 3, shuffle=False)
    [array([0, 1, 2]), array([3, 4, 5]), array([6])]
    """
    count = num_batches(n, batch_size, drop_last)
    n, batch_size = int(n), int(batch_size)
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    return [order[k * batch_size : (k + 1) * batch_size] for k in range(count)]


def iterate_minibatches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Iterate over the mini-batches (小批量) of a data set ``(X, y)``.

    Yields the pairs ``(X[idx], y[idx])`` for the index batches ``idx`` of
    ``minibatch_indices(len(X), batch_size, shuffle, rng, drop_last)``: the
    rows of ``X`` and the matching targets of ``y`` stay together.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        The inputs, one example per row.
    y : ndarray of shape (m,)
        The targets.
    batch_size : int
        The number of examples per batch, ``batch_size >= 1``.
    shuffle : bool, default True
        Whether to visit the examples in a random order.
    rng : numpy.random.Generator or None, default None
        The source of randomness, as in ``minibatch_indices``.
    drop_last : bool, default False
        Whether to leave out a last batch shorter than ``batch_size``.

    Returns
    -------
    iterator of (ndarray, ndarray)
        The batches ``(X_batch, y_batch)`` with shapes ``(b, d)`` and
        ``(b,)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``y`` is not 1-D, ``len(X) != len(y)``, or
        ``batch_size < 1``.

    Notes
    -----
    A generator function only runs its body when the first item is
    requested. Check the inputs before any batch is produced, so that bad
    input is reported as early as possible.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"iterate_minibatches: X must be 2-D (m, d), got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"iterate_minibatches: y must have shape ({len(X)},) to match X, got {y.shape}"
        )
    batches = minibatch_indices(len(X), batch_size, shuffle, rng, drop_last)
    return ((X[idx], y[idx]) for idx in batches)


def mse_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error (均方误差) of the linear model ``X w`` on ``(X, y)``.

    With the residuals (残差) ``r = X w - y`` of the ``m`` examples, the loss
    is ``L(w) = ½ · mean(r²) = (1 / 2m) Σ_i r_i²``. The factor ½ only makes
    the gradient tidier.

    Parameters
    ----------
    w : ndarray of shape (d,)
        The weights.
    X : ndarray of shape (m, d)
        The inputs, ``m >= 1``.
    y : ndarray of shape (m,)
        The targets.

    Returns
    -------
    float
        The loss.

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``m == 0``.
    """
    w = np.asarray(w, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(
            "mse_loss: expected w of shape (d,), X (m, d) and y (m,), "
            f"got {w.shape}, {X.shape} and {y.shape}"
        )
    if X.shape[0] == 0:
        raise ValueError("mse_loss: X must have at least one row")
    residuals = X @ w - y
    return float(0.5 * np.mean(residuals**2))


def mse_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient (梯度) of ``mse_loss`` with respect to the weights ``w``.

    Differentiating ``L(w) = (1 / 2m) Σ_i (x_i · w - y_i)²`` gives
    ``∇L(w) = (1 / m) Σ_i (x_i · w - y_i) x_i``, in matrix form
    ``Xᵀ (X w - y) / m``. It is the *mean* of the per-example gradients,
    not their sum, so its size does not grow with the batch size and one
    learning rate (学习率) suits every batch size.

    Parameters
    ----------
    w : ndarray of shape (d,)
        The weights.
    X : ndarray of shape (m, d)
        The inputs of one batch, ``m >= 1``; ``m`` is the number of rows
        passed in, so a short last batch divides by its own length.
    y : ndarray of shape (m,)
        The targets of that batch.

    Returns
    -------
    ndarray of shape (d,)
        The gradient, float64.

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``m == 0``.
    """
    w = np.asarray(w, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(
            "mse_gradient: expected w of shape (d,), X (m, d) and y (m,), "
            f"got {w.shape}, {X.shape} and {y.shape}"
        )
    m = X.shape[0]
    if m == 0:
        raise ValueError("mse_gradient: X must have at least one row")
    return X.T @ (X @ w - y) / m


def gd_step(w: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
    """Take one gradient-descent (梯度下降) step: ``w - lr · grad``.

    The gradient points in the direction of steepest ascent, so a small step
    against it lowers the loss. The learning rate (学习率) ``lr`` sets the
    step length: too small and training crawls, too large and it overshoots
    or diverges.

    Parameters
    ----------
    w : ndarray of shape (d,)
        The current weights.
    grad : ndarray of shape (d,)
        The gradient at ``w``.
    lr : float
        The learning rate.

    Returns
    -------
    ndarray of shape (d,)
        The new weights, a new array.

    Raises
    ------
    ValueError
        If ``w`` and ``grad`` have different shapes.

    Notes
    -----
    Do not update ``w`` in place: the caller may still need the old weights
    (``train`` records one row of weights per epoch).
    """
    w = np.asarray(w, dtype=float)
    grad = np.asarray(grad, dtype=float)
    if w.shape != grad.shape:
        raise ValueError(
            f"gd_step: w and grad must have the same shape, got {w.shape} and {grad.shape}"
        )
    return w - lr * grad


def run_epoch(
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    lr: float,
    rng: np.random.Generator | None,
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] = mse_gradient,
    drop_last: bool = False,
) -> tuple[np.ndarray, int]:
    """Run one epoch (轮) of mini-batch gradient descent (小批量梯度下降).

    Shuffle the examples, cut them into mini-batches and, for each batch in
    turn, compute the gradient on that batch alone at the *current* weights
    and take one step. The weights therefore change ``num_batches`` times in
    one pass over the data, each step using a noisy but cheap estimate of the
    full gradient.

    Parameters
    ----------
    w : ndarray of shape (d,)
        The weights at the start of the epoch (left unchanged).
    X : ndarray of shape (m, d)
        The inputs.
    y : ndarray of shape (m,)
        The targets.
    batch_size : int
        The number of examples per batch, ``batch_size >= 1``.
    lr : float
        The learning rate (学习率) of every step in this epoch.
    rng : numpy.random.Generator
        The source of randomness for the shuffle.
    grad_fn : callable, default mse_gradient
        ``grad_fn(w, X_batch, y_batch)`` returns the gradient on one batch.
    drop_last : bool, default False
        Whether to skip a last batch shorter than ``batch_size``.

    Returns
    -------
    w : ndarray of shape (d,)
        The weights after the epoch, a new array.
    n_updates : int
        The number of steps taken, ``num_batches(len(X), batch_size,
        drop_last)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, the shapes of ``w``, ``X`` and ``y`` do not fit
        together, or ``batch_size < 1``.

    Notes
    -----
    The random-number contract: the batches are exactly those of
    ``minibatch_indices(len(X), batch_size, shuffle=True, rng=rng,
    drop_last=drop_last)``, visited in order, and nothing else draws from
    ``rng``. Following it lets your trajectory be compared, step by step,
    with the reference one.
    """
    w = np.array(w, dtype=float)  # a private copy: the caller's w is never touched
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(
            "run_epoch: expected w of shape (d,), X (m, d) and y (m,), "
            f"got {w.shape}, {X.shape} and {y.shape}"
        )
    batches = minibatch_indices(len(X), batch_size, shuffle=True, rng=rng, drop_last=drop_last)
    # Reorder the data once: each batch is then a contiguous slice (a view, not
    # a copy of its own), which saves one copy per step.
    order = np.concatenate(batches) if batches else np.arange(0)
    X_shuffled, y_shuffled = X[order], y[order]
    # With mse_gradient, whose shapes were checked above: its arithmetic and
    # gd_step's without their per-batch checks (the same numbers, less time).
    unchecked = grad_fn is mse_gradient
    start = 0
    for idx in batches:
        stop = start + len(idx)
        X_b, y_b = X_shuffled[start:stop], y_shuffled[start:stop]
        if unchecked:
            w = w - lr * (X_b.T @ (X_b @ w - y_b) / (stop - start))
        else:
            w = gd_step(w, grad_fn(w, X_b, y_b), lr)
        start = stop
    return w, len(batches)


def train(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int = 0,
    lr_decay: float = 0.0,
    grad_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] = mse_gradient,
    loss_fn: Callable[[np.ndarray, np.ndarray, np.ndarray], float] = mse_loss,
) -> dict[str, np.ndarray]:
    """Train for several epochs (轮) and record the trajectory.

    Starting from ``w0``, run ``epochs`` epochs of mini-batch gradient
    descent. Epoch ``e`` (counting from 0) uses the decayed learning rate
    (学习率衰减) ``lr / (1 + lr_decay · e)``: large steps early to make fast
    progress, smaller ones later so that the noise of mini-batch gradients
    averages out instead of keeping the weights bouncing around the minimum.
    ``lr_decay = 0`` keeps the step size constant.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        The inputs, ``m >= 1``.
    y : ndarray of shape (m,)
        The targets.
    w0 : ndarray of shape (d,)
        The initial weights (left unchanged).
    batch_size : int
        The number of examples per batch, ``batch_size >= 1``.
    lr : float
        The initial learning rate, ``lr > 0``.
    epochs : int
        The number of epochs, ``epochs >= 0``.
    seed : int, default 0
        The seed of the one random generator used for all shuffles.
    lr_decay : float, default 0.0
        The decay rate of the learning rate, ``lr_decay >= 0``.
    grad_fn : callable, default mse_gradient
        ``grad_fn(w, X_batch, y_batch)``, the gradient on one batch.
    loss_fn : callable, default mse_loss
        ``loss_fn(w, X, y)``, the loss to record.

    Returns
    -------
    dict
        A plain ``dict`` with three arrays:

        ``"weights"`` : ndarray of shape (epochs + 1, d)
            ``w0`` first, then the weights after each epoch.
        ``"losses"`` : ndarray of shape (epochs + 1,)
            ``loss_fn`` on the whole data set at each of those weights.
        ``"updates"`` : ndarray of shape (epochs,), integer dtype
            The number of updates made in each epoch.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or has no rows, the shapes of ``X``, ``y`` and
        ``w0`` do not fit together, ``batch_size < 1``, ``lr <= 0``,
        ``lr_decay < 0`` or ``epochs < 0``.
    TypeError
        If ``epochs`` or ``batch_size`` is not an integer.

    Notes
    -----
    The random-number contract: create one generator,
    ``np.random.default_rng(seed)``, before the first epoch and pass that
    same generator to ``run_epoch`` in every epoch, so that each epoch
    reshuffles differently while the whole run stays reproducible.

    With ``epochs = 0`` nothing is trained: ``"weights"`` holds only ``w0``,
    ``"losses"`` only the initial loss, and ``"updates"`` is empty (but still
    of an integer dtype).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.array(w0, dtype=float)
    if X.ndim != 2 or len(X) < 1:
        raise ValueError(f"train: X must be 2-D with at least one row, got shape {X.shape}")
    if y.shape != (X.shape[0],) or w.shape != (X.shape[1],):
        raise ValueError(
            f"train: expected y of shape {(X.shape[0],)} and w0 of shape {(X.shape[1],)}, "
            f"got {y.shape} and {w.shape}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise TypeError(f"train: epochs must be an integer, got {type(epochs).__name__}")
    if epochs < 0:
        raise ValueError(f"train: epochs must be >= 0, got {epochs}")
    if not lr > 0:
        raise ValueError(f"train: lr must be > 0, got {lr!r}")
    if not lr_decay >= 0:
        raise ValueError(f"train: lr_decay must be >= 0, got {lr_decay!r}")
    num_batches(len(X), batch_size)  # rejects a bad batch_size before any work
    epochs = int(epochs)

    rng = np.random.default_rng(seed)
    weights = np.empty((epochs + 1, w.size))
    losses = np.empty(epochs + 1)
    updates = np.zeros(epochs, dtype=np.int64)
    weights[0] = w
    losses[0] = loss_fn(w, X, y)
    for e in range(epochs):
        step_size = lr / (1 + lr_decay * e)
        w, n_updates = run_epoch(w, X, y, batch_size, step_size, rng, grad_fn=grad_fn)
        updates[e] = n_updates
        weights[e + 1] = w
        losses[e + 1] = loss_fn(w, X, y)
    return {"weights": weights, "losses": losses, "updates": updates}


def batch_gradient_descent(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, epochs: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Batch gradient descent, BGD (批梯度下降): one full-data step per epoch.

    Every update uses the exact gradient of the loss over all ``m`` examples.
    The path is smooth and, on a convex problem with a small enough learning
    rate, the loss never increases; but each step costs a pass over the whole
    data set, which is too slow for large data sets.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        The inputs, ``m >= 1``.
    y : ndarray of shape (m,)
        The targets.
    w0 : ndarray of shape (d,)
        The initial weights.
    lr : float
        The learning rate (学习率), ``lr > 0``.
    epochs : int
        The number of epochs, ``epochs >= 0``.
    seed : int, default 0
        The seed of the random generator.

    Returns
    -------
    dict
        The result of ``train`` with ``batch_size = len(X)``: ``"weights"``,
        ``"losses"`` and ``"updates"`` (all ones: one update per epoch).

    Raises
    ------
    ValueError
        As ``train``.
    """
    return train(X, y, w0, batch_size=len(X), lr=lr, epochs=epochs, seed=seed)


def stochastic_gradient_descent(
    X: np.ndarray, y: np.ndarray, w0: np.ndarray, lr: float, epochs: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Stochastic gradient descent, SGD (随机梯度下降): one example per step.

    Every update uses the gradient of a single, randomly chosen example, so
    an epoch makes ``m`` cheap updates. Each one is a noisy estimate of the
    full gradient: the loss zig-zags downwards instead of decreasing
    steadily, and with a constant learning rate the weights keep jittering
    around the minimum.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        The inputs, ``m >= 1``.
    y : ndarray of shape (m,)
        The targets.
    w0 : ndarray of shape (d,)
        The initial weights.
    lr : float
        The learning rate (学习率), ``lr > 0``.
    epochs : int
        The number of epochs, ``epochs >= 0``.
    seed : int, default 0
        The seed of the random generator.

    Returns
    -------
    dict
        The result of ``train`` with ``batch_size = 1``: ``"updates"`` holds
        ``len(X)`` for every epoch.

    Raises
    ------
    ValueError
        As ``train``.
    """
    return train(X, y, w0, batch_size=1, lr=lr, epochs=epochs, seed=seed)


def minibatch_gradient_descent(
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Mini-batch gradient descent, MBGD (小批量梯度下降): ``batch_size`` examples per step.

    The middle ground between BGD and SGD: each gradient averages over a
    small batch, which reduces the noise of SGD while keeping its many cheap
    updates per epoch, and lets vectorised hardware process the batch at
    once. With ``batch_size = len(X)`` it is BGD; with ``batch_size = 1`` it
    is SGD.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        The inputs, ``m >= 1``.
    y : ndarray of shape (m,)
        The targets.
    w0 : ndarray of shape (d,)
        The initial weights.
    batch_size : int
        The number of examples per batch, ``batch_size >= 1``.
    lr : float
        The learning rate (学习率), ``lr > 0``.
    epochs : int
        The number of epochs, ``epochs >= 0``.
    seed : int, default 0
        The seed of the random generator.

    Returns
    -------
    dict
        The result of ``train`` with the given ``batch_size``: ``"updates"``
        holds ``ceil(len(X) / batch_size)`` for every epoch.

    Raises
    ------
    ValueError
        As ``train``.
    """
    return train(X, y, w0, batch_size=batch_size, lr=lr, epochs=epochs, seed=seed)
