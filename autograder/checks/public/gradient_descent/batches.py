"""Public checks of ``num_batches``, ``minibatch_indices`` and
``iterate_minibatches``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from autograder.checks._support.gradient_descent import (
    batch_list,
    number,
    pairs,
    permutations,
    rows_of,
    slices,
    state_after_permutation,
)
from autograder.grading import expect
from autograder.grading.registry import check
from autograder.grading.show import show, show_type
from autograder.grading.student import returned
from autograder.strategies import gradient_descent as gds
from autograder.strategies.described import Seed

NUM_BATCHES_VALUES = (
    "num_batches_ceil",
    "num_batches_drop_last",
    "num_batches_huge",
    "num_batches_matches_reference",
)
MINIBATCH_VALUES = (
    "minibatch_sizes",
    "minibatch_seeded_order",
    "minibatch_no_shuffle",
    "minibatch_drop_last",
    "minibatch_matches_reference",
)
ITERATE_VALUES = (
    "iterate_shapes",  # the batch sizes of ceil(n / batch_size) batches: a value
    "iterate_contract_batches",
    "iterate_no_shuffle",
    "iterate_drop_last",
    "iterate_matches_reference",
)


@check("num_batches", points=2, title="returns ceil(n / batch_size)")
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts())
def num_batches_ceil(student, case):
    """The number of batches, short last batch included."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size), "an int")
    expected = -(-n // batch_size)
    if got != expected:
        expect.fail(show(expected), show(got), f"{n} examples in batches of {batch_size}")


@check("num_batches", points=1.5, title="returns floor(n / batch_size) when drop_last is true")
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts() | gds.huge_counts())
def num_batches_drop_last(student, case):
    """The number of full batches, exactly (huge integers included)."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size, drop_last=True), "an int")
    expected = n // batch_size
    if got != expected:
        detail = huge_detail(n, batch_size)
        expect.fail(show(expected), show(got), f"{detail}, the short last batch dropped")


@check(
    "num_batches",
    points=2,
    title="is exact for huge integers (integer arithmetic, not float division)",
)
@example(case=(10**17 + 1, 10**17))
@example(case=(2**60 + 1, 2**60))
@given(case=gds.huge_counts())
def num_batches_huge(student, case):
    """``n = 10**17 + 1, batch_size = 10**17`` has 2 batches; ``n / batch_size`` rounds to 1.0."""
    n, batch_size = case
    got = number(student.num_batches(n, batch_size), "an int")
    expected = -(-n // batch_size)
    if got != expected:
        expect.fail(show(expected), show(got), huge_detail(n, batch_size))


def huge_detail(n: int, batch_size: int) -> str:
    """Why a float quotient goes wrong for these numbers."""
    if n < 2**53:
        return f"{n} examples in batches of {batch_size}"
    return (
        f"n = {n} = {n // batch_size} * {batch_size} + {n % batch_size}; "
        f"n / batch_size as a float is {n / batch_size!r}"
    )


@check("num_batches", points=1, title="returns an int", needs=NUM_BATCHES_VALUES)
@example(case=gds.WORKED_COUNTS)
@given(case=gds.counts(max_n=50))
def num_batches_int(student, case):
    """A Python or NumPy integer, not a float."""
    n, batch_size = case
    expect.is_int(student.num_batches(n, batch_size))


@check(
    "num_batches", points=0.5, title="zero examples make zero batches", needs=NUM_BATCHES_VALUES
)
def num_batches_zero(student):
    """``n = 0`` is valid."""
    for batch_size in (1, 3):
        for drop_last in (False, True):
            got = number(student.num_batches(0, batch_size, drop_last=drop_last), "an int")
            if got != 0:
                expect.fail("0", show(got))


@check("num_batches", points=1, title="a negative n is a ValueError", needs=NUM_BATCHES_VALUES)
@given(case=gds.negative_counts())
def num_batches_negative_n(student, case):
    """``n < 0`` is rejected."""
    student.raises_input_error("num_batches", *case)


@check(
    "num_batches", points=1, title="a batch_size below 1 is a ValueError", needs=NUM_BATCHES_VALUES
)
@given(case=gds.bad_batch_sizes())
def num_batches_bad_batch_size(student, case):
    """``batch_size < 1`` is rejected (not a ZeroDivisionError)."""
    student.raises_input_error("num_batches", *case)


# --- minibatch_indices --------------------------------------------------------


@check(
    "minibatch_indices",
    points=2,
    title="the batches together hold every index 0 .. n-1 exactly once",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_partition(student, case):
    """A partition of ``range(n)``."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    together = np.concatenate(batches) if batches else np.array([], dtype=int)
    if together.size != n or not np.array_equal(np.sort(together), np.arange(n)):
        expect.fail(
            f"each of 0 .. {n - 1} exactly once",
            f"{show(np.sort(together))} (sorted)",
            f"n = {n}, batch_size = {batch_size}",
        )


@check(
    "minibatch_indices",
    points=1,
    title="there are ceil(n / batch_size) batches of batch_size indices, only the last shorter",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_sizes(student, case):
    """The sizes of the batches."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    sizes = [len(batch) for batch in batches]
    expected = [len(batch) for batch in slices(np.arange(n), batch_size)]
    if sizes != expected:
        expect.fail(f"batch sizes {expected}", f"sizes {sizes}")


@check(
    "minibatch_indices",
    points=1.5,
    title="with shuffle, the batches are consecutive slices of rng.permutation(n)",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_seeded_order(student, case):
    """The random-number contract: exactly the order of ``rng.permutation(n)``."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, True, Seed(seed)))
    (order,) = permutations(n, seed)
    expected = slices(order, batch_size)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(
            show(expected),
            show(batches),
            f"np.random.default_rng({seed}).permutation({n}) is {show(order)}",
        )


@check(
    "minibatch_indices",
    points=1,
    title="with shuffle, rng is used for exactly one permutation(n) and nothing else",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=2))
def minibatch_rng_consumed_once(student, case):
    """The generator's state afterwards is that after one ``permutation(n)``."""
    n, batch_size, seed = case
    outcome = student.call("minibatch_indices", n, batch_size, True, Seed(seed))
    returned(outcome)
    if outcome.rng_states[0] != state_after_permutation(n, seed):
        expect.fail(
            f"rng in the state np.random.default_rng({seed}) has after one permutation({n})",
            "a different state (rng was not used, or used for other or further draws)",
        )


@check(
    "minibatch_indices",
    points=1,
    title="without shuffle, the batches are consecutive slices of 0, 1, ..., n-1",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_no_shuffle(student, case):
    """``shuffle=False`` keeps the natural order."""
    n, batch_size, seed = case
    batches = batch_list(student.minibatch_indices(n, batch_size, False, Seed(seed)))
    expected = slices(np.arange(n), batch_size)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(show(expected), show(batches))


@check(
    "minibatch_indices",
    points=0.5,
    title="without shuffle, rng is not touched",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=2))
def minibatch_no_shuffle_rng_untouched(student, case):
    """``shuffle=False`` makes no draw."""
    n, batch_size, seed = case
    outcome = student.call("minibatch_indices", n, batch_size, False, Seed(seed))
    returned(outcome)
    if outcome.rng_states[0] != np.random.default_rng(seed).bit_generator.state:
        expect.fail("rng left in its initial state", "a changed state (something drew from it)")


@check(
    "minibatch_indices",
    points=1,
    title="drop_last leaves out the last batch only when it is shorter than batch_size",
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases(min_n=1))
def minibatch_drop_last(student, case):
    """The full batches of the permutation, and only those."""
    n, batch_size, seed = case
    got = student.minibatch_indices(n, batch_size, True, Seed(seed), True)
    batches = batch_list(got)
    (order,) = permutations(n, seed)
    expected = slices(order, batch_size, drop_last=True)
    if len(batches) != len(expected) or not all(
        np.array_equal(a, b) for a, b in zip(batches, expected, strict=True)
    ):
        expect.fail(
            show(expected),
            show(batches),
            f"n = {n}, batch_size = {batch_size}: {n // batch_size} full batches",
        )


@check(
    "minibatch_indices",
    points=0.5,
    title="returns a list of 1-D integer arrays",
    needs=MINIBATCH_VALUES,
)
@example(case=gds.WORKED_INDEX_CASE)
@given(case=gds.index_cases())
def minibatch_types(student, case):
    """Index arrays usable as ``X[idx]``."""
    n, batch_size, seed = case
    got = student.minibatch_indices(n, batch_size, True, Seed(seed))
    expect.returned_something(got, "a list")
    if not isinstance(got, list):
        expect.fail("a list", show_type(got))
    for k, batch in enumerate(got):
        if not isinstance(batch, np.ndarray) or batch.ndim != 1:
            expect.fail(f"batch {k} a 1-D NumPy array", show_type(batch))
        if batch.dtype.kind not in "iu":
            expect.fail(f"batch {k} with an integer dtype", f"dtype {batch.dtype}")


@check(
    "minibatch_indices",
    points=0.5,
    title="a negative n or a batch_size below 1 is a ValueError",
    needs=MINIBATCH_VALUES,
)
@given(case=gds.negative_counts() | gds.bad_batch_sizes())
def minibatch_bad_input(student, case):
    """The same input errors as ``num_batches``."""
    n, batch_size = case
    student.raises_input_error("minibatch_indices", n, batch_size, True, Seed(0))


@check(
    "minibatch_indices",
    points=0.5,
    title="rng=None shuffles with a fresh generator",
    needs=MINIBATCH_VALUES,
)
# No worked case here: with a fresh generator, a wrong answer on 5 rows differs from
# run to run; a shrunk failure (1 row) reads the same every time.
@given(case=gds.index_cases())
def minibatch_rng_none(student, case):
    """Without an rng the result is still a partition of ``range(n)``."""
    n, batch_size, _ = case
    batches = batch_list(student.minibatch_indices(n, batch_size))
    together = np.concatenate(batches) if batches else np.array([], dtype=int)
    if together.size != n or not np.array_equal(np.sort(together), np.arange(n)):
        expect.fail(f"each of 0 .. {n - 1} exactly once", f"{show(np.sort(together))} (sorted)")


# --- iterate_minibatches ------------------------------------------------------


@check(
    "iterate_minibatches",
    points=2,
    title="each row of X stays paired with its own target in y",
    needs=ITERATE_VALUES,
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_rows_paired(student, case):
    """``X_batch[j]`` is the row of ``X`` whose target is ``y_batch[j]``."""
    X, y, batch_size, seed = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True))
    for k, (Xb, yb) in enumerate(got):
        if Xb.ndim != 2 or yb.ndim != 1 or len(Xb) != len(yb):
            expect.fail(
                f"batch {k}: as many rows in X_batch as targets in y_batch", show((Xb, yb))
            )
        rows = rows_of(y, yb)
        if not np.array_equal(Xb, X[rows]):
            expect.fail(
                f"batch {k}: X_batch = {show(X[rows])}, the rows of X with targets {show(yb)}",
                show(Xb),
            )


@check(
    "iterate_minibatches",
    points=2,
    title="yields (X[idx], y[idx]) for the batches idx of minibatch_indices with the same rng",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_contract_batches(student, case):
    """Slices of ``rng.permutation(n)``, in order."""
    X, y, batch_size, seed = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True))
    (order,) = permutations(len(X), seed)
    expected = slices(order, batch_size)
    detail = f"np.random.default_rng({seed}).permutation({len(X)}) is {show(order)}"
    if len(got) != len(expected):
        expect.fail(f"{len(expected)} batches", f"{len(got)}", detail)
    for k, ((Xb, yb), idx) in enumerate(zip(got, expected, strict=True)):
        if not (np.array_equal(Xb, X[idx]) and np.array_equal(yb, y[idx])):
            expect.fail(
                f"batch {k} = (X[idx], y[idx]) with idx = {show(idx)}", show((Xb, yb)), detail
            )


@check(
    "iterate_minibatches",
    points=1.5,
    title="without shuffle, the rows come in their original order",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_no_shuffle(student, case):
    """``shuffle=False``: consecutive slices of the data."""
    X, y, batch_size, _ = case
    got = pairs(student.iterate_minibatches(X, y, batch_size, False, consume=True))
    expected = slices(np.arange(len(X)), batch_size)
    if len(got) != len(expected):
        expect.fail(f"{len(expected)} batches", f"{len(got)}")
    for k, ((Xb, yb), idx) in enumerate(zip(got, expected, strict=True)):
        if not (np.array_equal(Xb, X[idx]) and np.array_equal(yb, y[idx])):
            expect.fail(f"batch {k} = (X[{idx[0]}:{idx[-1] + 1}], y[...])", show((Xb, yb)))


@check(
    "iterate_minibatches",
    points=1,
    title="drop_last leaves out a short last batch",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets(short_last=True))
def iterate_drop_last(student, case):
    """Only full batches with ``drop_last=True``."""
    X, y, batch_size, seed = case
    got = pairs(
        student.iterate_minibatches(X, y, batch_size, True, Seed(seed), True, consume=True)
    )
    sizes = [len(yb) for _, yb in got]
    expected = [batch_size] * (len(X) // batch_size)
    if sizes != expected:
        expect.fail(
            f"batch sizes {expected}",
            f"sizes {sizes}",
            f"{len(X)} rows in batches of {batch_size}, the short last batch dropped",
        )


@check(
    "iterate_minibatches",
    points=1,
    title="every batch is a pair of arrays of shapes (b, d) and (b,)",
)
@example(case=gds.WORKED_BATCHED)
@given(case=gds.batched_datasets())
def iterate_shapes(student, case):
    """Shapes of ``X_batch`` and ``y_batch``."""
    X, y, batch_size, seed = case
    got = student.iterate_minibatches(X, y, batch_size, True, Seed(seed), consume=True)
    expect.returned_something(got, "batches")
    if not isinstance(got, list | tuple):
        expect.fail("an iterable of batches", show_type(got))
    sizes = [len(idx) for idx in slices(np.arange(len(X)), batch_size)]
    if len(got) != len(sizes):
        expect.fail(f"{len(sizes)} batches", f"{len(got)}")
    for k, (item, b) in enumerate(zip(got, sizes, strict=True)):
        if not isinstance(item, list | tuple) or len(item) != 2:
            expect.fail(f"batch {k} as a pair (X_batch, y_batch)", show(item))
        expect.is_array(item[0], (b, X.shape[1]), what=f"X_batch of batch {k}")
        expect.is_array(item[1], (b,), what=f"y_batch of batch {k}")


@check(
    "iterate_minibatches",
    points=1.5,
    title="X and y with different numbers of rows are a ValueError",
    needs=ITERATE_VALUES,
)
@given(data=gds.datasets(), extra=st.integers(-3, 3).filter(lambda k: k != 0))
def iterate_length_mismatch(student, data, extra):
    """Raised at the call or on the first iteration."""
    X, y = data
    if extra > 0:
        y = np.concatenate([y, np.arange(1.0, extra + 1)])
    elif len(y) + extra >= 0:
        y = y[: len(y) + extra]
    else:
        y = y[:0]
    student.raises_input_error("iterate_minibatches", X, y, 2, True, Seed(0))
