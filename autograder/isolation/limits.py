"""The limits a sandboxed call runs under, the error a broken one raises, and
the caps on text that comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed child.

    Parameters
    ----------
    call_seconds : float
        Wall-clock time for one call of a student function (docs/contract.md: at least
        20 times the reference and never under 2 seconds).
    load_seconds : float
        Wall-clock time to start the child and execute the student's file.
    memory_bytes : int
        Address-space limit of the child.
    cpu_seconds : int
        CPU time over the child's whole life (a backstop; the child is
        restarted after every failure).
    file_bytes : int
        Largest file the child may write, its captured output included.
    answer_bytes : int
        Largest answer the grader reads back from one call.
    folder_bytes : int
        Size of the child's writable folder inside bubblewrap (a tmpfs: a
        loop writing files cannot fill the grader's disk).
    folder_inodes : int
        Files and folders the child may create in its writable folder (each
        costs kernel memory that the folder's size does not count).
    budget_seconds : float
        Wall-clock time for all the calls of one sandbox (one assignment of
        one submission; an honest one takes seconds to a minute): afterwards
        every call fails at once, so a submission whose every call sleeps
        just under ``call_seconds`` costs minutes, not hours.
    kept_bytes : int
        Calls and answers one sandbox keeps in the grader's memory to answer
        the same call again in a later check (see
        :meth:`~autograder.isolation.sandbox.Sandbox.next_check`); 0 makes
        every call.
    """

    call_seconds: float = 10.0
    load_seconds: float = 20.0
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 4 * 1024**2
    answer_bytes: int = 16 * 1024**2
    folder_bytes: int = 64 * 1024**2
    folder_inodes: int = 4096
    budget_seconds: float = 300.0
    kept_bytes: int = 16 * 1024**2


class LimitExceeded(BaseException):
    """A call broke a limit or killed the child.

    It derives from ``BaseException`` so that hypothesis does not try to
    shrink the input (each attempt would hit the limit again): the check
    stops at once and fails with this message.

    Parameters
    ----------
    message : str
        Which limit or which crash, in words a student understands.
    """


# Caps on the text that comes back from student code (the child caps it too):
# each exception field, each warning, and all the text of one call together.
TEXT_LIMIT = 500
WARNINGS_KEPT = 5
CALL_TEXT_LIMIT = 4000


def capped(text: Any, limit: int = TEXT_LIMIT) -> str:
    """Text from the child as it may appear in feedback: a capped, valid UTF-8 string.

    Anything else than a string becomes its type's name; lone surrogates and
    other characters UTF-8 cannot hold are escaped.
    """
    if not isinstance(text, str):
        text = f"<{type(text).__name__}>"
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text) - limit} more characters)"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
