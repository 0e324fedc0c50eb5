"""The command line: ``python -m autograder grade PATH``."""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from autograder.execution import cluster
from autograder.grading import profiles
from autograder.grading.grade import grade_assignment, grade_module
from autograder.grading.registry import VISIBILITIES
from autograder.grading.submission import Submission, SubmissionError, discover
from autograder.isolation import cores
from autograder.isolation.confinement import ISOLATION_CHOICES, IsolationError, resolve_isolation
from autograder.isolation.host import Host, end_everything, resource_control
from autograder.isolation.limits import Limits
from autograder.reports import exports, report


def _grade_parts(
    submission: Submission,
    assignments: tuple[str, ...],
    visibilities: tuple[str, ...],
    limits: Limits,
    hidden: list[Path],
) -> list[dict[str, Any]]:
    """Grade assignments of one submission on one host; whatever goes wrong is a problem entry.

    The student's modules run one after another in children forked from one
    confined server (:mod:`autograder.isolation.host`), which serves this
    student only.
    """
    profiles.use("grading")
    parts = []
    with Host(limits, hidden) as host:
        for assignment in assignments:
            try:
                result = grade_assignment(
                    submission,
                    assignment,
                    visibilities=visibilities,
                    limits=limits,
                    hidden=hidden,
                    host=host,
                )
                parts.append(report.assignment_json(result))
            except Exception as error:
                if os.environ.get("AUTOGRADER_DEBUG"):
                    raise
                host.kill()  # the next assignment starts on a fresh host
                problem = f"the grader failed on this submission ({type(error).__name__}: {error})"
                parts.append(problem_part(assignment, problem, visibilities))
    return parts


def problem_part(assignment: str, problem: str, visibilities: tuple[str, ...]) -> dict[str, Any]:
    """An assignment that could not be graded: every check failed with ``problem``."""
    result = grade_module(assignment, None, visibilities=visibilities, problem=problem)
    return report.assignment_json(result)


WORKER_DIED = (
    "the grading process died while grading this submission (did it use too much "
    "memory?); the rest of the class was graded"
)
"""The problem entry of a task that ended its worker process."""

STUDENTS_PER_WORKER = 2
"""From this many students per worker on, a worker grades a whole student on one host."""

Task = tuple[Submission, tuple[str, ...]]
"""A submission and the assignments of it that one worker grades, in order."""
Grader = Callable[[Submission, tuple[str, ...]], list[dict[str, Any]]]


def _in_workers(
    tasks: list[Task], jobs: int, grade: Grader, visibilities: tuple[str, ...]
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Grade ``tasks`` in ``jobs`` worker processes; yield (task index, parts) as each ends.

    At most ``jobs`` tasks run at a time, so when a worker dies (the pool is
    then broken) the suspects are known: each assignment of each is graded
    again alone in a fresh process, and the one that ends its process again
    gets :data:`WORKER_DIED` as its problem. Every other assignment is graded
    as usual.
    """
    waiting = deque(range(len(tasks)))
    suspects: deque[int] = deque()
    while waiting or suspects:
        if suspects:
            index = suspects.popleft()
            submission, assignments = tasks[index]
            yield index, [_alone(grade, submission, a, visibilities) for a in assignments]
            continue
        spread = multiprocessing.Value("i", 0)
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=cores.pin_next_worker, initargs=(spread,)
        ) as pool:
            running: dict[Future[list[dict[str, Any]]], int] = {}
            broken = False
            while (waiting or running) and not broken:
                while waiting and len(running) < jobs:
                    index = waiting.popleft()
                    running[pool.submit(grade, *tasks[index])] = index
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        parts = future.result()
                    except BrokenProcessPool:
                        suspects.append(index)
                        broken = True
                        continue
                    yield index, parts
            suspects.extend(running.values())


def _alone(
    grade: Grader, submission: Submission, assignment: str, visibilities: tuple[str, ...]
) -> dict[str, Any]:
    """One assignment graded in a fresh process of its own; its problem entry if that dies."""
    with ProcessPoolExecutor(max_workers=1) as alone:
        try:
            (part,) = alone.submit(grade, submission, (assignment,)).result()
        except BrokenProcessPool:
            part = problem_part(assignment, WORKER_DIED, visibilities)
    return part


def grade_all(
    submissions: list[Submission],
    *,
    visibilities: tuple[str, ...] = VISIBILITIES,
    limits: Limits | None = None,
    hidden: list[Path] | None = None,
    jobs: int = 1,
    progress: bool = False,
    on_report: Callable[[int, dict[str, Any]], None] | None = None,
    scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Grade submissions in parallel: each student a task, or each assignment when few.

    A worker grades a whole student on one host (:mod:`autograder.isolation.host`)
    when there are at least :data:`STUDENTS_PER_WORKER` students per worker (or
    one worker); with fewer, each assignment is a task of its own so that every
    worker has work. The cluster grades each assignment as a task.

    One submission never stops the others: whatever goes wrong while
    grading it, its worker process dying included, becomes its problem
    entry.

    Parameters
    ----------
    submissions : list of Submission
        What :func:`autograder.grading.submission.discover` found.
    visibilities : tuple of str
        Which checks run.
    limits : Limits, optional
        Sandbox limits.
    hidden : list of pathlib.Path, optional
        Folders the sandboxes must hide.
    jobs : int
        Worker processes (1: grade in this process).
    progress : bool
        Show a progress bar on standard error.
    on_report : callable, optional
        Called with (index, report) as soon as a submission is graded, in the
        order they finish (to write results as they come).
    scheduler : str, optional
        A Dask scheduler's address (``tcp://HOST:PORT``): grade on that
        cluster (:mod:`autograder.execution.cluster`) instead of here; ``jobs`` is then unused.

    Returns
    -------
    list of dict
        One JSON object of the contract per submission, in the given order.
    """
    limits, hidden = limits or Limits(), hidden or []
    grade = partial(_grade_parts, visibilities=visibilities, limits=limits, hidden=hidden)
    # The cluster grades each assignment as a task of its own.
    whole = not scheduler and (jobs <= 1 or len(submissions) >= STUDENTS_PER_WORKER * jobs)
    numbered = [
        (number, (s, group))
        for number, s in enumerate(submissions)
        # Few students: their assignments side by side, on every worker.
        for group in ([tuple(s.assignments)] if whole else [(a,) for a in s.assignments])
        if group
    ]
    owner = [number for number, _ in numbered]
    tasks = [task for _, task in numbered]
    parts: list[dict[str, dict[str, Any]]] = [{} for _ in submissions]
    reports: list[dict[str, Any] | None] = [None] * len(submissions)
    bar = _progress_bar(sum(len(s.assignments) for s in submissions)) if progress else None
    if scheduler:
        pairs = [(s, a) for s, (a,) in tasks]
        finished: Iterable[tuple[int, list[dict[str, Any]]]] = (
            (index, [part])
            for index, part in cluster.grade_parts(
                pairs, scheduler, visibilities=visibilities, limits=limits, hidden=hidden
            )
        )
    elif jobs <= 1 or len(tasks) == 1:
        finished = ((i, grade(*t)) for i, t in enumerate(tasks))
    else:
        finished = _in_workers(tasks, jobs, grade, visibilities)
    for index, task_parts in finished:
        submission, assignments = tasks[index]
        number = owner[index]
        parts[number].update(zip(assignments, task_parts, strict=True))
        if bar is not None:
            bar.update(len(task_parts))
        if len(parts[number]) < len(submission.assignments):
            continue
        mine = [parts[number][a] for a in submission.assignments]
        reports[number] = report.submission_json(submission, mine)
        if on_report is not None:
            on_report(number, reports[number])
    if bar is not None:
        bar.close()
    for number, submission in enumerate(submissions):  # a submission of no assignment
        if reports[number] is None:
            reports[number] = report.submission_json(submission, [])
            if on_report is not None:
                on_report(number, reports[number])
    return [r for r in reports if r is not None]


def _progress_bar(total: int) -> Any:
    """A progress bar of ``total`` assignments on standard error (tqdm, imported only here)."""
    from tqdm import tqdm

    return tqdm(total=total, unit="assignment", file=sys.stderr)


def _stop_on_signals() -> None:
    """On SIGTERM or SIGINT, end every child's process tree and remove the temporary folders.

    The workers inherit the handler: the main process stops them first, each
    ends its own sandboxes, then the main process ends its own and exits with
    128 + the signal's number.
    """
    main_process = os.getpid()

    def stop(number: int, frame: object) -> None:
        for name in (signal.SIGTERM, signal.SIGINT):
            signal.signal(name, signal.SIG_IGN)
        if os.getpid() == main_process:
            workers = multiprocessing.active_children()
            for worker in workers:
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGTERM)
            for worker in workers:
                worker.join(timeout=10)
        end_everything()
        os._exit(128 + number)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Grade deep-learning optimization exercises with property checks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser(
        "grade",
        help="grade a submission file, a student folder or a class folder",
        description="Grade PATH: an <assignment>.py/.ipynb file, a student folder, "
        "or a folder of student folders (nbgrader's submitted/).",
    )
    grade.add_argument("path", type=Path, help="file or folder to grade")
    grade.add_argument(
        "--json", action="store_true", help="print the JSON of docs/contract.md only"
    )
    grade.add_argument("--csv", type=Path, metavar="FILE", help="also write the scores as CSV")
    grade.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)"
    )
    grade.add_argument(
        "--public-only",
        action="store_true",
        help="run the public checks only (what the students' self-check runs)",
    )
    grade.add_argument(
        "--call-timeout",
        type=float,
        default=Limits.call_seconds,
        metavar="SECONDS",
        help=f"time limit per call of a student function (default {Limits.call_seconds:g})",
    )
    grade.add_argument(
        "--budget",
        type=float,
        default=Limits.budget_seconds,
        metavar="SECONDS",
        help="time budget for grading one assignment of one submission; afterwards its "
        f"remaining checks fail as not run (default {Limits.budget_seconds:g})",
    )
    grade.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write feedback per student (Markdown, HTML), grades.csv, grades.json, "
        "Gradescope results.json per student, summary.md and totals.png",
    )
    grade.add_argument(
        "--isolation",
        choices=ISOLATION_CHOICES,
        default=os.environ.get("AUTOGRADER_ISOLATION", "auto"),
        help="how student code is isolated: bubblewrap (an OS sandbox), process (limits "
        "only), or auto (default; also AUTOGRADER_ISOLATION): bubblewrap when it works, "
        "else process, except as root, where grading without bubblewrap is refused",
    )
    grade.add_argument("--no-feedback", action="store_true", help="print the score table only")
    grade.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade on this Dask cluster instead of here (pip install '.[dask]'; see README)",
    )
    build = commands.add_parser(
        "build",
        help="regenerate the course files from reference/ and assignments/text/",
        description="Regenerate nbgrader's source notebooks (assignments/source/), the "
        "students' self-check and the demo submissions (assignments/submitted/) from "
        "reference/ and the teaching texts assignments/text/<assignment>.md.",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="only list committed files that differ; exit 1 if any",
    )
    gradescope = commands.add_parser(
        "gradescope",
        help="write the autograder zip to upload to a Gradescope programming assignment",
        description="Write OUT.zip: setup.sh, run_autograder, the grader's source and its "
        "pinned requirements. Gradescope grades each upload with every check, in the sandbox.",
    )
    gradescope.add_argument("zip", type=Path, metavar="OUT.zip", help="the zip to write")
    commands.add_parser(
        "benchmark",
        help="measure grading speed (CLI against nbgrader) and the batch-size experiment",
        add_help=False,
    )
    return parser


def _build(check: bool) -> int:
    from autograder import course  # nbformat: slow to import, build only
    from autograder.grading.record import RecordingError
    from autograder.grading.replay import RECORDINGS

    try:
        changed = course.build(check=check)
    except (course.BuildError, RecordingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    bundles: dict[Path, int] = {}
    recordings = {"differs": 0, "wrote": 0, "removed": 0}
    for path in changed:
        relative = path.relative_to(course.ROOT)
        verb = "differs" if check else "wrote" if path.exists() else "removed"
        if course.BUNDLE in relative.parts[:-1]:
            folder = Path(*relative.parts[: relative.parts.index(course.BUNDLE) + 1])
            bundles[folder] = bundles.get(folder, 0) + 1
        elif path.parent == RECORDINGS:
            recordings[verb] += 1
        else:
            print(f"{verb}: {relative}")
    for folder, count in bundles.items():
        print(f"wrote: {folder}/ ({count} files of the self-check's copy of autograder)")
    for verb, count in recordings.items():
        if count:
            where = RECORDINGS.relative_to(course.ROOT)
            print(f"{verb}: {where}/ ({count} recordings of checks' inputs)")
    if check and changed:
        print("run `python -m autograder build` to regenerate them", file=sys.stderr)
        return 1
    return 0


def _gradescope_zip(out: Path) -> int:
    from autograder.reports import gradescope

    try:
        names = gradescope.build_zip(out)
    except gradescope.GradescopeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"wrote {out} ({len(names)} files): upload it as the autograder of a Gradescope "
        "programming assignment"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["benchmark"]:
        from autograder import benchmark

        return benchmark.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "build":
        return _build(args.check)
    if args.command == "gradescope":
        return _gradescope_zip(args.zip)
    for stream in (sys.stdout, sys.stderr):  # every output valid UTF-8, whatever the locale
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    try:
        submissions, is_class, stray = discover(args.path)
        level = resolve_isolation(args.isolation)
        names = [s.name for s in submissions]
        export = exports.ClassExport(args.out, names, stray) if args.out else None
    except (SubmissionError, IsolationError, exports.ExportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ["AUTOGRADER_ISOLATION"] = level  # the workers use the level chosen here
    _stop_on_signals()
    for entry in stray:
        print(f"not graded: {entry}", file=sys.stderr)
    visibilities = ("public",) if args.public_only else VISIBILITIES
    folder = args.path if args.path.is_dir() else args.path.parent
    controls = resource_control()
    bounded = f" with {', '.join(controls)}" if controls else ""
    print(
        f"grading {len(submissions)} submission(s) from {args.path} "
        f"(isolation: {level}{bounded}, checks: {'+'.join(visibilities)})",
        file=sys.stderr,
    )
    listing = _JsonList(sys.stdout) if args.json and is_class else None

    def graded(number: int, one: dict[str, Any]) -> None:
        if export is not None:
            export.add(one)
        if listing is not None:
            listing.add(number, one)

    try:
        reports = grade_all(
            submissions,
            visibilities=visibilities,
            limits=Limits(call_seconds=max(2.0, args.call_timeout), budget_seconds=args.budget),
            hidden=[folder.resolve()],
            jobs=max(1, args.jobs),
            progress=len(submissions) > 1 or not args.json,
            on_report=graded,
            scheduler=args.scheduler,
        )
    except cluster.ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.csv:
        args.csv.write_text(report.to_csv(reports), encoding="utf-8")
    if export is not None:
        written = export.finish(reports)
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    if args.json:
        if listing is not None:
            listing.close()
        else:
            print(json.dumps(reports[0], indent=2, ensure_ascii=False))
        return 0
    if not args.no_feedback:
        for one in reports:
            print(report.feedback(one, hidden_ran="hidden" in visibilities))
            print()
    for entry in stray:
        print(f"not graded: {entry}")
    print(report.table(reports))
    if is_class:
        print()
        print(report.most_failed(exports.statistics(reports)))
    return 0


class _JsonList:
    """A class's JSON list on a stream, each student written as soon as all before are.

    The finished output is one JSON list in the class's order; a run that
    stops part-way leaves every student written so far on the stream.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.pending: dict[int, dict[str, Any]] = {}
        self.next = 0

    def add(self, number: int, one: dict[str, Any]) -> None:
        self.pending[number] = one
        while self.next in self.pending:
            text = json.dumps(self.pending.pop(self.next), indent=2, ensure_ascii=False)
            self.stream.write(("[\n" if self.next == 0 else ",\n") + text)
            self.next += 1
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("[\n]\n" if self.next == 0 else "\n]\n")
        self.stream.flush()
