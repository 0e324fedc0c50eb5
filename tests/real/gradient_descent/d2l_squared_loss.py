# source: github.com/mingmingli916/d2l, loss_.py, squared_loss (d2l.ai's linear regression from scratch); licence not stated in the file
# covers: mse_loss
# expect: full
# why: d2l's loss is (y_hat - y)^2 / 2 per example; averaged over the batch (d2l divides by the batch size in its update) it is the contract's 0.5 * mean((X @ w - y)^2).
"""The logic of d2l.ai's squared_loss, retyped, glued to the contract.

The glue predicts with d2l's linreg (X @ w + b, here b = 0) and takes the mean over the batch.
"""
import numpy as np


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


# --- glue: the contract's signature ------------------------------------------------------------
def mse_loss(w, X, y):
    return float(np.mean(squared_loss(linreg(X, w, 0.0), y)))
