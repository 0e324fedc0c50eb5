"""The Gradescope autograder zip, run as Gradescope runs it, in a simulated /autograder tree.

``python -m autograder gradescope OUT.zip`` → unpack into ``<tmp>/autograder/source/`` →
the zip's own ``setup.sh`` (with ``AUTOGRADER_PYTHON`` set: no apt-get; everything else
as on Gradescope: a fresh virtual environment, the zip's requirements and package) →
``run_autograder`` on a student's uploaded notebooks → ``results/results.json`` valid for
Gradescope's documented format, with the CLI's score.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from autograder.contract import ASSIGNMENTS
from autograder.grading.registry import checks_for

SCHEMA = json.loads((ROOT / "tests" / "gradescope_results.schema.json").read_text())
STUDENT = ROOT / "assignments" / "submitted" / "bo_mistakes"


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=1200, check=False
    )


@pytest.fixture(scope="module")
def autograder_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``<tmp>/autograder`` after the zip was built, unpacked and its setup.sh ran."""
    tmp = tmp_path_factory.mktemp("gradescope")
    archive = tmp / "autograder.zip"
    build = _run(
        [sys.executable, "-m", "autograder", "gradescope", str(archive)], {**os.environ}, ROOT
    )
    assert build.returncode == 0, build.stderr
    root = tmp / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        zipped.extractall(root / "source")
        for info in zipped.infolist():  # zipfile drops the permission bits
            (root / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    assert "package/pyproject.toml" in names and "package/reference/critical_points.py" in names
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "AUTOGRADER_ROOT": str(root),
        "AUTOGRADER_PYTHON": sys._base_executable,
        "AUTOGRADER_CACHE": os.environ["AUTOGRADER_CACHE"],
    }
    setup = _run(["bash", str(root / "source" / "setup.sh")], env, root / "source")
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "autograder installed" in setup.stdout
    # The grader runs from the fresh environment, not from this checkout.
    where = _run(
        [str(root / "venv/bin/python"), "-c", "import autograder; print(autograder.__file__)"],
        env,
        tmp,
    )
    assert Path(where.stdout.strip()).is_relative_to(root / "venv"), where.stdout
    return root, env


def _gradescope(root: Path, env: dict[str, str], files: list[Path]) -> dict:
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    submission.mkdir()
    for file in files:
        shutil.copy(file, submission / file.name)
    run = _run([str(root / "run_autograder")], env, root)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    return results


def _cli(path: Path) -> dict:
    run = _run(
        [sys.executable, "-m", "autograder", "grade", str(path), "--json"], {**os.environ}, ROOT
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_three_notebooks_graded_as_the_cli_grades_them(autograder_root, tmp_path) -> None:
    root, env = autograder_root
    notebooks = [STUDENT / a / f"{a}.ipynb" for a in ASSIGNMENTS]
    results = _gradescope(root, env, notebooks)
    folder = tmp_path / "bo"
    folder.mkdir()
    for notebook in notebooks:
        shutil.copy(notebook, folder)
    cli = _cli(folder)
    assert results["score"] == cli["score"] < cli["max_score"]
    tests = results["tests"]
    # One test per check, with its points; the points of passed tests are the score.
    checks = [c for a in ASSIGNMENTS for c in checks_for(a)]
    assert len(tests) == len(checks)
    assert sum(t["max_score"] for t in tests) == cli["max_score"]
    assert sum(t["score"] for t in tests) == pytest.approx(results["score"])
    for test in tests:
        assert test["score"] in (0, test["max_score"])
        assert test["status"] == ("passed" if test["score"] else "failed")
        assert test["output_format"] == "md"
    hidden = {
        f"{c.assignment}.{c.function}: {c.title}" for c in checks if c.visibility == "hidden"
    }
    for test in tests:
        expected = "after_published" if test["name"] in hidden else "visible"
        assert test["visibility"] == expected, test["name"]
    # Each check the CLI reports failed is failed here, with its failing input.
    failed = {(k, f["check"]) for k, v in cli["functions"].items() for f in v["failed"]}
    assert (
        failed
        and {
            (t["name"].split(": ", 1)[0], t["name"].split(": ", 1)[1])
            for t in tests
            if t["status"] == "failed"
        }
        == failed
    )
    num_batches = next(t for t in tests if t["status"] == "failed" and "num_batches" in t["name"])
    assert "num_batches(n=5, batch_size=2)" in num_batches["output"]


def test_one_uploaded_notebook_grades_that_assignment_only(autograder_root) -> None:
    root, env = autograder_root
    notebook = STUDENT / "vanishing_gradients" / "vanishing_gradients.ipynb"
    results = _gradescope(root, env, [notebook])
    assert {t["tags"][0] for t in results["tests"]} == {"vanishing_gradients"}
    assert results["score"] == _cli(notebook)["score"]


def test_an_upload_without_an_assignment_file_says_what_to_upload(
    autograder_root, tmp_path
) -> None:
    root, env = autograder_root
    stray = tmp_path / "notes.txt"
    stray.write_text("my answers are in my head")
    results = _gradescope(root, env, [stray])
    assert results["score"] == 0 and results["tests"] == []
    assert "critical_points.ipynb" in results["output"] and "notes.txt" in results["output"]
