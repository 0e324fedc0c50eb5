"""Benchmarks: grading speed against nbgrader, and the batch-size experiment.

``python -m autograder benchmark`` prints, for the machine it runs on:

* the time to grade one full submission (all three assignments, hidden
  checks, isolated), median and range over ``--repeats`` runs of the real CLI, each
  with an empty cache as on a fresh machine (the shipped recordings replay),
  and with no recording at all (``AUTOGRADER_CACHE=off``: hypothesis
  generates every input, as after a check changed and before ``build``);
* the time and throughput to grade a class of ``--students`` submissions
  with the CLI and with ``nbgrader autograde`` on the same notebooks, and
  their ratio: once for the demo mix (a perfect student, one with mistakes,
  untouched stubs) and once for a class of complete, correct notebooks (the
  worst case at a deadline);
* the time and throughput to grade the same class on a Dask cluster of 1
  and of 2 single-threaded workers on this machine (``dask scheduler`` and
  ``dask worker`` on the loopback interface, as the README's recipe starts
  them on several machines), each worker with an empty cache;
* the time of a student's self-check (``pytest`` in a release folder) per
  assignment;
* the peak memory (largest resident set of any process) of each;
* the course note's experiment: time and updates per epoch against the
  batch size for the reference's ``run_epoch`` (optionally plotted).

Every figure is measured by running the real command in a subprocess; no
test asserts on any of them. The packages the figures need are checked before
anything runs (exit status 2 names the missing ones); a figure that cannot be
measured is printed as such, the others still are, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import course
from autograder.contract import ASSIGNMENTS
from autograder.execution import cluster
from autograder.in_notebook import epoch_timing

_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
run = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "status": run.returncode,
                  "stderr": run.stderr[-2000:]}))
"""


@dataclass
class Measure:
    """Wall-clock seconds (median, fastest, slowest) and peak memory of a repeated command."""

    seconds: float
    peak_mib: float
    runs: int
    fastest: float
    slowest: float


def measure(command: list[str], cwd: Path, repeats: int = 1, cache: str | None = None) -> Measure:
    """Run ``command`` ``repeats`` times in a fresh process; median time, peak memory.

    Parameters
    ----------
    command : list of str
        The command.
    cwd : pathlib.Path
        Where it runs.
    repeats : int
        How many runs the median is taken over.
    cache : str, optional
        ``AUTOGRADER_CACHE`` for every run (:mod:`autograder.grading.replay`): a
        folder, or ``"off"`` (no recording at all: hypothesis generates every
        input). By default each run starts with an empty cache folder, as on
        a fresh machine: only the recordings the grader ships are replayed.

    Raises
    ------
    RuntimeError
        When the command fails.
    """
    times, peaks = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="autograder-bench-cache-") as empty:
            env = _scripts_on_path() | {"AUTOGRADER_CACHE": cache or empty}
            out = subprocess.run(
                [sys.executable, "-c", _MEASURE, str(cwd), *command],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
        result = json.loads(out.stdout)
        if result["status"] != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result['stderr']}")
        times.append(result["seconds"])
        peaks.append(result["peak_mib"])
    return Measure(statistics.median(times), max(peaks), repeats, min(times), max(times))


PERFECT = "ada_perfect"
"""The demo student whose notebooks are complete and correct."""
MIX = "demo mix"
CLASSES = {MIX: False, "complete": True}
"""The classes graded: the demo students in turn, and every student complete and correct."""


def make_class(folder: Path, students: int, complete: bool = False) -> Path:
    """A ``submitted/`` folder of ``students`` students.

    They cycle through the demo students, or are all the perfect one when
    ``complete``.
    """
    submitted = folder / "submitted"
    for i in range(students):
        demo = PERFECT if complete else course.DEMO_STUDENTS[i % len(course.DEMO_STUDENTS)]
        shutil.copytree(course.SUBMITTED / demo, submitted / f"student_{i:03d}_{demo}")
    return submitted


def nbgrader_course(folder: Path, students: int, complete: bool = False) -> Path:
    """A temporary nbgrader course with released assignments and ``students`` submissions."""
    root = folder / "course"
    root.mkdir(parents=True)
    shutil.copy(course.COURSE / "nbgrader_config.py", root)
    ignore = shutil.ignore_patterns(course.BUNDLE, "__pycache__", ".ipynb_checkpoints")
    shutil.copytree(course.SOURCE, root / "source", ignore=ignore)
    course.write_bundles(root)
    make_class(root, students, complete)
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "*"],
        cwd=root,
        capture_output=True,
        check=True,
        env=_scripts_on_path(),
    )
    return root


def _scripts_on_path() -> dict[str, str]:
    """The environment with this Python's scripts folder first on ``PATH``.

    nbgrader runs ``alembic`` by name: without this, a benchmark started with a
    virtual environment's ``python`` by its path, not activated, measures no
    nbgrader figure.
    """
    scripts = str(Path(sys.executable).parent)
    return os.environ | {"PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}


def _line(label: str, m: Measure, extra: str = "") -> str:
    runs = f"median of {m.runs}, {m.fastest:.2f}–{m.slowest:.2f} s" if m.runs > 1 else "1 run"
    return f"  {label:<44} {m.seconds:8.2f} s   peak {m.peak_mib:6.0f} MiB{extra}   ({runs})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m autograder benchmark")
    parser.add_argument("--students", type=int, default=50, help="class size (default 50)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="leave nbgrader out")
    parser.add_argument(
        "--skip-cluster", action="store_true", help="leave the Dask cluster figures out"
    )
    parser.add_argument("--epoch-n", type=int, default=100_000, help="rows for the epoch test")
    parser.add_argument("--epoch-d", type=int, default=50, help="columns for the epoch test")
    parser.add_argument("--plot", type=Path, help="save the epoch-time plot to this PNG file")
    args = parser.parse_args(argv)
    missing = _missing_packages(args)
    if missing:
        print(
            f"the benchmark needs {', '.join(missing)}: pip install '.[nbgrader,dask]'"
            " (or leave those figures out with --skip-nbgrader, --skip-cluster, without --plot)",
            file=sys.stderr,
        )
        return 2
    grade = [sys.executable, "-m", "autograder", "grade"]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="autograder-bench-") as scratch:
        scratch = Path(scratch)
        perfect = [*grade, str(course.SUBMITTED / PERFECT), "--json"]
        classes = {
            kind: [
                *grade,
                str(make_class(scratch / f"cli-{kind}", args.students, complete)),
                "--json",
            ]
            for kind, complete in CLASSES.items()
        }
        print("grading (the real CLI, hidden checks, isolated):")
        one = measure(perfect, course.ROOT, args.repeats)
        print(_line("one full submission", one))
        off = measure(perfect, course.ROOT, args.repeats, "off")
        print(_line("one full submission, no recordings", off))
        cli = {}
        for kind, command in classes.items():
            cli[kind] = measure(command, course.ROOT, args.repeats)
            rate = f"   {args.students / cli[kind].seconds:.2f} submissions/s"
            print(_line(f"class of {args.students}, {kind}", cli[kind], rate))
        off = measure(classes[MIX], course.ROOT, 1, "off")
        rate = f"   {args.students / off.seconds:.2f} submissions/s"
        print(_line(f"class of {args.students}, {MIX}, no recordings", off, rate))
        for workers in () if args.skip_cluster else (1, 2):
            logs = scratch / f"dask-{workers}"
            print(_cluster_line(classes[MIX], args.students, workers, logs))
        measured = args.skip_nbgrader or _nbgrader_figures(scratch, args, cli)
        print(
            "batch size against epoch time (reference run_epoch, "
            f"n={args.epoch_n}, d={args.epoch_d}):"
        )
        from reference.gradient_descent import run_epoch

        sizes = (1, 8, 32, 128, 1024, args.epoch_n)
        timings = epoch_timing.time_epochs(run_epoch, sizes, n=args.epoch_n, d=args.epoch_d)
        print(epoch_timing.table(timings))
        work = epoch_timing.batch_work(32, args.epoch_n, args.epoch_d)
        per_update = next(t for t in timings if t.batch_size == 32).microseconds_per_update
        print(
            f"  batch size 32: the reference {per_update:.1f} µs per update; a bare inline "
            f"epoch (shuffle, gather,\n  gradient, step; no call or check) "
            f"{work.bare_epoch:.1f} µs; the gradient arithmetic alone {work.gradient:.1f} µs"
        )
        if args.plot:
            import matplotlib

            matplotlib.use("Agg")
            axes = epoch_timing.plot(timings)
            axes.figure.tight_layout()
            axes.figure.savefig(args.plot, dpi=100)
            print(f"plot saved to {args.plot}")
    return 0 if measured else 1


def _missing_packages(args: argparse.Namespace) -> list[str]:
    """The packages the asked-for figures need that are not installed."""
    needed = [] if args.skip_nbgrader else ["nbgrader", "pytest"]
    needed += ["matplotlib"] if args.plot else []
    needed += [] if args.skip_cluster else ["distributed"]
    return [name for name in needed if importlib.util.find_spec(name) is None]


def _cluster_line(klass: list[str], students: int, workers: int, logs: Path) -> str:
    """The class graded with ``--scheduler`` on a loopback cluster of ``workers`` workers."""
    logs.mkdir()
    env = {"AUTOGRADER_CACHE": str(logs / "cache")}  # the workers grade; each starts empty
    running = cluster.LoopbackCluster.start(workers, logs, env)
    try:
        measured = measure([*klass, "--scheduler", running.address], course.ROOT)
    finally:
        running.close()
    rate = f"   {students / measured.seconds:.2f} submissions/s"
    label = f"class of {students}, Dask cluster of {workers} worker{'s' * (workers > 1)}"
    return _line(label, measured, rate)


def _nbgrader_figures(scratch: Path, args: argparse.Namespace, cli: dict[str, Measure]) -> bool:
    """Print nbgrader's figures and the self-check's; False if any could not be measured."""
    autograde = [sys.executable, "-m", "nbgrader", "autograde", "*", "--force"]
    root = None
    for kind, complete in CLASSES.items():
        try:
            course_root = nbgrader_course(scratch / f"nb-{kind}", args.students, complete)
        except subprocess.CalledProcessError as error:
            why = _last_line(error.stderr)
            print(f"  nbgrader: not measured (generate_assignment failed: {why})")
            return False
        root = root or course_root
        try:
            nb = measure(autograde, course_root, 1)  # its hidden cells grade with this grader
        except RuntimeError as error:
            print(f"  nbgrader autograde: not measured ({_last_line(str(error))})")
            return False
        rate = f"   {args.students / nb.seconds:.2f} submissions/s"
        print(_line(f"nbgrader autograde, class of {args.students}, {kind}", nb, rate))
        ratio = nb.seconds / cli[kind].seconds
        print(f"  {f'throughput ratio CLI / nbgrader, {kind}':<44} {ratio:8.1f} x")
    print("self-check (pytest in a release folder, a perfect notebook, a fresh machine):")
    selfcheck = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    measured = True
    for assignment in ASSIGNMENTS:
        release = scratch / "selfcheck" / assignment
        shutil.copytree(root / "release" / assignment, release)
        perfect = course.SUBMITTED / PERFECT / assignment / f"{assignment}.ipynb"
        shutil.copy(perfect, release / f"{assignment}.ipynb")
        try:
            print(_line(assignment, measure(selfcheck, release, args.repeats)))
        except RuntimeError as error:
            print(f"  {assignment}: not measured ({_last_line(str(error))})")
            measured = False
    return measured


def _last_line(text: str | bytes | None) -> str:
    """The last non-empty line of a command's error output."""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no error output"


if __name__ == "__main__":
    sys.exit(main())
