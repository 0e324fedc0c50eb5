"""Generated course files never drift from reference/ and the teaching texts."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import course
from autograder.contract import ASSIGNMENTS
from autograder.grading import hypothesis_hooks, record, replay
from autograder.grading.registry import checks_for


def test_committed_generated_files_match_the_build() -> None:
    assert course.build(check=True) == []


def test_the_check_of_shipped_recordings_finds_missing_and_stale_files(tmp_path: Path) -> None:
    for path in replay.RECORDINGS.glob("*.json.gz"):
        shutil.copy(path, tmp_path)
    assert record.differing(tmp_path) == []
    missing = sorted(tmp_path.glob("autograder.checks.hidden.vanishing_gradients.*"))[0]
    missing.unlink()
    stale = tmp_path / "autograder.checks.public.vanishing_gradients.renamed.0123.json.gz"
    stale.write_bytes(b"")
    assert record.differing(tmp_path) == [missing, stale]
    # The build records the missing check again, byte for byte, and drops the stale file.
    assert record.write(tmp_path) == [missing, stale]
    assert missing.read_bytes() == (replay.RECORDINGS / missing.name).read_bytes()
    assert record.differing(tmp_path) == []


def test_every_self_check_bundle_holds_the_recordings_of_its_public_checks_only() -> None:
    for assignment in ASSIGNMENTS:
        bundled = {p.name for p in course.bundle_files(assignment) if p.suffix == ".gz"}
        public = {
            replay.file_name(check)
            for check in checks_for(assignment, ("public",))
            if hypothesis_hooks.is_given(check.run)
        }
        assert bundled == public


def test_the_build_is_deterministic() -> None:
    assert course.committed_files() == course.committed_files()


def test_stubs_keep_signatures_and_docstrings_but_no_solution() -> None:
    for assignment, functions in ASSIGNMENTS.items():
        tree = ast.parse(course.stub_source(assignment))
        defined = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert list(defined) == list(functions)
        for node in defined.values():
            assert ast.get_docstring(node)
            assert len(node.body) == 2
            assert isinstance(node.body[1], ast.Raise)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_source_notebook_cells_and_metadata(assignment: str) -> None:
    path = course.SOURCE / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == course.SETUP_SOURCE
    assert code[0].metadata["nbgrader"] == {
        "grade": False,
        "grade_id": "setup",
        "locked": True,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in code]
    assert len(set(grade_ids)) == len(grade_ids)
    assert all(re.fullmatch(r"[a-zA-Z0-9_\-]+", g) for g in grade_ids)
    for cell in code:
        meta = cell.metadata["nbgrader"]
        assert cell.id == meta["grade_id"]  # stable ids
        assert set(meta) <= {"grade", "grade_id", "locked", "schema_version", "solution"} | {
            "task",
            "points",
        }
    answers = [c for c in code if c.metadata["nbgrader"]["solution"]]
    tests = [c for c in code if c.metadata["nbgrader"]["grade"]]
    assert [c.id for c in answers] == list(ASSIGNMENTS[assignment])
    assert [c.id for c in tests] == [f"test_{f}" for f in ASSIGNMENTS[assignment]]
    for cell in answers:
        assert not cell.metadata["nbgrader"]["locked"]
        assert cell.source == course.answer_source(assignment, cell.id)
    for cell, function in zip(tests, ASSIGNMENTS[assignment], strict=True):
        assert cell.metadata["nbgrader"]["points"] == 10
        assert cell.metadata["nbgrader"]["locked"]
        hidden = cell.source.split("### BEGIN HIDDEN TESTS\n", 1)[1]
        assert hidden.rstrip().endswith(
            f'grade_function("{assignment}", "{function}")\n### END HIDDEN TESTS'
        )
    others = [c for c in code if c not in answers and c not in tests]
    assert all(c.metadata["nbgrader"]["locked"] for c in others)
    # no timestamps or run state in what is committed
    text = path.read_text()
    assert '"execution_count": null' in text and '"outputs": []' in text
    assert all(not c.get("outputs") for c in code)
    assert "kernelspec" in json.loads(text)["metadata"]


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_answer_cell_is_the_reference_function_with_its_body_delimited(assignment: str) -> None:
    for function in ASSIGNMENTS[assignment]:
        source = course.answer_source(assignment, function)
        lines = source.splitlines()
        begin = lines.index("    ### BEGIN SOLUTION")
        assert lines[-1] == "    ### END SOLUTION"
        header = "\n".join(lines[:begin])
        assert ast.get_docstring(ast.parse(header + "\n    pass").body[0])
        released = course.release_notebook(course.source_notebook(assignment))
        [cell] = [c for c in released.cells if c.id == function]
        assert cell.source == header + "\n    # YOUR CODE HERE\n    raise NotImplementedError()"
        assert source.replace("    ### BEGIN SOLUTION\n", "").replace(
            "\n    ### END SOLUTION", ""
        ) == course.reference_function(assignment, function)


def test_the_self_check_bundle_holds_no_hidden_part() -> None:
    for assignment in ASSIGNMENTS:
        modules = course.bundle_modules(assignment)
        assert "autograder.in_notebook.selfcheck" in modules
        assert f"autograder.checks.public.{assignment}" in modules
        assert not [m for m in modules if m.startswith("autograder.checks.hidden")]
        assert not set(modules) & set(course.NEVER_BUNDLED)
        others = [a for a in ASSIGNMENTS if a != assignment]
        assert not [m for m in modules if m.rsplit(".", 1)[-1] in others]
        files = course.bundle_files(assignment)
        beside = {p for p in files if p.parts[:2] != (course.BUNDLE, "autograder")}
        assert beside == {Path("requirements.txt")}  # the release's pinned install, nothing else


def test_teaching_text_mistakes_are_reported() -> None:
    good = "%% markdown\n# T\n%% function sigmoid\n%% tests sigmoid\n"
    rest = "".join(
        f"%% function {f}\n%% tests {f}\n" for f in list(ASSIGNMENTS["vanishing_gradients"])[1:]
    )
    assert [b.kind for b in course.parse_text(good + rest, "vanishing_gradients")][:3] == [
        "markdown",
        "function",
        "tests",
    ]
    bad = {
        "no '%% tests' cell for sigmoid": good.replace("%% tests sigmoid\n", "") + rest,
        "does not name a function": good + rest + "%% function softmax\n",
        "comes before its function": "%% tests sigmoid\n%% function sigmoid\n" + rest,
        "appears twice": good + rest + "%% function sigmoid\n",
        "may not contain": good + rest + "%% code\n### BEGIN SOLUTION\n",
        "would be lost": good.replace("%% function sigmoid\n", "%% function sigmoid\nx = 1\n")
        + rest,
        "before the first": "hello\n" + good + rest,
    }
    for message, text in bad.items():
        with pytest.raises(course.BuildError, match=message):
            course.parse_text(text, "vanishing_gradients")


def test_demo_notebooks_are_the_release_with_answers_filled_in() -> None:
    for assignment, functions in ASSIGNMENTS.items():
        release = course.release_notebook(course.source_notebook(assignment))
        demos = course.demo_notebooks(assignment, release)
        assert demos["cai_untouched"] == release
        for student in ("ada_perfect", "bo_mistakes"):
            nb = demos[student]
            assert [c.id for c in nb.cells] == [c.id for c in release.cells]
            changed = [
                c.id for c, r in zip(nb.cells, release.cells, strict=True) if c.source != r.source
            ]
            assert changed == list(functions)
            pairs = zip(nb.cells, release.cells, strict=True)
            assert all(c.metadata == r.metadata for c, r in pairs)
        ada = {c.id: c.source for c in demos["ada_perfect"].cells}
        assert all(ada[f] == course.reference_function(assignment, f) for f in functions)
