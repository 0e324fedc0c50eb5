"""Replay the inputs of a passing hypothesis run instead of generating them again.

Grading is derandomised: hypothesis draws its inputs from a seed fixed by the
check's own code, and a check's body never draws anything itself (every input
comes from ``@given``). So every submission that passes a check meets exactly
the same inputs, in the same order. Generating them costs most of the grading
time (the engine and the strategies), so the first passing run records them
and later runs replay them on the next submission:

* every replayed input passes: the check passes, exactly as hypothesis would
  have decided, since hypothesis would have generated those same inputs;
* one fails: the check is run again under hypothesis from the start, which
  meets the same failure, shrinks it and reports it as it always did; when
  the failing input is an explicit ``@example`` (hypothesis tries those
  first and never shrinks them), its failure is reported at once, as
  hypothesis would report it. Should hypothesis not meet that input again
  (its draws differ from the recording's), the input is replayed once more:
  failing again, it is reported as it is (a failing input is never
  dropped); passing, the check fails as flaky, as hypothesis fails a
  failure that does not come back (so a function wrong only on its first
  call gets the same grade with recordings and without).

A broken limit (:class:`~autograder.isolation.sandbox.LimitExceeded`) ends the check at
once either way, as it does under hypothesis. Recordings are looked up in
memory, then in a cache folder (``AUTOGRADER_CACHE``, ``off`` to use no
recording at all; default ``~/.cache/dl-optimization-autograder``), then among
those the grader ships (:data:`SHIPPED`, made by ``python -m autograder
build``, so that even the first run on a machine replays). One file per
check, named with a fingerprint of what its inputs depend on (its module and
every grader module that module reaches, hypothesis's version and the
settings in force), so that a changed check never replays stale inputs. The
files hold plain JSON read by :func:`loads`, which builds nothing but numbers,
strings, containers, NumPy arrays and the grader's own argument classes.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import hashlib
import importlib
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import hypothesis
import numpy as np
from hypothesis import settings
from hypothesis.errors import FlakyFailure

from autograder.grading import hypothesis_hooks
from autograder.grading.expect import CheckFailed
from autograder.grading.registry import Check
from autograder.isolation.harness import codec

PACKAGE = Path(__file__).parent.parent
ARGUMENT_MODULES = (
    "autograder.strategies.polynomials",
    "autograder.strategies.described",
    "autograder.strategies.",
)
"""Where the classes of recorded inputs may come from (a trailing dot: a package)."""
ARRAY_KINDS = "biuf"
"""The NumPy dtype kinds a recorded array may have."""
DEFAULT_CACHE = Path("~/.cache/dl-optimization-autograder")
RECORDINGS = PACKAGE / "recordings"
"""The recordings ``python -m autograder build`` makes (:mod:`.record`) and ships."""
NOT_INPUTS = ("autograder.isolation.",)
"""Grader packages no check's inputs depend on (left out of :func:`fingerprint`)."""
SHIPPED: Path | None = RECORDINGS
"""Where :func:`recorded` looks for shipped recordings (``None``: nowhere)."""


class Unrecordable(ValueError):
    """An input that :func:`dumps` cannot write or :func:`loads` refuses to read."""


# --- the cache --------------------------------------------------------------------


def cache_folder() -> Path | None:
    """The folder of recorded inputs, or ``None`` when the disk cache is off."""
    setting = os.environ.get("AUTOGRADER_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / DEFAULT_CACHE.name if base else DEFAULT_CACHE.expanduser()


def _owner(value: Any) -> str | None:
    """The module that defines ``value`` (a module names itself)."""
    if isinstance(value, ModuleType):
        return value.__name__
    try:
        owner = getattr(value, "__module__", None)
    except Exception:  # an object whose attribute lookup misbehaves: it names no module
        return None
    return owner if isinstance(owner, str) else None


@cache
def _module_digest(module_name: str) -> str:
    """A digest of ``module_name`` and of every grader module its globals reach, transitively.

    That closure holds whatever decides which inputs hypothesis generates for
    the checks of the module: their code (hypothesis seeds a derandomised run
    from the test's source), their strategies and the argument classes. It is
    computed from the loaded modules, so the self-check's copy of the package
    gives the same digest as the grader's own. The sandbox's modules
    (:data:`NOT_INPUTS`) are left out: they carry calls, never choose an input.
    """
    package = __name__.split(".")[0]
    files: dict[str, Path] = {}
    todo = [module_name, __name__]
    while todo:
        name = todo.pop()
        module = sys.modules.get(name)
        if name in files or getattr(module, "__file__", None) is None:
            continue
        if f"{name}.".startswith(NOT_INPUTS):
            continue
        files[name] = Path(module.__file__)
        values = list(vars(module).values())
        if hasattr(module, "__path__"):
            # a package: its submodules are whichever were imported so far, so only
            # what it defines or re-exports counts (strategies.critical_points)
            values = [value for value in values if not isinstance(value, ModuleType)]
        todo += [
            owner
            for value in values
            if (owner := _owner(value)) and owner.split(".")[0] == package
        ]
    digest = hashlib.sha256(hypothesis.__version__.encode())
    for name in sorted(files):
        digest.update(b"\0" + name.encode() + b"\0" + files[name].read_bytes())
    return digest.hexdigest()


def fingerprint(check: Check) -> str:
    """A digest of what the inputs of ``check`` depend on (its code, hypothesis, the settings)."""
    current = settings()
    in_force = (current.max_examples, current.derandomize, tuple(current.phases))
    text = f"{_module_digest(check.run.__module__)}{in_force}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


_MEMORY: dict[str, list[dict[str, Any]]] = {}


def file_name(check: Check) -> str:
    """The name of the file that holds the recorded inputs of ``check`` as it is now."""
    return f"{check.run.__module__}.{check.name}.{fingerprint(check)}.json.gz"


def _read(file: Path) -> list[dict[str, Any]] | None:
    try:
        found = loads(gzip.decompress(file.read_bytes()))
    except (OSError, ValueError, EOFError):
        return None  # missing, unreadable or foreign: generate instead
    return found if _is_recording(found) else None


def recorded(check: Check) -> list[dict[str, Any]] | None:
    """The inputs a passing run of ``check`` met: in memory, in the cache, or shipped."""
    name = file_name(check)
    found = _MEMORY.get(name)
    folder = cache_folder()
    if found is None and folder is not None:
        found = _read(folder / name)
        if found is None and SHIPPED is not None:
            found = _read(SHIPPED / name)
        if found is not None:
            _MEMORY[name] = found
    return found


def _is_recording(value: Any) -> bool:
    """Whether ``value`` has the shape :func:`run` records: a list of calls."""
    return isinstance(value, list) and all(
        isinstance(call, dict)
        and set(call) == {"student", "inputs"}
        and isinstance(call["inputs"], dict)
        and (call["student"] is None or isinstance(call["student"], str))
        for call in value
    )


def forget() -> None:
    """Drop the recordings held in memory (the files stay)."""
    _MEMORY.clear()


def remember(check: Check, inputs: list[dict[str, Any]]) -> None:
    """Keep the inputs of a passing run, in memory and (when it can) in the cache folder."""
    name = file_name(check)
    _MEMORY[name] = inputs
    folder = cache_folder()
    if folder is None:
        return
    try:
        data = gzip.compress(dumps(inputs), compresslevel=9, mtime=0)  # the same bytes each time
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, folder / name)  # atomic: parallel workers may write it too
    except (OSError, Unrecordable):
        return


# --- running a check ----------------------------------------------------------------


def run(check: Check, student: Any) -> None:
    """Run ``check`` on ``student``: replay recorded inputs, else hypothesis (recording).

    Raises whatever ``check.run(student)`` raises for a failing check.
    """
    if not hypothesis_hooks.is_given(check.run):
        check.run(student)
        return
    given = hypothesis_hooks.body(check.run)
    inputs = recorded(check)
    if inputs is not None:
        # Hypothesis runs the explicit examples first and raises the first failing
        # one as it is, unshrunk: a failure there is exactly what it would report.
        explicit = hypothesis_hooks.explicit_examples(check.run)
        for index, recording in enumerate(inputs):
            try:
                _replay(given, student, recording)
            except Exception as failure:
                if index < explicit and isinstance(failure, CheckFailed):
                    raise
                first_failure = failure
                break
        else:
            return
        check.run(student)  # hypothesis finds this failure again, shrinks and reports it
        # It did not. Either its draws differ from the recording's (a NumPy
        # whose generators changed, say) and the input fails again: report it;
        # or the failure does not come back on the same input: flaky, as
        # hypothesis calls it, so that no grade depends on recordings.
        _replay(given, student, recording)
        raise FlakyFailure(
            "a failure of a recorded input did not happen again on the same input",
            [first_failure],
        )
    met: list[dict[str, Any]] | None = []
    test = given

    def recording(*args: Any, **kwargs: Any) -> Any:
        nonlocal met
        named = [name for name, value in kwargs.items() if value is student]
        usual = (args == (student,) and not named) or (not args and len(named) == 1)
        if met is not None and usual:
            arguments = {k: v for k, v in kwargs.items() if k not in named}
            met.append(
                {"student": named[0] if named else None, "inputs": copy.deepcopy(arguments)}
            )
        else:
            met = None  # not the usual (student, **inputs) call: do not record
        return test(*args, **kwargs)

    with hypothesis_hooks.replaced_body(check.run, recording):
        check.run(student)
    if met:
        remember(check, met)


def _replay(body: Any, student: Any, recording: dict[str, Any]) -> None:
    """Run the check's body once on a recorded input."""
    arguments = _fresh(recording["inputs"])
    if recording["student"]:
        body(**{recording["student"]: student}, **arguments)
    else:
        body(student, **arguments)


def _fresh(value: Any) -> Any:
    """A deep copy of recorded inputs (each replay gets its own arrays), faster than deepcopy."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) in (list, tuple):
        return type(value)(_fresh(item) for item in value)
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return type(value)(*(_fresh(item) for item in value))
    if type(value) is dict:
        return {key: _fresh(item) for key, item in value.items()}
    return copy.deepcopy(value)


# --- the file format: the sandbox's codec, with argument classes -------------------------


def dumps(value: Any) -> bytes:
    """``value`` as JSON: numbers, strings, containers, arrays, argument classes.

    The format is the sandbox's (:mod:`autograder.isolation.harness.codec`), which
    decodes without running code; argument classes of :data:`ARGUMENT_MODULES` are
    written as ``{"object": [module, class, fields]}``. Anything hypothesis could
    not have drawn as it is (a NumPy scalar, a 0-d array, an object) raises
    :class:`Unrecordable`: the check then generates its inputs each time.
    """
    try:
        return codec.dumps(codec.encode(value, special=_recordable))
    except codec.EncodingError as error:
        raise Unrecordable(str(error)) from None


def loads(data: bytes) -> Any:
    """Read what :func:`dumps` wrote; anything else raises :class:`Unrecordable`."""
    try:
        value = codec.decode(codec.loads(data), special=_argument)
    except (
        codec.EncodingError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        ImportError,
    ) as error:
        raise Unrecordable(f"not a recording: {error}") from None
    _refuse_unsupported(value)
    return value


def _recordable(value: Any) -> Any:
    """The codec's hook: an argument object's description, ``None`` for plain values."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str, list, tuple):
        return None
    if kind is dict and all(type(key) is str for key in value):
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS and value.ndim:
        return None
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        fields = value._asdict()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
    else:
        raise Unrecordable(f"an input of type {kind.__name__}")
    if not _allowed_module(kind.__module__):
        raise Unrecordable(f"an input of type {kind.__qualname__} from {kind.__module__}")
    encoded = {name: codec.encode(v, special=_recordable) for name, v in fields.items()}
    return {"object": [kind.__module__, kind.__qualname__, encoded]}


def _allowed_module(module: str) -> bool:
    return any(
        module.startswith(allowed) if allowed.endswith(".") else module == allowed
        for allowed in ARGUMENT_MODULES
    )


def _argument(tag: str, body: Any) -> Any:
    """The codec's hook: rebuild an argument object, refusing every other class."""
    if tag != "object":
        return NotImplemented
    module, name, fields = body
    if not _allowed_module(module) or "." in name:
        raise Unrecordable(f"a class {name} from {module}")
    cls = getattr(importlib.import_module(module), name)
    is_record = isinstance(cls, type) and (
        dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
    )
    if not is_record:
        raise Unrecordable(f"{module}.{name} is not an argument class")
    return cls(**{str(k): codec.decode(v, special=_argument) for k, v in fields.items()})


def _refuse_unsupported(value: Any) -> None:
    """A recording holds nothing the codec could only mark as unsupported."""
    if isinstance(value, codec.Unsupported):
        raise Unrecordable(f"not a recording: {value!r}")
    if isinstance(value, list | tuple):
        for item in value:
            _refuse_unsupported(item)
    elif isinstance(value, dict):
        for item in value.values():
            _refuse_unsupported(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in vars(value).values():
            _refuse_unsupported(item)
