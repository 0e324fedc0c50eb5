"""The result model: every check has one outcome, and the counted points are the score."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ASSIGNMENT_NAMES, ROOT

from autograder.grading import results
from autograder.grading.results import FAILED, NOT_RUN, PASSED, CheckResult, Failure


def assert_points_add_up(report: dict) -> None:
    """The invariant of every report: counted points add up, nothing unrun reads as passed."""
    total = 0.0
    for key, entry in report["functions"].items():
        counted = sum(c["points"] for c in entry["checks"] if c["outcome"] == PASSED)
        assert counted == pytest.approx(entry["score"]), key
        total += counted
        for check in entry["checks"]:
            assert check["outcome"] in results.OUTCOMES, check
            if check["outcome"] == NOT_RUN:
                assert check["why"] and check["cause"] in results.CAUSES, check
            assert ("got" in check) == (check["outcome"] == FAILED), check
        failed_titles = [f["check"] for f in entry["failed"]]
        assert failed_titles == [c["check"] for c in entry["checks"] if c["outcome"] == FAILED]
    assert total == pytest.approx(report["score"])
    for assignment in report["assignments"]:
        rebuilt = results.from_json(report, assignment)
        assert rebuilt.score == pytest.approx(report["assignments"][assignment]["score"])
        assert results.to_json(rebuilt)["functions"] == {
            k: v for k, v in report["functions"].items() if k.startswith(f"{assignment}.")
        }


def test_points_add_up_on_every_corpus_report(graded: dict) -> None:
    for path, report in graded.items():
        try:
            assert_points_add_up(report)
        except AssertionError as error:
            raise AssertionError(f"{path}: {error}") from error


def _cli_json(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--json", "--jobs", "2", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


def test_public_only_never_shows_a_hidden_check_as_passed() -> None:
    report = _cli_json(str(ROOT / "assignments" / "submitted" / "bo_mistakes"), "--public-only")
    assert_points_add_up(report)
    hidden = [c for e in report["functions"].values() for c in e["checks"]]
    hidden = [c for c in hidden if c["visibility"] == "hidden"]
    assert hidden, "the grader's hidden checks are listed, as not run"
    assert all(c["outcome"] == NOT_RUN and c["cause"] == results.PUBLIC_ONLY for c in hidden)
    # max_score stays what the public checks are worth, as before the model listed hidden ones
    public = sum(
        c["points"]
        for e in report["functions"].values()
        for c in e["checks"]
        if c["visibility"] == "public"
    )
    assert report["max_score"] == pytest.approx(public)


def test_a_file_that_cannot_run_leaves_every_check_not_run(tmp_path) -> None:
    broken = tmp_path / "critical_points.py"
    broken.write_text("def numerical_gradient(:\n")
    report = _cli_json(str(broken))
    assert_points_add_up(report)
    checks = [c for e in report["functions"].values() for c in e["checks"]]
    assert checks and all(c["outcome"] == NOT_RUN for c in checks)
    assert all(c["cause"] == results.PROBLEM and "could not be run" in c["why"] for c in checks)
    assert report["max_score"] == 40


def test_a_failure_belongs_to_a_failed_check_only() -> None:
    with pytest.raises(ValueError):
        CheckResult("f", "c", "t", 1.0, "public", PASSED, failure=Failure(got="x"))
    with pytest.raises(ValueError):
        CheckResult("f", "c", "t", 1.0, "public", FAILED)
    with pytest.raises(ValueError):
        CheckResult("f", "c", "t", 1.0, "public", NOT_RUN, why="?")
    with pytest.raises(ValueError):
        CheckResult("f", "c", "t", 1.0, "public", "skipped")


@pytest.mark.parametrize("assignment", ASSIGNMENT_NAMES)
def test_every_declared_check_is_in_the_reference_report(assignment: str, graded: dict) -> None:
    from autograder.grading.registry import checks_for

    report = graded[str(ROOT / "reference" / f"{assignment}.py")]
    listed = {
        (key.split(".", 1)[1], c["visibility"], c["name"])
        for key, e in report["functions"].items()
        for c in e["checks"]
    }
    declared = {(c.function, c.visibility, c.name) for c in checks_for(assignment)}
    assert listed == declared
