# source: github.com/Gandolfkill996/ML-begin, CNN/utils.py, data_iter (d2l.ai's "linear regression from scratch", PyTorch edition); licence not stated in the file
# covers: iterate_minibatches
# expect: lose iterate_minibatches
# why: batches of consecutive slices of a shuffled order, the short last batch kept, rows and targets paired: right; but it shuffles with Python's global random.shuffle, never with the rng it is given, and shuffles even when shuffle=False. Its grade is the same on every run.
"""The logic of d2l.ai's data_iter, retyped, glued to the contract.

The original builds each batch's indices with torch.tensor; the glue uses np.array (the sandbox
has NumPy only). Everything else is d2l's: a shuffled index list sliced batch by batch.
"""
import random

import numpy as np


def data_iter(batch_size, features, labels):
    count = len(features)
    order = list(range(count))
    random.shuffle(order)
    for start in range(0, count, batch_size):
        chosen = np.array(order[start:min(start + batch_size, count)], dtype=int)
        yield features[chosen], labels[chosen]


# --- glue: the contract's signature --------------------------------------------------------
def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    return data_iter(batch_size, X, y)
