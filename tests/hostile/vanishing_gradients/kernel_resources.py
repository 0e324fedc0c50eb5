# attacks: sigmoid, sigmoid_derivative, chain_forward
# ruff: noqa
"""Row E of issue 12: kernel resources outside the child's limits.

* ``sigmoid`` (namespaces): ``unshare(CLONE_NEWUSER | CLONE_NEWNS)``, then a
  private tmpfs on /tmp filled with 64 MiB (files of 4 MiB, the file size
  limit). Inside bubblewrap the seccomp filter must refuse the unshare.
* ``sigmoid_derivative`` (keyrings): ``add_key`` into its own process keyring
  (a key in the user keyring would outlive it and reach the next student's
  child, which runs as the same uid). Inside bubblewrap the seccomp filter
  must refuse it.
* ``chain_forward`` (inodes): creates up to 700,000 empty files in its work
  folder (each costs kernel memory that the folder's size does not count).
  Inside bubblewrap the folder's inode cap must stop it early.

Each raises a RuntimeError saying how far it got, so the feedback shows it.
"""

import ctypes
import os
import platform
import numpy as np

ADD_KEY = {"x86_64": 248, "aarch64": 217}
KEY_SPEC_PROCESS_KEYRING = -2

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _sig(z):
    """The stable logistic function on an array (private: no public function
    calls another one, so an attack on one function touches that one alone)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _check(weights, biases, activation):
    if activation not in ACTIVATIONS:
        raise ValueError("unknown activation %r" % (activation,))
    if len(weights) != len(biases):
        raise ValueError("weights and biases must have the same length")
    if len(weights) == 0:
        raise ValueError("the chain needs at least one unit")


def _act(z, activation):
    if activation == "sigmoid":
        return float(_sig(z))
    if activation == "tanh":
        return float(np.tanh(z))
    return z if z > 0 else 0.0


def _act_prime(z, activation):
    if activation == "sigmoid":
        s = float(_sig(z))
        return s * (1 - s)
    if activation == "tanh":
        t = float(np.tanh(z))
        return 1.0 - t * t
    return 1.0 if z > 0 else 0.0


def _forward(x, weights, biases, activation):
    _check(weights, biases, activation)
    L = len(weights)
    a = np.zeros(L + 1)
    a[0] = float(x)
    for k in range(L):
        z = float(weights[k]) * a[k] + float(biases[k])
        a[k + 1] = _act(z, activation)
    return a


def _backward(x, weights, biases, activation):
    a = _forward(x, weights, biases, activation)
    L = len(weights)
    d_weights = np.zeros(L)
    d_biases = np.zeros(L)
    upstream = 1.0
    for k in range(L - 1, -1, -1):
        z = float(weights[k]) * a[k] + float(biases[k])
        dz = upstream * _act_prime(z, activation)
        d_biases[k] = dz
        d_weights[k] = dz * a[k]
        upstream = dz * float(weights[k])
    return {"d_weights": d_weights, "d_biases": d_biases, "d_input": float(upstream)}


def sigmoid(z):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000 | 0x00020000) != 0:
        raise RuntimeError(f"unshare refused: {os.strerror(ctypes.get_errno())}")
    if libc.mount(b"none", b"/tmp", b"tmpfs", 0, b"size=1g") != 0:
        raise RuntimeError(f"unshare allowed, mount refused: {os.strerror(ctypes.get_errno())}")
    for number in range(16):
        with open(f"/tmp/fill{number}", "wb") as out:
            out.write(bytes(4 * 2**20 - 1))
    raise RuntimeError("unshare allowed, 64 MiB written to a private tmpfs")


def sigmoid_derivative(z):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    key = libc.syscall(
        ctypes.c_long(ADD_KEY[platform.machine()]),
        b"user",
        b"autograder-attack",
        b"left for the next student",
        ctypes.c_size_t(25),
        ctypes.c_long(KEY_SPEC_PROCESS_KEYRING),
    )
    if key < 0:
        raise RuntimeError(f"add_key refused: {os.strerror(ctypes.get_errno())}")
    raise RuntimeError(f"add_key allowed: key {key}")


def chain_forward(x, weights, biases, activation="sigmoid"):
    made = 0
    try:
        while made < 700_000:
            with open(f"empty{made}_{os.getpid()}", "w"):
                pass
            made += 1
    except OSError as error:
        raise RuntimeError(f"stopped after {made} files: {error.strerror}") from None
    raise RuntimeError("700,000 empty files created")


def chain_backward(x, weights, biases, activation="sigmoid"):
    """Backpropagation through the chain: d a_L / d (w_k, b_k, x)."""
    return _backward(x, weights, biases, activation)
