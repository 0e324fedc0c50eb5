"""What the sandboxed child may see: the system folders and Python's, never
the grader's own files (its hidden checks, the reference).
"""

from __future__ import annotations

import os
import site
import stat
import sys
from pathlib import Path

import numpy as np

GRADER_PACKAGES = ("reference", "autograder")


ROOT = Path("/")
# What the child sees of the machine besides its interpreter and NumPy: the
# system's programs, libraries and configuration, read-only. Nothing else.
SYSTEM_FOLDERS = tuple(
    ROOT / name for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
)


def child_python() -> list[str]:
    """The child's interpreter and options: isolated, no bytecode, no site module.

    Without ``site`` (a third of the start-up time) the child finds NumPy in
    :func:`import_paths`.
    """
    return [sys.executable, "-I", "-B", "-S"]


def import_paths() -> list[str]:
    """Where the child imports NumPy from (``sys.path`` without the site module)."""
    return [str(Path(np.__file__).parent.parent.resolve())]


def keep_visible() -> list[Path]:
    """Folders the child needs besides the system's: the interpreter and NumPy."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), *map(Path, import_paths())}
    return [p.resolve() for p in paths]


def filesystem_view(keep: list[Path], hidden: list[Path]) -> list[str]:
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
    """Whether ``path`` is visible in the child's file system (see :func:`filesystem_view`)."""
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
    packages = [Path(__file__).parent.parent]
    installed = site.getsitepackages([sys.prefix, sys.base_prefix])
    for entry in {*sys.path, *installed}:
        for name in GRADER_PACKAGES:
            folder = Path(entry or ".") / name
            if (folder / "__init__.py").is_file():
                packages.append(folder.resolve())
    roots = [p.parent for p in packages if (p.parent / "pyproject.toml").exists()]
    return sorted(set(packages + roots))
