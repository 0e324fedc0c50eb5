# source: github.com/huypham9966/deep-learning, random_mini_batches.py (a row-layout edition of the Coursera assignment); licence not stated in the file
# covers: iterate_minibatches
# expect: lose iterate_minibatches
# why: rows shuffled together, floor(m / size) full batches plus the rest: right pairs; the permutation is NumPy's global np.random.permutation (no seed at all), not the rng, and shuffle=False still shuffles.
"""The logic of a row-layout random_mini_batches, retyped, glued to the contract.

It keeps targets as a column (m, 1); the glue passes y as a column and flattens each batch back.
"""
import math

import numpy as np


def random_mini_batches(X, Y, mini_batch_size=64):
    m = X.shape[0]
    batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[permutation, :]
    shuffled_Y = Y[permutation, :].reshape((m, 1))
    complete = math.floor(m / mini_batch_size)
    for k in range(0, complete):
        rows = range(k * mini_batch_size, (k + 1) * mini_batch_size)
        batch_X = shuffled_X[rows, :]
        batch_Y = shuffled_Y[rows, :].reshape((mini_batch_size, 1))
        batches.append((batch_X, batch_Y))
    if m % mini_batch_size != 0:
        rows = range(complete * mini_batch_size, m)
        batches.append((shuffled_X[rows, :], shuffled_Y[rows, :]))
    return batches


# --- glue: the contract's signature and 1-D targets ------------------------------------------
def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    return [(Xb, Yb.reshape(-1)) for Xb, Yb in random_mini_batches(X, y.reshape(-1, 1), batch_size)]
