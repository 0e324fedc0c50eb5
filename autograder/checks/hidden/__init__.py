"""Hidden checks: comparisons with the reference; never shipped to students."""
