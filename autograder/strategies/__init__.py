"""Hypothesis strategies for the checks, one module per assignment.

Every strategy stays inside docs/contract.md's graded domain.
"""
