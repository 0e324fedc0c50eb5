"""nbgrader's configuration of this course: run every nbgrader command in this folder.

The source notebooks in source/<assignment>/ are built by `python -m autograder build`
from reference/ and text/<assignment>.md; never edit them by hand.
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    OverwriteKernelspec,
)

from autograder.course import nbgrader_setup

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "dl-optimization"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Released answer cells keep the signature and docstring; the body becomes this stub
# (autograder/course.py builds the demo submissions with the same stub).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# The self-check in source/<assignment>/ (conftest.py, test_selfcheck.py, pytest.ini and
# selfcheck/autograder/) is copied to release/<assignment>/. Leave out only caches and
# notebook checkpoints; nothing under source/ may be ignored by mistake.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    "feedback",
]

# The first test cell of a notebook grades every function of it (in a sandbox with a time
# limit per call); the later cells reuse that result. Leave that first cell time to finish.
c.Execute.timeout = 600

# The self-check is the students' tool: autograde does not copy it from source/<assignment>/
# into every autograded/<student>/<assignment>/ folder (nor, from there, into feedback/).
c.Autograde.exclude_overwriting = nbgrader_setup.selfcheck_files(
    os.path.join(c.CourseDirectory.root, "source")
)

# Test cells are restored from the gradebook (hidden tests included) without nbgrader's
# false "checksum has changed" warning for every untouched cell (jupyter/nbgrader#1961);
# a cell a student really changed is still reported and restored.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    nbgrader_setup.RestoreHiddenTests,
    CheckCellMetadata,
]

# A test cell a student deleted is restored from the gradebook instead of being left
# for manual grading.
c.OverwriteCells.add_missing_cells = True

# Hidden tests never reach the students' feedback.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# The feedback page names the function of each test cell in its table of contents and
# spaces the columns of the teaching text's tables (autograder/course/templates/nbgrader/).
c.HTMLExporter.template_name = nbgrader_setup.FEEDBACK_TEMPLATE
c.HTMLExporter.template_file = nbgrader_setup.FEEDBACK_FILE
c.HTMLExporter.extra_template_basedirs = [
    str(nbgrader_setup.FEEDBACK_TEMPLATES),
    str(nbgrader_setup.NBGRADER_TEMPLATES),
]
