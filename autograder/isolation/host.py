"""The process that student modules run in: one confined fork server per student.

A :class:`Host` starts the harness (:mod:`autograder.isolation.harness.child`)
once, confined at the level :func:`~autograder.isolation.confinement.isolation_level`
chose, with its own cgroup, work folder and namespaces. The harness imports
NumPy and then forks a fresh child for each module it is asked for, one at a
time: starting a module costs a fork, not an interpreter and NumPy's import
(about a tenth of a second each).

A host serves the modules of one student only (the CLI's workers open one
per student and kill it after): students never share a process,
a folder or a namespace. Between two modules of the same student the server
empties the work folder; a child cannot fork (its process limit), so none is
left behind either. Whenever anything goes wrong (a time limit, a crash, an
answer out of turn) the whole host is killed and the next module gets a
fresh one, exactly as a host that never served anything.

Where POSIX's process tools are missing (see
:data:`~autograder.isolation.confinement.PORTABLE`) there is no fork: the host
starts the harness for one module, answering on its standard output.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from autograder.isolation import seccomp
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
from autograder.isolation.limits import Limits
from autograder.isolation.mounts import ROOT, child_python, grader_paths, import_paths
from autograder.isolation.outcome import config_json

HARNESS_DIR = Path(__file__).parent / "harness"
HARNESS_FILES = ("child.py", "codec.py", "callables.py")
KEPT_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL")
MODULES_INSIDE = "/tmp/modules"
"""Where bubblewrap shows the grader's copies of the student's modules (read-only)."""
HARNESS_INSIDE = "/tmp/harness"
# The most processes a host's cgroup may hold (bwrap, its init, the server, one child).
CGROUP_PROCESSES = 16

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_REC, _MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000


def _mount_work_folder(work: Path, limits: Limits) -> None:
    """Mount a tmpfs capped in size and inodes on ``work``, in a new mount namespace.

    Run between fork and exec as root: the mount exists only in the host's
    namespace (it vanishes with the host, whatever happens to the grader),
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


# Every host and temporary folder alive in this process, for end_everything().
_LIVE_HOSTS: weakref.WeakSet[Host] = weakref.WeakSet()
_LIVE_FOLDERS: set[Path] = set()


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
    """Kill every host of this process, with its process tree, and remove the temporary folders."""
    for host in list(_LIVE_HOSTS):
        host.kill()
    for folder in list(_LIVE_FOLDERS):
        shutil.rmtree(folder, ignore_errors=True)


class Host:
    """A confined fork server for the modules of one student.

    Parameters
    ----------
    limits : Limits
        Resource limits of every child.
    hidden : list of pathlib.Path
        Extra folders the children must not see (the graded class folder).

    Attributes
    ----------
    process : subprocess.Popen or None
        The running server (``None`` before :meth:`prepare` and after :meth:`kill`).
    answers : int or None
        The read end of the answer pipe (``None`` with the portable protocol).
    received : queue.Queue or None
        The portable protocol's answer chunks, read by a thread.
    served : int
        How many modules the running server has started, the current one included.
    """

    def __init__(self, limits: Limits | None = None, hidden: list[Path] | None = None) -> None:
        self.limits = limits or Limits()
        here = [Path.cwd()] if Path.cwd() != ROOT else []
        self.hidden = [*grader_paths(), *(hidden or []), *here]
        self.isolation = isolation_level()
        self.forks = not PORTABLE
        self.process: subprocess.Popen[bytes] | None = None
        self.answers: int | None = None
        self.received: queue.Queue[bytes] | None = None
        self.served = 0
        self._folder: Path | None = None
        self._group: ChildGroup | None = None
        _LIVE_HOSTS.add(self)

    def __enter__(self) -> Host:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def prepare(self, module_name: str, source: Path, functions: list[str]) -> bytes | None:
        """Get a child ready to run ``source`` as module ``module_name``.

        Returns
        -------
        bytes or None
            The line to send the server on the request pipe so that it forks
            the child (the server is started first when none runs); ``None``
            without fork (portable), where the module's own process was just
            started. Either way the child's first answer (loaded or not) is
            for the caller to read.
        """
        if not self.forks:
            self.kill()
            self._start(module_name, source, functions)
            return None
        if self.process is None or self.process.poll() is not None:
            self.kill()
            self._start(None, None, [])
        assert self._folder is not None
        module = self._folder / "modules" / f"{module_name}.py"
        shutil.copy(source, module)
        os.chmod(module, 0o644)  # readable by the child's user, whatever the umask
        self.served += 1
        return codec.dumps({"module_name": module_name, "functions": functions})

    def kill(self) -> None:
        """Kill the server, its child and every process they started; delete the folder."""
        process = self.process
        if process is not None:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    if PORTABLE:
                        process.kill()
                    else:
                        os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe:
                    with contextlib.suppress(OSError):
                        pipe.close()
            self.process = None
        if self._group is not None:
            self._group.kill()
            self._group = None
        if self.answers is not None:
            os.close(self.answers)
            self.answers = None
        self.received = None
        self.served = 0
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _start(self, module_name: str | None, source: Path | None, functions: list[str]) -> None:
        """Start the harness: a fork server, or (portable) the child of one module."""
        self._folder = Path(tempfile.mkdtemp(prefix="autograder-"))
        work, harness, modules = (self._folder / name for name in ("work", "harness", "modules"))
        for folder in (work, harness, modules):
            folder.mkdir()
        for name in HARNESS_FILES:
            shutil.copy(HARNESS_DIR / name, harness / name)
        bubblewrap = self.isolation == "bubblewrap"
        if bubblewrap:
            # The child runs as SANDBOX_UID: the harness and the modules must be
            # readable whatever the grader's umask.
            for path in (harness, modules, *harness.iterdir()):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
        output = open(self._folder / "output.txt", "wb")  # noqa: SIM115 - handed to the child
        read_end, write_end = os.pipe() if not PORTABLE else (None, "stdout")
        inside = {"work": WORK_INSIDE, "harness": HARNESS_INSIDE, "modules": MODULES_INSIDE}
        if not bubblewrap:
            inside = {"work": str(work), "harness": str(harness), "modules": str(modules)}
        config: dict[str, Any] = {
            "answer_fd": write_end,
            "limits": {
                "memory_bytes": self.limits.memory_bytes,
                "cpu_seconds": self.limits.cpu_seconds,
                "file_bytes": self.limits.file_bytes,
                "processes": 1,
            },
            "user": [SANDBOX_UID, SANDBOX_GID] if bubblewrap and as_root() else None,
            "import_paths": import_paths(),
            "work": inside["work"],
            "modules": inside["modules"],
        }
        if module_name is None:
            config["fork_server"] = True
        else:
            assert source is not None
            shutil.copy(source, work / f"{module_name}.py")
            config |= {
                "module_name": module_name,
                "functions": functions,
                "module_path": str(Path(inside["work"]) / f"{module_name}.py"),
            }
        command = [*child_python(), f"{inside['harness']}/child.py", config_json(config)]
        env = {k: os.environ[k] for k in KEPT_ENVIRONMENT if k in os.environ}
        env |= {
            "PATH": "/usr/bin:/bin",
            "HOME": inside["work"],
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
        }
        if "SYSTEMROOT" in os.environ:  # Windows: Python cannot start without it
            env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
        if PORTABLE:
            self._start_portable(command, work, env, output)
            return
        mount_work = bubblewrap and _can_mount_work_folders()
        filter_fd = seccomp.program_fd() if bubblewrap else None
        passed = (write_end,) if filter_fd is None else (write_end, filter_fd)
        if bubblewrap:
            command = [
                *bubblewrap_command(
                    self.hidden,
                    work=work if mount_work else None,
                    binds=[(harness, HARNESS_INSIDE), (modules, MODULES_INSIDE)],
                    seccomp_fd=filter_fd,
                    env=env,
                    folder_bytes=self.limits.folder_bytes,
                ),
                *command,
            ]
            env = {}
        # Its own cgroup where one can be made: ending it ends every process
        # the host started, however it detached itself, and bounds its memory
        # (kernel memory included) and process count.
        self._group = ChildGroup.create(
            self.limits.memory_bytes + self.limits.folder_bytes, CGROUP_PROCESSES
        )
        self.process = subprocess.Popen(
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
        os.set_blocking(self.process.stdin.fileno(), False)
        self.answers = read_end

    def _start_portable(
        self, command: list[str], work: Path, env: dict[str, str], output: Any
    ) -> None:
        """Start the child with the portable protocol: answers on its stdout, read by a thread."""
        self.process = subprocess.Popen(
            command,
            cwd=work,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=output,
        )
        output.close()
        self.received = queue.Queue()
        pipe, received = self.process.stdout, self.received

        def read_lines() -> None:
            while chunk := pipe.read1(1 << 20):
                received.put(chunk)
            received.put(b"")  # the child closed its end: it is gone

        threading.Thread(target=read_lines, daemon=True).start()

    def _before_exec(self, work: Path | None) -> Any:
        """What the server does between fork and exec: join its cgroup, mount its folder."""
        group = self._group
        if group is None and work is None:
            return None

        def prepare() -> None:
            if group is not None:
                group.enter()
            if work is not None:
                _mount_work_folder(work, self.limits)

        return prepare
