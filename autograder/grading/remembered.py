"""The reference's results, computed once per grading process for inputs every student meets.

Replayed checks give every student the same recorded inputs, so a worker that
grades a class asks the reference the same questions for each student. The
reference is deterministic: for the functions named here, a call whose
arguments are plain values (numbers, strings, arrays, lists, tuples, dicts) is
computed once per process and each later caller gets a fresh copy of the
result. A call with anything else (a callable, a generator) is computed as
usual.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any

from autograder.isolation.harness import codec

KEPT_RESULTS = 4096
"""Results kept per function; beyond that, calls are computed as usual."""


def remembering(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, computing each call with plain arguments once per process.

    Parameters
    ----------
    function : callable
        A deterministic function that changes none of its arguments.

    Returns
    -------
    callable
        The same function; its results are copies of the first one's.
    """
    kept: dict[bytes, Any] = {}

    @functools.wraps(function)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        key = _key(args, kwargs)
        if key is None:
            return function(*args, **kwargs)
        if key in kept:
            return copy.deepcopy(kept[key])
        result = function(*args, **kwargs)
        if len(kept) < KEPT_RESULTS:
            kept[key] = copy.deepcopy(result)  # the caller may change its own
        return result

    return remembered


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes | None:
    """The arguments and their types as bytes; ``None`` unless all are plain values.

    Arrays are encoded with their dtype and shape, floats exactly.
    """
    types = [type(value).__qualname__ for value in (*args, *kwargs.values())]
    try:
        key = codec.dumps([types, codec.encode(list(args)), codec.encode(kwargs)])
    except codec.EncodingError:
        return None
    return None if b'"__unsupported__"' in key else key


class Remembering:
    """A module whose functions ``names`` are :func:`remembering`; the rest as they are.

    Parameters
    ----------
    module : module
        The reference module.
    names : iterable of str
        Its deterministic functions worth remembering (the slow ones).
    """

    def __init__(self, module: ModuleType, names: tuple[str, ...]) -> None:
        self._module = module
        self._remembered = {name: remembering(getattr(module, name)) for name in names}

    def __getattr__(self, name: str) -> Any:
        if name in self._remembered:
            return self._remembered[name]
        return getattr(self._module, name)
