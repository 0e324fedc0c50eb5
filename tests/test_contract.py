"""The contract as data (autograder/contract.py) is the contract of reference/ and docs/."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from autograder.contract import ASSIGNMENTS, CALLEES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_the_reference_defines_the_contract_functions_with_their_parameters(
    assignment: str,
) -> None:
    module = importlib.import_module(f"reference.{assignment}")
    for function, parameters in ASSIGNMENTS[assignment].items():
        signature = inspect.signature(getattr(module, function))
        assert tuple(signature.parameters) == parameters, function


def test_callees_name_contract_functions_of_the_same_assignment() -> None:
    for function, callees in CALLEES.items():
        home = [a for a, functions in ASSIGNMENTS.items() if function in functions]
        assert home, function
        assert set(callees) <= set(ASSIGNMENTS[home[0]]), function


def test_docs_contract_states_every_signature() -> None:
    text = (ROOT / "docs" / "contract.md").read_text()
    for functions in ASSIGNMENTS.values():
        for function, parameters in functions.items():
            found = re.search(rf"`{function}\(([^)]*)\)`", text)
            assert found, f"docs/contract.md has no signature of {function}"
            named = [p.split(":")[0].split("=")[0].strip() for p in found.group(1).split(",")]
            assert tuple(n for n in named if n and n != "*") == parameters, function


def test_nothing_cites_a_document_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared|SPEC\.md|DESIGN\.md|NOTES\.md")
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *ROOT.glob("docs/*.md")]:
        assert not outside.search(path.read_text()), path
    for path in (ROOT / "autograder").rglob("*.py"):
        assert not outside.search(path.read_text()), path
