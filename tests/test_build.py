"""Generated course files never drift from reference/."""

from __future__ import annotations

import ast

from autograder import course
from autograder.contract import ASSIGNMENTS


def test_committed_generated_files_match_the_build() -> None:
    assert course.build(check=True) == []


def test_stubs_keep_signatures_and_docstrings_but_no_solution() -> None:
    for assignment, functions in ASSIGNMENTS.items():
        tree = ast.parse(course.stub_source(assignment))
        defined = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert list(defined) == list(functions)
        for node in defined.values():
            assert ast.get_docstring(node)
            assert len(node.body) == 2
            assert isinstance(node.body[1], ast.Raise)
