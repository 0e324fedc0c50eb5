# source: github.com/krrn0722/wake_sleep, functions.py, sigmoid (NumPy version); licence not stated in the file
# covers: sigmoid
# expect: full
# why: exp(min(x, 0)) / (1 + exp(-|x|)) equals the sigmoid and only ever exponentiates non-positive numbers: finite, no warning, floats and arrays alike.
"""The logic of wake_sleep's NumPy sigmoid, retyped, glued to the contract (no glue needed).

The file's PyTorch variant (and its torch import) is left out: only the NumPy function is graded.
"""
import numpy as np


def sigmoid(x):
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))
