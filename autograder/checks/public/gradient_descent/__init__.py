"""Public checks of ``gradient_descent``: properties, invariants and worked cases.

Nothing here uses the reference implementation. Expected values come from
the contract itself: the batches of ``np.random.default_rng(seed)``'s
permutations, central differences of the loss, one gradient step recomputed
from the weights you returned, and the test gradient ``pull`` whose formula
is not the mean squared error's.
"""

from autograder.checks.public.gradient_descent import batches, steps, training  # noqa: F401  (registers)
