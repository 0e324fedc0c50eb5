"""Build the course files from the one source of truth, ``reference/``.

``python -m autograder build`` writes every generated file of the course;
``python -m autograder build --check`` only reports the files that differ from
what the build would write (a test runs it, so committed files cannot drift).

Generated today: the demo submissions of ``assignments/submitted/``:

``ada_perfect``
    the reference itself (a perfect student);
``bo_mistakes``
    one typical mistake per assignment, taken from the test corpus;
``cai_untouched``
    the untouched stubs: each function's signature and docstring (the
    student's task statement) with ``raise NotImplementedError()``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from autograder.contract import ASSIGNMENTS

ROOT = Path(__file__).resolve().parent.parent
SUBMITTED = ROOT / "assignments" / "submitted"
CORPUS = ROOT / "tests" / "submissions"
TYPICAL_MISTAKES = {
    "critical_points": "wrong_classify_zero_eigenvalue.py",
    "gradient_descent": "wrong_num_batches_floor.py",
    "vanishing_gradients": "wrong_sigmoid_naive.py",
}


def reference_source(assignment: str) -> str:
    """The source text of ``reference/<assignment>.py``."""
    return inspect.getsource(importlib.import_module(f"reference.{assignment}"))


def stub_source(assignment: str) -> str:
    """The reference module with every function body replaced by a stub.

    The module docstring, the imports, each signature and each docstring stay;
    the body becomes ``raise NotImplementedError()``.
    """
    source = reference_source(assignment)
    lines = source.splitlines()
    tree = ast.parse(source)
    cuts: list[tuple[int, int]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ASSIGNMENTS[assignment]:
            docstring_end = node.body[0].end_lineno
            cuts.append((docstring_end, node.end_lineno))
    for docstring_end, function_end in reversed(cuts):
        lines[docstring_end:function_end] = ["    raise NotImplementedError()"]
    return "\n".join(lines) + "\n"


def demo_files() -> dict[Path, str]:
    """Every demo submission file and the text it must hold."""
    files: dict[Path, str] = {}
    for assignment in ASSIGNMENTS:
        files[SUBMITTED / "ada_perfect" / f"{assignment}.py"] = reference_source(assignment)
        mistake = (CORPUS / assignment / TYPICAL_MISTAKES[assignment]).read_text()
        files[SUBMITTED / "bo_mistakes" / f"{assignment}.py"] = mistake
        files[SUBMITTED / "cai_untouched" / f"{assignment}.py"] = stub_source(assignment)
    return files


def build(check: bool = False) -> list[Path]:
    """Write (or with ``check``, only compare) every generated file.

    Parameters
    ----------
    check : bool
        Do not write; return the files whose content differs.

    Returns
    -------
    list of pathlib.Path
        The files written, or the files that differ.
    """
    changed = []
    for path, text in demo_files().items():
        if path.exists() and path.read_text() == text:
            continue
        changed.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return changed
