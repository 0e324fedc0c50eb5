"""Helpers shared by the public and hidden checks of one assignment (no checks here)."""
