"""Build the course files from the one source of truth, ``reference/``, and the teaching text.

``python -m autograder build`` writes every generated file of the course;
``python -m autograder build --check`` only reports the committed files that
differ from what the build would write (a test runs it, so they cannot drift).

Committed, and checked for drift:

``assignments/source/<a>/<a>.ipynb``
    nbgrader's source notebook, built with nbformat from the teaching text
    ``assignments/text/<a>.md`` and from ``reference/<a>.py``: a read-only
    a first markdown cell on installing the release and running the self-check,
    a read-only setup cell, a read-only cell importing
    :func:`autograder.in_notebook.visible.visible_checks` from the release's bundle, the
    text's markdown cells, its demo and plot cells (read-only), an answer
    cell per function (the reference function, its body between nbgrader's
    solution delimiters) and a test cell per function (the text's visible
    asserts, then a hidden call of :func:`autograder.in_notebook.nbgrader_cell.grade_function`).
``assignments/source/<a>/conftest.py``, ``test_selfcheck.py``, ``pytest.ini``
    the students' self-check (:mod:`autograder.in_notebook.selfcheck`); nbgrader copies
    them into ``release/<a>/``.
``assignments/submitted/<student>/<a>/<a>.ipynb``
    the demo submissions, as nbgrader collects them, each built from the
    release form of the notebook (solutions replaced by nbgrader's stub,
    hidden tests removed, cells locked and check-summed as
    ``nbgrader generate_assignment`` does): ``ada_perfect`` (the reference
    bodies filled in), ``bo_mistakes`` (the answer cells filled from one
    typical mistake per assignment of the test corpus) and ``cai_untouched``
    (the release notebook unchanged).

``autograder/recordings/``
    the inputs each hypothesis check meets when it passes, recorded by
    grading the reference (:mod:`autograder.grading.record`); only the checks whose
    fingerprint changed are recorded again. ``--check`` compares file names.

Generated but not committed: ``assignments/source/<a>/selfcheck/autograder/``,
the public part of this package that the self-check and the notebook need (the
modules the self-check, the public checks of ``<a>``, :mod:`autograder.in_notebook.visible`
and :mod:`autograder.in_notebook.epoch_timing` import; never ``reference``, a hidden check,
this module or :mod:`autograder.in_notebook.nbgrader_cell`) and the recordings of its
public checks; and ``assignments/source/<a>/requirements.txt``, the versions
this build ran with (:func:`requirements_text`). ``nbgrader generate_assignment``
then copies both into ``release/<a>/``.
"""

from __future__ import annotations

from autograder.course.build import build, committed_files, stale_files
from autograder.course.bundle import (
    CONFTEST,
    LINUX_REQUIREMENTS,
    NEVER_BUNDLED,
    NOTEBOOK_REQUIREMENTS,
    PYTEST_INI,
    SELFCHECK_REQUIREMENTS,
    TEST_SELFCHECK,
    bundle_files,
    bundle_modules,
    requirements_text,
    selfcheck_files,
    write_bundles,
)
from autograder.course.demo import (
    DEMO_STUDENTS,
    SETUP_IMPORTS,
    TYPICAL_MISTAKES,
    corpus_answers,
    demo_notebooks,
)
from autograder.course.layout import (
    BUNDLE,
    CORPUS,
    COURSE,
    PACKAGE,
    ROOT,
    SOURCE,
    SUBMITTED,
    TEXT,
    BuildError,
)
from autograder.course.notebooks import (
    CODE_STUB,
    HELPER_ID,
    HELPER_SOURCE,
    INTRO,
    INTRO_ID,
    KERNELSPEC,
    SETUP_ID,
    SETUP_SOURCE,
    checksum,
    filled_notebook,
    notebook_text,
    release_notebook,
    source_notebook,
    tests_source,
)
from autograder.course.sources import (
    FunctionSource,
    answer_source,
    function_source,
    reference_function,
    reference_source,
    stub_source,
)
from autograder.course.text import (
    DELIMITERS,
    MARKER,
    Block,
    fallback_text,
    parse_text,
    teaching_text,
)

__all__ = [
    "BUNDLE",
    "CODE_STUB",
    "CONFTEST",
    "CORPUS",
    "COURSE",
    "DELIMITERS",
    "DEMO_STUDENTS",
    "HELPER_ID",
    "HELPER_SOURCE",
    "INTRO",
    "INTRO_ID",
    "KERNELSPEC",
    "LINUX_REQUIREMENTS",
    "MARKER",
    "NEVER_BUNDLED",
    "NOTEBOOK_REQUIREMENTS",
    "PACKAGE",
    "PYTEST_INI",
    "ROOT",
    "SELFCHECK_REQUIREMENTS",
    "SETUP_ID",
    "SETUP_IMPORTS",
    "SETUP_SOURCE",
    "SOURCE",
    "SUBMITTED",
    "TEST_SELFCHECK",
    "TEXT",
    "TYPICAL_MISTAKES",
    "Block",
    "BuildError",
    "FunctionSource",
    "answer_source",
    "build",
    "bundle_files",
    "bundle_modules",
    "checksum",
    "committed_files",
    "corpus_answers",
    "demo_notebooks",
    "fallback_text",
    "filled_notebook",
    "function_source",
    "notebook_text",
    "parse_text",
    "reference_function",
    "reference_source",
    "release_notebook",
    "requirements_text",
    "selfcheck_files",
    "source_notebook",
    "stale_files",
    "stub_source",
    "teaching_text",
    "tests_source",
    "write_bundles",
]
