"""Property checks, public (shipped in the self-check) and hidden (grader only)."""
