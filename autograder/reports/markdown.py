"""Markdown that shows text verbatim, and its HTML page (rendered by markdown-it-py).

Every piece of text from a check or a student (a title such as ``x**2 - y**2`` or
``|lam| <= tol``, a failing input, a got value) goes through :func:`text`,
:func:`code` or :func:`code_block`, so that Markdown never reads it as markup:
no bold from ``**``, no table cell from ``|``, no HTML from ``<``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_MARKUP = re.compile(r"[\\`*\[\]<>|!~&#]|(?<!\w)_+|_+(?!\w)")
"""Characters that can start or end markup anywhere in a line (emphasis, code, links,
HTML, entities, tables, strikethrough, heading closers); ``_`` only at a word's edge
(CommonMark never reads underscores inside a word, ``batch_size``, as emphasis)."""
_LINE_START = re.compile(r"^([-+=:]|\d+(?=[.)]))")
"""What makes a list item, a heading underline or a table rule at the start of a line
(an ordered list's ``1.``: its dot is escaped)."""


def text(value: str) -> str:
    """``value`` as Markdown text that renders exactly as ``value``, on one line.

    The characters that can make markup are backslash-escaped (CommonMark
    renders an escaped punctuation character as itself, in a table cell too).
    """
    escaped = _MARKUP.sub(_escape_each, " ".join(value.split()))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_each(found: re.Match[str]) -> str:
    return "".join(f"\\{character}" for character in found.group(0))


def _escape_line_start(found: re.Match[str]) -> str:
    start = found.group(1)
    return f"{start}\\" if start.isdigit() else f"\\{start}"


def code(value: str) -> str:
    """``value`` as inline code, whatever backticks it holds.

    A ``|`` is escaped: a GFM table splits its cells before it reads code spans.
    """
    value = " ".join(value.split())
    if not value:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") or longest else value
    return f"{fence}{padded}{fence}".replace("|", "\\|")


def code_block(lines: list[str], indent: str = "") -> list[str]:
    """``lines`` as a fenced code block (a fence longer than any backtick run in them)."""
    longest = max((len(run) for line in lines for run in re.findall(r"`{3,}", line)), default=2)
    fence = "`" * max(3, longest + 1)
    return [f"{indent}{fence}text", *(f"{indent}{line}" for line in lines), f"{indent}{fence}"]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells are Markdown already (use :func:`text` or :func:`code`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 point``, ``2 points``, ``1 update``."""
    word = singular if count == 1 else plural_form or f"{singular}s"
    return f"{count} {word}"


def points(value: float) -> str:
    """``1 point``, ``2 points``, ``0.5 points``."""
    shown = int(value) if float(value).is_integer() else round(value, 2)
    return f"{shown} point" if shown == 1 else f"{shown} points"


STYLE = """\
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       line-height: 1.4; color: #222; }
pre { background: #f4f4f4; padding: .5em .75em; border-radius: 4px; white-space: pre-wrap;
      overflow-wrap: anywhere; max-height: 30em; overflow: auto; }
code { background: #f4f4f4; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
li { margin: .25em 0; }
li > ul { margin-top: .25em; }
blockquote { border-left: 4px solid #ccc; margin: 1em 0; padding: .25em 1em; color: #444; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
"""


@cache
def _renderer() -> MarkdownIt:
    """CommonMark with GFM tables; raw HTML in the source is shown as text, never passed on.

    Imported on first use: grading without HTML exports never pays for it.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def to_html(markdown: str, title: str) -> str:
    """A standalone HTML page of ``markdown`` (escaped by markdown-it-py, raw HTML off)."""
    from html import escape

    body = _renderer().render(markdown)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>\n{STYLE}</style></head>\n<body>\n"
        f"{body}</body></html>\n"
    )
