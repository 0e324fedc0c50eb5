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
MAX_DIMENSIONS = 32
MAX_STRING = 100_000
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


def decode(data: Any, special: Any = None, depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s output, trusting nothing in it.

    Every tagged value is checked before anything is allocated for it: an
    array's dtype must be numeric and its declared shape must hold exactly
    the bytes sent (so its size is bounded by the message's), the two parts
    of a complex array must be arrays of one shape, nesting is at most
    ``MAX_DEPTH`` deep, and a string longer than ``MAX_STRING`` characters
    becomes :class:`Unsupported` (no answer of the contract is one).

    Parameters
    ----------
    data : object
        The JSON-compatible structure.
    special : callable, optional
        ``special(tag, payload)`` rebuilds tagged descriptions other than the
        codec's own (the sandbox's callables); it returns ``NotImplemented``
        for tags it does not know.
    depth : int
        Current nesting depth (internal).

    Returns
    -------
    object
        Plain numbers, strings, lists, tuples, dicts, NumPy arrays or
        :class:`Unsupported`.

    Raises
    ------
    EncodingError
        The structure is malformed, too deep, or declares what it does not hold.
    """
    if depth > MAX_DEPTH:
        raise EncodingError("value nested too deeply")
    if isinstance(data, str):
        return data if len(data) <= MAX_STRING else Unsupported(f"str of {len(data)} characters")
    if isinstance(data, list):
        return [decode(item, special, depth + 1) for item in data]
    if not isinstance(data, dict):
        if data is None or type(data) in (bool, int, float):
            return data
        raise EncodingError(f"unexpected {type(data).__name__}")
    if "__ndarray__" in data:
        return _decode_array(data["__ndarray__"])
    if "__complex_ndarray__" in data:
        parts = _pair(data["__complex_ndarray__"])
        real, imag = (decode(part, None, depth + 1) for part in parts)
        if not all(isinstance(p, np.ndarray) for p in (real, imag)) or real.shape != imag.shape:
            raise EncodingError("the parts of a complex array differ")
        result = np.empty(real.shape, dtype=complex)
        result.real, result.imag = real, imag
        return result
    if "__float__" in data:
        text = data["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise EncodingError("malformed float")
        return float(text)
    if "__complex__" in data:
        real, imag = (decode(part, None, depth + 1) for part in _pair(data["__complex__"]))
        if not all(type(p) in (int, float) for p in (real, imag)):
            raise EncodingError("malformed complex number")
        return complex(real, imag)
    if "__tuple__" in data:
        return tuple(decode(item, special, depth + 1) for item in _list(data["__tuple__"]))
    if "__dict__" in data:
        pairs = [_pair(pair) for pair in _list(data["__dict__"])]
        if not all(type(key) is str for key, _ in pairs):
            raise EncodingError("malformed dict")
        return {key: decode(item, special, depth + 1) for key, item in pairs}
    if "__unsupported__" in data:
        return Unsupported(str(data["__unsupported__"])[:200])
    if special is not None and len(data) == 1:
        ((tag, payload),) = data.items()
        rebuilt = special(tag, payload)
        if rebuilt is not NotImplemented:
            return rebuilt
    raise EncodingError(f"unknown tagged value {sorted(map(str, data))[:5]!r}")


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise EncodingError("malformed value: a list expected")
    return data


def _pair(data: Any) -> list[Any]:
    if not isinstance(data, list) or len(data) != 2:
        raise EncodingError("malformed value: a pair expected")
    return data


def _decode_array(spec: Any) -> Any:
    """An array from its description, checked before anything is allocated."""
    if not isinstance(spec, dict) or not all(
        isinstance(spec.get(key), kind) for key, kind in (("dtype", str), ("data", str))
    ):
        raise EncodingError("malformed array")
    shape = spec.get("shape")
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_DIMENSIONS
        or not all(type(n) is int and n >= 0 for n in shape)
    ):
        raise EncodingError("malformed array shape")
    try:
        dtype = np.dtype(spec["dtype"])
    except (TypeError, ValueError):
        raise EncodingError("malformed array dtype") from None
    if dtype.kind not in NUMERIC_KINDS or dtype.itemsize > 16:
        return Unsupported(f"ndarray of dtype {spec['dtype'][:20]}")
    count = math.prod(shape)
    if count * dtype.itemsize != len(spec["data"]) // 4 * 3 - spec["data"][-2:].count("="):
        raise EncodingError("array data does not match its shape")
    try:
        raw = base64.b64decode(spec["data"], validate=True)
        array = np.frombuffer(raw, dtype=dtype).reshape(shape)
    except ValueError:  # binascii.Error included
        raise EncodingError("malformed array data") from None
    return array.astype(dtype.newbyteorder("="))


def dumps(message: Any) -> bytes:
    """Serialise one protocol message as a single JSON line."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> Any:
    """Parse one protocol message."""
    return json.loads(line)
