"""What runs on a student's machine: in the notebook's kernel or the self-check.

:mod:`.selfcheck` (pytest in a released assignment), :mod:`.visible` (a test
cell's visible asserts), :mod:`.nbgrader_cell` (the hidden call nbgrader runs),
:mod:`.epoch_timing` (the notebook's timing demo). They ship in the self-check
bundle, so they import nothing a student must not get.
"""
