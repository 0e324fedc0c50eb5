"""The command line: ``python -m autograder grade PATH``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from tqdm import tqdm

from autograder import cluster, exports, profiles, report
from autograder.grading import grade_assignment
from autograder.registry import VISIBILITIES
from autograder.sandbox import ISOLATION_CHOICES, IsolationError, Limits, resolve_isolation
from autograder.submission import Submission, SubmissionError, discover


def _grade_part(
    submission: Submission,
    assignment: str,
    visibilities: tuple[str, ...],
    limits: Limits,
    hidden: list[Path],
) -> dict[str, Any]:
    profiles.use("grading")
    result = grade_assignment(
        submission, assignment, visibilities=visibilities, limits=limits, hidden=hidden
    )
    return report.assignment_json(result)


def _grade_parts_here(
    tasks: list[tuple[Submission, str]],
    visibilities: tuple[str, ...],
    limits: Limits,
    hidden: list[Path],
    jobs: int,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Grade ``tasks`` on this machine; yields (task index, part) as each finishes."""
    if jobs <= 1 or len(tasks) == 1:
        for index, (submission, assignment) in enumerate(tasks):
            yield index, _grade_part(submission, assignment, visibilities, limits, hidden)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_grade_part, s, a, visibilities, limits, hidden): index
            for index, (s, a) in enumerate(tasks)
        }
        for future in as_completed(futures):
            yield futures[future], future.result()


def grade_all(
    submissions: list[Submission],
    *,
    visibilities: tuple[str, ...] = VISIBILITIES,
    limits: Limits | None = None,
    hidden: list[Path] | None = None,
    jobs: int = 1,
    progress: bool = False,
    scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Grade submissions, each assignment of each a separate task, in parallel.

    Parameters
    ----------
    submissions : list of Submission
        What :func:`autograder.submission.discover` found.
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
    scheduler : str, optional
        A Dask scheduler's address (``tcp://HOST:PORT``): grade on that
        cluster (:mod:`autograder.cluster`) instead of here; ``jobs`` is then unused.

    Returns
    -------
    list of dict
        One SPEC.md JSON object per submission, in the given order.
    """
    limits = limits or Limits()
    hidden = hidden or []
    tasks = [(s, a) for s in submissions for a in s.assignments]
    bar = tqdm(total=len(tasks), unit="assignment", disable=not progress, file=sys.stderr)
    parts: list[dict[str, Any]] = [{} for _ in tasks]
    if scheduler:
        finished = cluster.grade_parts(
            tasks, scheduler, visibilities=visibilities, limits=limits, hidden=hidden
        )
    else:
        finished = _grade_parts_here(tasks, visibilities, limits, hidden, jobs)
    for index, part in finished:
        parts[index] = part
        bar.update()
    bar.close()
    reports, start = [], 0
    for submission in submissions:
        count = len(submission.assignments)
        reports.append(report.submission_json(submission, parts[start : start + count]))
        start += count
    return reports


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
    commands.add_parser(
        "benchmark",
        help="measure grading speed (CLI against nbgrader) and the batch-size experiment",
        add_help=False,
    )
    return parser


def _build(check: bool) -> int:
    from autograder import course  # nbformat: slow to import, build only
    from autograder.record import RecordingError

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
        elif path.parent == course.RECORDINGS:
            recordings[verb] += 1
        else:
            print(f"{verb}: {relative}")
    for folder, count in bundles.items():
        print(f"wrote: {folder}/ ({count} files of the self-check's copy of autograder)")
    for verb, count in recordings.items():
        if count:
            where = course.RECORDINGS.relative_to(course.ROOT)
            print(f"{verb}: {where}/ ({count} recordings of checks' inputs)")
    if check and changed:
        print("run `python -m autograder build` to regenerate them", file=sys.stderr)
        return 1
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
    try:
        submissions, is_class = discover(args.path)
    except SubmissionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        level = resolve_isolation(args.isolation)
    except IsolationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ["AUTOGRADER_ISOLATION"] = level  # the workers use the level chosen here
    visibilities = ("public",) if args.public_only else VISIBILITIES
    folder = args.path if args.path.is_dir() else args.path.parent
    print(
        f"grading {len(submissions)} submission(s) from {args.path} "
        f"(isolation: {level}, checks: {'+'.join(visibilities)})",
        file=sys.stderr,
    )
    try:
        reports = grade_all(
            submissions,
            visibilities=visibilities,
            limits=Limits(call_seconds=max(2.0, args.call_timeout)),
            hidden=[folder.resolve()],
            jobs=max(1, args.jobs),
            progress=len(submissions) > 1 or not args.json,
            scheduler=args.scheduler,
        )
    except cluster.ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.csv:
        args.csv.write_text(report.to_csv(reports))
    if args.out:
        written = exports.write_all(reports, args.out)
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(reports if is_class else reports[0], indent=2, ensure_ascii=False))
        return 0
    if not args.no_feedback:
        for one in reports:
            print(report.feedback(one, hidden_ran="hidden" in visibilities))
            print()
    print(report.table(reports))
    if is_class:
        print()
        print(report.most_failed(exports.statistics(reports)))
    return 0
