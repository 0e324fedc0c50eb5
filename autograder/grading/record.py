"""Make the recordings the grader ships: every check run once on the reference.

A recording (:mod:`autograder.grading.replay`) is the list of inputs a passing run of
a check meets; hypothesis generating them was most of a first grading run's
time. ``python -m autograder build`` calls :func:`write`, which grades each
``reference/<assignment>.py`` with every check whose shipped recording is
missing or out of date (hypothesis generates its inputs afresh, in a scratch
cache) and keeps what the passing runs recorded in
:data:`autograder.grading.replay.RECORDINGS`. ``build --check`` calls :func:`differing`,
which only compares file names: each name holds the fingerprint of its
check's code, so a changed check has no file until the build records it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from autograder.contract import ASSIGNMENTS
from autograder.grading import hypothesis_hooks, profiles, replay
from autograder.grading.grade import grade_module
from autograder.grading.registry import VISIBILITIES, Check, checks_for
from autograder.grading.results import PASSED

REFERENCE = Path(__file__).resolve().parent.parent.parent / "reference"


class RecordingError(RuntimeError):
    """The reference failed a check, or a passing check recorded nothing."""


def wanted() -> dict[str, Check]:
    """Every check that takes its inputs from hypothesis, by the name of its recording.

    The names hold the settings in force, so this loads the ``grading`` profile.
    """
    profiles.use("grading")
    return {
        replay.file_name(check): check
        for assignment in ASSIGNMENTS
        for check in checks_for(assignment, VISIBILITIES)
        if hypothesis_hooks.is_given(check.run)
    }


def _missing_and_stale(folder: Path) -> tuple[dict[str, Check], list[Path]]:
    """The checks with no recording in ``folder``, by file name, and the files of no check."""
    names = wanted()
    present = {path.name for path in folder.glob("*.json.gz")} if folder.is_dir() else set()
    missing = {name: names[name] for name in sorted(names) if name not in present}
    return missing, [folder / name for name in sorted(present - names.keys())]


def differing(folder: Path = replay.RECORDINGS) -> list[Path]:
    """Recordings that are missing from ``folder`` or no longer belong to any check."""
    missing, stale = _missing_and_stale(folder)
    return [folder / name for name in missing] + stale


def write(folder: Path = replay.RECORDINGS) -> list[Path]:
    """Record the checks whose shipped recording is missing; remove the others' old files.

    Returns
    -------
    list of pathlib.Path
        The files written or removed.

    Raises
    ------
    RecordingError
        When the reference fails a check, or a check records no input.
    """
    missing, stale = _missing_and_stale(folder)
    written: list[Path] = []
    if missing:
        with tempfile.TemporaryDirectory(prefix="autograder-recording-") as scratch:
            _record({check.assignment for check in missing.values()}, folder, Path(scratch))
            folder.mkdir(parents=True, exist_ok=True)
            for name, check in missing.items():
                if not (Path(scratch) / name).is_file():
                    raise RecordingError(f"{check.run.__module__}.{check.name} recorded no input")
                shutil.copyfile(Path(scratch) / name, folder / name)
                written.append(folder / name)
    for path in stale:
        path.unlink()
    return written + stale


def _record(assignments: set[str], folder: Path, scratch: Path) -> None:
    """Grade the reference of each assignment, replaying what ``folder`` holds.

    The checks without a recording there generate their inputs; what they
    record lands in ``scratch``.
    """
    before, shipped = os.environ.get("AUTOGRADER_CACHE"), replay.SHIPPED
    os.environ["AUTOGRADER_CACHE"] = str(scratch)
    replay.SHIPPED = folder
    replay.forget()  # what this process replayed so far must not stand in for generating
    try:
        for assignment in sorted(assignments):
            result = grade_module(assignment, REFERENCE / f"{assignment}.py")
            failed = [c for f in result.functions for c in f.checks if c.outcome != PASSED]
            if result.problem or failed:
                why = result.problem or "; ".join(
                    f"{c.name}: {c.failure.call} {c.failure.got}" if c.failure else c.name
                    for c in failed[:3]
                )
                raise RecordingError(f"the reference fails checks of {assignment}: {why}")
    finally:
        replay.SHIPPED = shipped
        if before is None:
            os.environ.pop("AUTOGRADER_CACHE", None)
        else:
            os.environ["AUTOGRADER_CACHE"] = before
