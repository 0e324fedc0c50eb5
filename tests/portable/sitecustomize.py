"""Make this POSIX Python look like Windows to the grader (tests/test_portable.py).

Loaded through PYTHONPATH by the processes the test starts (not by the sandboxed child, which
runs with -I -S): ``resource`` cannot be imported, ``os.killpg`` is gone and ``select`` refuses
pipes, as on Windows, where it takes sockets only.
"""

import os
import select
import sys

sys.modules["resource"] = None
del os.killpg
_select = select.select


def _sockets_only(readable, writable, errors, *timeout):
    """``select.select`` as on Windows: an OSError for anything but sockets."""
    raise OSError(10038, "select() on Windows takes sockets only (simulated)")


select.select = _sockets_only
