"""Comparisons that fail a check with a message a student can act on.

Every comparison runs in a fixed order, each step with its own message:
returned nothing, then wrong type, wrong shape, wrong dtype kind, wrong values
(the order PrairieLearn's feedback helpers use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.grading.show import show, show_type

Detail = str | Callable[[], str]
"""An extra line of feedback, or a function that writes it when a check fails (most
pass, and formatting arrays is slow)."""


class Later:
    """Feedback text written only when needed: when a check fails, or when formatted.

    A :data:`Detail` that f-strings and ``str`` also turn into its text.

    Parameters
    ----------
    write : callable
        Returns the text.
    """

    def __init__(self, write: Callable[[], str]) -> None:
        self._write = write

    def __call__(self) -> str:
        return self._write()

    def __str__(self) -> str:
        return self._write()


class CheckFailed(Exception):
    """A property did not hold.

    Parameters
    ----------
    expected : str
        What the contract asks for, in words.
    got : str
        What came back.
    detail : str or callable
        Optional extra line (for example the eigenvalues of the input), or a
        function of no argument that returns it.
    """

    def __init__(self, expected: str, got: str, detail: Detail = "") -> None:
        super().__init__(f"expected {expected}, got {got}")
        self.expected = expected
        self.got = got
        self.detail = detail() if callable(detail) else detail
        self.call = ""
        self.note = ""


def fail(expected: str, got: str, detail: Detail = "") -> None:
    """Fail the check at once."""
    raise CheckFailed(expected, got, detail)


def returned_something(got: Any, what: str) -> None:
    """Fail when the function returned ``None`` (a forgotten ``return``)."""
    if got is None:
        fail(what, "None (did you forget a return statement?)")


def is_float(got: Any, what: str = "a float") -> float:
    """A Python or NumPy float (a 0-d array arrives as a float too)."""
    returned_something(got, what)
    if isinstance(got, bool) or not isinstance(got, float | int):
        fail(what, show_type(got))
    return float(got)


def is_int(got: Any, what: str = "an int") -> int:
    """A Python or NumPy integer, not a float and not a bool."""
    returned_something(got, what)
    if isinstance(got, bool) or not isinstance(got, int):
        fail(what, f"{show_type(got)} ({show(got)})")
    return got


def is_string(got: Any, expected: str, detail: Detail = "") -> None:
    """Exactly the string ``expected``."""
    if got is None:
        returned_something(got, show(expected))
    if not isinstance(got, str):
        fail(show(expected), show_type(got), detail)
    if got != expected:
        fail(show(expected), show(got), detail)


def is_array(
    got: Any, shape: tuple[int, ...], kind: str = "f", what: str = "an array"
) -> np.ndarray:
    """A NumPy array of ``shape`` whose dtype kind is in ``kind``.

    Parameters
    ----------
    got : object
        The returned value.
    shape : tuple of int
        The expected shape.
    kind : str
        Accepted dtype kinds: ``"f"`` accepts floats (and integers, which are
        exact), ``"i"`` integers only.
    what : str
        The expected value in words, for the message.

    Returns
    -------
    numpy.ndarray
    """
    returned_something(got, f"{what} of shape {shape}")
    if not isinstance(got, np.ndarray):
        fail(f"{what} (a NumPy array) of shape {shape}", show_type(got))
    if got.shape != shape:
        fail(f"{what} of shape {shape}", f"shape {got.shape}: {show(got)}")
    accepted = "fiub" if kind == "f" else "iu"
    if got.dtype.kind not in accepted:
        name = "float" if kind == "f" else "integer"
        fail(f"{what} with a {name} dtype", f"dtype {got.dtype}")
    return got


def close(
    got: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    what: str = "the values",
    detail: Detail = "",
) -> None:
    """Values within ``atol + rtol * |expected|``, elementwise; NaN never passes.

    ``got`` must already have the right type and shape (check it first).
    """
    got_array = np.asarray(got, dtype=float)
    expected_array = np.asarray(expected, dtype=float)
    if got_array.shape != expected_array.shape:
        fail(f"{what} of shape {expected_array.shape}", f"shape {got_array.shape}")
    error = np.abs(got_array - expected_array)
    bound = atol + rtol * np.abs(expected_array)
    bad = ~(error <= bound)
    if np.any(bad):
        worst = np.unravel_index(np.argmax(np.where(bad, error - bound, -np.inf)), bad.shape)
        position = f" (worst at index {tuple(int(i) for i in worst)})" if got_array.ndim else ""
        fail(
            f"{what} {show(expected)}",
            f"{show(got)}{position}",
            detail,
        )
