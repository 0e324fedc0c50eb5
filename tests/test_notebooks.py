"""The notebooks themselves: they run clean, their stubs are stubs, the right cells are graded.

Real kernels (nbclient) and real pytest runs of the students' self-check; no nbgrader needed.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from autograder import course
from autograder.contract import ASSIGNMENTS
from autograder.grading.submission import notebook_code

NEEDS = "is not installed: pip install '.[nbgrader]'"


def source_path(assignment: str) -> Path:
    return course.SOURCE / assignment / f"{assignment}.ipynb"


def demo_path(student: str, assignment: str) -> Path:
    return course.SUBMITTED / student / assignment / f"{assignment}.ipynb"


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_source_notebook_runs_top_to_bottom_without_errors_or_stderr(
    assignment: str, tmp_path: Path
) -> None:
    """With the reference in its answer cells, every cell runs; each test cell scores 10."""
    nbclient = pytest.importorskip("nbclient", reason=f"nbclient {NEEDS}")
    pytest.importorskip("matplotlib", reason=f"matplotlib {NEEDS}")
    shutil.copy(source_path(assignment), tmp_path)
    for relative, data in course.bundle_files(assignment).items():  # the cells import from it
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)
    nb = nbformat.read(tmp_path / f"{assignment}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert not errors, (cell.id, errors)
        assert not stderr, (cell.id, stderr)
        if cell.metadata["nbgrader"]["grade"]:
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert [r.data["text/plain"] for r in results] == ["10.0"], cell.id
            printed = "".join(o.text for o in cell.outputs if o.get("name") == "stdout")
            assert "visible checks passed" in printed or "with visible_checks" not in cell.source
    plots = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert plots, "the demo cells draw their figures"


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_released_answer_cells_are_stubs_with_signature_and_docstring(assignment: str) -> None:
    """The untouched student's notebook is the release: each answer cell only raises."""
    nb = nbformat.read(demo_path("cai_untouched", assignment), as_version=4)
    reference = ast.parse(course.reference_source(assignment))
    signatures = {
        n.name: (ast.dump(n.args), ast.get_docstring(n))
        for n in reference.body
        if isinstance(n, ast.FunctionDef)
    }
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.id for c in answers] == list(ASSIGNMENTS[assignment])
    for cell in answers:
        [node] = ast.parse(cell.source).body
        assert isinstance(node, ast.FunctionDef) and node.name == cell.id
        assert (ast.dump(node.args), ast.get_docstring(node)) == signatures[node.name]
        assert cell.source.endswith("\n    # YOUR CODE HERE\n    raise NotImplementedError()")
        assert len(node.body) == 2 and isinstance(node.body[1], ast.Raise)
    text = demo_path("cai_untouched", assignment).read_text()
    for leaked in ("BEGIN SOLUTION", "BEGIN HIDDEN", "grade_function", "nbgrader_cell"):
        assert leaked not in text
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            compile(cell.source, cell.id, "exec")


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_notebook_code_keeps_setup_and_answer_cells_only(assignment: str, tmp_path: Path) -> None:
    nb = nbformat.read(source_path(assignment), as_version=4)
    scratch = nbformat.v4.new_code_cell("print('scratch')\nsigmoid = None")
    nb.cells.insert(len(nb.cells) - 1, scratch)
    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, path)
    code = notebook_code(path.read_bytes())
    tree = ast.parse(code)
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert defined == list(ASSIGNMENTS[assignment])
    assert code.startswith("# --- notebook cell 1 ---\nfrom __future__ import annotations\n")
    assert "import numpy as np" in code and "import math" in code
    assert "pass  # not graded: import matplotlib.pyplot as plt" in code
    for absent in ("visible_checks", "grade_function", "scratch", "plt.", "assert "):
        assert absent not in code, absent
    demos = [c for c in nb.cells if c.id.startswith("demo_")]
    assert demos and all(c.source not in code for c in demos)
    # the setup cell's imports serve the answers: the module runs as it is
    exec(compile(code, str(path), "exec"), {"__name__": assignment})


def test_notebook_without_nbgrader_metadata_keeps_every_code_cell(tmp_path: Path) -> None:
    cells = [
        nbformat.v4.new_code_cell("import numpy as np\n%matplotlib inline"),
        nbformat.v4.new_code_cell("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
    ]
    path = tmp_path / "vanishing_gradients.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    code = notebook_code(path.read_bytes())
    assert "def sigmoid" in code and "# %matplotlib inline" in code


def release_folder(assignment: str, notebook: Path, target: Path) -> Path:
    """A student's copy of release/<assignment>/, as the build makes it, holding ``notebook``."""
    folder = target / assignment
    folder.mkdir(parents=True)
    shutil.copy(notebook, folder / f"{assignment}.ipynb")
    for name, text in course.selfcheck_files(assignment).items():
        (folder / name).write_text(text)
    for relative, data in course.bundle_files(assignment).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    (folder / "test_where.py").write_text(
        "from pathlib import Path\n\nimport autograder\n\n\n"
        "def test_the_bundled_autograder_is_imported():\n"
        "    here = Path(__file__).resolve().parent\n"
        "    assert Path(autograder.__file__).resolve().is_relative_to(here / 'selfcheck')\n"
    )
    return folder


def run_selfcheck(folder: Path) -> subprocess.CompletedProcess[str]:
    """``pytest`` in the folder, as a student runs it (plus the import-location check)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "test_selfcheck.py", "test_where.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


EXPECTED_SELFCHECK_FAILURES = {
    "critical_points": {"classify_hessian"},
    "gradient_descent": {"num_batches"},
    "vanishing_gradients": {"sigmoid"},
}


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_selfcheck_of_a_student_with_one_mistake(assignment: str, tmp_path: Path) -> None:
    """One pytest test per function; the broken one fails with feedback a student can act on."""
    folder = release_folder(assignment, demo_path("bo_mistakes", assignment), tmp_path)
    run = run_selfcheck(folder)
    assert run.returncode == 1, run.stdout + run.stderr
    out = run.stdout
    assert "test_where.py::test_the_bundled_autograder_is_imported PASSED" in out or (
        "FAILED test_where.py" not in out
    )
    failed = {
        line.split("[", 1)[1].split("]", 1)[0]
        for line in out.splitlines()
        if line.startswith("FAILED test_selfcheck.py::test_public_checks[")
    }
    assert EXPECTED_SELFCHECK_FAILURES[assignment] <= failed, out
    passed = set(ASSIGNMENTS[assignment]) - failed
    assert passed, out
    assert "failing input:" in out and "expected" in out and "got" in out
    assert "✗" in out
    assert "hidden checks also count towards your grade" in out
    assert "points on the public checks" in out
    assert "full marks" not in out.lower()
    assert "Traceback" not in out


def test_selfcheck_of_untouched_stubs_fails_every_function(tmp_path: Path) -> None:
    assignment = "vanishing_gradients"
    folder = release_folder(assignment, demo_path("cai_untouched", assignment), tmp_path)
    run = run_selfcheck(folder)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    for function in ASSIGNMENTS[assignment]:
        assert f"FAILED test_selfcheck.py::test_public_checks[{function}]" in out
    # One line per unwritten function, not one per check (pytest's short summary lines,
    # "FAILED ...", are left out: how much of the message they show depends on the width).
    body = [line for line in out.splitlines() if not line.startswith("FAILED ")]
    assert sum("not written yet" in line for line in body) == len(ASSIGNMENTS[assignment])
    assert f"pytest -k {next(iter(ASSIGNMENTS[assignment]))}" in out
    assert "1 passed" in out  # test_where: the bundled autograder ran, not the installed one
    assert "self-check: 0 / " in out


def test_selfcheck_bundle_does_not_import_the_instructor_package(tmp_path: Path) -> None:
    """Even with the repository on ``PYTHONPATH``, the folder's own copy is imported."""
    assignment = "gradient_descent"
    folder = release_folder(assignment, demo_path("ada_perfect", assignment), tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "test_where.py", "-q"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_visible_checks_raise_in_jupyter_but_only_report_while_autograding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time
    import warnings

    from autograder.in_notebook.visible import visible_checks

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(AssertionError, match="one is two"), visible_checks():
        assert 1 == 2, "one is two"
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with visible_checks():
        warnings.warn("overflow", RuntimeWarning, stacklevel=1)
        print("to stderr", file=sys.stderr)
        assert 1 == 2, "one is two"
    with visible_checks(seconds=0.2):
        time.sleep(5)
    with visible_checks():
        pass
    out, err = capsys.readouterr()
    assert err == ""
    assert "visible check failed at line" in out and "AssertionError: one is two" in out
    assert "VisibleCheckTimeout: the visible checks took more than 0.2 seconds" in out
    assert out.rstrip().endswith("visible checks passed")


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_notebook_starts_with_how_to_work_and_imports_its_helper_in_one_line(
    assignment: str,
) -> None:
    """The first cell says how to install and self-check; no grading machinery in the notebook."""
    cells = nbformat.read(source_path(assignment), as_version=4).cells
    first = cells[0]
    assert first.cell_type == "markdown"
    for words in (
        "pip install -r requirements.txt",
        "\npytest ",
        "pytest -k ",
        "save the notebook",
    ):
        assert words in first.source, words
    helper = next(c for c in cells if c.get("id") == course.HELPER_ID)
    code = [line for line in helper.source.splitlines() if line and not line.startswith("#")]
    assert code == ["from selfcheck.autograder.in_notebook.visible import visible_checks"]
    release = set(course.bundle_files(assignment))
    assert Path("selfcheck/autograder/in_notebook/visible.py") in release
    assert Path("selfcheck/autograder/in_notebook/epoch_timing.py") in release
    assert Path("requirements.txt") in release
