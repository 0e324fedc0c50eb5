"""A cgroup per sandboxed child: its whole process tree, killed at once, and bounded.

Where the grader may create cgroups (it runs as root, or was delegated one),
each child runs in a cgroup of its own, nested in the grader's: cgroup v2's
``cgroup.kill`` ends every process the child started, however it detached
itself (``fork()`` + ``setsid()`` included), and ``memory.max`` /
``pids.max`` bound it where those controllers are enabled. On a hybrid
machine (cgroup v1 controllers beside a v2 hierarchy without them, as on the
development machine) the v1 ``memory`` (which counts kernel memory: inodes
and dentries of files the child creates) and ``pids`` controllers are used as
well. Where nothing is writable, :func:`ChildGroup.create` returns ``None``
and the sandbox falls back to killing the child's process group.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per hierarchy (``""``: the v2 one)."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path.lstrip("/")
    return paths


def _v2_root() -> Path | None:
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return CGROUP_ROOT
    if (CGROUP_ROOT / "unified" / "cgroup.controllers").exists():
        return CGROUP_ROOT / "unified"
    return None


class ChildGroup:
    """The cgroups (one per usable hierarchy) of one child.

    Attributes
    ----------
    folders : list of pathlib.Path
        The cgroup folders created for the child.
    controls : list of str
        What is enforced, in words (``"kill"``, ``"memory"``, ``"pids"``).
    """

    def __init__(self, folders: list[Path], controls: list[str]) -> None:
        self.folders = folders
        self.controls = controls

    @classmethod
    def create(cls, memory_bytes: int, processes: int) -> ChildGroup | None:
        """Create the child's cgroups, or return ``None`` where none is writable."""
        name = f"autograder-{os.getpid()}-{next(_counter)}"
        own = _own_paths()
        folders: list[Path] = []
        controls: list[str] = []
        settings = {"memory.max": memory_bytes, "pids.max": processes}
        v1_settings = {
            "memory": {"memory.limit_in_bytes": memory_bytes},
            "pids": {"pids.max": processes},
        }
        candidates: list[tuple[Path, dict[str, int], str]] = []
        v2 = _v2_root()
        if v2 is not None and "" in own:
            candidates.append((v2 / own[""] / name, settings, "v2"))
        for controller, values in v1_settings.items():
            if controller in own and (CGROUP_ROOT / controller / "cgroup.procs").exists():
                candidates.append((CGROUP_ROOT / controller / own[controller] / name, values, ""))
        for folder, values, version in candidates:
            try:
                folder.mkdir()
            except OSError:
                continue
            folders.append(folder)
            if version == "v2" and (folder / "cgroup.kill").exists():
                controls.append("kill")
            for key, value in values.items():
                with contextlib.suppress(OSError):
                    (folder / key).write_text(str(value))
                    controls.append(key.split(".")[0])
        if not folders:
            return None
        return cls(folders, sorted(set(controls)))

    def enter(self) -> None:
        """Move the calling process into the child's cgroups (run between fork and exec)."""
        for folder in self.folders:
            with contextlib.suppress(OSError):
                (folder / "cgroup.procs").write_text("0")

    def kill(self) -> None:
        """Kill every process in the child's cgroups, then remove them."""
        for folder in self.folders:
            with contextlib.suppress(OSError):
                (folder / "cgroup.kill").write_text("1")
        deadline = time.monotonic() + 5
        for folder in self.folders:
            while time.monotonic() < deadline:
                try:
                    pids = (folder / "cgroup.procs").read_text().split()
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)
                time.sleep(0.01)
            with contextlib.suppress(OSError):
                folder.rmdir()
