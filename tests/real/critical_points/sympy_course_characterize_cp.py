# source: github.com/amazonprog/progmatvol1, C041.py, characterize_cp (a textbook's worked example); licence not stated in the file
# covers: classify_hessian
# expect: lose classify_hessian
# why: all eigenvalues > 0 is a minimum, all < 0 a maximum, anything else "saddle": no tolerance and no "inconclusive" (diag(1, 0) becomes a saddle point), general eig instead of eigvalsh, and no ValueError for a non-square, non-finite or asymmetric H.
"""The logic of a textbook's characterize_cp, retyped, glued to the contract.

The original calls scipy.linalg.eig; NumPy's np.linalg.eig computes the same eigenvalues (the
sandbox has no SciPy). Its three answers are mapped to the contract's labels.
"""
import numpy as np


def characterize_cp(H):
    eigenvalues, _ = np.linalg.eig(H)
    if np.all(np.greater(eigenvalues, np.zeros(1))):
        return "minimum"
    elif np.all(np.less(eigenvalues, np.zeros(1))):
        return "maximum"
    else:
        return "saddle"


# --- glue: the contract's name and labels ---------------------------------------------------
LABELS = {"minimum": "local_minimum", "maximum": "local_maximum", "saddle": "saddle_point"}


def classify_hessian(H, tol=1e-8):
    return LABELS[characterize_cp(H)]
