"""Files an instructor acts on: feedback per student, grades, statistics, Gradescope.

``python -m autograder grade PATH --out DIR`` writes::

    DIR/grades.csv                     one row per student (as --csv)
    DIR/grades.json                    everything, docs/contract.md's JSON (a list)
    DIR/grades.jsonl                   one line per student, written as each is graded
    DIR/feedback/<student>.md, .html   each function, each lost point with its reason
    DIR/gradescope/<student>/results.json
    DIR/summary.md                     class statistics, the checks failed most
    DIR/totals.png                     histogram of the totals (needs matplotlib)

Every file is rendered from the result model (:mod:`autograder.grading.results`, rebuilt
from the same JSON reports), so they carry the same scores: the points of the
checks that passed add up to each score, and a check that did not run is never
shown as passed. Text from checks and students is escaped (:mod:`autograder.reports.markdown`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.contract import ASSIGNMENTS
from autograder.grading import results
from autograder.grading.results import FAILED, HELD_BACK, NOT_RUN, AssignmentResult, FunctionResult
from autograder.reports import markdown as md
from autograder.reports import report

TOP_FAILED = 10
"""How many checks summary.md ranks."""


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


def graded_assignments(one: dict[str, Any]) -> Iterator[AssignmentResult]:
    """The result model of each graded assignment of one report, in contract order."""
    for assignment in ASSIGNMENTS:
        if assignment in one["assignments"]:
            yield results.from_json(one, assignment)


def left_out(one: dict[str, Any]) -> int:
    """How many checks were not run by choice (``--public-only``): not part of the grade."""
    return sum(
        not check.in_grade for graded in graded_assignments(one) for check in graded.checks()
    )


def _score(score: float, maximum: float) -> str:
    return f"{report.points(score)} / {report.points(maximum)}"


# --- feedback per student ----------------------------------------------------------------------


def unwritten_markdown(function: str) -> str:
    """The one line (Markdown) an unwritten function gets instead of each of its checks."""
    return (
        "not written yet: the stub's `raise NotImplementedError()` is still there "
        f"(when it is written, self-check it with {md.code(f'pytest -k {function}')})"
    )


def _function_markdown(function: FunctionResult) -> list[str]:
    """One function as a list item, its checks and notes nested under it."""
    name, score = md.code(function.name), _score(function.score, function.max_score)
    if report.unwritten(function):
        return [f"- ✗ {name}: {score}, {unwritten_markdown(function.name)}"]
    mark = "✓" if function.score == function.max_score else "✗"
    lines = [f"- {mark} {name}: {score}"]
    for check in function.having(FAILED):
        lines += [f"  - ✗ {md.text(check.title)} ({md.points(check.points)})", ""]
        lines += [*md.code_block(report.failure_lines(check.failure), "    "), ""]
    for why, held in report.grouped(function.having(HELD_BACK)).items():
        lost = md.points(sum(c.points for c in held))
        lines.append(f"  - ○ passed, but held back ({lost}): {md.text(why)}")
        lines += [f"    - {md.text(c.title)}" for c in held]
    not_run = tuple(c for c in function.having(NOT_RUN) if c.in_grade)
    for why, skipped in report.grouped(not_run).items():
        lost = md.points(sum(c.points for c in skipped))
        lines.append(f"  - · not run ({lost}): {md.text(why)}")
    lines += [f"  - note: {md.text(note)}" for note in function.notes]
    return lines


def feedback_markdown(one: dict[str, Any]) -> str:
    """One student's feedback as Markdown: each function, its lost points nested under it."""
    lines = [
        f"# Feedback for {md.text(one['submission'])}",
        "",
        f"**Total: {_score(one['score'], one['max_score'])}**",
    ]
    notes = list(one["notes"])
    skipped = left_out(one)
    if skipped:
        notes.append(
            f"Public checks only: {md.plural(skipped, 'hidden check')} did not run and are not "
            "part of this total; hidden checks also count towards the grade."
        )
    if notes:
        lines.append("")
    for note in notes:
        lines += [f"> {md.text(note)}", ">"]
    if notes:
        lines.pop()
    for graded in graded_assignments(one):
        lines += ["", f"## {md.text(graded.name)}: {_score(graded.score, graded.max_score)}", ""]
        if graded.problem:
            lines.append(f"- ✗ nothing could be graded: {md.text(graded.problem)}")
            continue
        for function in graded.functions:
            lines += _function_markdown(function)
    return "\n".join(lines) + "\n"


def feedback_html(one: dict[str, Any]) -> str:
    """One student's feedback as a standalone HTML page (the Markdown, rendered)."""
    return md.to_html(feedback_markdown(one), f"Feedback for {one['submission']}")


# --- class statistics --------------------------------------------------------------------------


@dataclass
class CheckStatistics:
    """How a class did on one check (failures of functions still unwritten left out)."""

    function: str
    title: str
    points: float
    failed: int = 0
    inputs: Counter[str] = field(default_factory=Counter)


def statistics(reports: list[dict[str, Any]]) -> list[CheckStatistics]:
    """Per check: how many students failed it and their commonest failing input.

    A function a student has not written yet (:func:`autograder.reports.report.unwritten`)
    counts in :func:`unwritten_counts`, not here: an untouched stub fails every
    check and would bury the mistakes of those who wrote it.

    Returns
    -------
    list of CheckStatistics
        Most failed first (ties in the order the checks were graded).
    """
    rows: dict[tuple[str, str, str], CheckStatistics] = {}
    for one in reports:
        for graded in graded_assignments(one):
            for function in graded.functions:
                stub = report.unwritten(function)
                for check in function.checks:
                    key = f"{graded.name}.{function.name}"
                    row = rows.setdefault(
                        (key, check.visibility, check.name),
                        CheckStatistics(key, check.title, check.points),
                    )
                    if check.outcome == FAILED and not stub and check.failure is not None:
                        row.failed += 1
                        row.inputs[check.failure.call or check.failure.got] += 1
    return sorted(rows.values(), key=lambda r: -r.failed)


def unwritten_counts(reports: list[dict[str, Any]]) -> Counter[str]:
    """How many students have not written each function (``"<assignment>.<function>"``)."""
    counts: Counter[str] = Counter()
    for one in reports:
        for graded in graded_assignments(one):
            for function in graded.functions:
                if report.unwritten(function):
                    counts[f"{graded.name}.{function.name}"] += 1
    return counts


def _distribution(scores: list[float], maximum: float) -> list[str]:
    """Mean, min, max, full marks (of how many), as table cells."""
    if not scores:
        return ["", "", "", "0 of 0"]
    full = sum(s == maximum for s in scores)
    return [
        f"{sum(scores) / len(scores):.1f} / {report.points(maximum)}",
        str(report.points(min(scores))),
        str(report.points(max(scores))),
        f"{full} of {len(scores)}",
    ]


def _score_rows(reports: list[dict[str, Any]], unwritten: Counter[str]) -> list[list[str]]:
    totals = [r["score"] for r in reports]
    maximum = max((r["max_score"] for r in reports), default=0.0)
    rows = [["**total**", *_distribution(totals, maximum), ""]]
    for assignment, functions in ASSIGNMENTS.items():
        graded = [r["assignments"][assignment] for r in reports if assignment in r["assignments"]]
        if not graded:
            continue
        scores = [g["score"] for g in graded]
        rows.append(
            [f"**{md.text(assignment)}**", *_distribution(scores, graded[0]["max_score"]), ""]
        )
        for function in functions:
            key = f"{assignment}.{function}"
            entries = [r["functions"][key] for r in reports if key in r["functions"]]
            scores = [e["score"] for e in entries]
            top = entries[0]["max_score"] if entries else 0.0
            rows.append(
                [md.code(function), *_distribution(scores, top), str(unwritten[key] or "")]
            )
    return rows


def summary_markdown(reports: list[dict[str, Any]], stray: list[str] | None = None) -> str:
    """Class statistics: scores per assignment and function, the checks failed most.

    ``stray`` lists what the class folder held that was not graded.
    """
    unwritten = unwritten_counts(reports)
    lines = [f"# Class summary ({md.plural(len(reports), 'submission')})", ""]
    if stray:
        lines += ["## Not graded", "", *(f"- {md.text(entry)}" for entry in stray), ""]
    skipped = max((left_out(r) for r in reports), default=0)
    if skipped:
        lines += [
            f"Public checks only: {md.plural(skipped, 'hidden check')} per submission did not "
            "run and are not part of these scores.",
            "",
        ]
    lines += ["## Scores", ""]
    header = ["", "mean", "min", "max", "full marks", "not written"]
    lines += md.table(header, _score_rows(reports, unwritten))
    lines += ["", f"## The {TOP_FAILED} checks failed most", ""]
    failed = [row for row in statistics(reports) if row.failed][:TOP_FAILED]
    if failed:
        rows = []
        for row in failed:
            common, count = row.inputs.most_common(1)[0]
            rows.append(
                [
                    f"{row.failed} of {len(reports)}",
                    md.code(row.function),
                    md.text(row.title),
                    f"{md.code(common)} ({count}×)",
                ]
            )
        lines += md.table(["failed", "function", "check", "commonest failing input"], rows)
    else:
        lines.append("No check failed (functions not written yet aside).")
    lines += ["", "Functions a student has not written yet are counted apart, below.", ""]
    lines += ["## Not written yet", ""]
    if unwritten:
        lines += [
            f"- {md.plural(count, 'student')} {'has' if count == 1 else 'have'} not written "
            f"{md.code(key)}"
            for key, count in sorted(unwritten.items(), key=lambda item: -item[1])
        ]
    else:
        lines.append("Every student wrote every function.")
    return "\n".join(lines) + "\n"


def totals_histogram(reports: list[dict[str, Any]], path: Path) -> bool:
    """Draw the histogram of the totals; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return False
    maximum = max((r["max_score"] for r in reports), default=1.0) or 1.0
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.hist([r["score"] for r in reports], bins=20, range=(0, maximum), color="tab:blue")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("total score")
    axes.set_ylabel("students")
    axes.set_title(f"Totals of {md.plural(len(reports), 'submission')}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def _gradescope_results(one: dict[str, Any]) -> dict[str, Any]:
    from autograder.reports.gradescope import results_json  # it reads this module's model helpers

    return results_json(one)


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
        self._write(self.out / "feedback" / f"{name}.md", feedback_markdown(one))
        self._write(self.out / "feedback" / f"{name}.html", feedback_html(one))
        gradescope = json.dumps(_gradescope_results(one), indent=2, ensure_ascii=False) + "\n"
        self._write(self.out / "gradescope" / name / "results.json", gradescope)
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
