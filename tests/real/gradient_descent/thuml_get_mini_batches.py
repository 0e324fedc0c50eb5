# source: github.com/thuml/Transferable-Adversarial-Training, pytorch/data.py, shuffle and get_mini_batches; licence not stated in the file
# covers: iterate_minibatches
# expect: lose iterate_minibatches
# why: full batches then the remainder, X and Y shuffled with one permutation: right pairs; but the permutation comes from NumPy's global np.random.permutation, not the rng, and shuffle=False still shuffles. No ValueError when X and y differ in length.
"""The logic of a research repository's mini-batch helper, retyped, glued to the contract."""
import numpy as np


def shuffle_pair(X, Y):
    m = X.shape[0]
    permutation = list(np.random.permutation(m))
    return {"X_shuffle": X[permutation], "Y_shuffle": Y[permutation]}


def get_mini_batches(X, Y, mini_batch_size):
    mixed = shuffle_pair(X, Y)
    count = mixed["X_shuffle"].shape[0]
    complete = count // mini_batch_size
    batches = []
    for i in range(complete):
        part = slice(i * mini_batch_size, (i + 1) * mini_batch_size)
        batches.append([mixed["X_shuffle"][part], mixed["Y_shuffle"][part]])
    if count % mini_batch_size != 0:
        rest = slice(complete * mini_batch_size, None)
        batches.append([mixed["X_shuffle"][rest], mixed["Y_shuffle"][rest]])
    return batches


# --- glue: the contract's signature ------------------------------------------------------------
def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    return [tuple(batch) for batch in get_mini_batches(X, y, batch_size)]
