"""The real command line, run in a subprocess, on real files and folders."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import CORPUS, ROOT


def grade(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=900,
    )


def without_timing(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "timing"}


def test_demo_class_json_is_a_list_with_the_expected_scores(tmp_path: Path) -> None:
    csv_file = tmp_path / "grades.csv"
    run = grade("assignments/submitted", "--json", "--csv", csv_file)
    assert run.returncode == 0, run.stderr
    reports = {r["submission"]: r for r in json.loads(run.stdout)}
    assert set(reports) == {"ada_perfect", "bo_mistakes", "cai_untouched"}
    assert reports["ada_perfect"]["score"] == reports["ada_perfect"]["max_score"] == 190
    assert reports["cai_untouched"]["score"] == 0
    bo = reports["bo_mistakes"]["functions"]
    for name in (
        "critical_points.classify_hessian",
        "gradient_descent.num_batches",
        "vanishing_gradients.sigmoid",
    ):
        assert bo[name]["score"] < bo[name]["max_score"], name
    assert bo["vanishing_gradients.chain_backward"]["score"] == 10
    rows = {row["submission"]: row for row in csv.DictReader(csv_file.open())}
    for name, report in reports.items():
        assert float(rows[name]["score"]) == report["score"]
        for function, entry in report["functions"].items():
            assert float(rows[name][function]) == entry["score"]


def test_single_file_is_graded_alone_and_twice_identically() -> None:
    path = CORPUS / "critical_points" / "wrong_classify_zero_eigenvalue.py"
    first, second = grade(path, "--json"), grade(path, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["submission"] == str(path)
    assert set(report["assignments"]) == {"critical_points"}
    assert report["missing"] == []
    assert all(name.startswith("critical_points.") for name in report["functions"])
    assert without_timing(report) == without_timing(json.loads(second.stdout))


def test_student_folder_lists_missing_assignments(tmp_path: Path) -> None:
    student = tmp_path / "dana"
    student.mkdir()
    shutil.copy(
        CORPUS / "vanishing_gradients" / "correct_loops.py", student / "vanishing_gradients.py"
    )
    run = grade(student, "--json")
    report = json.loads(run.stdout)
    assert report["missing"] == ["critical_points", "gradient_descent"]
    assert report["assignments"]["vanishing_gradients"]["score"] == 40
    assert report["functions"]["critical_points.classify_hessian"]["score"] == 0
    assert len(report["functions"]) == 19


def _notebook_from(py_file: Path, target: Path) -> None:
    cells = [
        nbformat.v4.new_markdown_cell("# My work"),
        nbformat.v4.new_code_cell("%matplotlib inline"),
    ]
    cells.append(nbformat.v4.new_code_cell(py_file.read_text()))
    cells.append(nbformat.v4.new_code_cell("!echo scratch"))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), target)


def test_notebook_wins_over_py_and_the_report_says_so(tmp_path: Path) -> None:
    student = tmp_path / "class" / "eve"
    _notebook_from(
        CORPUS / "vanishing_gradients" / "correct_loops.py",
        student / "vanishing_gradients" / "vanishing_gradients.ipynb",
    )
    shutil.copy(
        CORPUS / "vanishing_gradients" / "wrong_sigmoid_naive.py",
        student / "vanishing_gradients.py",
    )
    run = grade(tmp_path / "class", "--json")
    [report] = json.loads(run.stdout)
    assert report["submission"] == "eve"
    assert report["assignments"]["vanishing_gradients"]["score"] == 40
    assert any("notebook" in note for note in report["notes"])


def test_broken_files_score_zero_with_a_clear_message(tmp_path: Path) -> None:
    student = tmp_path / "fay"
    student.mkdir()
    (student / "critical_points.py").write_text("def numerical_gradient(f, x:\n    pass\n")
    (student / "gradient_descent.ipynb").write_text("{ not json")
    (student / "vanishing_gradients.py").write_text(
        "import numpy as np\nraise RuntimeError('oops')\n"
    )
    run = grade(student, "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["score"] == 0
    problems = {a: v.get("problem", "") for a, v in report["assignments"].items()}
    assert "SyntaxError" in problems["critical_points"] and "line 1" in problems["critical_points"]
    assert "not a readable notebook" in problems["gradient_descent"]
    assert (
        "RuntimeError" in problems["vanishing_gradients"]
        and "line 2" in problems["vanishing_gradients"]
    )
    assert "Traceback" not in run.stdout + run.stderr


def test_not_a_submission_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    run = grade(tmp_path / "notes.txt")
    assert run.returncode == 2
    assert "a submission is a .py file or an .ipynb notebook" in run.stderr
    (tmp_path / "helpers.py").write_text("def unrelated():\n    return 1\n")
    run = grade(tmp_path / "helpers.py")
    assert run.returncode == 2
    assert "cannot tell which assignment" in run.stderr


def test_a_file_with_another_name_is_graded_for_the_functions_it_defines() -> None:
    path = CORPUS / "gradient_descent" / "wrong_num_batches_floor.py"
    report = json.loads(grade(path, "--json").stdout)
    assert set(report["assignments"]) == {"gradient_descent"}
    assert report["functions"]["gradient_descent.num_batches"]["score"] < 10
    assert any("graded as gradient_descent" in note for note in report["notes"])


def test_a_typical_mistake_fails_at_the_worked_case() -> None:
    """Rounding down in num_batches shows the worked case, not a shrunk random input."""
    path = CORPUS / "gradient_descent" / "wrong_num_batches_floor.py"
    report = json.loads(grade(path, "--json").stdout)
    failed = report["functions"]["gradient_descent.num_batches"]["failed"]
    ceil = next(f for f in failed if f["check"] == "returns ceil(n / batch_size)")
    assert (ceil["input"], ceil["expected"], ceil["got"]) == (
        "num_batches(n=5, batch_size=2)",
        "3",
        "2",
    )


def test_human_output_shows_feedback_and_table() -> None:
    run = grade("assignments/submitted/bo_mistakes")
    assert run.returncode == 0, run.stderr
    assert "failing input" in run.stdout
    assert "total" in run.stdout.splitlines()[-3]


def test_the_probe_started_early_gives_the_answer_of_a_probe_started_late() -> None:
    code = (
        "import sys\n"
        "from autograder.isolation import confinement as c\n"
        "if sys.argv[1] == 'early':\n"
        "    c.probe_in_background()\n"
        "print(c.resolve_isolation('auto'), c._probe_bubblewrap.cache_info().misses)\n"
    )
    answers = {
        when: subprocess.run(
            [sys.executable, "-c", code, when],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            timeout=120,
        ).stdout
        for when in ("early", "late")
    }
    assert answers["early"] == answers["late"]
    assert answers["early"].split()[1] == "1", "the probe ran once, whoever asked first"
