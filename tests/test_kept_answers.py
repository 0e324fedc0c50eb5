"""A call an earlier check made is answered from that check's answer, never within one check.

Real sandboxes (process level: what is kept lives in the grader, above the
isolation level). Checks of one function share their inputs, so about a third
of a perfect submission's calls repeat an earlier check's; a function of its
inputs answers them the same way (the child reseeds the global generators from
each call), and code that depends on what it was called with before still shows
it, because a check that repeats a call gets it made.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, corpus_files, grade_files
from test_cli import without_timing

from autograder.grading import remembered
from autograder.isolation.limits import LimitExceeded, Limits
from autograder.isolation.sandbox import KEPT_ANSWER_BYTES, Sandbox

COUNTING = (
    "import time\n\n"
    "made = 0\n\n\n"
    "def twice(x):\n"
    "    global made\n"
    "    made += 1\n"
    "    return x * 2\n\n\n"
    "def so_far():\n"
    "    return made\n\n\n"
    "def nap(seconds):\n"
    "    time.sleep(seconds)\n"
    "    return seconds\n\n\n"
    "def big(n):\n"
    "    global made\n"
    "    made += 1\n"
    "    return '#' * n\n"
)
"""A module that counts the calls of ``twice`` and ``big`` it was really asked."""


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "process")
    source = tmp_path / "counting.py"
    source.write_text(COUNTING)
    functions = ["twice", "so_far", "nap", "big"]
    with Sandbox(source, "counting", functions, Limits(call_seconds=1.0)) as sandbox:
        yield sandbox


def _made(box: Sandbox) -> int:
    box.next_check()  # ``so_far`` never repeats within a check here
    return box.call("so_far", (), {}).value


def test_a_later_check_gets_the_earlier_answer_without_a_call(box: Sandbox) -> None:
    box.next_check()
    assert box.call("twice", (3,), {}).value == 6
    box.next_check()
    assert box.call("twice", (3,), {}).value == 6
    assert box.call("twice", (4,), {}).value == 8  # another input is another call
    assert _made(box) == 2


def test_a_call_repeated_within_one_check_is_made_again(box: Sandbox) -> None:
    box.next_check()
    box.call("twice", (3,), {})
    box.call("twice", (3,), {})
    box.next_check()
    box.call("twice", (3,), {})  # kept from the first check
    box.call("twice", (3,), {})  # the check repeats it: made
    assert _made(box) == 3


def test_changing_a_kept_answer_changes_nothing_for_the_next_check(box: Sandbox) -> None:
    box.next_check()
    got = box.call("twice", (np.array([1.0, 2.0]),), {}).value
    got[:] = 99.0
    box.next_check()
    again = box.call("twice", (np.array([1.0, 2.0]),), {}).value
    assert again.tolist() == [2.0, 4.0]
    assert got is not again
    assert _made(box) == 1


def test_a_restarted_child_starts_with_no_answers(box: Sandbox) -> None:
    box.next_check()
    box.call("twice", (3,), {})
    box.next_check()
    with pytest.raises(LimitExceeded, match="time limit"):
        box.call("nap", (5.0,), {})
    box.next_check()
    assert box.call("twice", (3,), {}).value == 6  # made by the new child
    assert _made(box) == 1


def test_large_answers_are_not_kept(box: Sandbox) -> None:
    box.next_check()
    assert len(box.call("big", (KEPT_ANSWER_BYTES,), {}).value) == KEPT_ANSWER_BYTES
    box.next_check()
    box.call("big", (KEPT_ANSWER_BYTES,), {})
    box.call("big", (10,), {})
    box.next_check()
    box.call("big", (10,), {})  # kept
    assert _made(box) == 3


def test_nothing_is_kept_beyond_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "process")
    source = tmp_path / "counting.py"
    source.write_text(COUNTING)
    with Sandbox(source, "counting", ["twice", "so_far"], Limits(kept_bytes=0)) as box:
        for _ in range(3):
            box.next_check()
            box.call("twice", (3,), {})
        assert _made(box) == 3


def test_the_corpora_get_the_same_json_with_and_without_kept_answers(
    graded: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus file: byte-identical reports with nothing kept and nothing remembered.

    Nothing remembered: the reference's runs (:mod:`autograder.grading.remembered`)
    computed for every call, in the forked workers too.
    """
    real = sorted((ROOT / "tests" / "real").glob("*/*.py"))
    kept = [graded[str(p)] for p in corpus_files("")] + grade_files(real)
    paths = corpus_files("") + real
    monkeypatch.setattr(remembered, "KEPT_RESULTS", 0)
    made = grade_files(paths, Limits(kept_bytes=0))
    for path, one, other in zip(paths, kept, made, strict=True):
        assert json.dumps(without_timing(one)) == json.dumps(without_timing(other)), path
