# source: github.com/eliben/deep-learning-samples, gradients/numgrad.py, eval_numerical_gradient (cs231n's gradient check, "with a bit of cleanup"); licence not stated in the file
# covers: numerical_gradient
# expect: lose numerical_gradient
# why: central differences with the h it is given, x restored after each nudge: right values; but it walks any shape with np.nditer, so a 2-D x is not a ValueError (the contract's input check; an empty x happens to be one, raised by np.nditer).
"""The logic of cs231n's eval_numerical_gradient, retyped (not copied), glued to the contract.

Walks every index of x with np.nditer, nudges x in place by +h and -h, takes the centred
difference and puts the old value back.
"""
import numpy as np


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    grad = np.zeros_like(x)
    walker = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not walker.finished:
        index = walker.multi_index
        saved = x[index]
        x[index] = saved + h
        above = f(x)
        x[index] = saved - h
        below = f(x)
        x[index] = saved
        grad[index] = (above - below) / (2 * h)
        if verbose:
            print(index, grad[index])
        walker.iternext()
    return grad


# --- glue: the contract's signature -----------------------------------------------------------
def numerical_gradient(f, x, h=1e-6):
    return eval_numerical_gradient(f, x, verbose=False, h=h)
