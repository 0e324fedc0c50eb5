"""Reports of graded submissions: SPEC.md's JSON, CSV, a table and feedback text."""

from __future__ import annotations

import csv
import io
from typing import Any

from autograder.contract import ASSIGNMENTS
from autograder.grading import AssignmentResult
from autograder.submission import Submission

PASS, FAIL = "✓", "✗"


def points(value: float) -> float | int:
    """A score as printed: ``10`` rather than ``10.0``, at most two decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


def assignment_json(result: AssignmentResult) -> dict[str, Any]:
    """One graded assignment as plain data: the building block of :func:`submission_json`."""
    functions: dict[str, Any] = {}
    for name, function in result.functions.items():
        functions[f"{result.name}.{name}"] = {
            "score": float(function.score),
            "max_score": float(function.max_score),
            "failed": [
                {
                    "check": r.check.title,
                    "points": r.check.points,
                    "visibility": r.check.visibility,
                    "input": r.call,
                    "expected": r.expected,
                    "got": r.got,
                    **({"detail": r.detail} if r.detail else {}),
                }
                for r in function.checks
                if not r.passed
            ],
            **({"notes": function.notes} if function.notes else {}),
        }
    return {
        "name": result.name,
        "score": float(result.score),
        "max_score": float(result.max_score),
        "file": result.source,
        **({"problem": result.problem} if result.problem else {}),
        "functions": functions,
        "seconds": result.seconds,
    }


def submission_json(
    submission: Submission, parts: list[dict[str, Any]], timing: bool = True
) -> dict[str, Any]:
    """The JSON object of SPEC.md for one submission.

    Parameters
    ----------
    submission : Submission
        What was graded.
    parts : list of dict
        :func:`assignment_json` of each graded assignment, in contract order.
    timing : bool
        Include the ``"timing"`` key (the only part that differs between runs).

    Returns
    -------
    dict
    """
    data: dict[str, Any] = {
        "submission": submission.name,
        "score": float(sum(p["score"] for p in parts)),
        "max_score": float(sum(p["max_score"] for p in parts)),
        "missing": [a for a in submission.assignments if a not in submission.files],
        "functions": {k: v for p in parts for k, v in p["functions"].items()},
        "assignments": {
            p["name"]: {k: v for k, v in p.items() if k not in ("name", "functions", "seconds")}
            for p in parts
        },
        "notes": list(submission.notes),
    }
    if timing:
        data["timing"] = {
            "seconds": round(sum(p["seconds"] for p in parts), 3),
            "assignments": {p["name"]: round(p["seconds"], 3) for p in parts},
        }
    return data


def csv_columns() -> list[str]:
    """The columns of the CSV export: totals, then assignments, then functions."""
    columns = ["submission", "score", "max_score"]
    columns += list(ASSIGNMENTS)
    columns += [f"{a}.{f}" for a, functions in ASSIGNMENTS.items() for f in functions]
    return columns


def to_csv(reports: list[dict[str, Any]]) -> str:
    """One row per submission; a function or assignment not graded is left empty.

    Parameters
    ----------
    reports : list of dict
        :func:`submission_json` objects.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_columns(), lineterminator="\n")
    writer.writeheader()
    for report in reports:
        row: dict[str, Any] = {
            "submission": report["submission"],
            "score": points(report["score"]),
            "max_score": points(report["max_score"]),
        }
        row |= {name: points(a["score"]) for name, a in report["assignments"].items()}
        row |= {name: points(f["score"]) for name, f in report["functions"].items()}
        writer.writerow(row)
    return buffer.getvalue()


def table(reports: list[dict[str, Any]]) -> str:
    """A plain-text table: one row per submission, one column per assignment."""
    names = list(ASSIGNMENTS)
    width = max([len("submission"), *(len(r["submission"]) for r in reports)])
    header = f"{'submission':<{width}}  " + "  ".join(f"{n:>19}" for n in names) + "  total"
    lines = [header, "-" * (len(header) + 8)]
    for report in reports:
        cells = []
        for name in names:
            graded = report["assignments"].get(name)
            text = f"{points(graded['score'])} / {points(graded['max_score'])}" if graded else ""
            cells.append(f"{text:>19}")
        total = f"{points(report['score'])} / {points(report['max_score'])}"
        lines.append(f"{report['submission']:<{width}}  " + "  ".join(cells) + f"  {total}")
    return "\n".join(lines)


def failure_lines(failure: dict[str, Any]) -> list[str]:
    """Why a check failed: the failing input, what was expected, what came back.

    Parameters
    ----------
    failure : dict
        One entry of a function's ``"failed"`` list in :func:`submission_json`.

    Returns
    -------
    list of str
        The lines every report shows for it (terminal, Markdown, Gradescope).
    """
    lines = []
    if failure["input"]:
        lines.append(f"failing input: {failure['input']}")
    if failure["expected"]:
        lines += [f"expected {failure['expected']}", f"got      {failure['got']}"]
    else:
        lines.append(failure["got"])
    if failure.get("detail"):
        lines.append(f"({failure['detail']})")
    return lines


def _function_feedback(name: str, function: dict[str, Any]) -> list[str]:
    score = f"{points(function['score'])} / {points(function['max_score'])}"
    if not function["failed"]:
        return [f"  {name}  {score}  {PASS}"]
    lines = [f"  {name}  {score}"]
    for failure in function["failed"]:
        lines.append(f"    {FAIL} {failure['check']} ({points(failure['points'])} pts)")
        lines.extend(f"      {line}" for line in failure_lines(failure))
    lines.extend(f"    note: {note}" for note in function.get("notes", ()))
    return lines


def feedback(report: dict[str, Any], hidden_ran: bool = True) -> str:
    """Feedback for one student: every lost point with its reason and input.

    Parameters
    ----------
    report : dict
        A :func:`submission_json` object.
    hidden_ran : bool
        Whether hidden checks were part of the grade; when not (the
        self-check), the text says that passing them all is not full marks.

    Returns
    -------
    str
    """
    total = f"{points(report['score'])} / {points(report['max_score'])}"
    lines = [f"== {report['submission']}: {total} =="]
    lines.extend(f"note: {note}" for note in report["notes"])
    for assignment, graded in report["assignments"].items():
        lines.append(f"{assignment}  {points(graded['score'])} / {points(graded['max_score'])}")
        if "problem" in graded:
            lines.append(f"  {FAIL} {graded['problem']}")
            continue
        for key, function in report["functions"].items():
            if key.startswith(f"{assignment}."):
                lines.extend(_function_feedback(key.split(".", 1)[1], function))
    if not hidden_ran:
        lines.append(
            "These are the public checks only: hidden checks also count towards your grade."
        )
    return "\n".join(lines)


def most_failed(rows: list[Any], limit: int = 10) -> str:
    """The checks the class failed most, for the terminal.

    Parameters
    ----------
    rows : list of CheckStatistics
        From :func:`autograder.exports.statistics`, most failed first.
    limit : int
        How many to show.
    """
    failed = [row for row in rows if row.failed][:limit]
    if not failed:
        return "Every check passed for every student."
    lines = ["Checks failed most often:"]
    for row in failed:
        lines.append(f"  {row.failed:>4}  {row.function}: {row.title}")
    return "\n".join(lines)
