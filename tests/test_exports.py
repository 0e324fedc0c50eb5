"""`grade --out DIR`: the files an instructor acts on, from a real CLI run."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import CORPUS, ROOT

GRADESCOPE_SCHEMA = json.loads((ROOT / "tests" / "gradescope_results.schema.json").read_text())
"""Gradescope's documented results.json ("Autograder specifications: output format")."""

WRONG = {
    "gina": ("gradient_descent", "wrong_num_batches_floor.py", "num_batches"),
    "hugo": ("gradient_descent", "wrong_num_batches_floor.py", "num_batches"),
    "ivan": ("vanishing_gradients", "wrong_sigmoid_naive.py", "sigmoid"),
    "jade": ("critical_points", "wrong_classify_zero_eigenvalue.py", "classify_hessian"),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A class of wrong submissions plus the demo students, graded with --out."""
    root = tmp_path_factory.mktemp("class")
    klass = root / "submitted"
    shutil.copytree(ROOT / "assignments" / "submitted", klass)
    for student, (assignment, file, _) in WRONG.items():
        (klass / student).mkdir()
        shutil.copy(CORPUS / assignment / file, klass / student / f"{assignment}.py")
    out = root / "out"
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(klass), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr
    return out, json.loads(run.stdout)


def test_every_student_has_feedback_naming_the_wrong_function(exported) -> None:
    out, reports = exported
    for student, (_, _, function) in WRONG.items():
        markdown = (out / "feedback" / f"{student}.md").read_text()
        assert f"`{function}`" in markdown and "✗" in markdown
        assert "failing input:" in markdown
        page = (out / "feedback" / f"{student}.html").read_text()
        assert page.startswith("<!DOCTYPE html>") and function in page
    assert len(list((out / "feedback").glob("*.md"))) == len(reports)


def test_feedback_never_shows_hidden_check_code(exported) -> None:
    out, _ = exported
    hidden_sources = [p.read_text() for p in (ROOT / "autograder/checks/hidden").glob("*.py")]
    hidden_lines = {
        line.strip()
        for text in hidden_sources
        for line in text.splitlines()
        if len(line.strip()) > 30 and not line.strip().startswith(("#", "@check", '"'))
    }
    for file in (out / "feedback").iterdir():
        text = file.read_text()
        assert not [line for line in hidden_lines if line in text], file


def test_csv_agrees_with_json(exported) -> None:
    out, reports = exported
    rows = {row["submission"]: row for row in csv.DictReader((out / "grades.csv").open())}
    saved = json.loads((out / "grades.json").read_text())
    assert [r["submission"] for r in saved] == [r["submission"] for r in reports]
    for report in saved:
        row = rows[report["submission"]]
        assert float(row["score"]) == report["score"]
        for name, graded in report["assignments"].items():
            assert float(row[name]) == graded["score"]
        for name, entry in report["functions"].items():
            assert float(row[name]) == entry["score"]


def test_gradescope_results_validate_and_match_the_scores(exported) -> None:
    out, reports = exported
    for report in reports:
        name = report["submission"]
        results = json.loads((out / "gradescope" / name / "results.json").read_text())
        jsonschema.validate(results, GRADESCOPE_SCHEMA)
        assert sum(t["score"] for t in results["tests"]) == pytest.approx(report["score"])
        assert results["score"] == report["score"]
        visibilities = {t["visibility"] for t in results["tests"]}
        assert visibilities == {"visible", "after_published"}


def test_summary_ranks_the_checks_failed_most(exported) -> None:
    out, _ = exported
    summary = (out / "summary.md").read_text()
    ranked = summary.split("## The 10 checks failed most")[1].split("\n## ")[0]
    table = [line for line in ranked.splitlines() if line.startswith("| ")]
    counts = [int(line.split("|")[1].split()[0]) for line in table[1:]]
    assert counts == sorted(counts, reverse=True) and 0 < len(counts) <= 10
    # bo_mistakes, gina and hugo fail num_batches' ceil check; the untouched stub is counted apart.
    ceil = "| 3 of 7 | `gradient_descent.num_batches` | returns ceil(n / batch_size) |"
    assert counts[0] == 3 and any(line.startswith(ceil) for line in table[1:])
    assert "- 1 student has not written `gradient_descent.num_batches`" in summary


def test_histogram_of_totals_is_drawn(exported) -> None:
    pytest.importorskip("matplotlib")
    out, _ = exported
    picture = out / "totals.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
