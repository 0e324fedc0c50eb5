"""Every report of the demo class tells the same truth as the result model.

The demo class (assignments/submitted) is graded by the real CLI with ``--out``, with and
without ``--public-only``. For every report kind (terminal, JSON, CSV, Markdown, HTML,
Gradescope, summary.md) the points of the checks that passed add up to the score shown,
and a check that did not run is never shown as passed. The HTML is parsed: each failed
check's title appears verbatim, nested under its function.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from autograder.grading import results
from autograder.grading.results import FAILED, PASSED
from autograder.reports import exports, markdown, report

CLASS = ROOT / "assignments" / "submitted"
SCHEMA = json.loads((ROOT / "tests" / "gradescope_results.schema.json").read_text())


@pytest.fixture(scope="module", params=["all checks", "public only"])
def graded(request, tmp_path_factory) -> tuple[Path, list[dict], str]:
    """The demo class graded with --out: the folder, the JSON reports, the terminal text."""
    out = tmp_path_factory.mktemp("out")
    extra = ["--public-only"] if request.param == "public only" else []
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(CLASS), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1200,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return out, json.loads((out / "grades.json").read_text()), run.stdout


def _model(one: dict) -> list[results.AssignmentResult]:
    return list(exports.graded_assignments(one))


def test_json_points_add_up(graded) -> None:
    _, reports, _ = graded
    for one in reports:
        counted = [c for a in _model(one) for c in a.checks() if c.outcome == PASSED]
        assert sum(c.points for c in counted) == pytest.approx(one["score"])


def test_csv_holds_the_json_scores(graded) -> None:
    out, reports, _ = graded
    rows = {r["submission"]: r for r in csv.DictReader((out / "grades.csv").open())}
    for one in reports:
        assert float(rows[one["submission"]]["score"]) == one["score"]
        for key, entry in one["functions"].items():
            assert float(rows[one["submission"]][key]) == entry["score"]


def test_terminal_scores_add_up(graded) -> None:
    _, reports, stdout = graded
    for one in reports:
        block = stdout.split(f"== {one['submission']}: ", 1)[1].split("\n\n", 1)[0]
        assert block.startswith(f"{report.points(one['score'])} / ")
        shown = re.findall(r"^  (\w+)  ([\d.]+) / ([\d.]+)", block, re.MULTILINE)
        assert len(shown) == len(one["functions"])
        assert sum(float(s) for _, s, _ in shown) == pytest.approx(one["score"])
        assert "✓ passed" not in block  # no check is ever listed as passed, run or not


def _markdown_functions(text: str) -> dict[str, tuple[str, float, float, list[str]]]:
    """``name -> (mark, score, max, nested lines)`` from a feedback Markdown file."""
    found: dict[str, tuple[str, float, float, list[str]]] = {}
    current = None
    for line in text.splitlines():
        top = re.match(r"^- ([✓✗]) `(\w+)`: ([\d.]+) / ([\d.]+)", line)
        if top:
            current = top.group(2)
            found[current] = (top.group(1), float(top.group(3)), float(top.group(4)), [])
        elif line.startswith("  ") and current:
            found[current][3].append(line)
        elif line.startswith("#"):
            current = None
    return found


def test_markdown_scores_add_up_and_show_no_unrun_check_as_passed(graded) -> None:
    out, reports, _ = graded
    for one in reports:
        text = (out / "feedback" / f"{exports.safe_name(one['submission'])}.md").read_text()
        functions = _markdown_functions(text)
        assert sum(score for _, score, _, _ in functions.values()) == pytest.approx(one["score"])
        for assignment in _model(one):
            for function in assignment.functions:
                mark, score, maximum, _ = functions[function.name]
                assert (score, maximum) == (function.score, function.max_score)
                assert (mark == "✓") == (function.score == function.max_score)
                not_run = [c for c in function.checks if c.outcome not in (PASSED, FAILED)]
                if mark == "✓":
                    assert not [c for c in not_run if c.in_grade]


class _Page(HTMLParser):
    """The text of each list item of a page, with the text of its parent item."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = []
        self.items: list[tuple[str, str]] = []  # (own text, parent's own text)
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "li":
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            own = "".join(self.stack.pop())
            parent = "".join(self.stack[-1]) if self.stack else ""
            self.items.append((own, parent))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.stack:
            self.stack[-1].append(data)


def test_html_shows_every_failed_title_verbatim_under_its_function(graded) -> None:
    out, reports, _ = graded
    seen = 0
    for one in reports:
        page = _Page()
        page.feed((out / "feedback" / f"{exports.safe_name(one['submission'])}.html").read_text())
        for assignment in _model(one):
            for function in assignment.functions:
                if report.unwritten(function):
                    assert any(
                        own.startswith(f"✗ {function.name}: 0 / ") and "not written yet" in own
                        for own, _ in page.items
                    )
                    continue
                for check in function.having(FAILED):
                    title, parent = f"✗ {check.title} (", f"✗ {function.name}: "
                    item = [
                        own
                        for own, above in page.items
                        if own.strip().startswith(title) and above.strip().startswith(parent)
                    ]
                    assert item, (one["submission"], function.name, check.title)
                    assert check.failure.call in item[0]
                    seen += 1
    assert seen  # bo_mistakes fails checks in each assignment


def test_gradescope_results_are_the_model(graded) -> None:
    out, reports, _ = graded
    for one in reports:
        name = exports.safe_name(one["submission"])
        data = json.loads((out / "gradescope" / name / "results.json").read_text())
        jsonschema.validate(data, SCHEMA)
        assert data["score"] == one["score"]
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(one["score"])
        checks = {f"{a.name}.{c.function}: {c.title}": c for a in _model(one) for c in a.checks()}
        assert len(data["tests"]) == sum(c.in_grade for c in checks.values())
        for test in data["tests"]:
            check = checks[test["name"]]
            assert check.in_grade
            assert test["max_score"] == check.points
            assert (test["status"] == "passed") == (check.outcome == PASSED)


def _tables(markdown: str) -> list[list[list[str]]]:
    """Each table of a Markdown text as rendered: rows of cell texts (header included)."""

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[str]]] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.tables[-1][-1].append("")

        def handle_data(self, data: str) -> None:
            if self.tables and self.tables[-1] and self.tables[-1][-1]:
                self.tables[-1][-1][-1] += data

    cells = Cells()
    cells.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return [[[cell.strip() for cell in row] for row in table] for table in cells.tables]


def test_summary_tables_keep_their_columns_and_count_unwritten_apart(graded) -> None:
    out, reports, _ = graded
    summary = (out / "summary.md").read_text()
    tables = _tables(summary)
    assert len(tables) == 2
    for table in tables:
        assert len({len(row) for row in table}) == 1, table
    scores, failed = tables
    total = next(row for row in scores if row[0] == "total")
    assert total[1].startswith(f"{sum(r['score'] for r in reports) / len(reports):.1f} / ")
    assert 0 < len(failed) - 1 <= exports.TOP_FAILED
    titles = {c.title for one in reports for a in _model(one) for c in a.checks()}
    for row in failed[1:]:
        assert row[2] in titles  # verbatim, | and ** included
    # cai_untouched wrote nothing: counted apart, once per function, not among the failures.
    unwritten = re.findall(r"^- 1 student has not written `(\w+)\.(\w+)`$", summary, re.M)
    assert len(unwritten) == sum(len(r["functions"]) for r in reports[:1])
    assert all(int(row[0].split()[0]) <= 1 for row in failed[1:])  # bo_mistakes only


def test_hostile_text_renders_verbatim(graded) -> None:
    """Titles and student values are text: no bold, no table cell, no HTML, no lost backtick."""
    _, reports, _ = graded
    one = json.loads(json.dumps(next(r for r in reports if r["submission"] == "bo_mistakes")))
    hostile = "x**2 - y**2 with |lam| <= tol, `max|f|` and <b>bold</b> & _under_"
    entry = next(
        e for e in one["functions"].values() if any(c["outcome"] == FAILED for c in e["checks"])
    )
    check = next(c for c in entry["checks"] if c["outcome"] == FAILED)
    check["check"] = hostile
    check["got"] = "```\n</pre><script>alert(1)</script>"
    page = _Page()
    page.feed(exports.feedback_html(one))
    assert any(own.strip().startswith(f"✗ {hostile} (") for own, _ in page.items)
    assert "</pre><script>alert(1)</script>" in "".join(page.text)
    assert "<script>" not in exports.feedback_html(one)
    summary = exports.summary_markdown([one])
    row = next(r for r in _tables(summary)[1] if r[2] == hostile)
    assert len(row) == 4


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab1 *_`|<>[]()!#&;~-+=.:\\'\""))
        | st.characters(codec="utf-8")
    )
)
def test_markdown_text_renders_as_itself(value: str) -> None:
    """Whatever a title or a value holds, the page shows it as it is (spaces collapsed)."""
    shown = " ".join(value.split())
    for markdown_text in (markdown.text(value), f"- {markdown.text(value)}"):
        page = _Page()
        page.feed(MarkdownIt("commonmark").enable("table").render(markdown_text))
        assert "".join(page.text).strip() == shown
    table = markdown.table(["a", "b"], [[markdown.text(value), markdown.code(value)]])
    (cells,) = _tables("\n".join(table))
    assert cells[1] == [shown, shown]
