"""The contract (docs/contract.md) as data: assignments, functions, parameters, callers."""

from __future__ import annotations

import re

ASSIGNMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "critical_points": {
        "numerical_gradient": ("f", "x", "h"),
        "numerical_hessian": ("f", "x", "h"),
        "classify_hessian": ("H", "tol"),
        "classify_critical_point": ("f", "x", "grad_tol", "eig_tol"),
    },
    "gradient_descent": {
        "num_batches": ("n", "batch_size", "drop_last"),
        "minibatch_indices": ("n", "batch_size", "shuffle", "rng", "drop_last"),
        "iterate_minibatches": ("X", "y", "batch_size", "shuffle", "rng", "drop_last"),
        "mse_loss": ("w", "X", "y"),
        "mse_gradient": ("w", "X", "y"),
        "gd_step": ("w", "grad", "lr"),
        "run_epoch": ("w", "X", "y", "batch_size", "lr", "rng", "grad_fn", "drop_last"),
        "train": (
            "X",
            "y",
            "w0",
            "batch_size",
            "lr",
            "epochs",
            "seed",
            "lr_decay",
            "grad_fn",
            "loss_fn",
        ),
        "batch_gradient_descent": ("X", "y", "w0", "lr", "epochs", "seed"),
        "stochastic_gradient_descent": ("X", "y", "w0", "lr", "epochs", "seed"),
        "minibatch_gradient_descent": ("X", "y", "w0", "batch_size", "lr", "epochs", "seed"),
    },
    "vanishing_gradients": {
        "sigmoid": ("z",),
        "sigmoid_derivative": ("z",),
        "chain_forward": ("x", "weights", "biases", "activation"),
        "chain_backward": ("x", "weights", "biases", "activation"),
    },
}
"""For each assignment, its functions in teaching order with their parameter names."""

CALLEES: dict[str, tuple[str, ...]] = {
    "classify_critical_point": ("numerical_gradient", "numerical_hessian", "classify_hessian"),
    "minibatch_indices": ("num_batches",),
    "iterate_minibatches": ("minibatch_indices",),
    "run_epoch": ("minibatch_indices", "gd_step", "mse_gradient", "num_batches"),
    "train": ("run_epoch", "mse_loss", "mse_gradient"),
    "batch_gradient_descent": ("train",),
    "stochastic_gradient_descent": ("train",),
    "minibatch_gradient_descent": ("train",),
    "sigmoid_derivative": ("sigmoid",),
    "chain_forward": ("sigmoid",),
    "chain_backward": ("chain_forward", "sigmoid", "sigmoid_derivative"),
}
"""Contract functions that a function may call, so a wrong one may cost points there too."""

REACHED_WITH_SIGMOID_ONLY = {"sigmoid", "sigmoid_derivative"}
"""Callees that a chain reaches only when its activation is the sigmoid."""

POINTS_PER_FUNCTION = 10.0


def assignment_of(function: str) -> str:
    """The assignment a contract function belongs to."""
    for assignment, functions in ASSIGNMENTS.items():
        if function in functions:
            return assignment
    raise KeyError(function)


def callees(function: str) -> tuple[str, ...]:
    """Every contract function ``function`` may reach, directly or not."""
    seen: list[str] = []
    todo = list(CALLEES.get(function, ()))
    while todo:
        name = todo.pop(0)
        if name not in seen:
            seen.append(name)
            todo.extend(CALLEES.get(name, ()))
    return tuple(seen)


def may_reach(function: str, call: str, callee: str) -> bool:
    """Whether ``call`` (a call of ``function`` as feedback shows it) can reach ``callee``.

    A chain with ``activation="tanh"`` or ``"relu"`` never calls the sigmoid or
    its derivative; every other call may reach every callee of its function.
    """
    if callee not in callees(function):
        return False
    if function in ("chain_forward", "chain_backward") and callee in REACHED_WITH_SIGMOID_ONLY:
        named = re.search(r"activation=(['\"])(\w+)\1", call)
        return named is None or named.group(2) == "sigmoid"
    return True
