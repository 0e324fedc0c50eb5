# source: github.com/itsmedachan/deep-learning-from-zero, Chapter4LearningWithNeuralNetwork/4-4-0Gradient.py, numerical_gradient (the book "Deep Learning from Scratch", ch. 4); licence not stated in the file
# covers: numerical_gradient
# expect: lose numerical_gradient
# why: central differences, but with its own h = 1e-4 whatever h the caller passes, and no ValueError for a 2-D or empty x.
"""The logic of "Deep Learning from Scratch"'s numerical_gradient, retyped, glued to the contract.

A loop over x.size that nudges x[i] in place by a fixed h = 1e-4 each way and restores it.
"""
import numpy as np


def book_numerical_gradient(f, x):
    step = 1e-4
    grad = np.zeros_like(x)
    for i in range(x.size):
        saved = x[i]
        x[i] = saved + step
        right = f(x)
        x[i] = saved - step
        left = f(x)
        grad[i] = (right - left) / (2 * step)
        x[i] = saved
    return grad


# --- glue: the contract's signature (the book's function takes no h) ---------------------------
def numerical_gradient(f, x, h=1e-6):
    return book_numerical_gradient(f, x)
