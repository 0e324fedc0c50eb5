"""Grading on a Dask cluster: each (submission, assignment) a task on a worker.

``python -m autograder grade CLASS --scheduler tcp://HOST:PORT`` sends every
graded assignment of every student to an existing ``distributed`` cluster. The
task carries the student's :class:`~autograder.grading.submission.Submission` with
that one file's bytes, read once when the class was found (never a path:
workers need not share a file system with the grader); the worker grades it
exactly as local grading does, in its own sandbox, with the same checks,
recordings and limits. The result comes back as plain data, and the grader
puts back the file's path as the grader saw it, so the reports equal local
grading's.

Faults: Dask reschedules the tasks of a worker that dies on another one (up to
the scheduler's ``distributed.scheduler.allowed-failures`` deaths per task);
a task that still cannot finish (``KilledWorker``) or that raises becomes a
problem entry of that one student's assignment. Each task's result is taken
once, so a rerun task cannot grade a student twice.

Needs the ``dask`` extra: ``pip install '.[dask]'``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.grading import profiles
from autograder.grading.grade import grade_assignment, grade_module
from autograder.grading.submission import Submission
from autograder.isolation.confinement import IsolationError, isolation_level, resolve_isolation
from autograder.isolation.limits import Limits
from autograder.reports import report

RETRIES = 1
"""Extra attempts for a task that raised on its worker (a worker's death is retried by Dask)."""

CONNECT_SECONDS = 30
"""How long to wait for the scheduler before giving up."""

TASKS_PER_THREAD = 4
"""Tasks in flight per worker thread: keeps workers busy without loading every file at once."""


class ClusterError(RuntimeError):
    """The cluster cannot be reached or lost the run (not one student's fault)."""


def ship(submission: Submission, assignment: str) -> Submission:
    """What a task carries: ``submission`` with only ``assignment``'s file (its bytes).

    A :class:`~autograder.grading.submission.Submission` holds the bytes read when it
    was found (or why they could not be read), so it travels as it is.
    """
    file = submission.files.get(assignment)
    return replace(
        submission,
        files={assignment: file} if file is not None else {},
        assignments=[assignment],
    )


def grade_shipped(
    submission: Submission,
    assignment: str,
    visibilities: tuple[str, ...],
    limits: Limits,
    isolation: str,
    hidden: list[Path],
) -> dict[str, Any]:
    """Grade one shipped file on a worker: the task each (submission, assignment) becomes.

    Parameters
    ----------
    submission : Submission
        What :func:`ship` sent: the student's file for this assignment, as bytes.
    assignment : str
        The assignment.
    visibilities : tuple of str
        Which checks run.
    limits : Limits
        Sandbox limits.
    isolation : str
        The isolation level the grader chose; the worker grades at that level or not at all.
    hidden : list of pathlib.Path
        Folders the grader hides (the class folder), hidden here too where they exist
        (a worker sharing a file system with the grader).

    Returns
    -------
    dict
        :func:`autograder.reports.report.assignment_json` of the graded assignment.

    Raises
    ------
    IsolationError
        When this worker cannot isolate student code at ``isolation``.
    """
    os.environ["AUTOGRADER_ISOLATION"] = resolve_isolation(isolation)  # as the CLI does here
    profiles.use("grading")
    result = grade_assignment(
        submission, assignment, visibilities=visibilities, limits=limits, hidden=hidden
    )
    return report.assignment_json(result)


WORKERS_KILLED = (
    "grading stopped the cluster's worker each time it was tried "
    "(your code may have crashed or ended the grader's process)"
)
"""The problem entry of a task the scheduler gave up after it took its workers down."""


def _failed_part(assignment: str, visibilities: tuple[str, ...], problem: str) -> dict:
    """The part of a task the cluster could not finish: every check fails with ``problem``."""
    result = grade_module(assignment, None, visibilities=visibilities, problem=problem)
    return report.assignment_json(result)


def grade_parts(
    tasks: list[tuple[Submission, str]],
    address: str,
    *,
    visibilities: tuple[str, ...],
    limits: Limits,
    hidden: list[Path],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Grade ``tasks`` on the cluster at ``address``, yielding results as they finish.

    The isolation level chosen here (:func:`autograder.isolation.confinement.isolation_level`:
    the CLI's ``--isolation``) travels with each task.

    Parameters
    ----------
    tasks : list of (Submission, str)
        Each (submission, assignment) to grade.
    address : str
        The scheduler, ``tcp://HOST:PORT``.
    visibilities : tuple of str
        Which checks run.
    limits : Limits
        Sandbox limits.
    hidden : list of pathlib.Path
        Folders the sandboxes must hide, as for local grading.

    Yields
    ------
    index : int
        The task's position in ``tasks``; each is yielded exactly once.
    part : dict
        Its :func:`autograder.reports.report.assignment_json`, with the file's path as given.

    Raises
    ------
    ClusterError
        When the scheduler cannot be reached, the run is lost with it, or a
        worker cannot isolate student code at the chosen level.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ClusterError(
            "grading on a cluster needs Dask's distributed: pip install "
            "'dl-optimization-exercises[dask]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    run, isolation = uuid.uuid4().hex[:8], isolation_level()
    with client:
        threads = sum(client.nthreads().values())
        window = max(8, TASKS_PER_THREAD * threads)
        pending = iter(enumerate(tasks))
        indices: dict[Any, int] = {}

        def submit_next() -> Any:
            index, (submission, assignment) = next(pending)
            future = client.submit(
                grade_shipped,
                ship(submission, assignment),
                assignment,
                visibilities,
                limits,
                isolation,
                hidden,
                key=f"grade-{assignment}-{run}-{index}",
                pure=False,
                retries=RETRIES,
            )
            indices[future] = index
            return future

        first = [submit_next() for _ in range(min(window, len(tasks)))]
        flying = as_completed(first, loop=client.loop)
        for future in flying:
            index = indices.pop(future)
            submission, assignment = tasks[index]
            part = _result(future, assignment, visibilities)
            file = submission.files.get(assignment)
            part["file"] = file.path if file is not None else ""
            with contextlib.suppress(StopIteration):
                flying.add(submit_next())
            yield index, part


def _result(future: Any, assignment: str, visibilities: tuple[str, ...]) -> dict[str, Any]:
    """A finished task's part; a task that failed becomes a problem entry, a lost run an error."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError

    try:
        return future.result()
    except FutureCancelledError as error:
        raise ClusterError(f"the cluster lost the run: {error}") from None
    except IsolationError as error:  # the worker's fault, not the student's
        raise ClusterError(f"a worker cannot grade safely: {error}") from None
    except KilledWorker:
        return _failed_part(assignment, visibilities, WORKERS_KILLED)
    except Exception as error:  # the grader failed on the worker, twice: as cli does here
        problem = f"the grader failed on this submission ({type(error).__name__}: {error})"
        return _failed_part(assignment, visibilities, problem)


@dataclass
class LoopbackCluster:
    """A scheduler and workers on this machine, started with distributed's own commands.

    What the README's multi-machine recipe runs, on the loopback interface only:
    ``dask scheduler`` and ``dask worker --nthreads 1`` (each with its nanny, which
    restarts a worker that dies), each in its own session. For the tests and the
    benchmark; start one with :meth:`start`, end it with :meth:`close`.

    Attributes
    ----------
    address : str
        The scheduler's ``tcp://127.0.0.1:PORT``.
    scheduler : subprocess.Popen
        The ``dask scheduler`` process.
    workers : list of subprocess.Popen
        The ``dask worker`` processes, in the order started.
    logs : pathlib.Path
        The folder of each process's log (and the scheduler's address file).
    env : dict
        Extra environment variables of every process.
    """

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]
    logs: Path
    env: dict[str, str]

    @classmethod
    def start(cls, workers: int, logs: Path, env: dict[str, str] | None = None) -> LoopbackCluster:
        """Start a scheduler on a free loopback port and ``workers`` workers; wait for them.

        Raises
        ------
        ClusterError
            When the scheduler or the workers do not come up within a minute.
        """
        file = logs / "scheduler.json"
        command = [_dask(), "scheduler", "--host", "127.0.0.1", "--port", "0"]
        command += ["--no-dashboard", "--scheduler-file", str(file)]
        scheduler = _start(command, logs / "scheduler.log", env or {})
        cluster = cls("", scheduler, [], logs, env or {})
        try:
            deadline = time.monotonic() + 60
            while not file.exists() and time.monotonic() < deadline:
                if scheduler.poll() is not None:
                    break
                time.sleep(0.2)
            if not file.exists():
                log = (logs / "scheduler.log").read_text(errors="replace")
                raise ClusterError(f"dask scheduler did not start:\n{log[-2000:]}")
            cluster.address = json.loads(file.read_text())["address"]
            for number in range(1, workers + 1):
                cluster.start_worker(f"worker-{number}")
            cluster.wait_for_workers(workers)
        except BaseException:
            cluster.close()
            raise
        return cluster

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        """Start one more ``dask worker`` with one thread, named ``name``."""
        command = [_dask(), "worker", self.address, "--nthreads", "1", "--name", name]
        command += ["--host", "127.0.0.1", "--no-dashboard"]
        worker = _start(command, self.logs / f"{name}.log", self.env)
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, seconds: float = 120) -> None:
        """Wait until ``count`` workers are connected to the scheduler."""
        from distributed import Client

        with Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=seconds)

    def close(self) -> None:
        """End every process this cluster started, with the processes each started."""
        for process in [*self.workers, self.scheduler]:
            end(process)


def _dask() -> str:
    """The ``dask`` command of this Python's environment."""
    return str(Path(sys.executable).with_name("dask"))


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, its output in ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=os.environ | env,
        )


def end(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started in its own session, with every process of that session's group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
