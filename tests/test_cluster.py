"""Grading on a real Dask cluster, started here as the README says, equals grading here.

A scheduler and two workers are started with distributed's own commands
(``dask scheduler``, ``dask worker --nthreads 1``), as subprocesses listening on
the loopback interface only, and the real CLI grades on them with
``--scheduler``. Each test compares the cluster's output with the same CLI
grading the same class on this machine: the JSON (apart from timings), the
CSV and every ``--out`` file. Faults are real too: a worker is killed with
SIGKILL while it grades, and a hostile submission kills the worker grading it
(at the process level, where it can), every time it is tried.

Skipped when distributed is not installed (``pip install '.[dask]'``; CI installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from autograder.execution.cluster import LoopbackCluster
from autograder.isolation.confinement import resolve_isolation

distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install '.[dask]'; CI installs it)"
)

DEMO = ROOT / "assignments" / "submitted"
HOSTILE = ROOT / "tests" / "hostile" / "vanishing_gradients"
HONEST = CORPUS / "vanishing_gradients" / "correct_loops.py"
# Attacks on the grader and on the machine (the worker here): the OS sandbox stops the last two.
HOSTILE_STUDENTS = ("exits", "crashes", "forge_protocol", "lies", "kill_parent", "write_outside")
# As the README advises: one task per worker thread at a time (a worker's death costs only
# the task it ran), and a task that kills two workers is given up (a problem entry).
SCHEDULER_ENV = {
    "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    """A scheduler on a free loopback port and two single-threaded workers."""
    running = LoopbackCluster.start(2, tmp_path_factory.mktemp("dask"), SCHEDULER_ENV)
    assert running.address.startswith("tcp://127.0.0.1:")
    try:
        yield running
    finally:
        running.close()


def _grade(path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``python -m autograder grade PATH --json --csv --out`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "autograder", "grade", str(path), "--json"]
    command += ["--csv", str(out / "grades.csv"), "--out", str(out / "out"), *extra]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    return run


def _without_timing(reports: list[dict]) -> list[dict]:
    return [{k: v for k, v in one.items() if k != "timing"} for one in reports]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``; JSON (and JSON-lines) files without their timings."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            if path.suffix == ".json":
                data = json.loads(content)
                data = _without_timing(data) if isinstance(data, list) else data
                if isinstance(data, dict):
                    data.pop("timing", None)
                    data.pop("execution_time", None)
                content = json.dumps(data, sort_keys=True).encode()
            elif path.suffix == ".jsonl":  # one line per student, in the order they finished
                lines = [json.loads(line) for line in content.decode().splitlines()]
                lines = sorted(_without_timing(lines), key=lambda one: one["submission"])
                content = json.dumps(lines, sort_keys=True).encode()
            found[str(path.relative_to(folder))] = content
    return found


def _same_as_here(path: Path, cluster: LoopbackCluster, tmp_path: Path, here: Path) -> list[dict]:
    """Grade ``path`` on the cluster; assert its output equals ``here``'s; the cluster's JSON."""
    there = _grade(path, tmp_path / "cluster", "--scheduler", cluster.address)
    reports = json.loads(there.stdout)
    assert _without_timing(reports) == _without_timing(json.loads((here / "stdout").read_text()))
    assert _files(tmp_path / "cluster") == _files(here / "output")
    assert "timing" in reports[0]
    return reports


def _here(path: Path, out: Path) -> Path:
    """Grade ``path`` on this machine into ``out`` (its JSON kept as ``out/stdout``)."""
    (out / "stdout").write_text(_grade(path, out / "output", "--jobs", "2").stdout)
    return out


@pytest.fixture(scope="module")
def demo_here(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo class graded on this machine."""
    return _here(DEMO, tmp_path_factory.mktemp("demo"))


def _class_of(tmp_path: Path, files: dict[str, Path]) -> Path:
    """A class folder: one student per entry, its file as ``vanishing_gradients.py``."""
    folder = tmp_path / "class"
    for student, file in files.items():
        (folder / student).mkdir(parents=True)
        shutil.copy(file, folder / student / "vanishing_gradients.py")
    return folder


def test_the_demo_class_is_graded_as_here(
    cluster: LoopbackCluster, tmp_path: Path, demo_here: Path
) -> None:
    reports = _same_as_here(DEMO, cluster, tmp_path, demo_here)
    assert [r["submission"] for r in reports] == sorted(p.name for p in DEMO.iterdir())
    assert reports[0]["score"] == reports[0]["max_score"] > 0  # ada_perfect
    assert reports[1]["score"] < reports[1]["max_score"]  # bo_mistakes
    paths = [a["file"] for r in reports for a in r["assignments"].values() if a["file"]]
    assert paths and all(p.startswith(str(DEMO)) for p in paths)  # the paths as given here


@pytest.mark.skipif(
    resolve_isolation() != "bubblewrap", reason="the grader killer needs the OS sandbox"
)
def test_a_hostile_class_is_graded_as_here(cluster: LoopbackCluster, tmp_path: Path) -> None:
    files = {name: HOSTILE / f"{name}.py" for name in HOSTILE_STUDENTS}
    folder = _class_of(tmp_path, files | {"honest": HONEST})
    victim = folder / "honest" / "vanishing_gradients.py"
    run_id = uuid.uuid4().hex
    vandal = folder / "write_outside" / "vanishing_gradients.py"
    placeholders = {"__RUN_ID__": run_id, "__VICTIM__": str(victim), "__REPO__": str(ROOT)}
    text = vandal.read_text()
    for placeholder, value in placeholders.items():
        text = text.replace(placeholder, value)
    vandal.write_text(text)
    honest = victim.read_bytes()
    reports = _same_as_here(folder, cluster, tmp_path, _here(folder, tmp_path / "here"))
    assert victim.read_bytes() == honest
    for place in (Path("/tmp"), Path("/var/tmp"), ROOT / "tests", folder):
        assert not (place / f"pwned_{run_id}").exists(), place
    graded = {r["submission"]: r["assignments"]["vanishing_gradients"] for r in reports}
    assert graded["honest"]["score"] == graded["honest"]["max_score"] > 0
    for name in HOSTILE_STUDENTS:
        assert graded[name]["score"] < graded[name]["max_score"], name


def _problems(report: dict) -> list[str]:
    return [a["problem"] for a in report["assignments"].values() if "problem" in a]


def test_a_student_that_kills_every_worker_gets_a_problem_entry(
    cluster: LoopbackCluster, tmp_path: Path
) -> None:
    # At the process level (asked for here, and sent with each task) the child can signal
    # its host's parent, the worker; the nanny restarts it, the scheduler retries the task once
    # more, then gives it up.
    folder = _class_of(tmp_path, {"killer": HOSTILE / "kill_parent.py", "honest": HONEST})
    command = ["--scheduler", cluster.address, "--isolation", "process"]
    run = _grade(folder, tmp_path / "cluster", *command)
    reports = {r["submission"]: r for r in json.loads(run.stdout)}
    assert list(reports) == ["honest", "killer"]
    graded = {name: r["assignments"]["vanishing_gradients"] for name, r in reports.items()}
    assert "problem" not in graded["honest"]
    assert graded["honest"]["score"] == graded["honest"]["max_score"] > 0
    assert "stopped the cluster's worker each time" in graded["killer"]["problem"]
    assert graded["killer"]["score"] == 0
    cluster.wait_for_workers(2)  # the nannies restarted both


def test_a_worker_killed_mid_run_loses_no_student(
    cluster: LoopbackCluster, tmp_path: Path, demo_here: Path
) -> None:
    expected = {r["submission"]: r for r in json.loads((demo_here / "stdout").read_text())}
    folder = tmp_path / "class"
    for copy in range(2):
        for demo in expected:
            shutil.copytree(DEMO / demo, folder / f"{demo}_{copy}")
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--json"]
    command += ["--scheduler", cluster.address]
    victim = cluster.workers[0]
    with distributed.Client(cluster.address, timeout=60) as client:
        grading = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 300
        busy = False
        while not busy and time.monotonic() < deadline and grading.poll() is None:
            time.sleep(0.2)
            busy = any(
                tasks and info.get("name") == "worker-1"
                for address, tasks in client.processing().items()
                for info in [client.scheduler_info()["workers"].get(address, {})]
            )
        assert busy and grading.poll() is None, "worker-1 never got a task while grading ran"
        os.killpg(victim.pid, signal.SIGKILL)  # the worker, its nanny and its sandbox
        stdout, stderr = grading.communicate(timeout=900)
    assert grading.returncode == 0, stderr
    reports = json.loads(stdout)
    names = [r["submission"] for r in reports]
    assert names == sorted(f"{demo}_{copy}" for demo in expected for copy in range(2))
    for one in reports:
        demo = one["submission"].rsplit("_", 1)[0]
        assert _problems(one) == _problems(expected[demo])
        assert one["functions"] == expected[demo]["functions"]
        assert (one["score"], list(one["assignments"])) == (
            expected[demo]["score"],
            list(expected[demo]["assignments"]),
        )


@pytest.mark.skipif(
    resolve_isolation() != "bubblewrap", reason="the grader itself has no OS sandbox here"
)
def test_a_worker_without_the_sandbox_stops_the_run(tmp_path: Path) -> None:
    # The grader chose bubblewrap; a worker where it does not work must refuse, not grade
    # unconfined: the run stops with the worker's reason and no student is graded.
    unsandboxed = {"AUTOGRADER_BWRAP": str(tmp_path / "no-bwrap-here")}
    running = LoopbackCluster.start(1, tmp_path, unsandboxed)
    try:
        command = [sys.executable, "-m", "autograder", "grade", str(DEMO / "ada_perfect")]
        command += ["--json", "--scheduler", running.address]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    finally:
        running.close()
    assert run.returncode == 2
    assert "a worker cannot grade safely" in run.stderr
    assert "bubblewrap does not work here" in run.stderr
    assert run.stdout == ""
