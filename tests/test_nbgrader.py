"""nbgrader end to end, with the real tools, in a temporary copy of the course.

``nbgrader generate_assignment`` → ``autograde`` (real kernels) of the demo submissions →
``generate_feedback`` → ``export``; nbgrader's scores per test cell must equal the grader
CLI's scores per function, the feedback must not show hidden tests, and the release must
not leak reference code, solutions or hidden checks.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import ROOT

from autograder import course
from autograder.contract import ASSIGNMENTS

pytest.importorskip(
    "nbgrader", reason="nbgrader is not installed (pip install '.[nbgrader]'; CI installs it)"
)
from nbgrader.api import Gradebook

STUDENTS = course.DEMO_STUDENTS
HIDDEN_MARKS = (
    "grade_function",
    "autograder.in_notebook.nbgrader_cell",
    "BEGIN HIDDEN",
    "END HIDDEN",
)
CONTRACT_LINES = {"rng = np.random.default_rng(seed)"}
"""Reference lines docs/contract.md itself spells out (the random-number contract): not a leak."""


@dataclass
class Course:
    """The temporary course after the whole nbgrader workflow ran."""

    root: Path
    cli: list[dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)

    def release(self, assignment: str) -> Path:
        return self.root / "release" / assignment


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
    assert "[ERROR]" not in run.stderr and "| ERROR]" not in run.stderr, run.stderr
    return run


@pytest.fixture(scope="module")
def nbcourse(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """Copy the course, then run nbgrader's workflow; grade the same class with the CLI."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(course.COURSE / "nbgrader_config.py", root)
    ignore = shutil.ignore_patterns(course.BUNDLE, "__pycache__", ".ipynb_checkpoints")
    shutil.copytree(course.SOURCE, root / "source", ignore=ignore)
    shutil.copytree(course.SUBMITTED, root / "submitted", ignore=ignore)
    course.write_bundles(root)
    # The grader CLI on the same submissions, on one core, while nbgrader uses the other.
    cli = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", root / "submitted", "--json", "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds, logs = {}, {}
    for step, args in [
        ("generate_assignment", ("generate_assignment", "*")),
        ("autograde", ("autograde", "*")),
        ("generate_feedback", ("generate_feedback", "*")),
        ("export", ("export",)),
    ]:
        started = time.perf_counter()
        logs[step] = nbgrader(root, *args).stderr
        seconds[step] = round(time.perf_counter() - started, 1)
    out, err = cli.communicate(timeout=1800)
    assert cli.returncode == 0, err
    print(f"\nnbgrader workflow, seconds per step: {seconds}")
    return Course(root, json.loads(out), seconds, logs)


def test_release_is_what_the_build_says(nbcourse: Course) -> None:
    """nbgrader's release notebook is the committed untouched demo, byte for byte."""
    for assignment in ASSIGNMENTS:
        release = nbcourse.release(assignment)
        notebook = release / f"{assignment}.ipynb"
        # (the copy of the committed file made when the workflow started)
        committed = nbcourse.root / "submitted" / "cai_untouched" / assignment / notebook.name
        assert notebook.read_text() == committed.read_text()
        files = {p.relative_to(release) for p in release.rglob("*") if p.is_file()}
        expected = {Path(n) for n in course.selfcheck_files(assignment)}
        expected |= set(course.bundle_files(assignment)) | {Path(notebook.name)}
        assert files == expected


def _release_texts(folder: Path) -> dict[Path, str]:
    texts: dict[Path, str] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".gz":  # a recording of a public check's inputs
            texts[path] = gzip.decompress(path.read_bytes()).decode()
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = nbformat.reads(text, as_version=4).cells
            text += "\n" + "\n".join(c.source for c in cells)
        texts[path] = text
    return texts


def _long_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) > 30}


def test_release_leaks_no_reference_solution_or_hidden_check(nbcourse: Course) -> None:
    solution_lines: set[str] = set()
    for assignment, functions in ASSIGNMENTS.items():
        source = course.reference_source(assignment)
        for function in functions:
            cut = course.function_source(source, function)
            solution_lines |= _long_lines("\n".join(cut.body)) - _long_lines("\n".join(cut.header))
    solution_lines -= CONTRACT_LINES
    hidden_folder = ROOT / "autograder" / "checks" / "hidden"
    hidden_files = [p for p in hidden_folder.glob("*.py") if p.name != "__init__.py"]
    assert hidden_files
    public_lines = set().union(
        *(
            _long_lines(p.read_text())
            for p in (ROOT / "autograder").rglob("*.py")
            if hidden_folder not in p.parents
        )
    )
    hidden_lines = set().union(*(_long_lines(p.read_text()) for p in hidden_files)) - public_lines
    hidden_bytes = {p.read_bytes() for p in hidden_folder.glob("*.py")}
    # The detectors are not vacuous: they find the solutions in the source notebooks.
    assert hidden_lines
    for assignment in ASSIGNMENTS:
        source = _release_texts(nbcourse.root / "source" / assignment)
        notebook = source[nbcourse.root / "source" / assignment / f"{assignment}.ipynb"]
        assert _long_lines(notebook) & solution_lines
    for assignment in ASSIGNMENTS:
        release = nbcourse.release(assignment)
        names = {p.name for p in release.rglob("*")}
        assert not names & {"gradebook.db", "course", "course.py", "nbgrader_cell.py", "reference"}
        assert not [p for p in release.rglob("hidden")]
        recordings = [p.name for p in release.rglob("*.json.gz")]
        assert recordings
        assert all(n.startswith(f"autograder.checks.public.{assignment}.") for n in recordings)
        for path, text in _release_texts(release).items():
            where = path.relative_to(release)
            for mark in ("BEGIN SOLUTION", "END SOLUTION", *HIDDEN_MARKS):
                assert mark not in text, (where, mark)
            lines = _long_lines(text)
            assert not lines & solution_lines, (where, lines & solution_lines)
            assert not lines & hidden_lines, (where, lines & hidden_lines)
            assert path.read_bytes() not in hidden_bytes, where


def _nbgrader_scores(root: Path) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            scores[student] = {}
            for assignment in ASSIGNMENTS:
                notebook = gradebook.find_submission_notebook(assignment, assignment, student)
                for grade in notebook.grades:
                    function = grade.name.removeprefix("test_")
                    scores[student][f"{assignment}.{function}"] = grade.score
    return scores


def test_nbgrader_scores_equal_the_cli_scores_per_function(nbcourse: Course) -> None:
    nbgrader_scores = _nbgrader_scores(nbcourse.root)
    cli = {report["submission"]: report for report in nbcourse.cli}
    assert set(cli) == set(STUDENTS)
    for student in STUDENTS:
        expected = {k: v["score"] for k, v in cli[student]["functions"].items()}
        assert nbgrader_scores[student] == expected, student
    assert set(nbgrader_scores["ada_perfect"].values()) == {10.0}
    assert set(nbgrader_scores["cai_untouched"].values()) == {0.0}
    bo = nbgrader_scores["bo_mistakes"]
    assert bo["critical_points.classify_hessian"] < 10
    assert bo["gradient_descent.num_batches"] < 10
    assert bo["vanishing_gradients.sigmoid"] < 10
    assert bo["vanishing_gradients.chain_backward"] == 10


def test_autograded_test_cells_have_no_error_and_no_stderr(nbcourse: Course) -> None:
    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            path = nbcourse.root / "autograded" / student / assignment / f"{assignment}.ipynb"
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if not cell.metadata.get("nbgrader", {}).get("grade"):
                    continue
                kinds = [o.output_type for o in cell.outputs]
                assert "error" not in kinds, (student, cell.id)
                assert not [o for o in cell.outputs if o.get("name") == "stderr"]
                assert kinds[-1] == "execute_result", (student, cell.id)


def test_feedback_shows_the_reasons_but_no_hidden_test(nbcourse: Course) -> None:
    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            path = nbcourse.root / "feedback" / student / assignment / f"{assignment}.html"
            html = path.read_text()
            for mark in HIDDEN_MARKS:
                assert mark not in html, (student, assignment, mark)
            if student == "bo_mistakes":
                assert "failing input" in html
            if student == "cai_untouched":
                assert "visible check failed" in html
                assert "not written yet" in html


def test_export_holds_the_same_totals(nbcourse: Course) -> None:
    rows = list(csv.DictReader((nbcourse.root / "grades.csv").open()))
    cli = {r["submission"]: r for r in nbcourse.cli}
    assert {(r["student_id"], r["assignment"]) for r in rows} == {
        (s, a) for s in STUDENTS for a in ASSIGNMENTS
    }
    for row in rows:
        graded = cli[row["student_id"]]["assignments"][row["assignment"]]
        assert float(row["score"]) == graded["score"]
        assert (
            float(row["max_score"])
            == graded["max_score"]
            == 10 * len(ASSIGNMENTS[row["assignment"]])
        )


def test_selfcheck_runs_in_a_copy_of_the_release(nbcourse: Course, tmp_path: Path) -> None:
    """A student's pytest in release/<a>/ imports the folder's own autograder copy."""
    assignment = "vanishing_gradients"
    folder = tmp_path / assignment
    shutil.copytree(nbcourse.release(assignment), folder)
    (folder / "test_where.py").write_text(
        "from pathlib import Path\n\nimport autograder\n\n\n"
        "def test_the_bundled_autograder_is_imported():\n"
        "    here = Path(__file__).resolve().parent\n"
        "    assert Path(autograder.__file__).resolve().is_relative_to(here / 'selfcheck')\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "test_selfcheck.py", "test_where.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "4 failed, 1 passed" in out
    assert "hidden checks also count towards your grade" in out
    assert "full marks" not in out.lower()


def test_untouched_test_cells_raise_no_checksum_warning(nbcourse: Course) -> None:
    """jupyter/nbgrader#1961: the released test cell lacks its hidden tests, which is no change."""
    assert "Attribute 'checksum'" not in nbcourse.logs["autograde"]
    assert "has changed" not in nbcourse.logs["autograde"]


def test_a_changed_test_cell_is_still_reported_and_restored(nbcourse: Course) -> None:
    assignment = "vanishing_gradients"
    untouched = nbcourse.root / "submitted" / "cai_untouched" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(untouched, as_version=4)
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test_cell.source = "pass  # the student deleted the visible checks"
    folder = nbcourse.root / "submitted" / "eve_tampered" / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / untouched.name)
    try:
        log = nbgrader(nbcourse.root, "autograde", assignment, "--student", "eve_tampered").stderr
        graded = nbcourse.root / "autograded" / "eve_tampered" / assignment / untouched.name
        restored = nbformat.read(graded, as_version=4)
        cell = next(c for c in restored.cells if c.metadata.get("nbgrader", {}).get("grade"))
    finally:
        shutil.rmtree(folder.parent)
        shutil.rmtree(nbcourse.root / "autograded" / "eve_tampered", ignore_errors=True)
    assert f"Attribute 'checksum' for cell {test_cell.metadata.nbgrader.grade_id}" in log
    assert "grade_function" in cell.source  # the gradebook's cell, hidden tests included


def test_no_selfcheck_copy_per_student(nbcourse: Course) -> None:
    """The self-check ships in release/; autograded/, feedback/ get only what notebooks import."""
    from autograder.course.nbgrader_setup import notebook_imports

    for assignment in ASSIGNMENTS:
        source = nbcourse.root / "source" / assignment
        imported = {p for p in notebook_imports(source) if (source / p).is_file()}
        assert "selfcheck/autograder/in_notebook/visible.py" in imported and len(imported) <= 4
        for student in STUDENTS:
            for step, suffix in (("autograded", ".ipynb"), ("feedback", ".html")):
                folder = nbcourse.root / step / student / assignment
                files = {
                    p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                }
                assert files == {f"{assignment}{suffix}", *imported}, (step, student)


def test_feedback_names_each_function_and_spaces_its_tables(nbcourse: Course) -> None:
    from html.parser import HTMLParser

    class Contents(HTMLParser):
        """The table of contents' entries, and the page's style sheets."""

        def __init__(self) -> None:
            super().__init__()
            self.depth, self.entries, self.styles, self.in_style = 0, [], [], False

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "div" and ("id", "toc") in attrs:
                self.depth = 1
            elif tag == "div" and self.depth:
                self.depth += 1
            elif tag == "li" and self.depth:
                self.entries.append("")
            self.in_style = tag == "style"

        def handle_endtag(self, tag: str) -> None:
            if tag == "div" and self.depth:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth and self.entries:
                self.entries[-1] += data
            if self.in_style:
                self.styles.append(data)

    path = (
        nbcourse.root / "feedback" / "bo_mistakes" / "gradient_descent" / "gradient_descent.html"
    )
    page = Contents()
    page.feed(path.read_text())
    names = [" ".join(entry.split()) for entry in page.entries]
    assert [n.split(" (Score")[0] for n in names] == [
        f"Tests of {f}" for f in ASSIGNMENTS["gradient_descent"]
    ]
    cli = next(r for r in nbcourse.cli if r["submission"] == "bo_mistakes")
    score = cli["functions"]["gradient_descent.num_batches"]["score"]
    assert score < 10 and f"Tests of num_batches (Score: {score:.1f} / 10.0)" in names
    assert any(".rendered_html td" in style and "padding" in style for style in page.styles)
