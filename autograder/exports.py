"""Files an instructor acts on: feedback per student, grades, statistics, Gradescope.

``python -m autograder grade PATH --out DIR`` writes::

    DIR/grades.csv                     one row per student (as --csv)
    DIR/grades.json                    everything, the contract's JSON (a list)
    DIR/grades.jsonl                   one line per student, written as each is graded
    DIR/feedback/<student>.md, .html   each lost point with its reason and input
    DIR/gradescope/<student>/results.json
    DIR/summary.md                     class statistics, checks ranked by failures
    DIR/totals.png                     histogram of the totals (needs matplotlib)

Every file is built from the same JSON reports, so they carry the same scores.
"""

from __future__ import annotations

import hashlib
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

NAME_CHARS = 80
"""The longest readable part of an export's file name."""

WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in "123456789"
}
"""Names Windows will not create a file under, whatever the extension."""


class ExportError(ValueError):
    """Two students' exports would land on the same file."""


def safe_name(name: str) -> str:
    """The readable part of a student's file name: letters and digits of any script kept.

    Every other character (spaces, slashes, control characters, escapes) becomes
    ``_``; leading and trailing dots and underscores are dropped.
    """
    kept = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    kept = re.sub(r"_+", "_", kept)[:NAME_CHARS].strip("._-")
    return kept or "submission"


def _short_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def export_names(names: list[str]) -> dict[str, str]:
    """A file name for each student id: readable, and unique even where file names ignore case.

    A name is :func:`safe_name` of the id, followed by ``-`` and a short hash of
    the id wherever the two differ, the name is reserved on Windows, or two ids
    would share a name.

    Raises
    ------
    ExportError
        When two ids still share a name (the same id twice).
    """
    twice = [name for name, count in Counter(names).items() if count > 1]
    if twice:
        raise ExportError(f"two submissions are both named {twice[0]!r}")
    chosen = {}
    for name in names:
        safe = safe_name(name)
        reserved = safe.split(".")[0].lower() in WINDOWS_RESERVED
        chosen[name] = f"{safe}-{_short_hash(name)}" if safe != name or reserved else safe
    counts = Counter(file.casefold() for file in chosen.values())
    for name, file in chosen.items():
        if counts[file.casefold()] > 1 and not file.endswith(_short_hash(name)):
            chosen[name] = f"{file}-{_short_hash(name)}"
    owners: dict[str, str] = {}
    for name, file in chosen.items():
        other = owners.setdefault(file.casefold(), name)
        if other != name:
            raise ExportError(f"{other!r} and {name!r} would share the export name {file!r}")
    return chosen


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


def summary_markdown(reports: list[dict[str, Any]], stray: list[str] | None = None) -> str:
    """Class statistics: totals, per assignment and function, checks ranked by failures.

    ``stray`` lists what the class folder held that was not graded.
    """
    lines = [f"# Class summary ({len(reports)} submissions)", ""]
    if stray:
        lines += ["## Not graded", "", *(f"- {entry}" for entry in stray), ""]
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


class ClassExport:
    """The exports of a class, written student by student as each is graded.

    Each student's feedback and Gradescope file are written, and a line added
    to ``grades.jsonl``, as soon as that student is graded, so a run that
    stops later keeps them; :meth:`finish` writes the class-wide files.

    Parameters
    ----------
    out : pathlib.Path
        The folder to write (created if needed).
    names : list of str
        Every student id of the class (their file names are chosen together).
    stray : list of str
        What the class folder held that was not graded (for the summary).

    Raises
    ------
    ExportError
        When two students' file names would collide.
    """

    def __init__(self, out: Path, names: list[str], stray: list[str] | None = None) -> None:
        self.out = out
        self.names = export_names(names)
        self.stray = list(stray or [])
        self.written: list[Path] = []
        out.mkdir(parents=True, exist_ok=True)
        self._lines = (out / "grades.jsonl").open("w", encoding="utf-8", errors="backslashreplace")
        self.written.append(out / "grades.jsonl")

    def _write(self, path: Path, text: str) -> None:
        if path in self.written:
            raise ExportError(f"{path} would be written twice")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
        self.written.append(path)

    def add(self, one: dict[str, Any]) -> None:
        """Write one graded student's files and their line of ``grades.jsonl``."""
        name = self.names[one["submission"]]
        markdown = feedback_markdown(one)
        self._write(self.out / "feedback" / f"{name}.md", markdown)
        self._write(
            self.out / "feedback" / f"{name}.html", markdown_to_html(markdown, one["submission"])
        )
        results = json.dumps(gradescope_results(one), indent=2, ensure_ascii=False) + "\n"
        self._write(self.out / "gradescope" / name / "results.json", results)
        self._lines.write(json.dumps(one, ensure_ascii=False) + "\n")
        self._lines.flush()

    def finish(self, reports: list[dict[str, Any]]) -> list[Path]:
        """Write the class-wide files; return every file written."""
        self._lines.close()
        self._write(self.out / "grades.csv", report.to_csv(reports))
        grades = json.dumps(reports, indent=2, ensure_ascii=False) + "\n"
        self._write(self.out / "grades.json", grades)
        self._write(self.out / "summary.md", summary_markdown(reports, self.stray))
        if totals_histogram(reports, self.out / "totals.png"):
            self.written.append(self.out / "totals.png")
        return list(self.written)


def write_all(
    reports: list[dict[str, Any]], out: Path, stray: list[str] | None = None
) -> list[Path]:
    """Write every export of a graded class into ``out`` at once.

    Parameters
    ----------
    reports : list of dict
        JSON objects of the contract, one per student.
    out : pathlib.Path
        The folder to write (created if needed).
    stray : list of str, optional
        What the class folder held that was not graded.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    export = ClassExport(out, [one["submission"] for one in reports], stray)
    for one in reports:
        export.add(one)
    return export.finish(reports)
