"""The reference functions, cut where nbgrader needs them: header, body, stub."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import re
from dataclasses import dataclass

from autograder.contract import ASSIGNMENTS
from autograder.course.layout import BuildError


def reference_source(assignment: str) -> str:
    """The source text of ``reference/<assignment>.py``."""
    return inspect.getsource(importlib.import_module(f"reference.{assignment}"))


@dataclass(frozen=True)
class FunctionSource:
    """One function of a module's source, cut where nbgrader needs it.

    Attributes
    ----------
    header : list of str
        Its decorators, signature and docstring.
    body : list of str
        The lines after the docstring (the solution).
    indent : str
        The indentation of the body.
    """

    header: list[str]
    body: list[str]
    indent: str


def function_source(source: str, name: str) -> FunctionSource:
    """Cut function ``name`` of a module's ``source`` after its docstring.

    Raises
    ------
    BuildError
        When the module defines no such function, or it has no docstring.
    """
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            break
    else:
        raise BuildError(f"no function {name} at the top level of the module")
    if ast.get_docstring(node) is None:
        raise BuildError(f"{name} has no docstring: it is the student's task statement")
    first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    docstring_end = node.body[0].end_lineno
    body = lines[docstring_end : node.end_lineno]
    while body and not body[0].strip():
        body.pop(0)
    if not body:
        raise BuildError(f"{name} has nothing after its docstring")
    indent = re.match(r"\s*", body[0]).group(0)
    return FunctionSource(lines[first:docstring_end], body, indent)


def answer_source(assignment: str, function: str) -> str:
    """The answer cell of the source notebook: the reference function, solution delimited."""
    cut = function_source(reference_source(assignment), function)
    return "\n".join(
        [
            *cut.header,
            f"{cut.indent}### BEGIN SOLUTION",
            *cut.body,
            f"{cut.indent}### END SOLUTION",
        ]
    )


def reference_function(assignment: str, function: str) -> str:
    """The reference function as a perfect student writes it: signature, docstring, body."""
    cut = function_source(reference_source(assignment), function)
    return "\n".join([*cut.header, *cut.body])


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
