"""Feedback says what the evidence supports, and visible checks fail on what grading fails on.

Each test grades real submissions (corpus files, or a corpus file with one line
changed) through the sandbox, as the CLI does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS

from autograder.cli import grade_all
from autograder.grading.student import untouched_stubs
from autograder.grading.submission import discover
from autograder.in_notebook.visible import visible_checks

NAIVE_SIGMOID = "    return 1.0 / (1.0 + np.exp(-z))\n"


def _variant(tmp_path: Path, name: str, corpus_file: str, old: str, new: str) -> Path:
    """A copy of a corpus file with one piece of code replaced, as student ``name``."""
    source = (CORPUS / corpus_file).read_text()
    assert old in source, old
    folder = tmp_path / name
    folder.mkdir()
    path = folder / f"{Path(corpus_file).parent.name}.py"
    path.write_text(source.replace(old, new, 1))
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("evidence")
    relu_only_and_naive_sigmoid = _variant(
        tmp,
        "relu_only_and_naive_sigmoid",
        "vanishing_gradients/wrong_backward_relu_prime_at_zero.py",
        "    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)\n",
        NAIVE_SIGMOID,
    )
    tanh_sigmoid = _variant(
        tmp,
        "tanh_sigmoid",
        "vanishing_gradients/correct_loops.py",
        "    scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)\n",
        "    return 0.5 * (1.0 + np.tanh(z))  # the z / 2 forgotten\n",
    )
    own_raise = _variant(
        tmp,
        "own_raise",
        "critical_points/correct_loops.py",
        '    """Gradient of f at x by central differences (中心差分)."""\n',
        '    """Gradient of f at x by central differences (中心差分)."""\n'
        "    if np.size(x) > 1:\n"
        '        raise NotImplementedError("more than one variable: next week")\n',
    )
    scaled_gradient = _variant(
        tmp,
        "scaled_gradient",
        "critical_points/correct_loops.py",
        "/ (2.0 * h)",
        "/ h",
    )
    paths = {
        "relu_only_and_naive_sigmoid": relu_only_and_naive_sigmoid,
        "naive_sigmoid": CORPUS / "vanishing_gradients/wrong_sigmoid_naive.py",
        "tanh_sigmoid": tanh_sigmoid,
        "own_raise": own_raise,
        "forward_gradient": CORPUS / "critical_points/wrong_forward_difference_gradient.py",
        "forward_hessian": CORPUS / "critical_points/wrong_forward_difference_hessian.py",
        "scaled_gradient": scaled_gradient,
        "mixed_scaling_hessian": CORPUS / "critical_points/wrong_hessian_mixed_scaling.py",
    }
    reports = grade_all([discover(p)[0][0] for p in paths.values()], jobs=os.cpu_count() or 1)
    return dict(zip(paths, reports, strict=True))


def _failed(report: dict, function: str) -> list[dict]:
    key = next(k for k in report["functions"] if k.endswith(f".{function}"))
    return report["functions"][key]["failed"]


def _notes(report: dict, function: str) -> list[str]:
    key = next(k for k in report["functions"] if k.endswith(f".{function}"))
    return report["functions"][key].get("notes", [])


def test_no_sigmoid_note_when_only_relu_chains_fail(graded: dict) -> None:
    report = graded["relu_only_and_naive_sigmoid"]
    assert report["functions"]["vanishing_gradients.sigmoid"]["failed"], "the sigmoid is wrong"
    failed = _failed(report, "chain_backward")
    assert failed and all('activation="relu"' in f["input"] for f in failed), failed
    assert not any("sigmoid" in note for note in _notes(report, "chain_backward"))


def test_sigmoid_note_when_a_sigmoid_chain_fails(graded: dict) -> None:
    report = graded["tanh_sigmoid"]
    failed = _failed(report, "chain_backward")
    assert any('activation="relu"' not in f["input"] for f in failed), failed
    notes = _notes(report, "chain_backward")
    assert any(re.search(r"calls your .*\bsigmoid\b", note) for note in notes), notes


def test_a_visible_check_fails_in_words_on_the_sigmoid_warning(graded: dict) -> None:
    public = [
        f for f in _failed(graded["naive_sigmoid"], "sigmoid") if f["visibility"] == "public"
    ]
    assert any("RuntimeWarning" in f["got"] and "no warning" in f["expected"] for f in public)


def test_a_warning_fails_the_notebook_visible_checks() -> None:
    with pytest.raises(AssertionError, match="no RuntimeWarning may escape"), visible_checks():
        1.0 / (1.0 + np.exp(np.array([1000.0])))


def test_a_warning_fails_the_visible_checks_while_autograding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with visible_checks():
        1.0 / (1.0 + np.exp(np.array([1000.0])))
    out, err = capsys.readouterr()
    assert "visible check failed: no RuntimeWarning may escape" in out
    assert "visible checks passed" not in out
    assert err == ""


def test_clean_visible_checks_still_pass(capsys: pytest.CaptureFixture) -> None:
    with visible_checks():
        assert np.isfinite(np.exp(-np.abs(np.array([1000.0])))).all()
    assert "visible checks passed" in capsys.readouterr().out


def test_the_students_own_raise_is_not_called_the_stub(graded: dict) -> None:
    failed = _failed(graded["own_raise"], "numerical_gradient")
    raised = [f for f in failed if "NotImplementedError" in f["got"]]
    assert raised
    for failure in raised:
        assert "stub" not in failure["expected"], failure
        assert "more than one variable: next week" in failure["got"], failure


def test_untouched_stubs_are_found_by_their_body(tmp_path: Path) -> None:
    source = tmp_path / "critical_points.py"
    source.write_text(
        "def numerical_gradient(f, x, h=1e-6):\n"
        '    """Doc."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n\n"
        "def numerical_hessian(f, x, h=1e-4):\n"
        "    if h:\n"
        "        raise NotImplementedError\n"
        "    return 0\n"
    )
    functions = ["numerical_gradient", "numerical_hessian"]
    assert untouched_stubs(source, functions) == {"numerical_gradient"}
    source.write_text("def numerical_gradient(:\n")
    assert untouched_stubs(source, functions) == frozenset()


def _details(report: dict, function: str) -> str:
    return " ".join(f.get("detail", "") for f in _failed(report, function))


def test_one_sided_hint_only_for_one_sided_values(graded: dict) -> None:
    assert "one-sided" in _details(graded["forward_gradient"], "numerical_gradient")
    assert "one-sided" in _details(graded["forward_hessian"], "numerical_hessian")
    scaled = _details(graded["scaled_gradient"], "numerical_gradient")
    assert scaled and "one-sided" not in scaled and "forward" not in scaled
    mixed = _details(graded["mixed_scaling_hessian"], "numerical_hessian")
    assert mixed and "one-sided" not in mixed and "forward" not in mixed
