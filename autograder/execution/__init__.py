"""Grading a class elsewhere than in this process: :mod:`.cluster` (Dask)."""
