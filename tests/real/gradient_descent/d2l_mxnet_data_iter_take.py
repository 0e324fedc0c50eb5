# source: github.com/Huasheng-hou/mxnet-demo, d2lzh/d2lzh.py, data_iter (d2l.ai's first, MXNet edition: nd.array indices and features.take); licence not stated in the file
# covers: iterate_minibatches
# expect: lose iterate_minibatches
# why: the same batching as d2l's PyTorch edition but gathering with take(): right pairs, short last batch kept; it ignores rng, shuffle and drop_last (Python's global random.shuffle, always).
"""The logic of d2l.ai's MXNet data_iter, retyped, glued to the contract.

nd.array(indices) and features.take(j) become np.array and np.take along axis 0 (the sandbox has
NumPy only); the shuffle is Python's random.shuffle, as in the original.
"""
import random

import numpy as np


def data_iter(batch_size, features, labels):
    count = len(features)
    order = list(range(count))
    random.shuffle(order)
    for start in range(0, count, batch_size):
        chosen = np.array(order[start:min(start + batch_size, count)], dtype=int)
        yield np.take(features, chosen, axis=0), np.take(labels, chosen, axis=0)


# --- glue: the contract's signature --------------------------------------------------------
def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None, drop_last=False):
    return data_iter(batch_size, X, y)
