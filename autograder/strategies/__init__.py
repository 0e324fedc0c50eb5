"""Hypothesis strategies for the checks, one module per assignment.

Every strategy stays inside SPEC.md's graded domain.
"""
