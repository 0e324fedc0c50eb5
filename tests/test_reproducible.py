"""The same file gets the same JSON every time, also when it draws from global generators.

Each submission below shuffles with a source of randomness the grader does not pass in:
Python's ``random``, NumPy's legacy global state, an unseeded generator. The sandboxed child
seeds those per call from the call itself, so three runs of the real command line agree.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CORPUS, ROOT, expectation, lost
from test_cli import grade, without_timing

GLOBAL_RANDOM = [
    CORPUS / "gradient_descent" / f"wrong_minibatch_{name}.py"
    for name in (
        "python_random_shuffle",
        "numpy_global_shuffle",
        "global_random",
        "unseeded_generator",
    )
] + [
    ROOT / "tests" / "real" / "gradient_descent" / name
    for name in ("d2l_data_iter_random_shuffle.py", "coursera_random_mini_batches.py")
]


def test_global_generators_give_the_same_json_three_times(tmp_path: Path) -> None:
    for path in GLOBAL_RANDOM:
        student = tmp_path / path.stem
        student.mkdir()
        shutil.copy(path, student / "gradient_descent.py")
    runs = []
    for _ in range(3):
        run = grade(tmp_path, "--json", "--jobs", "2")
        assert run.returncode == 0, run.stderr
        runs.append([without_timing(report) for report in json.loads(run.stdout)])
    assert runs[0] == runs[1] == runs[2]
    paths = {path.stem: path for path in GLOBAL_RANDOM}
    for report in runs[0]:
        path = paths[report["submission"]]
        expected = expectation(path)
        assert report["missing"] == ["critical_points", "vanishing_gradients"]
        graded = report["functions"].items()
        functions_lost = lost({"functions": {k: v for k, v in graded if "gradient_descent." in k}})
        assert set(expected.loses) <= functions_lost, report["submission"]
        if path.parent.parent == CORPUS:  # a real implementation defines only some functions
            assert functions_lost <= set(expected.loses) | set(expected.may_lose)
