"""The self-check where POSIX's process tools are missing (as on Windows), simulated here.

``tests/portable/sitecustomize.py`` removes ``resource``, ``os.killpg`` and ``select`` on pipes
from the processes started below. The sandbox must then run its portable protocol (answers on
the child's standard output read by a thread, ``Popen.kill``, time limits only) and say so.
What this cannot show (a real Windows interpreter, its process creation and its paths) is listed
in the README.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_release_install import release_folder

SIMULATION = ROOT / "tests" / "portable"


def windows_like(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    return env | {"PYTHONPATH": str(SIMULATION)} | extra


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=windows_like(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_simulation_removes_the_posix_tools(tmp_path: Path) -> None:
    run = run_python(
        "import os, select\n"
        "from autograder.isolation import confinement\n"
        "print(hasattr(os, 'killpg'), confinement.PORTABLE, confinement.isolation_level())\n"
        "try:\n    import resource\nexcept ImportError:\n    print('no resource')\n",
        tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True", "process", "no", "resource"]


def test_portable_sandbox_answers_times_out_and_restarts(tmp_path: Path) -> None:
    student = tmp_path / "student.py"
    student.write_text(
        "import os\n\n\ndef sigmoid(z):\n    print('noise on stdout')\n"
        '    os.write(1, b\'{"id": 99, "forged": true}\\n\')\n    return 0.5\n\n\n'
        "def sigmoid_derivative(z):\n    while True:\n        pass\n"
    )
    run = run_python(
        "from autograder.isolation.sandbox import Limits, LimitExceeded, Sandbox\n"
        f"box = Sandbox({str(student)!r}, 'student', ['sigmoid', 'sigmoid_derivative'],"
        " Limits(call_seconds=2))\n"
        "print(box.start())\n"
        "print(box.call('sigmoid', (0.0,), {}).value)\n"
        "try:\n    box.call('sigmoid_derivative', (0.0,), {})\n"
        "except LimitExceeded as error:\n    print('limit:', error)\n"
        "print(box.call('sigmoid', (1.0,), {}).value)\n"
        "box.close()\n",
        tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "{'sigmoid': True, 'sigmoid_derivative': True}"
    assert lines[1] == "0.5"
    assert lines[2].startswith("limit: time limit: sigmoid_derivative(...) did not finish")
    assert lines[3] == "0.5", "the child is restarted after the time limit"


def test_self_check_runs_and_says_which_level_ran(tmp_path: Path) -> None:
    folder = release_folder("vanishing_gradients", tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest"],
        cwd=folder,
        env=windows_like(AUTOGRADER_CACHE=str(tmp_path / "cache")),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    points = re.search(r"^self-check: ([\d.]+) / ([\d.]+) points", run.stdout, re.MULTILINE)
    assert points and points.group(1) == points.group(2), run.stdout
    assert "Your code ran in a separate process with time limits only" in run.stdout
