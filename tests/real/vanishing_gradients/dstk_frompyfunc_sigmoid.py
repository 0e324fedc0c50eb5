# source: github.com/jotterbach/dstk, DSTK/utils/function_helpers.py, _sigmoid and sigmoid = np.frompyfunc(_sigmoid, 1, 1); licence not stated in the file
# covers: sigmoid
# expect: full
# why: the stable split form (exp of a non-positive number only) applied element by element; np.frompyfunc returns an array of dtype object holding floats, which is an array of real numbers.
"""The logic of DSTK's numerically stable sigmoid, retyped, glued to the contract (no glue needed).

For x >= 0: 1 / (1 + exp(-x)); otherwise exp(x) / (1 + exp(x)); np.frompyfunc makes it elementwise.
"""
import numpy as np


def _sigmoid(x):
    if x >= 0:
        e = np.exp(-x)
        return 1 / (1 + e)
    else:
        e = np.exp(x)
        return e / (1 + e)


sigmoid = np.frompyfunc(_sigmoid, 1, 1)
