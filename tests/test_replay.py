"""Replayed inputs give the same grades as hypothesis; their file format runs no code."""

from __future__ import annotations

import gzip
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import CORPUS, ROOT

from autograder.grading import replay
from autograder.grading.registry import Check, checks_for
from autograder.strategies.described import Gradient, Seed
from autograder.strategies.gradient_descent import Problem
from autograder.strategies.polynomials import Polynomial
from autograder.strategies.vanishing_gradients import Chain

CLASS = {
    "right": CORPUS / "vanishing_gradients" / "correct_loops.py",
    "wrong_vanishing": CORPUS / "vanishing_gradients" / "wrong_sigmoid_naive.py",
    "wrong_descent": CORPUS / "gradient_descent" / "wrong_num_batches_floor.py",
}


def _grade_json(path: Path, cache: str, *options: str) -> Any:
    """The CLI's JSON for ``path``, graded with ``AUTOGRADER_CACHE=cache``."""
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(path), "--json", *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"AUTOGRADER_CACHE": cache},
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _grade_class(folder: Path, cache: str) -> list[dict]:
    reports = _grade_json(folder, cache, "--jobs", "2")
    for report in reports:
        report.pop("timing", None)
    return reports


def test_replayed_grades_equal_hypothesis_grades(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    for student, path in CLASS.items():
        assignment = path.parent.name
        (folder / student).mkdir(parents=True)
        shutil.copy(path, folder / student / f"{assignment}.py")
    without = _grade_class(folder, "off")  # hypothesis generates every input
    cache = tmp_path / "cache"
    cache.mkdir()
    replaying = _grade_class(folder, str(cache))  # a fresh machine: the shipped recordings
    assert not list(cache.iterdir()), "a passing check generated instead of replaying"
    for path in replay.RECORDINGS.glob("*.json.gz"):  # a damaged cache is ignored, never trusted
        (cache / path.name).write_bytes(b"not a recording")
    damaged = _grade_class(folder, str(cache))
    assert without == replaying == damaged
    lost = {
        report["submission"]: [
            name
            for name, part in report["assignments"].items()
            if part["score"] < part["max_score"] and name not in report["missing"]
        ]
        for report in without
    }
    assert lost == {
        "right": [],
        "wrong_vanishing": ["vanishing_gradients"],
        "wrong_descent": ["gradient_descent"],
    }


def test_recordings_round_trip_exactly() -> None:
    values = [
        {
            "problem": Problem(
                np.arange(6.0).reshape(3, 2),
                np.array([-0.0, 1.5, 2.0]),
                np.zeros(2),
                2,
                0.1,
                3,
                2**40,
                1.0,
            ),
            "f": Polynomial.taylor((1.0, -2.0), 3.0, (0.5, 0.0), np.eye(2), label="bowl"),
            "chain": Chain(0.5, np.array([1.0, -2.0]), np.array([0.0, 0.25]), "tanh"),
            "described": (Seed(7), Gradient("pull", record=True)),
            "plain": [None, True, 3, -0.0, math.inf, "text", np.array([1, 2], dtype=np.int64)],
        }
    ]
    back = replay.loads(replay.dumps(values))
    assert repr(back) == repr(values)
    assert math.copysign(1.0, back[0]["plain"][3]) == -1.0
    assert back[0]["plain"][6].dtype == np.int64
    assert back[0]["problem"].X.flags.writeable


@pytest.mark.parametrize(
    "forged",
    [
        {"object": ["os", "system", {"command": "true"}]},
        {"object": ["subprocess", "Popen", {"args": ["true"]}]},
        {"object": ["autograder.grading.replay", "Unrecordable", {}]},
        {"object": ["autograder.strategies.gradient_descent", "np.ndarray", {}]},
        {"array": ["|O", [1], "AA=="]},
        {"__ndarray__": {"dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="}},
        {"pickle": "gASVAAAAAAAAAAA="},
        {"__tuple__": 5},
    ],
)
def test_a_forged_recording_builds_nothing(forged: object) -> None:
    with pytest.raises(replay.Unrecordable):
        replay.loads(json.dumps(forged).encode())


def test_unwritable_values_are_not_recorded() -> None:
    with pytest.raises(replay.Unrecordable):
        replay.dumps([object()])
    with pytest.raises(replay.Unrecordable):
        replay.dumps(np.array([object()]))


@pytest.mark.parametrize(
    "forged",
    [[1, 2], [{"student": None}], [{"student": 3, "inputs": {}}], {"inputs": {}}],
)
def test_a_recording_of_the_wrong_shape_is_ignored(
    forged: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path))
    monkeypatch.setattr(replay, "SHIPPED", None)
    check = checks_for("vanishing_gradients", ("public",))[0]
    (tmp_path / replay.file_name(check)).write_bytes(gzip.compress(replay.dumps(forged)))
    assert replay.recorded(check) is None


def _check(assignment: str, name: str) -> Check:
    return next(c for c in checks_for(assignment, ("public",)) if c.name == name)


def test_a_damaged_cache_falls_back_to_the_shipped_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path))
    replay.forget()
    check = _check("gradient_descent", "num_batches_ceil")
    (tmp_path / replay.file_name(check)).write_bytes(b"not a recording")
    shipped = replay.RECORDINGS / replay.file_name(check)
    assert replay.recorded(check) == replay.loads(gzip.decompress(shipped.read_bytes()))
    monkeypatch.setenv("AUTOGRADER_CACHE", "off")
    replay.forget()
    assert replay.recorded(check) is None  # off: no recording at all, shipped or not


def _failed_inputs(source: Path, cache: str) -> dict[str, str]:
    report = _grade_json(source, cache, "--public-only")
    failed = report["functions"]["gradient_descent.num_batches"]["failed"]
    return {f["check"]: f["input"] for f in failed}


def test_a_failing_input_hypothesis_does_not_meet_again_is_still_reported(
    tmp_path: Path,
) -> None:
    """A recording made by other library versions may hold inputs hypothesis no longer draws."""
    source = tmp_path / "gradient_descent.py"
    source.write_text(
        "def num_batches(n, batch_size, drop_last=False):\n"
        "    if (n, batch_size) == (150, 7):\n"
        "        return 0\n"
        "    return n // batch_size if drop_last else -(-n // batch_size)\n"
    )
    check = _check("gradient_descent", "num_batches_ceil")
    title = check.title
    assert title not in _failed_inputs(source, "off")  # hypothesis alone never meets (150, 7)
    cache = tmp_path / "cache"
    cache.mkdir()
    replay.forget()
    forged = [*replay.recorded(check), {"student": None, "inputs": {"case": (150, 7)}}]
    (cache / replay.file_name(check)).write_bytes(gzip.compress(replay.dumps(forged)))
    assert _failed_inputs(source, str(cache))[title] == "num_batches(n=150, batch_size=7)"
