"""Real implementations from public code, glued to the contract, score what the contract says.

Each file of ``tests/real/<assignment>/`` retypes the logic of a published implementation (d2l.ai,
cs231n, the Coursera deep-learning course, course projects) and adds only the glue the contract's
signatures need. Its header names the source, the functions it covers (the others are not
defined and are not judged here) and what it must score: ``# expect: full`` or
``# expect: lose f, g`` with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, expectation, grade_files, lost

REAL = ROOT / "tests" / "real"
FILES = sorted(REAL.glob("*/*.py"))


def covered(path: Path) -> set[str]:
    """The contract functions a file's ``# covers:`` line names."""
    found = re.search(r"^# covers:(.*)$", path.read_text(), re.MULTILINE)
    return {name.strip() for name in found.group(1).split(",")} if found else set()


@pytest.fixture(scope="module")
def graded() -> dict[str, dict]:
    return {str(path): report for path, report in zip(FILES, grade_files(FILES), strict=True)}


def test_the_corpus_is_large_and_documented() -> None:
    assert len(FILES) >= 12
    for path in FILES:
        header = path.read_text().split('"""', 1)[0]
        assert re.search(r"^# source: github\.com/\S+/\S+, ", header, re.MULTILINE), path.name
        assert re.search(r"^# why: ", header, re.MULTILINE), path.name
        assert covered(path), path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_implementation_scores_what_the_contract_says(path: Path, graded: dict) -> None:
    report = graded[str(path)]
    expected = expectation(path)
    functions = covered(path)
    assert expected.full != bool(expected.loses), f"{path.name}: expect full or lose, not both"
    assert set(expected.loses) <= functions, path.name
    entries = report["functions"]
    judged = {k: v for k, v in entries.items() if k.split(".", 1)[1] in functions}
    assert len(judged) == len(functions), f"{path.name} covers functions it is not graded on"
    functions_lost = lost({"functions": judged})
    assert functions_lost == set(expected.loses), (
        f"{path.name} should lose points in {sorted(expected.loses)}, lost in "
        f"{sorted(functions_lost)}: "
        + "; ".join(
            f"{k}: {f['check']} got {f['got']}" for k, v in judged.items() for f in v["failed"]
        )
    )
    for name in expected.loses:
        assert entries[f"{path.parent.name}.{name}"]["score"] > 0, f"{name} lost every point"
