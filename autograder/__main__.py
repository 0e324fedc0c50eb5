"""``python -m autograder``: see :mod:`autograder.cli`."""

import sys

if sys.argv[1:2] == ["grade"]:
    from autograder.isolation.confinement import probe_in_background

    probe_in_background()  # runs while the grader's packages are imported below

from autograder.cli import main

sys.exit(main())
