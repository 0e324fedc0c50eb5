"""The grader and its sandboxed child share one core; pool workers take different cores."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from autograder.isolation import cores
from autograder.isolation.sandbox import Sandbox

pytestmark = pytest.mark.skipif(
    len(cores.allowed()) < 2, reason="needs affinity calls and at least two allowed cores"
)


def _affinity(pid: int) -> set[int]:
    return os.sched_getaffinity(pid)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        found += [int(c) for c in children]
        todo += [int(c) for c in children]
    return found


def test_the_child_runs_on_the_graders_single_core_while_the_sandbox_is_open(tmp_path):
    student = tmp_path / "m.py"
    student.write_text("def pid():\n    import os\n    return os.getpid()\n")
    before = os.sched_getaffinity(0)
    with Sandbox(student, "m", ["pid"]) as sandbox:
        sandbox.start()
        mine = os.sched_getaffinity(0)
        assert len(mine) == 1
        tree = [sandbox._process.pid, *_descendants(sandbox._process.pid)]
        assert len(tree) >= 1
        assert all(_affinity(pid) == mine for pid in tree)
    assert os.sched_getaffinity(0) == before  # free to move again afterwards


def test_a_thread_already_on_one_core_stays_there():
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        with cores.sharing_one_core():
            assert os.sched_getaffinity(0) == {core}
        assert os.sched_getaffinity(0) == {core}
    finally:
        os.sched_setaffinity(0, before)


def _core_of_worker(_: int) -> frozenset[int]:
    time.sleep(0.3)  # hold this worker so that the other task goes to the other one
    return frozenset(os.sched_getaffinity(0))


def test_pool_workers_take_different_cores():
    allowed = cores.allowed()
    counter = multiprocessing.Value("i", 0)
    with ProcessPoolExecutor(
        max_workers=2, initializer=cores.pin_next_worker, initargs=(counter,)
    ) as pool:
        seen = set(pool.map(_core_of_worker, range(2)))
    assert seen == {frozenset({allowed[0]}), frozenset({allowed[1]})}


def test_grades_are_the_same_with_the_cores_shared_and_free(monkeypatch):
    """The lever changes where processes run, never a grade (the mistakes student: every path)."""
    from autograder.cli import grade_all
    from autograder.course import SUBMITTED
    from autograder.grading.submission import discover

    (submission,) = discover(SUBMITTED / "bo_mistakes").submissions

    def graded() -> dict:
        (report,) = grade_all([submission], jobs=1)
        return {key: value for key, value in report.items() if key != "timing"}

    shared = graded()
    monkeypatch.setattr(cores, "allowed", lambda: [])  # no pinning, BLAS free
    free = graded()
    assert shared == free
    assert shared["score"] < shared["max_score"]  # failing checks were graded too
