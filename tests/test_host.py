"""One host per student: modules forked one after another from one confined server.

Real sandboxes at both isolation levels. A module must find nothing that the
module before it left (files, a folder it cannot remove, a forged word that it
ended), and grades must be the same whether a student's assignments share a
host or each has its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from autograder import cli
from autograder.grading.grade import grade_assignment
from autograder.grading.registry import VISIBILITIES
from autograder.grading.submission import discover
from autograder.isolation.confinement import isolation_level
from autograder.isolation.host import Host
from autograder.isolation.limits import LimitExceeded, Limits
from autograder.isolation.sandbox import Sandbox
from autograder.reports import report

LISTING = "import os\n\n\ndef listing():\n    return sorted(os.listdir('.'))\n"
"""A module whose one function shows what its work folder holds."""

LEAVES_FILES = (
    "import os\n\n"
    "open('left.txt', 'w').write('for the next module')\n"
    "os.makedirs('kept/deeper', exist_ok=True)\n"
    "open('kept/deeper/note.txt', 'w').write('here')\n" + LISTING
)

LEAVES_A_LOCKED_FOLDER = (
    "import os\n\n"
    "os.makedirs('locked')\n"
    "open('locked/inside.txt', 'w').write('cannot be removed by a server without privileges')\n"
    "os.chmod('locked', 0o500)\n" + LISTING
)

FORGES_ITS_END = (
    "import os\nimport signal\nimport stat\n\n\n"
    "def _forge(number, frame):\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
    "                os.write(fd, b'{\"ended\": 0}\\n')\n"
    "        except OSError:\n"
    "            pass\n\n\n"
    "signal.signal(signal.SIGALRM, _forge)\n"
    "signal.setitimer(signal.ITIMER_REAL, 0.3)\n" + LISTING
)


DIES_AFTER_ITS_ANSWER = (
    "import signal\n\n\n"
    "def die_soon():\n"
    "    signal.setitimer(signal.ITIMER_REAL, 0.2)  # SIGALRM's default: the process ends\n"
    "    return 1\n" + LISTING
)


@pytest.fixture(params=["process", "bubblewrap"])
def level(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)
    if request.param == "bubblewrap" and isolation_level() != "bubblewrap":
        pytest.skip("bubblewrap is not usable here")
    monkeypatch.setenv("AUTOGRADER_ISOLATION", request.param)
    yield request.param


def _module(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(text)
    return path


def _listing(host: Host, source: Path) -> list[str]:
    with Sandbox(source, source.stem, ["listing"], host=host) as sandbox:
        sandbox.start()
        return sandbox.call("listing", (), {}).value


def test_a_module_finds_nothing_the_module_before_it_left(level: str, tmp_path: Path) -> None:
    first = _module(tmp_path, "first", LEAVES_FILES)
    second = _module(tmp_path, "second", LISTING)
    with Host(Limits()) as host:
        assert _listing(host, first) == ["first.py", "kept", "left.txt"]
        assert _listing(host, second) == ["second.py"]
        assert host.served == 2, "a clean end keeps the server for the next module"


def test_a_folder_the_server_cannot_empty_costs_a_fresh_server(level: str, tmp_path: Path) -> None:
    first = _module(tmp_path, "first", LEAVES_A_LOCKED_FOLDER)
    second = _module(tmp_path, "second", LISTING)
    with Host(Limits()) as host:
        assert _listing(host, first) == ["first.py", "locked"]
        assert _listing(host, second) == ["second.py"]
        # Where the server could not remove the folder, it stopped, and the second
        # module ran on a fresh one; where it could (the process level as root),
        # it kept serving. Either way the second module found nothing.
        assert host.served in (1, 2)


def test_a_forged_end_costs_only_the_module_that_forged_it(level: str, tmp_path: Path) -> None:
    first = _module(tmp_path, "first", FORGES_ITS_END)
    second = _module(tmp_path, "second", LISTING)
    with Host(Limits(call_seconds=2)) as host:
        with Sandbox(first, "first", ["listing"], host=host) as sandbox:
            sandbox.start()
            assert sandbox.call("listing", (), {}).value == ["first.py"]
            time.sleep(0.6)  # the forged line is written while the child waits for requests
        assert _listing(host, second) == ["second.py"]


def test_a_child_that_dies_between_two_calls_is_reported_and_restarted(
    level: str, tmp_path: Path
) -> None:
    dies = _module(tmp_path, "dies", DIES_AFTER_ITS_ANSWER)
    with (
        Host(Limits(call_seconds=2)) as host,
        Sandbox(dies, "dies", ["die_soon", "listing"], host=host) as sandbox,
    ):
        sandbox.start()
        assert sandbox.call("die_soon", (), {}).value == 1
        time.sleep(0.6)
        between = "killed by SIGALRM during the time between two calls"
        with pytest.raises(LimitExceeded, match=between):
            sandbox.call("listing", (), {})
        assert sandbox.call("listing", (), {}).value == ["dies.py"], "a fresh child"


ODD_ENDS = (
    "import os\nimport stat\n\n\n"
    "def forge_odd_end():\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
    '                os.write(fd, b\'{"ended": -99999}\\n{"ended": 10000}\\n\')\n'
    "        except OSError:\n"
    "            pass\n"
    "    return 1\n\n\n"
    "def realtime_signal():\n"
    "    os.kill(os.getpid(), 40)  # a real-time signal: no name in Python's signal module\n"
    "    return 1\n" + LISTING
)


def test_odd_exit_codes_cost_only_their_own_calls(level: str, tmp_path: Path) -> None:
    odd = _module(tmp_path, "odd", ODD_ENDS)
    with (
        Host(Limits(call_seconds=2)) as host,
        Sandbox(odd, "odd", ["forge_odd_end", "realtime_signal", "listing"], host=host) as box,
    ):
        box.start()
        assert box.call("forge_odd_end", (), {}).value == 1, "codes no exit has: stray lines"
        with pytest.raises(LimitExceeded, match="was killed by signal 40 during"):
            box.call("realtime_signal", (), {})
        assert box.call("listing", (), {}).value == ["odd.py"]


def test_a_new_host_sees_nothing_of_the_last(level: str, tmp_path: Path) -> None:
    first = _module(tmp_path, "first", LEAVES_FILES)
    second = _module(tmp_path, "second", LISTING)
    with Host(Limits()) as host:
        assert "left.txt" in _listing(host, first)
    with Host(Limits()) as host:
        assert _listing(host, second) == ["second.py"]


@pytest.mark.parametrize("student", ["ada_perfect", "bo_mistakes", "cai_untouched"])
def test_grades_are_the_same_on_one_host_and_on_one_per_assignment(student: str) -> None:
    (submission,) = discover(ROOT / "assignments" / "submitted" / student).submissions
    assignments = tuple(submission.assignments)
    shared = cli._grade_parts(submission, assignments, VISIBILITIES, Limits(), [])
    alone = [report.assignment_json(grade_assignment(submission, a)) for a in assignments]
    for part in (*shared, *alone):
        part.pop("seconds")
    assert json.dumps(shared, sort_keys=True) == json.dumps(alone, sort_keys=True)
