"""A release installs into a fresh virtual environment from its own requirements.txt alone.

What a student does, on this machine: a new venv (no site packages, not this checkout), ``pip
install -r requirements.txt`` in the release folder, then ``pytest`` there on a finished notebook.
pip reaches PyPI (or this machine's mirror) and keeps its downloads in its own cache
(``pip cache dir``), so after the first run the install costs seconds, not minutes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest
from conftest import ASSIGNMENT_NAMES
from test_notebooks import release_folder as notebook_release_folder

from autograder import course
from autograder.contract import ASSIGNMENTS

pytestmark = pytest.mark.slow


def release_folder(assignment: str, target: Path) -> Path:
    """``release/<assignment>/`` as nbgrader copies it, with the perfect demo's notebook."""
    perfect = course.SUBMITTED / "ada_perfect" / assignment / f"{assignment}.ipynb"
    return notebook_release_folder(assignment, perfect, target)


def student_environment(home: Path) -> dict[str, str]:
    """A clean environment: nothing of this checkout or of the grader's cache leaks in."""
    drop = ("PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV", "AUTOGRADER_CACHE", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["AUTOGRADER_CACHE"] = str(home / "cache")  # empty: a fresh machine
    return env


def test_release_installs_from_its_requirements_and_self_checks(tmp_path: Path) -> None:
    folders = [release_folder(a, tmp_path / "release") for a in ASSIGNMENT_NAMES]
    requirements = {(f / "requirements.txt").read_text() for f in folders}
    assert len(requirements) == 1, "one set of versions for the whole course"
    text = requirements.pop()
    assert re.search(r"^hypothesis==[\d.]+$", text, re.MULTILINE), text
    assert re.search(r"^numpy==[\d.]+$", text, re.MULTILINE), text
    assert re.search(r"^pytest==[\d.]+$", text, re.MULTILINE), text

    environment = tmp_path / "student-venv"
    venv.create(environment, with_pip=True)
    python = environment / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    env = student_environment(tmp_path)
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
        cwd=folders[0],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    found = subprocess.run(
        [python, "-c", "import autograder"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert found.returncode != 0, "the fresh environment must not see the grader's package"

    seconds = {}
    for folder in folders:
        started = time.perf_counter()
        run = subprocess.run(
            [python, "-m", "pytest"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        seconds[folder.name] = round(time.perf_counter() - started, 2)
        functions = len(ASSIGNMENTS[folder.name])
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"{functions} passed" in run.stdout, run.stdout
        points = re.search(r"^self-check: ([\d.]+) / ([\d.]+) points", run.stdout, re.MULTILINE)
        assert points and points.group(1) == points.group(2), run.stdout
    print(f"\nself-check seconds per assignment, fresh venv from requirements.txt: {seconds}")
