"""The hidden reference implementation: one module per assignment."""
