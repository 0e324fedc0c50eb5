"""The teaching text ``assignments/text/<a>.md``: its cells, checked against
the contract.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from dataclasses import dataclass

from autograder.contract import ASSIGNMENTS
from autograder.course.layout import TEXT, BuildError

DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@dataclass(frozen=True)
class Block:
    """One cell of the teaching text: its marker's kind, the function it names, its body."""

    kind: str
    name: str
    body: str


MARKER = re.compile(r"^%% (markdown|code|function|tests)(?:[ \t]+(\S+))?[ \t]*$")


def parse_text(text: str, assignment: str) -> list[Block]:
    """Split a teaching text into its cells and check it against the contract.

    Parameters
    ----------
    text : str
        The "percent" format: each cell starts with a marker alone on its
        line (``%% markdown``, ``%% code``, ``%% function NAME``,
        ``%% tests NAME``); a function's answer cell and its test cell go
        where their markers stand.
    assignment : str
        The assignment, whose contract functions must each appear once as
        ``function`` and, after it, once as ``tests``.

    Returns
    -------
    list of Block

    Raises
    ------
    BuildError
        Text before the first marker, an unknown function, a missing or
        repeated one, a test cell before its answer cell, text after a
        ``%% function`` marker, or one of nbgrader's delimiters in the text.
    """
    blocks: list[Block] = []
    kind, name, body = "", "", []

    def close() -> None:
        if kind:
            blocks.append(Block(kind, name, "\n".join(body).strip("\n")))
        elif "\n".join(body).strip():
            raise BuildError(f"{assignment}: text before the first %% marker")

    for number, line in enumerate(text.splitlines(), start=1):
        found = MARKER.match(line)
        if found is None:
            if line.startswith("%%"):
                raise BuildError(f"{assignment}, line {number}: unknown marker {line!r}")
            body.append(line)
            continue
        close()
        kind, name, body = found.group(1), found.group(2) or "", []
        if kind in ("function", "tests") and name not in ASSIGNMENTS[assignment]:
            raise BuildError(
                f"{assignment}, line {number}: {line!r} does not name a function of "
                f"{assignment} ({', '.join(ASSIGNMENTS[assignment])})"
            )
        if kind in ("markdown", "code") and name:
            raise BuildError(f"{assignment}, line {number}: {line!r} takes no name")
    close()
    _check_blocks(blocks, assignment)
    return blocks


def _check_blocks(blocks: list[Block], assignment: str) -> None:
    seen: dict[str, list[str]] = {"function": [], "tests": []}
    for block in blocks:
        for delimiter in DELIMITERS:
            if delimiter in block.body:
                raise BuildError(f"{assignment}: the text may not contain {delimiter!r}")
        if block.kind == "function" and block.body.strip():
            raise BuildError(
                f"{assignment}: text after '%% function {block.name}' would be lost; "
                "put it in a markdown or code cell"
            )
        if block.kind == "tests" and block.name not in seen["function"]:
            raise BuildError(f"{assignment}: '%% tests {block.name}' comes before its function")
        if block.kind in seen:
            if block.name in seen[block.kind]:
                raise BuildError(f"{assignment}: '%% {block.kind} {block.name}' appears twice")
            seen[block.kind].append(block.name)
    for kind, names in seen.items():
        missing = [f for f in ASSIGNMENTS[assignment] if f not in names]
        if missing:
            raise BuildError(f"{assignment}: no '%% {kind}' cell for {', '.join(missing)}")


def fallback_text(assignment: str) -> str:
    """A minimal text: a title, then each function's answer and test cells."""
    module = importlib.import_module(f"reference.{assignment}")
    summary = (module.__doc__ or assignment).strip().splitlines()[0]
    parts = [f"%% markdown\n# {summary}"]
    for function in ASSIGNMENTS[assignment]:
        parts.append(f"%% function {function}\n%% tests {function}")
    return "\n".join(parts) + "\n"


def teaching_text(assignment: str) -> str:
    """``assignments/text/<assignment>.md``, or :func:`fallback_text` while it is missing."""
    path = TEXT / f"{assignment}.md"
    return path.read_text() if path.is_file() else fallback_text(assignment)
