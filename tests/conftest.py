"""Shared fixtures: the test corpus graded once per session, in parallel."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.cli import grade_all
from autograder.course.sources import stub_source
from autograder.grading import profiles
from autograder.grading.submission import discover
from autograder.isolation.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "submissions"
ASSIGNMENT_NAMES = ("critical_points", "gradient_descent", "vanishing_gradients")

profiles.use("grading")

# Each test session starts with an empty cache of replayed inputs (autograder.grading.replay),
# shared with the CLI subprocesses it starts: no result depends on a developer's cache.
os.environ["AUTOGRADER_CACHE"] = tempfile.mkdtemp(prefix="autograder-test-cache-")


@dataclass(frozen=True)
class Expectation:
    """What a corpus file's header says it must score."""

    path: Path
    full: bool
    loses: tuple[str, ...]
    may_lose: tuple[str, ...]

    @property
    def assignment(self) -> str:
        return self.path.parent.name


def _names(header: str, key: str) -> tuple[str, ...]:
    """The comma-separated names after ``# <key>`` on a header line."""
    found = re.search(rf"^# {key}(.*)$", header, re.MULTILINE)
    return tuple(n.strip() for n in found.group(1).split(",") if n.strip()) if found else ()


def expectation(path: Path) -> Expectation:
    """Parse ``# expect: full`` / ``# expect: lose f`` / ``# may also lose: g, h``."""
    header = path.read_text().split('"""', 1)[0]
    full = re.search(r"^# expect: full\s*$", header, re.MULTILINE) is not None
    loses = _names(header, "expect: lose ")
    return Expectation(path, full, loses, _names(header, "may also lose:"))


def corpus_files(prefix: str) -> list[Path]:
    return sorted(CORPUS.glob(f"*/{prefix}*.py"))


def stub_files(folder: Path) -> list[Path]:
    paths = []
    for assignment in ASSIGNMENT_NAMES:
        path = folder / assignment / f"{assignment}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stub_source(assignment))
        paths.append(path)
    return paths


def grade_files(paths: list[Path], limits: Limits | None = None) -> list[dict]:
    """The JSON report of each single-file submission, graded in parallel, in order."""
    submissions = [discover(p)[0][0] for p in paths]
    return grade_all(submissions, jobs=os.cpu_count() or 1, limits=limits)


@pytest.fixture(scope="session")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The JSON report of every corpus file, every reference module and every stub, by path."""
    stubs = stub_files(tmp_path_factory.mktemp("stubs"))
    references = [ROOT / "reference" / f"{a}.py" for a in ASSIGNMENT_NAMES]
    paths = corpus_files("") + references + stubs
    return {str(p): r for p, r in zip(paths, grade_files(paths), strict=True)}


def lost(report: dict) -> set[str]:
    """The functions of a report that scored below their maximum."""
    return {
        name.split(".", 1)[1]
        for name, entry in report["functions"].items()
        if entry["score"] < entry["max_score"]
    }
