"""No points for nothing: code without logic scores (almost) nothing, feedback says why.

``tests/no_logic/<assignment>/`` holds submissions that compute nothing:
constants of the right type and shape, identity updates, echoes of an input,
a classifier that always gives one answer (one file per answer), and the same
with the task statement's input checks copied in. The scoring rule of
docs/contract.md holds back the supporting checks they pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, grade_files

from autograder.grading.grade import counted_checks
from autograder.grading.registry import checks_for
from autograder.grading.results import HELD_BACK, PASSED

NO_LOGIC = sorted((ROOT / "tests" / "no_logic").glob("*/*.py"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.fixture(scope="module")
def no_logic_reports() -> dict[str, dict]:
    return {_id(p): r for p, r in zip(NO_LOGIC, grade_files(NO_LOGIC), strict=True)}


def test_there_is_a_no_logic_submission_per_assignment_and_per_label() -> None:
    assert {p.parent.name for p in NO_LOGIC} == {
        "critical_points",
        "gradient_descent",
        "vanishing_gradients",
    }
    labels = {"local_minimum", "local_maximum", "saddle_point", "inconclusive", "not_critical"}
    assert {f"always_{label}.py" for label in labels} <= {p.name for p in NO_LOGIC}


@pytest.mark.parametrize("path", NO_LOGIC, ids=_id)
def test_no_logic_scores_at_most_five_percent(path: Path, no_logic_reports: dict) -> None:
    report = no_logic_reports[_id(path)]
    assert report["max_score"] > 0
    assert report["score"] <= 0.05 * report["max_score"], report["score"]
    for name, entry in report["functions"].items():
        assert entry["score"] <= 1.0, (name, entry["score"])


def test_held_back_checks_say_why_in_words(no_logic_reports: dict) -> None:
    """The checks a no-logic submission passes are shown, held back, with what releases them."""
    held = [
        (key, c)
        for r in no_logic_reports.values()
        for key, entry in r["functions"].items()
        for c in entry["checks"]
        if c["outcome"] == HELD_BACK
    ]
    assert held, "no-logic code passes supporting checks; they are listed as held back"
    for key, check in held:
        function = key.split(".", 1)[1]
        assert check["why"].startswith(f"these points count once {function} "), check
        assert check["waits_for"] and all(t in check["why"] for t in check["waits_for"])


def test_the_demo_sigmoid_of_one_half_is_held_back(no_logic_reports: dict) -> None:
    report = no_logic_reports["vanishing_gradients/constants.py"]
    sigmoid = report["functions"]["vanishing_gradients.sigmoid"]
    outcomes = {c["name"]: c["outcome"] for c in sigmoid["checks"]}
    assert outcomes["sigmoid_symmetric"] == HELD_BACK
    assert outcomes["sigmoid_stable"] == HELD_BACK
    assert outcomes["sigmoid_worked_values"] == "failed"
    assert PASSED not in outcomes.values()


def test_one_sided_cases_of_two_answers_support_each_other() -> None:
    """A classifier right on two answers has logic: its cases count; one answer alone does not."""
    checks = checks_for("critical_points")
    one_answer = {"positive_definite_is_minimum", "non_symmetric_is_error"}
    assert counted_checks(checks, one_answer) == set()
    two_answers = one_answer | {"negative_definite_is_maximum"}
    assert counted_checks(checks, two_answers) == two_answers
