"""Property-based autograder for the deep-learning optimization exercises.

The trusted side (hypothesis, the checks, the reference comparison) runs
here; student code runs only in the sandbox (:mod:`autograder.isolation.sandbox`).
"""
