"""The sandboxed child: loads one student module and calls its functions on request.

Run as ``python -I -B child.py CONFIG_JSON`` by :mod:`autograder.isolation.sandbox`, in a
temporary folder that holds only the student's file. It reads one JSON request
per line on standard input and answers one JSON line on the file descriptor
named in the config; the student's own output goes elsewhere and is capped.
It imports nothing of the grader but its two siblings, :mod:`codec` and
:mod:`callables`, and it never decides a score: it only reports what the
student's function returned, raised or warned.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import importlib.util
import io
import json
import os
import random
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
import numpy.random.bit_generator as numpy_bit_generator

try:
    import resource
except ImportError:  # Windows: the grader enforces the time limits alone
    resource = None

BLOCKED_PACKAGES = ("reference", "autograder")
MESSAGE_LIMIT = 2000
TEXT_LIMIT = 500
WARNING_LIMIT = 800
OUTPUT_LIMIT = 10_000
# NumPy draws the entropy of every unseeded SeedSequence (so of default_rng(),
# PCG64(), RandomState()) from this module global; the child points it here.
ENTROPY = random.Random(0)


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
    """Set hard resource limits on this process before any student code runs.

    Where the ``resource`` module does not exist (Windows) nothing is set; the
    grader then reports that only its time limits apply.
    """
    if resource is None:
        return
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
        "type": _capped(type(error).__name__, TEXT_LIMIT),
        # An answer that cannot be sent back is never the student's input error.
        "is_input_error": kind != "answer" and isinstance(error, ValueError | TypeError),
        "not_implemented": isinstance(error, NotImplementedError),
        "message": _capped(_message(error), MESSAGE_LIMIT),
        "where": _capped(where_raised(error, student_file), TEXT_LIMIT),
    }


def _capped(text: Any, limit: int) -> str:
    """At most ``limit`` characters of ``text``, whatever ``str()`` of it does."""
    try:
        text = text if type(text) is str else str.__str__(text) if isinstance(text, str) else ""
    except BaseException:
        text = ""
    if len(text) > limit:
        return f"{text[:limit]}... ({len(text) - limit} more characters)"
    return text


def _message(error: BaseException) -> str:
    """The error's message, without the sandbox's file paths (student code: may raise)."""
    try:
        if isinstance(error, SyntaxError):
            text = (error.text or "").strip()
            return f"{error.msg} (line {error.lineno}): {text}" if text else str(error.msg)
        return str(error)
    except BaseException:
        return "(its message could not be read)"


def load_student(path: str, name: str) -> Any:
    """Execute the student's file as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def make_global_randomness_deterministic() -> None:
    """Let unseeded NumPy generators draw their entropy from :data:`ENTROPY`."""
    numpy_bit_generator.randbits = ENTROPY.getrandbits


def reseed_global_generators(content: str) -> None:
    """Seed every global source of randomness from ``content`` (a call's request).

    Python's ``random``, NumPy's legacy global state and the entropy of an
    unseeded ``default_rng()`` then draw the same numbers whenever the same
    call is made, whatever came before it (replayed or generated inputs, a
    restarted child), so the same file always gets the same grade. A
    generator passed in the arguments is rebuilt from its own seed and is not
    affected.
    """
    seed = int.from_bytes(hashlib.sha256(content.encode()).digest()[:16], "little")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    ENTROPY.seed(seed)


def real_object_arrays_as_numbers(value: Any, depth: int = 0) -> Any:
    """Convert object arrays whose elements are all real numbers to numeric arrays.

    ``np.frompyfunc`` and ``np.vectorize(..., otypes=[object])`` return such
    arrays. Integers become int64 (when every element is an integer that fits),
    other real numbers float64; an object array holding anything else (a
    string, a complex number, ``None``, a bool) is returned as it is, and the
    codec reports it as a value of the wrong type. Lists, tuples and plain
    dicts are searched up to the codec's depth.
    """
    if depth > codec.MAX_DEPTH:
        return value
    if isinstance(value, np.ndarray) and value.dtype == object:
        return _numeric_copy(value)
    if type(value) in (list, tuple):
        return type(value)(real_object_arrays_as_numbers(v, depth + 1) for v in value)
    if type(value) is dict:
        return {k: real_object_arrays_as_numbers(v, depth + 1) for k, v in value.items()}
    return value


def _numeric_copy(array: np.ndarray) -> np.ndarray:
    """``array`` as int64 or float64 when every element is a real number."""
    if array.size > 10 * codec.MAX_ITEMS:
        return array
    elements = array.ravel().tolist()
    integers = (int, np.integer)
    reals = (int, float, np.integer, np.floating)
    if not all(isinstance(e, reals) and not isinstance(e, bool | np.bool_) for e in elements):
        return array
    try:
        if all(isinstance(e, integers) for e in elements):
            return np.array([int(e) for e in elements], dtype=np.int64).reshape(array.shape)
        return np.array([float(e) for e in elements], dtype=np.float64).reshape(array.shape)
    except (OverflowError, ValueError, TypeError):
        return array


def call(module: Any, request: dict[str, Any], student_file: str) -> dict[str, Any]:
    """Run one requested call and describe its outcome."""
    function = getattr(module, request["function"], None)
    if not callable(function):
        return {"status": "missing"}
    reseed_global_generators(json.dumps([request["function"], request["args"], request["kwargs"]]))
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
        "value": codec.encode(real_object_arrays_as_numbers(value)),
        "warnings": [_warning_text(w) for w in caught[:5]],
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


def _warning_text(caught: warnings.WarningMessage) -> str:
    """A warning as capped text (its category and message come from student code)."""
    try:
        text = f"{caught.category.__name__[:TEXT_LIMIT]}: {caught.message}"
    except BaseException:
        text = "a warning whose text could not be read"
    return _capped(text, WARNING_LIMIT)


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


def serve(config: dict[str, Any], requests: Any, answers: Any) -> None:
    """Load the student's module and answer requests until told to end.

    Parameters
    ----------
    config : dict
        ``module_path``, ``module_name``, ``functions``, ``user``, ``limits``.
    requests, answers : binary file objects
        Where the requests come from and where the answers go.
    """
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.meta_path.insert(0, BlockGraderImports())
    sys.stdout = sys.stderr = CappedOutput()
    drop_privileges(config.get("user"))
    apply_limits(config["limits"])
    student_file = os.path.abspath(config["module_path"])
    make_global_randomness_deterministic()
    reseed_global_generators("loading the module")

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
        if request.get("end") is True:
            return
        try:
            outcome = call(module, request, student_file)
            data = codec.dumps(outcome | {"id": request["id"]})
        except BaseException as error:
            outcome = describe_error(error, student_file, kind="answer")
            data = codec.dumps(outcome | {"id": request["id"]})
        answers.write(data)
        answers.flush()


COMMAND_LIMIT = 1 << 16
"""The longest command line the fork server reads (a module's name and functions)."""


def serve_forks(config: dict[str, Any]) -> None:
    """Fork a fresh child per module, one at a time, each loading nothing but its own.

    This process has imported NumPy and the harness and runs no student code.
    For each command line on standard input (``{"module_name": ...,
    "functions": [...]}``) it forks a child that copies the module into the
    work folder (read-only) and :func:`serve` s it, waits for the child to
    end, empties the work folder, and reports ``{"ended": exit code}`` on the
    answer pipe. If the work folder cannot be emptied (the child left
    something it cannot remove), it stops instead: the grader then starts a
    fresh sandbox.
    """
    # Unbuffered: a forked child must inherit no read-ahead of its own requests.
    commands = open(0, "rb", buffering=0)  # noqa: SIM115 - read until the grader closes it
    answer_fd = config["answer_fd"]
    work, modules = config["work"], config["modules"]
    while line := commands.readline(COMMAND_LIMIT):
        try:
            command = json.loads(line)
            name = command["module_name"]
        except (ValueError, TypeError, KeyError):
            return  # not a command (a request its child never read): the grader starts over
        pid = os.fork()  # the work folder is empty: new, or emptied after the child before
        if pid == 0:
            status = 1
            try:
                path = os.path.join(work, f"{name}.py")
                copy_read_only(os.path.join(modules, f"{name}.py"), path)
                requests, answers = os.fdopen(os.dup(0), "rb"), os.fdopen(answer_fd, "wb")
                serve(config | command | {"module_path": path}, requests, answers)
                status = 0
            finally:
                os._exit(status)
        _, wait_status = os.waitpid(pid, 0)
        ended = os.waitstatus_to_exitcode(wait_status)
        if not empty_folder(work, config["user"]):
            return
        os.write(answer_fd, codec.dumps({"ended": ended}))


def empty_folder(folder: str, user: list[int] | None) -> bool:
    """Remove everything in ``folder`` (what a child wrote); whether it is empty now.

    A forked helper does it as the child's user, who owns what the child
    wrote and may open up its folders (the server itself, root without
    privileges inside bubblewrap, may not enter them); the module's own copy,
    the server's, is then removed here.
    """
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            drop_privileges(user)
            _remove_contents(folder)
            status = 0
        finally:
            os._exit(status)
    os.waitpid(pid, 0)
    for entry in os.scandir(folder):  # what the helper could not remove: the server's copy
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
    return not os.listdir(folder)


def _remove_contents(folder: str) -> None:
    """Remove what is in ``folder``, opening up each folder first (its owner may)."""
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.path, 0o700)
                _remove_contents(entry.path)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue  # not the child's (the module's copy), or not removable: checked after


def copy_read_only(source: str, target: str) -> None:
    """Copy the module's file into the work folder, readable by the child, writable by no one."""
    with open(source, "rb") as given:
        data = given.read()
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444), "wb") as copy:
        copy.write(data)


def main() -> None:
    config = json.loads(sys.argv[1])
    if config.get("fork_server"):
        serve_forks(config)
        return
    requests = os.fdopen(os.dup(0), "rb")
    if config["answer_fd"] == "stdout":  # the portable protocol: answers on the real stdout
        answers = os.fdopen(os.dup(1), "wb")
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    else:
        answers = os.fdopen(config["answer_fd"], "wb")
    serve(config, requests, answers)


if __name__ == "__main__":
    main()
