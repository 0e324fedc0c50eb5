"""What comes back from the child: an :class:`Outcome` per call, read and
checked from the child's answer, and why a child ended.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.isolation.harness import codec
from autograder.isolation.limits import CALL_TEXT_LIMIT, WARNINGS_KEPT, LimitExceeded, capped


class LoadError(Exception):
    """The student's file could not be executed (syntax error, crash at import, ...)."""


@dataclass(frozen=True)
class CallError:
    """What a student function raised, as the child described it (texts capped).

    Attributes
    ----------
    type : str
        The exception's class name.
    message : str
        Its message.
    where : str
        The deepest line of the student's file in its traceback.
    kind : str
        ``"raised"``, ``"exit"`` (``SystemExit``) or another kind the child names.
    is_input_error : bool
        A ``ValueError`` or ``TypeError`` (the contract's input errors).
    not_implemented : bool
        A ``NotImplementedError`` (not written yet).
    """

    type: str
    message: str
    where: str = ""
    kind: str = "raised"
    is_input_error: bool = False
    not_implemented: bool = False


@dataclass
class Outcome:
    """What one call of a student function did.

    Attributes
    ----------
    status : str
        ``"ok"`` (it returned), ``"error"`` (it raised) or ``"missing"``.
    value : object
        The decoded return value when ``status == "ok"``.
    error : CallError or None
        For ``"error"``: what was raised.
    warnings : list of str
        Warnings that escaped the call.
    mutated : list of str
        Positions or names of array arguments that were changed in place.
    rng_states : list of dict
        The state of each generator argument after the call.
    recorded : list of list of ndarray
        For each recording callable argument, the ``y`` batch of every call.
    """

    status: str
    value: Any = None
    error: CallError | None = None
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    rng_states: list[dict[str, Any]] = field(default_factory=list)
    recorded: list[list[np.ndarray]] = field(default_factory=list)


def exit_reason(code: int | None, isolation: str = "process") -> str:
    if code is None:
        return "stopped answering"
    if isolation == "bubblewrap" and code - 128 in _SIGNAL_NUMBERS:
        code = 128 - code  # bwrap exits with 128 + N when its child dies of signal N
    if code < 0 and -code not in _SIGNAL_NUMBERS:  # a real-time signal has no name
        return f"was killed by signal {-code}"
    if code < 0:
        name = signal.Signals(-code).name
        reasons = {
            "SIGSEGV": "crashed with a segmentation fault (SIGSEGV)",
            "SIGXCPU": "used up its CPU time limit (SIGXCPU)",
            "SIGXFSZ": "wrote a file larger than the file size limit (SIGXFSZ)",
            "SIGKILL": "was killed (SIGKILL)",
        }
        return reasons.get(name, f"was killed by {name}")
    return f"exited with code {code} (os._exit or a crash)"


_SIGNAL_NUMBERS = {int(number) for number in signal.Signals}


def is_load_message(answer: Any) -> bool:
    """Whether a line is the child's well-formed answer to loading the module."""
    if not isinstance(answer, dict):
        return False
    if answer.get("status") == "loaded":
        return isinstance(answer.get("functions"), dict)
    return answer.get("status") == "load_error" and all(
        isinstance(answer.get(key), str) for key in ("type", "message", "where")
    )


def describe_load_error(answer: dict[str, Any]) -> str:
    where = f" at {capped(answer['where'])}" if answer.get("where") else ""
    return f"{capped(answer['type'])}{where}: {capped(answer['message'], CALL_TEXT_LIMIT // 2)}"


def sandbox_description(value: Any) -> Any:
    describe = getattr(value, "sandbox_description", None)
    return describe() if callable(describe) else None


def outcome_of(answer: dict[str, Any]) -> Outcome:
    """An answer as an :class:`Outcome`, every field checked and every text capped.

    Raises
    ------
    LimitExceeded
        The call ran out of memory.
    Exception
        A malformed answer (the caller fails the check and ends the child).
    """
    status = answer["status"]
    if status == "ok":
        warnings = answer["warnings"]
        mutated = answer["mutated"]
        if not (isinstance(warnings, list) and isinstance(mutated, list)):
            raise ValueError("malformed answer")
        if not all(isinstance(s, dict) for s in answer["rng_states"]):
            raise ValueError("malformed answer")
        texts = [capped(w, CALL_TEXT_LIMIT // WARNINGS_KEPT) for w in warnings[:WARNINGS_KEPT]]
        return Outcome(
            status="ok",
            value=codec.decode(answer["value"]),
            warnings=texts,
            mutated=[capped(m, 20) for m in mutated[:50]],
            rng_states=answer["rng_states"],
            recorded=[[codec.decode(b) for b in batches] for batches in answer["recorded"]],
        )
    if status == "error":
        kind = answer["kind"]
        error = CallError(
            type=capped(answer["type"], CALL_TEXT_LIMIT // 8),
            message=capped(answer["message"], CALL_TEXT_LIMIT // 2),
            where=capped(answer["where"], CALL_TEXT_LIMIT // 8),
            kind=capped(kind, 20),
            is_input_error=answer["is_input_error"] is True,
            not_implemented=answer["not_implemented"] is True,
        )
        if kind == "memory":
            raise LimitExceeded(
                f"memory limit: the call ran out of memory ({error.type}: {error.message})"
            )
        if kind == "answer":
            # The function returned, but its value could not be sent back: a
            # wrong answer, never the student's own ValueError or TypeError.
            reason = f"{error.type}: {error.message}"
            return Outcome(
                status="ok", value=codec.Unsupported(f"value that cannot be sent back ({reason})")
            )
        return Outcome(status="error", error=error)
    if status == "missing":
        return Outcome(status="missing")
    raise ValueError("malformed answer")


def config_json(config: dict[str, Any]) -> str:
    return codec.dumps(config).decode().strip()
