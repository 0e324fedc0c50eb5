"""Readable, copy-pasteable text for the values in feedback."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.contract import ASSIGNMENTS, assignment_of
from autograder.isolation.harness.codec import Unsupported

MAX_TEXT = 400


def show(value: Any) -> str:
    """A short text for ``value``, in Python syntax where possible."""
    if isinstance(value, np.ndarray):
        text = np.array2string(
            value, separator=", ", precision=10, floatmode="maxprec", threshold=40
        )
        text = " ".join(text.split())
        if value.dtype.kind not in "f" or value.size == 0:
            text = f"np.array({text}, dtype={value.dtype.name})"
        else:
            text = f"np.array({text})"
    elif isinstance(value, str):
        text = '"' + value.replace('"', '\\"') + '"'
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    elif isinstance(value, tuple):
        inner = ", ".join(show(v) for v in value)
        text = f"({inner},)" if len(value) == 1 else f"({inner})"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, Unsupported):
        text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 5] + " ...)"


def show_call(function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """``function(name=value, ...)`` with the contract's parameter names."""
    names = ASSIGNMENTS[assignment_of(function)][function]
    parts = [f"{name}={show(value)}" for name, value in zip(names, args, strict=False)]
    parts += [f"{name}={show(value)}" for name, value in kwargs.items()]
    return f"{function}({', '.join(parts)})"


def show_type(value: Any) -> str:
    """The type of a returned value, as a student would name it."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    if isinstance(value, Unsupported):
        return f"a value of type {value.type_name}"
    return f"a {type(value).__name__}"
