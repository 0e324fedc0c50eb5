"""Isolation: where student code runs.

:mod:`.sandbox` starts and talks to the child process; :mod:`.confinement` picks
the isolation level (bubblewrap or a process); :mod:`.mounts` decides what the
child may see; :mod:`.limits` its time, memory and text limits; :mod:`.cgroup`
and :mod:`.seccomp` confine it further; :mod:`.outcome` reads what comes back.
``harness/`` is the child's side: only the standard library and NumPy.
"""
