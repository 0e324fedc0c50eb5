"""A codec for values crossing the sandbox boundary, that never executes code.

Values travel as JSON: plain numbers, strings, lists, and tagged objects for
NumPy arrays (raw bytes in base64 with an explicit numeric dtype), tuples,
dicts and complex numbers. Decoding builds only those types, so nothing a
student returns can run code in the grader. NumPy scalars and 0-d arrays
become plain numbers. Anything else, including a ``str`` or ``float``
subclass that overrides comparison, becomes an :class:`Unsupported` marker,
which the checks treat as a wrong answer.

This module is copied into the sandbox as it is: it imports only the standard
library and NumPy.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

MAX_DEPTH = 20
MAX_ITEMS = 100_000
NUMERIC_KINDS = "biuf"


class Unsupported:
    """Stands for a value of a type the contract never returns.

    Parameters
    ----------
    type_name : str
        The name of the value's type, for feedback.
    """

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a value of type {self.type_name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unsupported) and other.type_name == self.type_name

    def __hash__(self) -> int:
        return hash(self.type_name)


class EncodingError(ValueError):
    """A value is too large or too deeply nested to be sent."""


def _overrides(cls: type, base: type, names: tuple[str, ...]) -> bool:
    """Whether ``cls`` redefines any of ``names`` that ``base`` defines."""
    return any(getattr(cls, name, None) is not getattr(base, name, None) for name in names)


_COMPARISON = ("__eq__", "__ne__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__")


def encode(value: Any, depth: int = 0, special: Any = None) -> Any:
    """Turn a value into a JSON-compatible structure.

    Parameters
    ----------
    value : object
        The value to send.
    depth : int
        Current nesting depth (internal).
    special : callable, optional
        ``special(value)`` returns a JSON-compatible description for values the
        caller knows how to describe (the grader's callables), or ``None``.

    Returns
    -------
    object
        Built from ``None``, ``bool``, ``int``, ``float``, ``str``, ``list`` and
        ``dict`` only.
    """
    if depth > MAX_DEPTH:
        raise EncodingError("value nested too deeply")
    if special is not None:
        described = special(value)
        if described is not None:
            return described
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return _encode_float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _encode_float(float(value))
    if isinstance(value, np.str_):
        return str.__str__(value)
    if isinstance(value, str) and not _overrides(type(value), str, _COMPARISON):
        return str.__str__(value)
    if type(value) is complex or isinstance(value, np.complexfloating):
        return {"__complex__": [_encode_float(value.real), _encode_float(value.imag)]}
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if type(value) in (list, tuple):
        if len(value) > MAX_ITEMS:
            raise EncodingError("sequence too long")
        items = [encode(item, depth + 1, special) for item in value]
        return items if type(value) is list else {"__tuple__": items}
    if isinstance(value, dict) and not _overrides(type(value), dict, ("__getitem__", "items")):
        pairs = []
        for key, item in dict.items(value):
            if type(key) is not str:
                return {"__unsupported__": f"dict with a {type(key).__name__} key"}
            pairs.append([key, encode(item, depth + 1, special)])
        return {"__dict__": pairs, "plain": type(value) is dict}
    return {"__unsupported__": type(value).__name__}


def _encode_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"__float__": repr(value)}


def _encode_array(array: np.ndarray) -> Any:
    plain = np.asarray(array)
    if plain.dtype.kind == "c":
        return {
            "__complex_ndarray__": [_encode_array(plain.real), _encode_array(plain.imag)],
        }
    if plain.dtype.kind not in NUMERIC_KINDS:
        return {"__unsupported__": f"ndarray of dtype {plain.dtype}"}
    if plain.ndim == 0:
        return encode(plain[()])
    if plain.size > 10 * MAX_ITEMS:
        raise EncodingError("array too large")
    little = np.ascontiguousarray(plain, dtype=plain.dtype.newbyteorder("<"))
    return {
        "__ndarray__": {
            "dtype": little.dtype.str,
            "shape": list(little.shape),
            "data": base64.b64encode(little.tobytes()).decode(),
        }
    }


def decode(data: Any, special: Any = None) -> Any:
    """Rebuild a value from :func:`encode`'s output.

    Parameters
    ----------
    data : object
        The JSON-compatible structure.
    special : callable, optional
        ``special(tag, payload)`` rebuilds tagged descriptions other than the
        codec's own (the sandbox's callables); it returns ``NotImplemented``
        for tags it does not know.

    Returns
    -------
    object
        Plain numbers, strings, lists, tuples, dicts, NumPy arrays or
        :class:`Unsupported`.
    """
    if isinstance(data, list):
        return [decode(item, special) for item in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        spec = data["__ndarray__"]
        dtype = np.dtype(spec["dtype"])
        if dtype.kind not in NUMERIC_KINDS:
            return Unsupported(f"ndarray of dtype {dtype}")
        raw = base64.b64decode(spec["data"])
        array = np.frombuffer(raw, dtype=dtype).reshape(spec["shape"])
        return array.astype(dtype.newbyteorder("="))
    if "__complex_ndarray__" in data:
        real, imag = (decode(part) for part in data["__complex_ndarray__"])
        return real + 1j * imag
    if "__float__" in data:
        return float(data["__float__"])
    if "__complex__" in data:
        real, imag = (decode(part) for part in data["__complex__"])
        return complex(real, imag)
    if "__tuple__" in data:
        return tuple(decode(item, special) for item in data["__tuple__"])
    if "__dict__" in data:
        return {key: decode(item, special) for key, item in data["__dict__"]}
    if "__unsupported__" in data:
        return Unsupported(str(data["__unsupported__"]))
    if special is not None and len(data) == 1:
        ((tag, payload),) = data.items()
        rebuilt = special(tag, payload)
        if rebuilt is not NotImplemented:
            return rebuilt
    raise EncodingError(f"unknown tagged value {sorted(data)!r}")


def dumps(message: Any) -> bytes:
    """Serialise one protocol message as a single JSON line."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> Any:
    """Parse one protocol message."""
    return json.loads(line)
