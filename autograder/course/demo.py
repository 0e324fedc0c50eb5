"""The demo students of ``assignments/submitted/``: perfect, typical mistakes,
untouched.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat

from autograder.contract import ASSIGNMENTS
from autograder.course.layout import CORPUS
from autograder.course.notebooks import filled_notebook
from autograder.course.sources import reference_function

TYPICAL_MISTAKES = {
    "critical_points": "wrong_classify_zero_eigenvalue.py",
    "gradient_descent": "wrong_num_batches_floor.py",
    "vanishing_gradients": "wrong_sigmoid_naive.py",
}
DEMO_STUDENTS = ("ada_perfect", "bo_mistakes", "cai_untouched")


SETUP_IMPORTS = ("from __future__ import annotations", "import math", "import numpy as np")


def corpus_answers(path: Path, functions: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Answer cells from a corpus ``.py`` submission, one per contract function.

    Each function goes in its own cell, with the helpers and constants defined
    between it and the previous contract function above it; the setup cell's
    imports are left out, any other import goes in the first cell.
    """
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    answers: dict[str, str] = {}
    pending: list[str] = []
    last = ""
    for index, node in enumerate(tree.body):
        text = "\n".join(lines[_first_line(node) - 1 : node.end_lineno])
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, ast.Import | ast.ImportFrom) and text in SETUP_IMPORTS:
            continue
        pending.append(text)
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            answers[node.name] = "\n\n\n".join(pending)
            pending, last = [], node.name
    if pending and last:
        answers[last] += "\n\n\n" + "\n\n\n".join(pending)
    return answers


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def demo_notebooks(assignment: str, release: nbformat.NotebookNode) -> dict[str, Any]:
    """The three demo students' notebooks of one assignment."""
    functions = list(ASSIGNMENTS[assignment])
    perfect = {f: reference_function(assignment, f) for f in functions}
    mistakes = corpus_answers(CORPUS / assignment / TYPICAL_MISTAKES[assignment], functions)
    return {
        "ada_perfect": filled_notebook(release, perfect),
        "bo_mistakes": filled_notebook(release, mistakes),
        "cai_untouched": release,
    }
