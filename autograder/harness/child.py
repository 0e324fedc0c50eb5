"""The sandboxed child: loads one student module and calls its functions on request.

Run as ``python -I -B child.py CONFIG_JSON`` by :mod:`autograder.sandbox`, in a
temporary folder that holds only the student's file. It reads one JSON request
per line on standard input and answers one JSON line on the file descriptor
named in the config; the student's own output goes elsewhere and is capped.
It imports nothing of the grader but its two siblings, :mod:`codec` and
:mod:`callables`, and it never decides a score: it only reports what the
student's function returned, raised or warned.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import io
import json
import os
import resource
import sys
import traceback
import warnings
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":
    # Started with -S (no site module: a third of the start-up time), the child
    # finds NumPy in the folders the grader names, and gets site's exit().
    sys.path.extend(json.loads(sys.argv[1]).get("import_paths", []))
    import builtins

    builtins.exit = builtins.quit = sys.exit

import callables
import codec
import numpy as np

BLOCKED_PACKAGES = ("reference", "autograder")
MESSAGE_LIMIT = 500
OUTPUT_LIMIT = 10_000


class BlockGraderImports(importlib.abc.MetaPathFinder):
    """Refuses to import the grader's packages from student code."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.split(".")[0] in BLOCKED_PACKAGES:
            raise ImportError(f"{fullname} is not available to submissions")
        return None


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first ``OUTPUT_LIMIT`` characters only."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.size < OUTPUT_LIMIT:
            self.kept.append(str(text)[: OUTPUT_LIMIT - self.size])
        self.size += len(text)
        return len(text)


def apply_limits(limits: dict[str, int]) -> None:
    """Set hard resource limits on this process before any student code runs."""
    names = {
        "memory_bytes": resource.RLIMIT_AS,
        "cpu_seconds": resource.RLIMIT_CPU,
        "file_bytes": resource.RLIMIT_FSIZE,
        "processes": resource.RLIMIT_NPROC,
    }
    for key, limit in limits.items():
        resource.setrlimit(names[key], (limit, limit))


def drop_privileges(user: list[int] | None) -> None:
    """Become the unprivileged ``[uid, gid]`` for good (inside bubblewrap).

    bubblewrap starts the child as root with only CAP_SETUID and CAP_SETGID;
    changing every uid to a non-root one clears those as well.
    """
    if user is None:
        return
    uid, gid = user
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        raise SystemExit("the sandbox could not drop its privileges")


def where_raised(error: BaseException, student_file: str) -> str:
    """The deepest line of the student's file in the error's traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == student_file]
    if not frames:
        return ""
    frame = frames[-1]
    return f"line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}"


def describe_error(
    error: BaseException, student_file: str, kind: str | None = None
) -> dict[str, Any]:
    """Everything the grader needs to know about an exception, as plain data."""
    if kind is not None:
        pass
    elif isinstance(error, MemoryError):
        kind = "memory"
    elif isinstance(error, SystemExit):
        kind = "exit"
    else:
        kind = "raised"
    return {
        "status": "error",
        "kind": kind,
        "type": type(error).__name__,
        "is_input_error": isinstance(error, ValueError | TypeError),
        "not_implemented": isinstance(error, NotImplementedError),
        "message": _message(error)[:MESSAGE_LIMIT],
        "where": where_raised(error, student_file),
    }


def _message(error: BaseException) -> str:
    """The error's message, without the sandbox's file paths."""
    if isinstance(error, SyntaxError):
        text = (error.text or "").strip()
        return f"{error.msg} (line {error.lineno}): {text}" if text else str(error.msg)
    return str(error)


def load_student(path: str, name: str) -> Any:
    """Execute the student's file as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def call(module: Any, request: dict[str, Any], student_file: str) -> dict[str, Any]:
    """Run one requested call and describe its outcome."""
    function = getattr(module, request["function"], None)
    if not callable(function):
        return {"status": "missing"}
    args = codec.decode(request["args"], callables.rebuild)
    kwargs = codec.decode(request["kwargs"], callables.rebuild)
    arrays = {
        str(k): v.copy()
        for k, v in [*enumerate(args), *kwargs.items()]
        if isinstance(v, np.ndarray)
    }
    np.seterr(all="warn", under="ignore")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
            if request.get("consume") and _lazy_iterable(value):
                value = list(value)
        except BaseException as error:
            return describe_error(error, student_file)
    given = dict(enumerate(args)) | kwargs
    outcome: dict[str, Any] = {
        "status": "ok",
        "value": codec.encode(value),
        "warnings": [f"{w.category.__name__}: {w.message}" for w in caught][:5],
        "mutated": [
            key
            for key, before in arrays.items()
            if not _same_array(before, given[int(key) if key.isdigit() else key])
        ],
        "rng_states": [
            v.bit_generator.state for v in given.values() if isinstance(v, np.random.Generator)
        ],
        "recorded": [
            [codec.encode(b) for b in v.batches]
            for v in given.values()
            if isinstance(v, callables.Recorder)
        ],
    }
    return outcome


def _lazy_iterable(value: Any) -> bool:
    """A generator or other iterable that is not already a container of values."""
    containers = (list, tuple, dict, str, bytes, np.ndarray)
    return hasattr(value, "__iter__") and not isinstance(value, containers)


def _same_array(before: np.ndarray, after: Any) -> bool:
    if not isinstance(after, np.ndarray) or after.shape != before.shape:
        return False
    # The same bytes: unchanged (the usual case, and ten times faster to tell).
    if after.dtype == before.dtype and after.tobytes() == before.tobytes():
        return True
    return bool(np.array_equal(after, before, equal_nan=True))


def main() -> None:
    config = json.loads(sys.argv[1])
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(config["answer_fd"], "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.meta_path.insert(0, BlockGraderImports())
    sys.stdout = sys.stderr = CappedOutput()
    drop_privileges(config.get("user"))
    apply_limits(config["limits"])
    student_file = os.path.abspath(config["module_path"])

    def answer(message: dict[str, Any]) -> None:
        answers.write(codec.dumps(message))
        answers.flush()

    try:
        module = load_student(student_file, config["module_name"])
    except BaseException as error:
        answer(describe_error(error, student_file) | {"status": "load_error"})
        return
    present = {name: callable(getattr(module, name, None)) for name in config["functions"]}
    answer({"status": "loaded", "functions": present})
    for line in requests:
        request = codec.loads(line)
        try:
            outcome = call(module, request, student_file)
            data = codec.dumps(outcome | {"id": request["id"]})
        except BaseException as error:
            outcome = describe_error(error, student_file, kind="answer")
            data = codec.dumps(outcome | {"id": request["id"]})
        answers.write(data)
        answers.flush()


if __name__ == "__main__":
    main()
