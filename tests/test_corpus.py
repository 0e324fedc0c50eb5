"""Correct submissions score full marks; each wrong one loses points where it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ASSIGNMENT_NAMES, ROOT, corpus_files, expectation, lost


@pytest.mark.parametrize(
    "path", corpus_files("correct_"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_correct_submission_scores_full_marks(path: Path, graded: dict) -> None:
    report = graded[str(path)]
    assert expectation(path).full
    assert report["score"] == report["max_score"] > 0, _failures(report)


@pytest.mark.parametrize("path", corpus_files("wrong_"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_wrong_submission_loses_points_only_where_wrong(path: Path, graded: dict) -> None:
    expected = expectation(path)
    assert expected.loses, f"{path.name} has no '# expect: lose' header"
    functions_lost = lost(graded[str(path)])
    assert set(expected.loses) <= functions_lost, (
        f"{path.name} should lose points in {expected.loses}; lost only in {functions_lost}"
    )
    unexpected = functions_lost - set(expected.loses) - set(expected.may_lose)
    assert not unexpected, f"{path.name} also lost points in {unexpected}: " + _failures(
        graded[str(path)], unexpected
    )


@pytest.mark.parametrize("assignment", ASSIGNMENT_NAMES)
def test_reference_scores_full_marks(assignment: str, graded: dict) -> None:
    report = graded[str(ROOT / "reference" / f"{assignment}.py")]
    assert report["score"] == report["max_score"] > 0, _failures(report)


@pytest.mark.parametrize("assignment", ASSIGNMENT_NAMES)
def test_untouched_stub_scores_zero(assignment: str, graded: dict) -> None:
    stub = next(r for p, r in graded.items() if p.endswith(f"{assignment}/{assignment}.py"))
    assert stub["max_score"] > 0
    assert stub["score"] == 0, {k: v["score"] for k, v in stub["functions"].items()}
    for entry in stub["functions"].values():
        assert all("NotImplementedError" in f["got"] for f in entry["failed"]), entry


def _failures(report: dict, only: set[str] | None = None) -> str:
    lines = []
    for name, entry in report["functions"].items():
        if only is not None and name.split(".", 1)[1] not in only:
            continue
        for failure in entry["failed"]:
            lines.append(
                f"{name}: {failure['check']}: {failure['input']} expected "
                f"{failure['expected']} got {failure['got']}"
            )
    return "\n".join(lines)
