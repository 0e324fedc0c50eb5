"""Reports of graded submissions: docs/contract.md's JSON, CSV, a table and feedback text."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from autograder.contract import ASSIGNMENTS
from autograder.grading import results
from autograder.grading.results import FAILED, HELD_BACK, NOT_RUN, AssignmentResult, FunctionResult
from autograder.grading.submission import Submission

PASS, FAIL, HELD, SKIPPED = "✓", "✗", "○", "·"


def points(value: float) -> float | int:
    """A score as printed: ``10`` rather than ``10.0``, at most two decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (tab and newline excepted) and lone surrogates."""


def valid_text(data: Any) -> Any:
    """``data`` with every string safe to print: valid UTF-8, no terminal control codes.

    Student code can put lone surrogates (``"\\ud800"``) in exception messages
    and answers, which would make the JSON, the CSV or the terminal output
    fail to encode, and control characters (an escape sequence that clears
    the instructor's terminal). Each becomes its backslash escape
    (``\\ud800``, ``\\x1b``). Dictionaries and lists are rebuilt; everything
    else is returned as it is.
    """
    if isinstance(data, str):
        return UNSAFE_CHARACTERS.sub(_escaped, data)
    if isinstance(data, dict):
        return {valid_text(key): valid_text(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [valid_text(item) for item in data]
    return data


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula (``=``, ``+``, ``-``, ``@``)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def assignment_json(result: AssignmentResult) -> dict[str, Any]:
    """One graded assignment as plain data: the building block of :func:`submission_json`."""
    return results.to_json(result)


def submission_json(
    submission: Submission, parts: list[dict[str, Any]], timing: bool = True
) -> dict[str, Any]:
    """The JSON object of docs/contract.md for one submission.

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
        Every string in it valid UTF-8 (:func:`valid_text`).
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
    return valid_text(data)


def csv_columns() -> list[str]:
    """The columns of the CSV export: totals, then assignments, then functions."""
    columns = ["submission", "score", "max_score"]
    columns += list(ASSIGNMENTS)
    columns += [f"{a}.{f}" for a, functions in ASSIGNMENTS.items() for f in functions]
    return columns


def to_csv(reports: list[dict[str, Any]]) -> str:
    """One row per submission; a function or assignment not graded is left empty.

    A student id that a spreadsheet would run as a formula starts with ``'``.

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
            "submission": spreadsheet_safe(report["submission"]),
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


def failure_lines(failure: dict[str, Any] | results.Failure) -> list[str]:
    """Why a check failed: the failing input, what was expected, what came back.

    Parameters
    ----------
    failure : Failure or dict
        A :class:`~autograder.grading.results.Failure`, or one entry of a function's
        ``"failed"`` list in :func:`submission_json`.

    Returns
    -------
    list of str
        The lines every report shows for it (terminal, Markdown, Gradescope).
    """
    if isinstance(failure, dict):
        failure = results.Failure(
            failure["input"], failure["expected"], failure["got"], failure.get("detail", "")
        )
    lines = []
    if failure.call:
        lines.append(f"failing input: {failure.call}")
    if failure.expected:
        lines += [f"expected {failure.expected}", f"got      {failure.got}"]
    else:
        lines.append(failure.got)
    if failure.detail:
        lines.append(f"({failure.detail})")
    return lines


def grouped(checks: tuple[results.CheckResult, ...]) -> dict[str, list[results.CheckResult]]:
    """Checks grouped by their reason (``why``), in order of first appearance."""
    groups: dict[str, list[results.CheckResult]] = {}
    for check in checks:
        groups.setdefault(check.why, []).append(check)
    return groups


NOT_WRITTEN = ("your own code in place of the stub's", "NotImplementedError: not written yet")
"""How grading words a failure caused by the stub's ``raise NotImplementedError()``:
the beginnings of its ``expected`` and ``got``."""


def unwritten(function: FunctionResult) -> bool:
    """Whether ``function`` is still the stub: no point, and every failure is its raise."""
    failed = function.having(FAILED)
    return bool(failed) and function.score == 0 and all(_stub_raised(c.failure) for c in failed)


def _stub_raised(failure: results.Failure | None) -> bool:
    expected, got = NOT_WRITTEN
    return (
        failure is not None
        and failure.expected.startswith(expected)
        and failure.got.startswith(got)
    )


def unwritten_line(name: str) -> str:
    """The one line an unwritten function gets in every report, instead of each check."""
    return (
        "not written yet: the stub's raise NotImplementedError() is still there "
        f"(when it is written, self-check it with: pytest -k {name})"
    )


def _function_feedback(function: FunctionResult) -> list[str]:
    score = f"{points(function.score)} / {points(function.max_score)}"
    if unwritten(function):
        return [f"  {function.name}  {score}  {FAIL} {unwritten_line(function.name)}"]
    if function.score == function.max_score:
        return [f"  {function.name}  {score}  {PASS}"]
    lines = [f"  {function.name}  {score}"]
    for check in function.having(FAILED):
        lines.append(f"    {FAIL} {check.title} ({_pts(check.points)})")
        lines.extend(f"      {line}" for line in failure_lines(check.failure))
    for why, held in grouped(function.having(HELD_BACK)).items():
        lost = _pts(sum(c.points for c in held))
        lines.append(f"    {HELD} passed, but held back ({lost}): {why}")
        lines.extend(f"      - {c.title}" for c in held)
    not_run = tuple(c for c in function.having(NOT_RUN) if c.in_grade)
    for why, skipped in grouped(not_run).items():
        lines.append(f"    {SKIPPED} not run ({_pts(sum(c.points for c in skipped))}): {why}")
    lines.extend(f"    note: {note}" for note in function.notes)
    return lines


def _pts(value: float) -> str:
    return f"{points(value)} pt" if value == 1 else f"{points(value)} pts"


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
        for function in results.from_json(report, assignment).functions:
            lines.extend(_function_feedback(function))
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
        From :func:`autograder.reports.exports.statistics`, most failed first.
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
