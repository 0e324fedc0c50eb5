# source: github.com/OH-Seoyoung/ML_Optimization_Methods, Without_DL_framework/opti_mini.py, random_mini_batches (the Coursera "Improving deep neural networks" assignment); licence not stated in the file
# covers: iterate_minibatches
# expect: lose iterate_minibatches
# why: floor(m / size) full batches plus the short rest, columns shuffled together: right pairs; but it reseeds NumPy's global generator (np.random.seed(seed)) and draws np.random.permutation instead of using the rng, and shuffles even when shuffle=False.
"""The logic of the Coursera random_mini_batches, retyped, glued to the contract.

The course stores examples as columns (X of shape (n_x, m), Y of shape (1, m)); the glue
transposes X, makes y a row, and turns each batch back into the contract's (rows, targets).
"""
import math

import numpy as np


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((Y.shape[0], m))
    complete = math.floor(m / mini_batch_size)
    for k in range(0, complete):
        part = slice(k * mini_batch_size, (k + 1) * mini_batch_size)
        batches.append((shuffled_X[:, part], shuffled_Y[:, part]))
    if m % mini_batch_size != 0:
        rest = slice(int(m / mini_batch_size) * mini_batch_size, None)
        batches.append((shuffled_X[:, rest], shuffled_Y[:, rest]))
    return batches


# --- glue: the contract's signature and row layout -------------------------------------------
def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    batches = random_mini_batches(X.T, y.reshape(1, -1), batch_size)
    return [(Xb.T, Yb.reshape(-1)) for Xb, Yb in batches]
