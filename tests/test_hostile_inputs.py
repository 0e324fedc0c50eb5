"""Hostile class folders: what students hand in attacks the trusted grader's reading.

One class is built in a temporary folder with a student per attack on the
grader's side (links, special files, oversized and malformed files, names
that are not UTF-8 or collide once made file names, a stray file at the top
of the class) and graded once through the real CLI, ``--json --jobs 2 --out
DIR --csv FILE``. The tests then check that no attacker gained anything, that
no secret reached any output, that every other student was graded, and that
every output is valid UTF-8 and valid JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from autograder import cli
from autograder.grading.submission import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_NOTEBOOK_BYTES,
    SubmissionError,
    notebook_code,
    readable,
    student_ids,
)
from autograder.reports import exports, markdown

HONEST = CORPUS / "vanishing_gradients" / "correct_loops.py"
SECRET = "SECRET-6f1c2b0e-not-for-students"
GBK_NAME = "张三".encode("gbk")
BROKEN = "def oops(:\n"  # a quick file to grade: it does not load
FORMULA = '=HYPERLINK("example.invalid")'  # a name a spreadsheet would run
NAMED = ["张三", "李四", "a b", "a_b", "CON", "esc\x1b[31mape", "new\nline", "x／y", FORMULA]


@dataclass
class Graded:
    """One run of the CLI on the hostile class."""

    run: subprocess.CompletedProcess[bytes]
    out: Path
    csv_file: Path
    reports: dict[str, dict]
    outputs: dict[str, bytes]


def _notebook(*cells: str) -> str:
    """A plain (non-nbgrader) format-4 notebook holding these code cells."""
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": "code", "metadata": {}, "source": source, "outputs": []}
                for source in cells
            ],
        }
    )


def _student(submitted: Path, name: str, files: dict[str, str]) -> Path:
    folder = submitted / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def _build_class(base: Path) -> Path:
    """The hostile class at ``base/course/submitted`` (the reference and sources beside it)."""
    (base / "reference").mkdir()
    shutil.copy(ROOT / "reference" / "gradient_descent.py", base / "reference")
    source = base / "course" / "source" / "critical_points"
    source.mkdir(parents=True)
    shutil.copy(ROOT / "reference" / "critical_points.py", source)
    (base / "secret.txt").write_text(f"{SECRET}\n")
    submitted = base / "course" / "submitted"
    submitted.mkdir()
    honest = HONEST.read_text()

    _student(submitted, "honest", {"vanishing_gradients.py": honest})
    # Row A: links instead of files
    linker = _student(submitted, "linker", {})
    (linker / "gradient_descent.py").symlink_to("../../../reference/gradient_descent.py")
    folder_link = _student(submitted, "folder_link", {})
    (folder_link / "critical_points").symlink_to("../../source/critical_points")
    copier = _student(submitted, "copier", {})
    (copier / "vanishing_gradients").symlink_to("../honest")
    (submitted / "copycat").symlink_to("honest")
    shadow = _student(submitted, "shadow", {})
    (shadow / "critical_points.py").symlink_to("/etc/shadow")
    (shadow / "vanishing_gradients.py").symlink_to(base / "secret.txt")
    memory = _student(submitted, "memory", {})
    (memory / "gradient_descent.py").symlink_to("/proc/self/mem")
    locked = _student(submitted, "locked", {"vanishing_gradients.py": honest})
    (locked / "vanishing_gradients.py").chmod(0)
    special = _student(submitted, "special", {})
    os.mkfifo(special / "critical_points.py")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(special / "gradient_descent.py"))
    (special / "vanishing_gradients.py").mkdir()
    huge = _student(submitted, "huge", {})
    with (huge / "gradient_descent.ipynb").open("wb") as sparse:
        sparse.truncate(MAX_NOTEBOOK_BYTES + 1)  # no disk used: the size is checked first
    _student(
        submitted,
        "malformed",
        {
            "critical_points.ipynb": "[" * 200_000,
            "gradient_descent.ipynb": '{"nbformat": 4, "cells": [{"cell_type": "code"}, 7]}',
        },
    )
    latin1 = _notebook("x = 'caf?'\n").encode().replace(b"?", b"\xe9")  # not UTF-8
    (submitted / "malformed" / "vanishing_gradients.ipynb").write_bytes(latin1)
    # Row B: lone surrogates, a 200,000-character line, a name in GBK bytes
    long_line = "LONG = '" + "x" * 200_000 + "'\n"
    message = "\x1b[2J bad \ud800 value"  # clears a terminal; not UTF-8
    surrogate = f'def chain_backward(*a, **k):\n    raise ValueError("{message}")  # \udfff\n'
    _student(
        submitted,
        "surrogates",
        {"vanishing_gradients.ipynb": _notebook(honest, surrogate + long_line)},
    )
    gbk = os.fsencode(submitted) + b"/" + GBK_NAME
    os.mkdir(gbk)
    Path(os.fsdecode(gbk + b"/vanishing_gradients.py")).write_text(honest)
    # Row H: names that collide once made file names
    for name in NAMED:
        _student(submitted, name, {"vanishing_gradients.py": BROKEN})
    # Row I: a stray file at the top of the class
    shutil.copy(ROOT / "reference" / "critical_points.py", submitted)
    return submitted


STUDENTS = {
    "honest",
    "linker",
    "folder_link",
    "copier",
    "copycat",
    "shadow",
    "memory",
    "locked",
    "special",
    "huge",
    "malformed",
    "surrogates",
    "\\xd5\\xc5\\xc8\\xfd",
    "张三",
    "李四",
    "a b",
    "a_b",
    "CON",
    "esc\\x1b[31mape",
    "new\\nline",
    "x／y",
    FORMULA,
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    base = tmp_path_factory.mktemp("hostile-inputs")
    submitted = _build_class(base)
    out, csv_file = base / "out", base / "grades.csv"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "autograder", "grade", submitted, "--json", "--jobs", "2"),
            *("--out", out, "--csv", csv_file),
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=1200,
    )
    outputs = {"stdout": run.stdout, "stderr": run.stderr}
    for path in [*out.rglob("*"), csv_file]:
        if path.is_file() and path.suffix != ".png":
            outputs[str(path.relative_to(base))] = path.read_bytes()
    reports = {r["submission"]: r for r in json.loads(run.stdout)} if run.returncode == 0 else {}
    return Graded(run, out, csv_file, reports, outputs)


def _problems(report: dict) -> dict[str, str]:
    return {a: graded.get("problem", "") for a, graded in report["assignments"].items()}


def test_the_class_is_graded_with_every_student_and_valid_utf8(graded: Graded) -> None:
    assert graded.run.returncode == 0, graded.run.stderr.decode(errors="replace")[-3000:]
    for name, data in graded.outputs.items():
        data.decode("utf-8")  # strict: raises on anything that is not UTF-8
        assert b"\x1b" not in data, name  # no terminal escape from a name or an answer
    assert set(graded.reports) == STUDENTS
    lines = (graded.out / "grades.jsonl").read_text().splitlines()
    assert {json.loads(line)["submission"] for line in lines} == STUDENTS
    rows = list(csv.DictReader(io.StringIO(graded.csv_file.read_text())))
    assert {row["submission"] for row in rows} == STUDENTS - {FORMULA} | {f"'{FORMULA}"}


def test_honest_students_keep_full_marks(graded: Graded) -> None:
    for name in ("honest", "\\xd5\\xc5\\xc8\\xfd"):
        report = graded.reports[name]
        assert report["assignments"]["vanishing_gradients"]["score"] == 40, name


@pytest.mark.parametrize(
    ("student", "assignment", "words"),
    [
        ("linker", "gradient_descent", "is a link"),
        ("folder_link", "critical_points", "is a link"),
        ("copier", "vanishing_gradients", "is a link"),
        ("copycat", "vanishing_gradients", "is a link to a folder"),
        ("shadow", "critical_points", "is a link"),
        ("shadow", "vanishing_gradients", "is a link"),
        ("memory", "gradient_descent", "is a link"),
        ("special", "critical_points", "FIFO"),
        ("special", "gradient_descent", "socket"),
        ("special", "vanishing_gradients", "a folder, not a file"),
        ("huge", "gradient_descent", "too large"),
        ("malformed", "critical_points", "not a readable notebook"),
        ("malformed", "gradient_descent", "not a readable notebook"),
        ("malformed", "vanishing_gradients", "not UTF-8"),
    ],
)
def test_what_is_not_a_readable_file_earns_nothing_and_says_why(
    graded: Graded, student: str, assignment: str, words: str
) -> None:
    report = graded.reports[student]
    assert report["score"] == 0
    assert words in _problems(report)[assignment]


def test_no_secret_reaches_any_output(graded: Graded) -> None:
    secrets = [SECRET]
    if os.access("/etc/shadow", os.R_OK):
        shadow = Path("/etc/shadow").read_text(errors="replace").splitlines()
        secrets += [line for line in shadow if len(line) > 8]
    for name, data in graded.outputs.items():
        text = data.decode("utf-8")
        for secret in secrets:
            assert secret not in text, name


def test_an_unreadable_file_is_that_students_problem(graded: Graded) -> None:
    report = graded.reports["locked"]
    if os.geteuid() == 0:  # root reads a file of mode 000: it is graded
        assert report["assignments"]["vanishing_gradients"]["score"] == 40
    else:
        assert "could not be read" in _problems(report)["vanishing_gradients"]


def test_lone_surrogates_and_a_long_line_cost_only_that_function(graded: Graded) -> None:
    functions = graded.reports["surrogates"]["functions"]
    attacked = functions["vanishing_gradients.chain_backward"]
    assert attacked["score"] < attacked["max_score"]
    assert "ValueError" in json.dumps(attacked["failed"])
    shown = "\n".join(str(value) for failure in attacked["failed"] for value in failure.values())
    assert "\\x1b[2J bad \\ud800 value" in shown  # escaped, not sent to the terminal
    for name in ("sigmoid", "sigmoid_derivative", "chain_forward"):
        assert functions[f"vanishing_gradients.{name}"]["score"] == 10, name


def test_export_names_are_unique_readable_and_never_overwritten(graded: Graded) -> None:
    feedback = {path.stem: path for path in (graded.out / "feedback").glob("*.md")}
    assert len(feedback) == len(STUDENTS)
    assert {"张三", "李四", "a_b"} <= set(feedback)
    for name in STUDENTS:
        owners = [
            stem
            for stem, path in feedback.items()
            if path.read_text().startswith(f"# Feedback for {markdown.text(name)}\n")
        ]
        assert len(owners) == 1, name
    assert len(list((graded.out / "gradescope").iterdir())) == len(STUDENTS)
    for stem in feedback:
        assert stem.isprintable() and "/" not in stem and not stem.startswith(".")
    assert not (graded.out / "feedback" / "CON.md").exists()


def test_a_stray_file_at_the_top_is_reported_not_graded(graded: Graded) -> None:
    stderr = graded.run.stderr.decode()
    assert "not graded: critical_points.py: a file at the top of the class folder" in stderr
    summary = (graded.out / "summary.md").read_text()
    assert "## Not graded" in summary and markdown.text("critical_points.py") in summary


def test_the_student_name_in_gbk_bytes_is_shown_escaped() -> None:
    assert readable(os.fsdecode(GBK_NAME)) == "\\xd5\\xc5\\xc8\\xfd"
    ids = student_ids([os.fsdecode(GBK_NAME), "\\xd5\\xc5\\xc8\\xfd"])
    assert ids["\\xd5\\xc5\\xc8\\xfd"] == "\\xd5\\xc5\\xc8\\xfd"  # typed: kept as it is
    assert ids[os.fsdecode(GBK_NAME)].startswith("\\xd5\\xc5\\xc8\\xfd~")
    assert readable("张三") == "张三"
    assert readable("a\x1bb") == "a\\x1bb"
    assert readable("x\ud800") == "x\\ud800"


def _die_on_second(submission: str, assignments: tuple[str, ...]) -> list[dict]:
    if submission == "second" and "vanishing_gradients" in assignments:
        os._exit(9)  # what the kernel's OOM killer does to a worker
    return [{"name": assignment, "graded": submission} for assignment in assignments]


def test_a_worker_that_dies_costs_only_its_own_task() -> None:
    tasks = [(name, ("vanishing_gradients",)) for name in ("first", "second", "third", "fourth")]
    parts = dict(cli._in_workers(tasks, 2, _die_on_second, ("public",)))  # type: ignore[arg-type]
    assert sorted(parts) == [0, 1, 2, 3]
    for index in (0, 2, 3):
        assert parts[index] == [{"name": "vanishing_gradients", "graded": tasks[index][0]}]
    (died,) = parts[1]
    assert died["problem"] == cli.WORKER_DIED
    assert died["score"] == 0 and died["max_score"] > 0


def test_a_worker_that_dies_on_a_whole_student_costs_only_that_assignment() -> None:
    both = ("critical_points", "vanishing_gradients")
    tasks = [(name, both) for name in ("first", "second", "third")]
    parts = dict(cli._in_workers(tasks, 2, _die_on_second, ("public",)))  # type: ignore[arg-type]
    assert sorted(parts) == [0, 1, 2]
    for index in (0, 2):
        assert parts[index] == [{"name": a, "graded": tasks[index][0]} for a in both]
    graded, died = parts[1]
    assert graded == {"name": "critical_points", "graded": "second"}, "graded again alone"
    assert died["problem"] == cli.WORKER_DIED and died["name"] == "vanishing_gradients"


def test_export_names_collide_only_as_an_error() -> None:
    names = exports.export_names(["张三", "a b", "a_b", "Alice", "alice", "..", "CON", "c\x07d"])
    assert names["张三"] == "张三" and names["a_b"] == "a_b"
    assert names["a b"].startswith("a_b-") and len(set(names.values())) == len(names)
    assert names["Alice"].casefold() != names["alice"].casefold()
    assert names[".."].startswith("submission-") and names["CON"].startswith("CON-")
    with pytest.raises(exports.ExportError):
        exports.export_names(["same", "same"])


def test_the_notebook_caps_are_checked_with_clear_messages() -> None:
    with pytest.raises(SubmissionError, match="cells; the limit is"):
        notebook_code(_notebook(*["x = 1"] * (MAX_CELLS + 1)))
    with pytest.raises(SubmissionError, match="characters; the limit is"):
        notebook_code(_notebook("x" * (MAX_CELL_CHARS + 1)))
    with pytest.raises(SubmissionError, match="not UTF-8"):
        notebook_code(b"\xff\xfe")
    tiny_objects = '{"nbformat": 4, "cells": [], "x": [' + ",".join(["{}"] * 300_000) + "]}"
    with pytest.raises(SubmissionError, match="JSON objects and lists; the limit is"):
        notebook_code(tiny_objects)
    assert "\ud800" in notebook_code(_notebook('s = "\ud800"'))  # written escaped, later


def test_links_are_not_followed_by_mode_bits_alone(tmp_path: Path) -> None:
    """A link to a regular file is refused although stat (following it) says regular."""
    (tmp_path / "real.py").write_text(BROKEN)
    student = _student(tmp_path, "student", {})
    (student / "vanishing_gradients.py").symlink_to(tmp_path / "real.py")
    assert stat.S_ISREG((student / "vanishing_gradients.py").stat().st_mode)
    from autograder.grading.submission import discover

    found = discover(student)
    file = found.submissions[0].files["vanishing_gradients"]
    assert file.data is None and "is a link" in file.problem


def test_an_interrupted_run_keeps_every_student_graded_so_far(tmp_path: Path) -> None:
    """The grader is killed while one student is still graded: the one finished is kept."""
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    _student(submitted, "a_fast", {"vanishing_gradients.py": BROKEN})
    sleeper = "import time\n\ndef sigmoid(z):\n    time.sleep(60)\n"
    _student(submitted, "b_slow", {"vanishing_gradients.py": HONEST.read_text() + sleeper})
    out, stdout = tmp_path / "out", tmp_path / "stdout.json"
    command = [sys.executable, "-m", "autograder", "grade", submitted, "--json", "--jobs", "2"]
    with stdout.open("wb") as sink:
        grader = subprocess.Popen(
            [*command, "--out", out, "--call-timeout", "2"],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            lines = out / "grades.jsonl"
            while grader.poll() is None and not (lines.exists() and lines.read_text()):
                time.sleep(0.2)
        finally:
            os.killpg(grader.pid, signal.SIGKILL)
            grader.wait()
    kept = [json.loads(line) for line in (out / "grades.jsonl").read_text().splitlines()]
    assert [one["submission"] for one in kept] == ["a_fast"]
    assert (out / "feedback" / "a_fast.md").read_text().startswith("# Feedback for a_fast")
    printed = json.loads(stdout.read_text() + "\n]")  # the list so far, left open
    assert [one["submission"] for one in printed] == ["a_fast"]


def test_the_self_check_reads_a_notebook_where_posix_flags_are_missing(tmp_path: Path) -> None:
    """As on Windows (no O_NOFOLLOW, no folder descriptors): read, and a link still refused."""
    (tmp_path / "vanishing_gradients.py").write_text(BROKEN)
    (tmp_path / "critical_points.py").symlink_to(tmp_path / "vanishing_gradients.py")
    script = (
        "import os\n"
        "for flag in ('O_NOFOLLOW', 'O_NONBLOCK', 'O_NOCTTY', 'O_DIRECTORY'):\n"
        "    delattr(os, flag)\n"
        "os.supports_dir_fd.clear()\n"
        "from pathlib import Path\n"
        "from autograder.grading.submission import read_file\n"
        "for name in ('vanishing_gradients.py', 'critical_points.py'):\n"
        "    file = read_file(Path(os.environ['FOLDER']) / name)\n"
        "    print(file.data, file.problem.endswith('is a link (links are not graded: "
        "hand in the file itself)'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "FOLDER": str(tmp_path)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"{BROKEN.encode()!r} False", "None True"]
