"""Keep the grader and its sandboxed child on one processor core.

Grading is a conversation: the grader sends a call, waits, the child answers,
waits. When the two run on different cores, every turn wakes a sleeping core
(on a virtual machine, a sleeping virtual CPU), which costs more than the
call itself; on one core a turn is an ordinary context switch. Measured on
the 2-core machine of the README's figures: the gradient_descent assignment
of a perfect submission took 2.5 s with the two free to move and 1.6 s with
both on one core, and the grader's own CPU time fell by a third.

So while a sandbox is open, the thread that talks to it is held on the core
it runs on (:func:`sharing_one_core`), and the child, forked from that
thread, inherits the same single core. The grader's BLAS runs one thread
meanwhile: its matrices are small, and OpenBLAS's idle threads spin, which on
the shared core took the grader's turns (the same assignment took 6 s).
Worker pools spread their workers over the allowed cores first
(:func:`pin_next_worker`), so that two workers never share one. Where the
operating system has no affinity calls (macOS, Windows) nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator
from typing import Any

from threadpoolctl import threadpool_limits

_CAN_PIN = hasattr(os, "sched_getaffinity") and hasattr(os, "sched_setaffinity")


def allowed() -> list[int]:
    """The cores this thread may run on, in order (``[]`` where that is unknown)."""
    return sorted(os.sched_getaffinity(0)) if _CAN_PIN else []


def _current_core(cores: list[int]) -> int:
    """The core this thread runs on now (the first allowed one where that is unknown)."""
    try:
        core = ctypes.CDLL(None).sched_getcpu()
    except (OSError, AttributeError):
        return cores[0]
    return core if core in cores else cores[0]


@contextlib.contextmanager
def sharing_one_core() -> Iterator[None]:
    """Hold the calling thread on one core for the block, then let it move again.

    A thread already held on one core (a pool worker) stays where it is.
    Processes started in the block inherit the single core; BLAS uses one
    thread in the block.
    """
    cores = allowed()
    if not cores:
        yield
        return
    with contextlib.ExitStack() as restore:
        if len(cores) > 1:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, {_current_core(cores)})
                restore.callback(_allow, cores)
        restore.enter_context(threadpool_limits(limits=1, user_api="blas"))
        yield


def _allow(cores: list[int]) -> None:
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, cores)


def pin_next_worker(counter: Any) -> None:
    """A worker pool's initializer: take the next allowed core, round robin.

    Parameters
    ----------
    counter : multiprocessing.Value
        An integer shared by the pool's workers (each takes one number).
    """
    cores = allowed()
    if len(cores) <= 1:
        return
    with counter.get_lock():
        number = counter.value
        counter.value += 1
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {cores[number % len(cores)]})
