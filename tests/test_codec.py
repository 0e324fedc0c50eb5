"""The sandbox codec: plain data only, and never a trusted object from the student."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.isolation.harness import codec


def round_trip(value: object) -> object:
    return codec.decode(codec.loads(codec.dumps(codec.encode(value))))


@pytest.mark.parametrize(
    "value",
    [None, True, 3, -(2**70), 1.5, float("inf"), "saddle_point", [1, "a"], (1, 2.0), {"k": [1]}],
)
def test_plain_values_round_trip(value: object) -> None:
    assert round_trip(value) == value
    assert type(round_trip(value)) is type(value)


def test_nan_round_trips_as_nan() -> None:
    assert np.isnan(round_trip(float("nan")))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "uint8", "bool"])
def test_arrays_keep_dtype_shape_and_values(dtype: str) -> None:
    array = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    back = round_trip(array)
    assert isinstance(back, np.ndarray)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_numpy_scalars_and_0d_arrays_become_plain_numbers() -> None:
    assert type(round_trip(np.float64(2.5))) is float
    assert type(round_trip(np.int64(4))) is int
    assert type(round_trip(np.array(2.5))) is float
    assert type(round_trip(np.str_("local_minimum"))) is str


def test_a_str_subclass_that_lies_about_equality_is_unsupported() -> None:
    class Liar(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    back = round_trip(Liar("anything"))
    assert isinstance(back, codec.Unsupported)
    assert back != "saddle_point"


def test_an_honest_str_subclass_is_its_plain_value() -> None:
    class Label(str):
        pass

    assert type(round_trip(Label("inconclusive"))) is str


def test_objects_arrays_and_generators_are_unsupported() -> None:
    assert isinstance(round_trip(object()), codec.Unsupported)
    assert isinstance(round_trip(np.array([object()])), codec.Unsupported)
    assert isinstance(round_trip(x for x in range(3)), codec.Unsupported)


def test_an_object_whose_reduce_runs_code_is_never_called() -> None:
    calls = []

    class Evil:
        def __reduce__(self):
            calls.append("reduce")
            return (print, ("pwned",))

    assert isinstance(round_trip(Evil()), codec.Unsupported)
    assert calls == []


def test_unknown_tags_are_rejected() -> None:
    with pytest.raises(codec.EncodingError):
        codec.decode({"__pickle__": "gASV"})
