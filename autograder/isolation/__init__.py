"""Isolation: where student code runs.

:mod:`.sandbox` starts and talks to the child process; :mod:`.confinement` picks
the isolation level and builds the bubblewrap command; :mod:`.mounts` decides what
the child may see; :mod:`.limits` its time, memory and text limits; :mod:`.outcome`
what comes back. ``harness/`` is the child's side: only the standard library and
NumPy.
"""
