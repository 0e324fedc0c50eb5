"""Find submissions on disk, read them as data, and turn notebooks into Python.

A submission is one student's work: a folder holding ``<assignment>.ipynb``
(also one folder down, as nbgrader collects it:
``<assignment>/<assignment>.ipynb``) or ``<assignment>.py``. A single such
file is a submission for its own assignment alone. A folder with student
subfolders (an nbgrader course's ``submitted/``) is a class: one submission
per student; files at its top are reported, never graded.

Everything a student hands in is read here, once, as bytes: only regular
files inside the student's folder, opened relative to the folder's own
descriptor without following any link (on the file or on a folder on the
way), and no larger than a cap checked before anything is read. A link, a
device, a FIFO, an unreadable, oversized or undecodable file or a malformed
notebook is a problem of that one submission, reported in words. Grading
never opens a student's path again, and a :class:`Submission` is plain,
picklable data that can be graded on another machine.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from autograder.contract import ASSIGNMENTS

MAX_PYTHON_BYTES = 1 << 20
"""The largest ``.py`` file read (1 MiB; an answer is a few kilobytes)."""

MAX_NOTEBOOK_BYTES = 16 << 20
"""The largest notebook read (16 MiB: room for saved outputs and plots)."""

MAX_CELLS = 2000
"""The most cells a notebook may hold."""

MAX_CELL_CHARS = 256 << 10
"""The longest code cell graded, in characters."""

MAX_CODE_CHARS = 1 << 20
"""The most code, in characters, taken from one notebook's graded cells."""

MAX_JSON_CONTAINERS = 200_000
"""The most ``{`` and ``[`` a notebook's bytes may hold (checked before the JSON is parsed)."""

MAX_JSON_ITEMS = 1_000_000
"""The most ``,`` a notebook's bytes may hold (checked before the JSON is parsed)."""

MAX_CLASS_ENTRIES = 10_000
"""The most entries read from the top of a class folder."""

_POSIX_FLAGS = ("O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY")
_NO_FOLLOW = os.O_RDONLY | sum(getattr(os, flag, 0) for flag in _POSIX_FLAGS)
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_FOLDER = _NO_FOLLOW | _DIRECTORY


class SubmissionError(ValueError):
    """A path that is not a submission, a student folder or a class folder."""


def readable(name: str) -> str:
    """``name`` as valid, printable UTF-8 text.

    Bytes of a file name that are not UTF-8 (Python keeps them as lone
    surrogates) become ``\\xNN``, other lone surrogates ``\\udNNN``, and
    control characters their ``\\x`` or ``\\u`` escape; everything else,
    letters of any script included, is kept.
    """
    text = name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "backslashreplace")
    decoded = text.decode("utf-8", "backslashreplace")
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in decoded
    )


def _only_escapes(name: str) -> bool:
    """Whether every lone surrogate of ``name`` is an undecodable byte (U+DC80..U+DCFF)."""
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in name)


@dataclass(frozen=True)
class SubmittedFile:
    """One file a student handed in, read once: its bytes, or why it cannot be graded.

    Attributes
    ----------
    path : str
        Where it was found, for the report (readable text, see :func:`readable`).
    data : bytes or None
        Its content; ``None`` when it could not be read.
    problem : str
        Why it cannot be graded ("" when ``data`` holds it).
    """

    path: str
    data: bytes | None
    problem: str = ""

    @property
    def is_notebook(self) -> bool:
        return self.path.endswith(".ipynb")


@dataclass
class Submission:
    """The files of one student, read into memory.

    Attributes
    ----------
    name : str
        The path as given (one submission) or the student's folder name, as
        readable text.
    files : dict
        For each assignment found, the file to grade.
    assignments : list of str
        The assignments graded: all three for a folder, one for a file.
    notes : list of str
        Remarks for the report, e.g. that a notebook won over a ``.py``.
    problem : str
        Why none of the folder can be graded (e.g. it is a link); "" if it can.
    """

    name: str
    files: dict[str, SubmittedFile]
    assignments: list[str]
    notes: list[str] = field(default_factory=list)
    problem: str = ""


class Found(NamedTuple):
    """What :func:`discover` found at a path."""

    submissions: list[Submission]
    is_class: bool
    """True for a folder of student folders (the JSON is then a list)."""
    stray: list[str]
    """Entries at the top of a class folder that were not graded, each with why."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a link (links are not graded: hand in the file itself)"
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    return "not a regular file"


def _read_at(folder_fd: int | None, name: str, shown: str, limit: int) -> SubmittedFile | None:
    """The file ``name`` of the open folder ``folder_fd``; ``None`` when there is none.

    With ``folder_fd`` None, ``name`` is a path (where folder descriptors do
    not exist, as on Windows: the self-check; a link is still refused).

    The file is opened without following a link and without blocking (a
    FIFO cannot stall the grader), checked to be a regular file no larger
    than ``limit`` bytes, and read once.
    """
    try:
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as error:
        return SubmittedFile(shown, None, f"{shown} could not be read ({_reason(error)})")
    if not stat.S_ISREG(info.st_mode):
        return SubmittedFile(shown, None, f"{shown} is {_kind(info.st_mode)}")
    try:
        fd = os.open(name, _NO_FOLLOW, dir_fd=folder_fd)
    except OSError as error:
        return SubmittedFile(shown, None, f"{shown} could not be read ({_reason(error)})")
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # replaced between the two looks
            return SubmittedFile(shown, None, f"{shown} is {_kind(opened.st_mode)}")
        if opened.st_size > limit:
            return SubmittedFile(shown, None, _too_large(shown, opened.st_size, limit))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        return SubmittedFile(shown, None, f"{shown} could not be read ({_reason(error)})")
    finally:
        os.close(fd)
    if size > limit:
        return SubmittedFile(shown, None, _too_large(shown, size, limit))
    return SubmittedFile(shown, b"".join(chunks))


def _too_large(shown: str, size: int, limit: int) -> str:
    return (
        f"{shown} is too large to grade ({size:,} bytes; the limit is {limit:,}): "
        "clear the notebook's outputs or remove what is not your answer"
    )


def _reason(error: OSError) -> str:
    return os.strerror(error.errno) if error.errno else type(error).__name__


def _limit(name: str) -> int:
    return MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_PYTHON_BYTES


def _open_folder(name: str, dir_fd: int | None = None) -> int:
    """Open a folder without following a link (``OSError`` when it is one or is missing)."""
    return os.open(name, _FOLDER, dir_fd=dir_fd)


PLACES = ((".ipynb", False), (".ipynb", True), (".py", False), (".py", True))
"""Where an assignment's file may be, in order of preference: (suffix, in ``<assignment>/``)."""


def _candidate_file(
    folder_fd: int, assignment: str, place: tuple[str, bool], label: str
) -> SubmittedFile | None:
    """The assignment's file at one of :data:`PLACES`, read; ``None`` if absent."""
    suffix, in_subfolder = place
    file = f"{assignment}{suffix}"
    if not in_subfolder:
        return _read_at(folder_fd, file, _join(label, file), _limit(file))
    try:
        info = os.stat(assignment, dir_fd=folder_fd, follow_symlinks=False)
    except OSError:
        return None
    shown = _join(label, f"{assignment}/")
    if stat.S_ISLNK(info.st_mode):
        return SubmittedFile(shown, None, f"{shown} is a link (links are not graded)")
    if not stat.S_ISDIR(info.st_mode):
        return None
    try:
        inner = _open_folder(assignment, folder_fd)
    except OSError as error:
        return SubmittedFile(shown, None, f"{shown} could not be opened ({_reason(error)})")
    try:
        return _read_at(inner, file, _join(label, f"{assignment}/{file}"), _limit(file))
    finally:
        os.close(inner)


def _join(label: str, name: str) -> str:
    return f"{label}/{name}" if label else name


def _student_files(folder_fd: int, label: str) -> tuple[dict[str, SubmittedFile], list[str]]:
    """Each assignment's file in an open student folder, and notes on the choice."""
    files: dict[str, SubmittedFile] = {}
    notes: list[str] = []
    for assignment in ASSIGNMENTS:
        found = [
            file
            for place in PLACES
            if (file := _candidate_file(folder_fd, assignment, place, label)) is not None
        ]
        readable_found = [f for f in found if f.problem == ""]
        if not found:
            continue
        chosen = (readable_found or found)[0]
        files[assignment] = chosen
        if chosen.is_notebook and any(not f.is_notebook for f in found):
            notes.append(
                f"{assignment}: both a notebook and a .py file were found; "
                f"the notebook {chosen.path} was graded"
            )
        notes += dict.fromkeys(f.problem for f in found if f.problem not in ("", chosen.problem))
    return files, notes


def _holds_assignment(folder_fd: int) -> bool:
    """Whether an open folder directly holds an entry named like an assignment file."""
    names = {f"{a}{suffix}" for a in ASSIGNMENTS for suffix in (".py", ".ipynb")}
    names |= set(ASSIGNMENTS)
    for name in names:
        try:
            os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        except OSError:
            continue
        return True
    return False


def _defined_functions(file: SubmittedFile) -> set[str]:
    """Names the file defines with ``def`` (read as text: nothing is run)."""
    text = (file.data or b"").decode("utf-8", "replace")
    if file.is_notebook:
        try:
            text = "\n".join(cell.source for cell in code_cells(file.data or b""))
        except SubmissionError:  # an unreadable notebook is reported when it is graded
            return set()
    return set(re.findall(r"^[ \t]*def[ \t]+(\w+)", text, re.MULTILINE))


def assignment_of_file(file: SubmittedFile, folder_name: str = "") -> tuple[str, list[str]]:
    """The assignment a single file is for, and a note when it had to be inferred.

    A file named ``<assignment>.py`` or ``.ipynb`` is that assignment's. Any
    other ``.py`` or ``.ipynb`` file is graded for the assignment whose
    contract functions it defines most of (ties and files defining none fall
    back to ``folder_name``, the name of the folder holding it).

    Raises
    ------
    SubmissionError
        When the file is neither Python nor a notebook, or no assignment fits.
    """
    path = Path(file.path)
    if path.suffix not in (".py", ".ipynb"):
        raise SubmissionError(f"{file.path}: a submission is a .py file or an .ipynb notebook")
    if path.stem in ASSIGNMENTS:
        return path.stem, []
    defined = _defined_functions(file)
    counts = {a: len(defined & set(functions)) for a, functions in ASSIGNMENTS.items()}
    best = max(counts.values())
    leaders = [a for a, count in counts.items() if count == best and best > 0]
    if len(leaders) == 1:
        found = leaders[0]
    elif folder_name in (leaders or ASSIGNMENTS):
        found = folder_name
    else:
        expected = ", ".join(f"{a}.py" for a in ASSIGNMENTS)
        raise SubmissionError(
            f"{file.path}: cannot tell which assignment this is (name it one of {expected})"
        )
    return found, [f"{path.name} was graded as {found} (the functions it defines)"]


def read_file(path: Path, label: str | None = None) -> SubmittedFile:
    """Read one submitted file (not following it if it is a link), capped in size.

    Parameters
    ----------
    path : pathlib.Path
        The file; the folders on the way are the caller's and may be links.
    label : str, optional
        How the report names it (default: ``path`` as given).
    """
    shown = readable(label or str(path))
    if os.open not in os.supports_dir_fd:  # Windows
        found = _read_at(None, str(path), shown, _limit(path.name))
        return found or SubmittedFile(shown, None, f"{shown}: no such file")
    try:
        folder = os.open(path.parent, _DIRECTORY)
    except OSError as error:
        return SubmittedFile(shown, None, f"{shown} could not be read ({_reason(error)})")
    try:
        found = _read_at(folder, path.name, shown, _limit(path.name))
    finally:
        os.close(folder)
    return found or SubmittedFile(shown, None, f"{shown}: no such file")


def _single_file(path: Path, label: str) -> Found:
    if path.suffix not in (".py", ".ipynb"):
        raise SubmissionError(f"{path}: a submission is a .py file or an .ipynb notebook")
    file = read_file(path, label)
    assignment, notes = assignment_of_file(file, path.parent.name)
    return Found([Submission(file.path, {assignment: file}, [assignment], notes)], False, [])


def _student(class_fd: int, name: str, shown: str, prefix: str) -> Submission:
    """The student folder ``name`` (id ``shown``) of an open class folder (``prefix``), read."""
    try:
        info = os.stat(name, dir_fd=class_fd, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            problem = f"{shown} is a link to a folder, not a student's own folder: not graded"
            return Submission(shown, {}, list(ASSIGNMENTS), problem=problem)
        fd = _open_folder(name, class_fd)
    except OSError as error:
        problem = f"{shown} could not be opened ({_reason(error)})"
        return Submission(shown, {}, list(ASSIGNMENTS), problem=problem)
    try:
        files, notes = _student_files(fd, _join(prefix, shown))
    finally:
        os.close(fd)
    return Submission(shown, files, list(ASSIGNMENTS), notes)


def _entries(folder_fd: int, path: Path) -> list[os.DirEntry[str]]:
    """The entries of an open folder, hidden ones left out, at most MAX_CLASS_ENTRIES."""
    entries = []
    with os.scandir(folder_fd) as scan:
        for entry in scan:
            if entry.name.startswith("."):
                continue
            if len(entries) == MAX_CLASS_ENTRIES:
                raise SubmissionError(
                    f"{path}: holds more than {MAX_CLASS_ENTRIES:,} entries; "
                    "grade the class in parts"
                )
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry.name)


def _is_folder_link(folder_fd: int, entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and stat.S_ISDIR(os.stat(entry.name, dir_fd=folder_fd).st_mode)
    except OSError:
        return False


def discover(path: Path, name: str | None = None) -> Found:
    """The submissions at ``path``, read into memory.

    Parameters
    ----------
    path : pathlib.Path
        A file, a student folder or a class folder (the path itself may be a
        link: the instructor named it; nothing inside it is followed).
    name : str, optional
        How to name a single submission (default: ``path`` as given).

    Returns
    -------
    Found
        The submissions, whether ``path`` is a class, and what at its top
        was not graded.

    Raises
    ------
    SubmissionError
        When ``path`` is none of these.
    """
    label = name or str(path)
    if not path.is_dir():
        if not os.path.lexists(path):
            raise SubmissionError(f"{path}: no such file or folder")
        return _single_file(path, label)
    try:
        fd = os.open(path, _DIRECTORY)
    except OSError as error:
        raise SubmissionError(f"{path}: cannot be opened ({_reason(error)})") from None
    try:
        return _discover_folder(fd, path, label)
    finally:
        os.close(fd)


def _discover_folder(fd: int, path: Path, label: str) -> Found:
    entries = _entries(fd, path)
    folders = [e for e in entries if e.is_dir(follow_symlinks=False) and e.name not in ASSIGNMENTS]
    has_students = any(_holds_assignment_at(fd, e.name) for e in folders)
    if not has_students and _holds_assignment(fd):
        files, notes = _student_files(fd, readable(label))
        return Found([Submission(readable(label), files, list(ASSIGNMENTS), notes)], False, [])
    linked = [e for e in entries if _is_folder_link(fd, e)]
    students = sorted(folders + linked, key=lambda entry: entry.name)
    if not students:
        raise SubmissionError(f"{path}: holds no assignment file and no student folder")
    chosen = {entry.name for entry in students}
    stray = [_stray(entry) for entry in entries if entry.name not in chosen]
    prefix = readable(str(path))
    ids = student_ids([entry.name for entry in students])
    return Found([_student(fd, e.name, ids[e.name], prefix) for e in students], True, stray)


def student_ids(names: list[str]) -> dict[str, str]:
    """Each folder name's id in the reports: :func:`readable`, and unique.

    Two different names can read the same once escaped (a GBK name's
    ``\\xd5`` and a name typed with a backslash): the escaped one then gets
    ``~`` and a short hash of its bytes.
    """
    shown = {name: readable(name) for name in names}
    counts = Counter(shown.values())
    for name, text in shown.items():
        if counts[text] > 1 and text != name:
            raw = name.encode(
                "utf-8", "surrogateescape" if _only_escapes(name) else "surrogatepass"
            )
            shown[name] = f"{text}~{hashlib.sha256(raw).hexdigest()[:8]}"
    return shown


def _holds_assignment_at(class_fd: int, name: str) -> bool:
    try:
        fd = _open_folder(name, class_fd)
    except OSError:
        return False
    try:
        return _holds_assignment(fd)
    finally:
        os.close(fd)


def _stray(entry: os.DirEntry[str]) -> str:
    shown = readable(entry.name)
    if entry.is_dir(follow_symlinks=False):
        return f"{shown}/: an assignment folder at the top of the class folder: not graded"
    kind = "link" if entry.is_symlink() else "file"
    return (
        f"{shown}: a {kind} at the top of the class folder, not a student's folder: "
        "not graded (a student's work belongs in their own folder)"
    )


SETUP_CELL = "setup"
"""The ``grade_id`` of the read-only cell whose imports the answer cells rely on."""

PLOTTING = ("matplotlib",)
"""Libraries whose imports are left out of the graded code: graded functions never plot."""


@dataclass
class CodeCell:
    """A notebook's code cell: its source and its metadata (nbgrader's included)."""

    source: str
    metadata: dict[str, Any]


def code_cells(data: bytes | str) -> list[CodeCell]:
    """The code cells of a notebook, from its JSON.

    Notebooks in format 4 are read as JSON (importing nbformat costs almost two
    seconds, through jsonschema, a large part of grading one submission);
    older formats are converted by nbformat.

    Raises
    ------
    SubmissionError
        When the data is not a notebook, or holds more than :data:`MAX_CELLS`
        cells or a code cell longer than :data:`MAX_CELL_CHARS`.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise SubmissionError(f"not UTF-8 text at byte {error.start:,}") from None
    _check_json_size(text)
    try:
        notebook = json.loads(text)
        if not isinstance(notebook, dict) or notebook.get("nbformat") != 4:
            import nbformat  # only for old formats: slow to import

            notebook = nbformat.reads(text, as_version=4)
        cells = notebook["cells"]
    except Exception as error:  # JSON, nbformat and malformed data raise several kinds
        raise SubmissionError(_short(error)) from None
    if not isinstance(cells, list):
        raise SubmissionError("its cells are not a list")
    if len(cells) > MAX_CELLS:
        raise SubmissionError(f"{len(cells):,} cells; the limit is {MAX_CELLS:,}")
    return [
        code
        for number, cell in enumerate(cells, start=1)
        if (code := _code_cell(cell, number)) is not None
    ]


def _check_json_size(text: str) -> None:
    """Refuse JSON whose parsed form could be many times its size (tiny objects by the million).

    Counting brackets and commas (in strings too) bounds what parsing allocates:
    a notebook of the largest allowed size parses to well under 200 MB.
    """
    containers = text.count("{") + text.count("[")
    if containers > MAX_JSON_CONTAINERS:
        raise SubmissionError(
            f"{containers:,} JSON objects and lists; the limit is {MAX_JSON_CONTAINERS:,}"
        )
    items = text.count(",")
    if items > MAX_JSON_ITEMS:
        raise SubmissionError(f"{items:,} JSON items; the limit is {MAX_JSON_ITEMS:,}")


def _code_cell(cell: object, number: int) -> CodeCell | None:
    if not isinstance(cell, dict):
        raise SubmissionError(f"cell {number} is not a cell")
    if cell.get("cell_type") != "code":
        return None
    source, metadata = cell.get("source", ""), cell.get("metadata") or {}
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str) or not isinstance(metadata, dict):
        raise SubmissionError(f"code cell {number} has no text source or no metadata")
    if len(source) > MAX_CELL_CHARS:
        raise SubmissionError(
            f"code cell {number} holds {len(source):,} characters; the limit is {MAX_CELL_CHARS:,}"
        )
    return CodeCell(source, metadata)


def _short(error: BaseException, limit: int = 200) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= limit else text[:limit] + "…"


def _graded_cells(cells: list[CodeCell]) -> list[CodeCell]:
    """The code cells of a notebook that make up the graded module."""
    if not any("nbgrader" in c.metadata for c in cells):
        return cells
    kept = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader")
        meta = meta if isinstance(meta, dict) else {}
        if meta.get("solution", False) is True or meta.get("grade_id") == SETUP_CELL:
            kept.append(cell)
    return kept


def _without_plotting(source: str) -> str:
    """``source`` with every import of a plotting library replaced by ``pass``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # reported when loaded
        return source
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if not all(name.split(".")[0] in PLOTTING for name in names):
            continue
        first = lines[node.lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        rest = lines[node.end_lineno - 1][node.end_col_offset :].strip()
        if node.col_offset != len(indent) or (rest and not rest.startswith("#")):
            continue  # shares its line with other statements: leave it alone
        lines[node.lineno - 1] = f"{indent}pass  # not graded: {first.strip()}"
        for number in range(node.lineno, node.end_lineno):
            lines[number] = ""
    return "\n".join(lines)


def notebook_code(data: bytes | str, name: str = "the notebook") -> str:
    """The Python code of a notebook's answer cells.

    For an nbgrader notebook: the answer cells (nbgrader's ``solution``
    cells) and the read-only setup cell (``grade_id`` ``"setup"``, whose
    imports the answers use), in notebook order; test cells, read-only demo
    and plot cells and the student's own unmarked scratch cells are left
    out. For any other notebook: every code cell. IPython magics and shell
    escapes are commented out, and imports of plotting libraries
    (matplotlib) become ``pass``: graded functions never plot, and neither
    the grader nor the self-check needs matplotlib installed.

    Parameters
    ----------
    data : bytes or str
        The notebook's JSON.
    name : str
        How messages name the notebook.

    Raises
    ------
    SubmissionError
        When the data is not a readable notebook or exceeds a cap.
    """
    try:
        cells = _graded_cells(code_cells(data))
    except SubmissionError as error:
        raise SubmissionError(f"{name} is not a readable notebook ({error})") from None
    parts, size = [], 0
    for number, cell in enumerate(cells, start=1):
        source = cell.source
        if source.lstrip().startswith("%%"):
            continue
        size += len(source)
        if size > MAX_CODE_CHARS:
            raise SubmissionError(
                f"{name} is too large to grade: its graded cells hold more than "
                f"{MAX_CODE_CHARS:,} characters of code"
            )
        lines = [
            f"# {line}" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        ]
        parts.append(f"# --- notebook cell {number} ---\n" + _without_plotting("\n".join(lines)))
    return "\n\n".join(parts) + "\n"


def python_source(file: SubmittedFile, assignment: str, folder: Path) -> Path:
    """Write the Python to grade for ``file`` into ``folder``: its bytes, or its notebook's code.

    Text that is not valid UTF-8 (a lone surrogate in a notebook cell) is
    written as its backslash escape.

    Raises
    ------
    SubmissionError
        When the file could not be read or is not a readable notebook.
    """
    if file.data is None:
        raise SubmissionError(file.problem or f"{file.path} could not be read")
    target = folder / f"{assignment}.py"
    if file.is_notebook:
        code = notebook_code(file.data, file.path)
        target.write_text(code, encoding="utf-8", errors="backslashreplace")
    else:
        target.write_bytes(file.data)
    return target
