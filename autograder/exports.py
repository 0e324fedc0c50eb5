"""Files an instructor acts on: feedback per student, grades, statistics, Gradescope.

``python -m autograder grade PATH --out DIR`` writes::

    DIR/grades.csv                     one row per student (as --csv)
    DIR/grades.json                    everything, SPEC.md's JSON (a list)
    DIR/feedback/<student>.md, .html   each lost point with its reason and input
    DIR/gradescope/<student>/results.json
    DIR/summary.md                     class statistics, checks ranked by failures
    DIR/totals.png                     histogram of the totals (needs matplotlib)

Every file is built from the same JSON reports, so they carry the same scores.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import report, results
from autograder.contract import ASSIGNMENTS
from autograder.registry import checks_for


def safe_name(name: str) -> str:
    """A file name for a student id (which may be a path)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "submission"


def feedback_markdown(one: dict[str, Any]) -> str:
    """One student's feedback as Markdown: scores, then every lost point."""
    lines = [
        f"# Feedback for {one['submission']}",
        "",
        f"**Total: {report.points(one['score'])} / {report.points(one['max_score'])}**",
        "",
    ]
    lines += [f"> {note}" for note in one["notes"]]
    for assignment, graded in one["assignments"].items():
        score = f"{report.points(graded['score'])} / {report.points(graded['max_score'])}"
        lines += ["", f"## {assignment}: {score}", ""]
        if "problem" in graded:
            lines += [f"- ✗ {graded['problem']}"]
            continue
        for key, function in one["functions"].items():
            if not key.startswith(f"{assignment}."):
                continue
            name = key.split(".", 1)[1]
            mark = "✓" if not function["failed"] else "✗"
            lines.append(
                f"- {mark} `{name}`: {report.points(function['score'])} / "
                f"{report.points(function['max_score'])}"
            )
            for failure in function["failed"]:
                lines.append(f"  - ✗ {failure['check']} ({report.points(failure['points'])} pts)")
                details = report.failure_lines(failure)
                lines += ["", "    ```", *(f"    {d}" for d in details), "    ```", ""]
            lines += [f"  - note: {note}" for note in function.get("notes", ())]
    return "\n".join(lines) + "\n"


def markdown_to_html(text: str, title: str) -> str:
    """Render the Markdown subset :func:`feedback_markdown` writes as a standalone page."""
    body: list[str] = []
    in_code = in_list = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            body.append("<pre>" if not in_code else "</pre>")
            in_code = not in_code
            continue
        if in_code:
            body.append(html.escape(stripped))
            continue
        if stripped.startswith("- ") and not in_list:
            body.append("<ul>")
            in_list = True
        elif not stripped.startswith("- ") and in_list and not line.startswith("  "):
            body.append("</ul>")
            in_list = False
        body.append(_html_line(stripped))
    if in_list:
        body.append("</ul>")
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "pre{background:#f4f4f4;padding:.5em}"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _html_line(line: str) -> str:
    text = html.escape(line)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    for level in (2, 1):
        if line.startswith("#" * level + " "):
            return f"<h{level}>{text[level + 1 :]}</h{level}>"
    if line.startswith("- "):
        return f"<li>{text[2:]}</li>"
    if line.startswith("&gt; "):
        return f"<blockquote>{text[5:]}</blockquote>"
    return f"<p>{text}</p>" if text else ""


def gradescope_results(one: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one student.

    One test per check; hidden checks are ``after_published`` (students see
    them once grades are published), public ones ``visible``. A failed
    check's output is its feedback, never the check's code.
    """
    tests = []
    for assignment in one["assignments"]:
        for check in results.from_json(one, assignment).checks():
            if not check.in_grade:
                continue
            key = f"{assignment}.{check.function}"
            if check.failure is not None:
                output = "\n".join(report.failure_lines(check.failure))
            else:
                output = check.why
            tests.append(
                {
                    "name": f"{key}: {check.title}",
                    "score": check.score,
                    "max_score": check.points,
                    "status": "passed" if check.counted else "failed",
                    "output": output,
                    "visibility": "visible" if check.visibility == "public" else "after_published",
                    "tags": [assignment, check.function],
                }
            )
    return {
        "score": float(one["score"]),
        "output": "\n".join(one["notes"]) or f"{len(tests)} checks run.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


@dataclass
class CheckStatistics:
    """How a class did on one check."""

    function: str
    title: str
    points: float
    failed: int = 0
    inputs: Counter[str] = field(default_factory=Counter)


def statistics(reports: list[dict[str, Any]]) -> list[CheckStatistics]:
    """Per check: how many students failed it and their commonest failing input.

    Returns
    -------
    list of CheckStatistics
        Most failed first (ties in contract order).
    """
    rows: dict[tuple[str, str], CheckStatistics] = {}
    for assignment in ASSIGNMENTS:
        for check in checks_for(assignment):
            key = f"{assignment}.{check.function}"
            rows[(key, check.title)] = CheckStatistics(key, check.title, check.points)
    for one in reports:
        for key, function in one["functions"].items():
            for failure in function["failed"]:
                row = rows.get((key, failure["check"]))
                if row is not None:
                    row.failed += 1
                    row.inputs[failure["input"] or failure["got"]] += 1
    return sorted(rows.values(), key=lambda r: -r.failed)


def _distribution(scores: list[float], maximum: float) -> str:
    if not scores:
        return "no submissions"
    mean = sum(scores) / len(scores)
    full = sum(s == maximum for s in scores)
    return (
        f"mean {mean:.1f} / {report.points(maximum)}, min {report.points(min(scores))}, "
        f"max {report.points(max(scores))}, full marks {full} of {len(scores)}"
    )


def summary_markdown(reports: list[dict[str, Any]]) -> str:
    """Class statistics: totals, per assignment and function, checks ranked by failures."""
    lines = [f"# Class summary ({len(reports)} submissions)", ""]
    totals = [r["score"] for r in reports]
    maximum = max((r["max_score"] for r in reports), default=0.0)
    lines += [f"Total: {_distribution(totals, maximum)}", "", "## Per assignment", ""]
    for assignment, functions in ASSIGNMENTS.items():
        graded = [r["assignments"][assignment] for r in reports if assignment in r["assignments"]]
        if not graded:
            continue
        scores = [g["score"] for g in graded]
        lines.append(f"- {assignment}: {_distribution(scores, graded[0]['max_score'])}")
        for function in functions:
            entries = [
                r["functions"][f"{assignment}.{function}"]
                for r in reports
                if f"{assignment}.{function}" in r["functions"]
            ]
            scores = [e["score"] for e in entries]
            lines.append(f"  - {function}: {_distribution(scores, entries[0]['max_score'])}")
    lines += ["", "## Checks the class failed most", ""]
    lines += ["| failed | function | check | commonest failing input |", "|---|---|---|---|"]
    for row in statistics(reports):
        if not row.failed:
            continue
        common, count = row.inputs.most_common(1)[0]
        cell = common.replace("|", "\\|")
        lines.append(f"| {row.failed} | {row.function} | {row.title} | `{cell}` ({count}×) |")
    return "\n".join(lines) + "\n"


def totals_histogram(reports: list[dict[str, Any]], path: Path) -> bool:
    """Draw the histogram of the totals; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    maximum = max((r["max_score"] for r in reports), default=1.0)
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.hist([r["score"] for r in reports], bins=20, range=(0, maximum), color="tab:blue")
    axes.set_xlabel("total score")
    axes.set_ylabel("students")
    axes.set_title(f"Totals of {len(reports)} submissions")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def write_all(reports: list[dict[str, Any]], out: Path) -> list[Path]:
    """Write every export of a graded class into ``out``.

    Parameters
    ----------
    reports : list of dict
        SPEC.md JSON objects, one per student.
    out : pathlib.Path
        The folder to write (created if needed).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = {out / "grades.csv": report.to_csv(reports)}
    written[out / "grades.json"] = json.dumps(reports, indent=2, ensure_ascii=False) + "\n"
    for one in reports:
        name = safe_name(one["submission"])
        markdown = feedback_markdown(one)
        written[out / "feedback" / f"{name}.md"] = markdown
        written[out / "feedback" / f"{name}.html"] = markdown_to_html(markdown, one["submission"])
        results = json.dumps(gradescope_results(one), indent=2, ensure_ascii=False) + "\n"
        written[out / "gradescope" / name / "results.json"] = results
    written[out / "summary.md"] = summary_markdown(reports)
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    paths = list(written)
    if totals_histogram(reports, out / "totals.png"):
        paths.append(out / "totals.png")
    return paths
