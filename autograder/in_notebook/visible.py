"""Run the visible asserts of a notebook's test cells: ``with visible_checks(): assert ...``.

This module ships in every release's self-check bundle (``selfcheck/autograder/``) and the
notebooks import it in one line,
``from selfcheck.autograder.in_notebook.visible import visible_checks``
(``selfcheck`` is the release folder's sub-folder; no ``sys.path`` change, so an installed
``autograder`` is never shadowed). It imports only the standard library.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import traceback
import warnings
from typing import Any


class VisibleCheckTimeout(BaseException):
    """The visible checks of a test cell ran too long while autograding."""


class VisibleChecks:
    """Run the visible asserts of a test cell; see :func:`visible_checks`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.grading = False
        self.quiet = contextlib.ExitStack()
        self.alarm = False
        self.handler: Any = None
        self.caught: list[Any] = []

    def __enter__(self) -> VisibleChecks:
        self.grading = os.environ.get("NBGRADER_EXECUTION") == "autograde"
        self.caught = self.quiet.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        if self.grading:
            self.quiet.enter_context(contextlib.redirect_stderr(io.StringIO()))
            self.alarm = threading.current_thread() is threading.main_thread()
            if self.alarm:
                self.handler = signal.signal(signal.SIGALRM, self._too_slow)
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def _too_slow(self, *_: object) -> None:
        raise VisibleCheckTimeout(f"the visible checks took more than {self.seconds:g} seconds")

    def __exit__(self, kind: type | None, error: BaseException | None, tb: Any) -> bool:
        if self.alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if self.handler is None else self.handler)
        self.quiet.close()
        escaped = [w for w in self.caught if issubclass(w.category, RuntimeWarning)]
        if not self.grading:
            for other in (w for w in self.caught if w not in escaped):
                warnings.showwarning(other.message, other.category, other.filename, other.lineno)
        if error is None and escaped:
            # grading fails a call that lets a RuntimeWarning escape: so does this cell
            message = (
                "no RuntimeWarning may escape your code (grading fails on it), got "
                f"{escaped[0].category.__name__}: {escaped[0].message}"
            )
            if not self.grading:
                raise AssertionError(message)
            print(f"visible check failed: {message}")
            return False
        if error is None:
            print("visible checks passed")
            return False
        if not self.grading or isinstance(error, KeyboardInterrupt):
            return False
        frames = traceback.extract_tb(tb)
        where = f"line {frames[0].lineno}: {(frames[0].line or '').strip()}" if frames else ""
        print(f"visible check failed at {where}")
        print(f"  {type(error).__name__}: {error}".rstrip(": "))
        return True


def visible_checks(seconds: float = 60.0) -> VisibleChecks:
    """Run a test cell's visible asserts: ``with visible_checks(): assert ...``.

    In Jupyter a failing assert stops the cell as usual, with its traceback,
    and so does a ``RuntimeWarning`` escaping the block: grading fails a call
    that lets one escape, so the visible checks do too.
    While nbgrader autogrades (``NBGRADER_EXECUTION=autograde``) a failure, an
    error, a warning or a run longer than ``seconds`` is reported on standard
    output instead, so that the hidden checks after the block still decide the
    cell's points, exactly as on the grader's command line.
    """
    return VisibleChecks(seconds)
