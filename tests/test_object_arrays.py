"""Arrays of dtype object are graded by what they hold: real numbers count, anything else not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS
from test_cli import grade

NOT_REAL = {
    "strings": "np.frompyfunc(lambda t: str(1.0 / (1.0 + math.exp(-t))), 1, 1)",
    "complex numbers": "np.frompyfunc(lambda t: complex(1.0 / (1.0 + math.exp(-t))), 1, 1)",
    "bools": "np.frompyfunc(lambda t: t > 0, 1, 1)",
}


def test_an_object_array_of_floats_scores_full_marks() -> None:
    run = grade(CORPUS / "vanishing_gradients" / "correct_object_array_sigmoid.py", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["score"] == report["max_score"] == 40


@pytest.mark.parametrize("holding", NOT_REAL)
def test_an_object_array_of_other_things_is_a_wrong_type(holding: str, tmp_path: Path) -> None:
    path = tmp_path / "vanishing_gradients.py"
    path.write_text(
        "import math\nimport numpy as np\n\n"
        f"_ufunc = {NOT_REAL[holding]}\n\n\n"
        "def sigmoid(z):\n    return _ufunc(np.clip(z, -500, 500))\n"
    )
    run = grade(path, "--json")
    assert run.returncode == 0, run.stderr
    sigmoid = json.loads(run.stdout)["functions"]["vanishing_gradients.sigmoid"]
    assert sigmoid["score"] < sigmoid["max_score"]
    assert any("dtype object" in failure["got"] for failure in sigmoid["failed"]), sigmoid
