"""The proxy through which checks call a student's functions.

Checks never touch student code: ``student.classify_hessian(H)`` sends the
call to the sandbox and returns the decoded value, or fails the check with a
message when the function raised or let a ``RuntimeWarning`` escape.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from autograder.grading.expect import CheckFailed
from autograder.grading.show import show, show_call
from autograder.isolation.outcome import CallError, Outcome
from autograder.isolation.sandbox import Sandbox


class NotWrittenYet(BaseException):
    """The student's code raised ``NotImplementedError``: that part is not written yet.

    Like :class:`~autograder.isolation.sandbox.LimitExceeded` it derives from
    ``BaseException``, so hypothesis stops at once instead of shrinking an
    input that does not matter: a stub fails every check of its function on
    whatever it is given, and shrinking that was most of the time spent on an
    untouched notebook.

    Parameters
    ----------
    text : str
        The exception as feedback.
    stub : bool
        Whether the function is the untouched stub (its body only raises
        ``NotImplementedError``), rather than the student's own code raising
        it in some branch.
    """

    def __init__(self, text: str, stub: bool = True) -> None:
        super().__init__(text)
        self.stub = stub


def untouched_stubs(source: Path, functions: list[str]) -> frozenset[str]:
    """The functions of ``source`` whose body only raises ``NotImplementedError`` (stubs).

    Parameters
    ----------
    source : pathlib.Path
        The student's module (read as text, never run here).
    functions : list of str
        The contract functions to look for.

    Returns
    -------
    frozenset of str
        Empty when the file cannot be parsed (the sandbox then says why).
    """
    try:
        tree = ast.parse(source.read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return frozenset()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in functions and _only_raises(node):
            found.add(node.name)
    return frozenset(found)


def _only_raises(function: ast.FunctionDef) -> bool:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def describe_raised(error: CallError) -> str:
    """An exception as feedback: type, message and the student's line."""
    if error.not_implemented:
        text = (
            "NotImplementedError: not written yet (this function, or the part this input reaches)"
        )
    else:
        text = f"{error.type}: {error.message}".rstrip(": ")
    if error.kind == "exit":
        text = f"SystemExit (the code called sys.exit or exit()): {error.message}"
    if error.where:
        text += f"  [raised at {error.where}]"
    return text


def returned(outcome: Outcome) -> Any:
    """The value of a :meth:`Student.call` outcome.

    Raises
    ------
    CheckFailed
        When the function raised, or a warning escaped it.
    """
    if outcome.status == "error":
        raise CheckFailed("a result", describe_raised(outcome.error))
    if outcome.warnings:
        raise CheckFailed(
            "no warning (your task statement: no RuntimeWarning may escape)",
            "; ".join(outcome.warnings),
        )
    return outcome.value


class Student:
    """Calls the functions of one student module running in a sandbox.

    Parameters
    ----------
    sandbox : Sandbox
        The started sandbox holding the student's module.
    stubs : frozenset of str
        The functions still exactly as the stub left them (see
        :func:`untouched_stubs`): a ``NotImplementedError`` from one of them is
        the stub's, from any other function the student's own.

    Attributes
    ----------
    last_call : str
        The most recent call, as text; a failing check shows it as the
        failing input. Formatted only when read: most checks pass,
        and formatting every call's arrays cost a third of the grading time.
    """

    def __init__(self, sandbox: Sandbox, stubs: frozenset[str] = frozenset()) -> None:
        self._sandbox = sandbox
        self._stubs = stubs
        self._last: tuple[str, tuple[Any, ...], dict[str, Any]] | None = None

    @property
    def last_call(self) -> str:
        return "" if self._last is None else show_call(*self._last)

    def forget_last_call(self) -> None:
        """Start a new check: no call made yet.

        Calls an earlier check made may be answered from its answers (see
        :meth:`~autograder.isolation.sandbox.Sandbox.next_check`).
        """
        self._last = None
        self._sandbox.next_check()

    def call(self, function: str, *args: Any, consume: bool = False, **kwargs: Any) -> Outcome:
        """Call a student function and return everything it did.

        Parameters
        ----------
        function : str
            The contract function.
        *args, **kwargs
            Its arguments.
        consume : bool
            Turn a returned iterable into a list inside the sandbox.

        Returns
        -------
        Outcome
        """
        self._last = (function, args, kwargs)
        outcome = self._sandbox.call(function, args, kwargs, consume=consume)
        if outcome.status == "missing":
            raise CheckFailed(f"a function named {function}", "no such function in your code")
        if outcome.status == "error" and outcome.error.not_implemented:
            if function in self._stubs:
                raise NotWrittenYet(describe_raised(outcome.error))
            own = describe_raised(replace(outcome.error, not_implemented=False))
            raise NotWrittenYet(own, stub=False)
        return outcome

    def value(self, function: str, *args: Any, consume: bool = False, **kwargs: Any) -> Any:
        """Call a student function and return its value.

        Raises
        ------
        CheckFailed
            When the function raised, or a warning escaped it.
        """
        return returned(self.call(function, *args, consume=consume, **kwargs))

    def raises_input_error(self, function: str, *args: Any, **kwargs: Any) -> None:
        """Fail unless the call raises ``ValueError`` or ``TypeError``."""
        outcome = self.call(function, *args, consume=True, **kwargs)
        if outcome.status == "error" and outcome.error.is_input_error:
            return
        if outcome.status == "error":
            got = describe_raised(outcome.error)
        else:
            got = f"no error, it returned {show(outcome.value)}"
        raise CheckFailed("a ValueError or TypeError", got)

    def __getattr__(self, function: str) -> Callable[..., Any]:
        if function.startswith("_"):
            raise AttributeError(function)
        return lambda *args, **kwargs: self.value(function, *args, **kwargs)
