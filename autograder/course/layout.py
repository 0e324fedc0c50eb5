"""Where the course's files are, and the build's error."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"
SOURCE = COURSE / "source"
TEXT = COURSE / "text"
SUBMITTED = COURSE / "submitted"
CORPUS = ROOT / "tests" / "submissions"
BUNDLE = "selfcheck"
"""The folder of a released assignment that holds the self-check's ``autograder`` copy."""


class BuildError(ValueError):
    """The teaching text or the reference cannot make a valid notebook."""
