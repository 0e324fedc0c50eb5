"""Every check is declared once, with its points, where its visibility says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder.contract import ASSIGNMENTS, POINTS_PER_FUNCTION
from autograder.grading.registry import checks_for

PACKAGE = Path(__file__).resolve().parent.parent / "autograder"


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_each_function_has_public_checks_worth_ten_points_in_all(assignment: str) -> None:
    checks = checks_for(assignment)
    for function in ASSIGNMENTS[assignment]:
        own = [c for c in checks if c.function == function]
        assert sum(c.points for c in own) == POINTS_PER_FUNCTION, function
        assert any(c.visibility == "public" for c in own), function
        assert len({c.title for c in own}) == len(own), f"duplicate titles in {function}"


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_public_checks_are_a_subset_found_by_location(assignment: str) -> None:
    public = checks_for(assignment, ("public",))
    assert public and all(c.visibility == "public" for c in public)
    hidden = [c for c in checks_for(assignment) if c.visibility == "hidden"]
    assert hidden and all(".hidden." in c.run.__module__ for c in hidden)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_public_code_never_imports_the_reference_or_hidden_checks() -> None:
    public_files = [
        *PACKAGE.glob("checks/public/*.py"),
        *PACKAGE.glob("strategies/*.py"),
        *PACKAGE.glob("harness/*.py"),
    ]
    assert public_files
    for path in public_files:
        for name in _imports(path):
            assert not name.startswith(("reference", "autograder.checks.hidden")), (path, name)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_supporting_checks_name_checks_of_their_assignment(assignment: str) -> None:
    """``needs`` names existing checks; a public one names a public check (the self-check)."""
    checks = checks_for(assignment)
    by_name = {c.name: c for c in checks}
    assert len(by_name) == len(checks), "check names are unique within an assignment"
    for check in checks:
        assert set(check.needs) <= set(by_name), (check.name, set(check.needs) - set(by_name))
        assert check.name not in check.needs, check.name
        if check.needs and check.visibility == "public":
            assert any(by_name[n].visibility == "public" for n in check.needs), check.name


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_function_has_a_value_check_public_and_hidden(assignment: str) -> None:
    """Each function can earn points in the self-check and on the grader alone."""
    checks = checks_for(assignment)
    for function in ASSIGNMENTS[assignment]:
        values = [c for c in checks if c.function == function and not c.needs]
        assert {c.visibility for c in values} == {"public", "hidden"}, function
