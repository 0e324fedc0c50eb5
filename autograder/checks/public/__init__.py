"""Public checks: reference-free properties, invariants and worked cases."""
