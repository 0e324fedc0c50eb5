"""Arguments that are sent to the sandbox as descriptions, not as objects.

The contract passes callables and generators to some functions (``rng``,
``grad_fn``, ``loss_fn``; ``f`` is :class:`autograder.strategies.polynomials.Polynomial`).
Checks pass these stand-ins instead: the sandbox rebuilds the real object from
:meth:`sandbox_description` (see :mod:`autograder.isolation.harness.callables`), and the
trusted side can build the very same object for the reference with
:meth:`build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograder.isolation.harness import callables


@dataclass(frozen=True)
class Seed:
    """``np.random.default_rng(seed)``, built fresh on each side."""

    seed: int

    def sandbox_description(self) -> dict[str, Any]:
        return {"__rng__": self.seed}

    def build(self) -> Any:
        return callables.rebuild("__rng__", self.seed)

    def __repr__(self) -> str:
        return f"np.random.default_rng({self.seed})"


@dataclass(frozen=True)
class Gradient:
    """A test gradient by name (``"pull"``), optionally recording its batches."""

    name: str = "pull"
    record: bool = False

    def sandbox_description(self) -> dict[str, Any]:
        return {"__gradient__": {"name": self.name, "record": self.record}}

    def build(self) -> Any:
        return callables.rebuild("__gradient__", {"name": self.name, "record": self.record})

    def __repr__(self) -> str:
        return f"{self.name}_gradient  # a test gradient: w - mean(y_i * x_i) over the batch"


@dataclass(frozen=True)
class Loss:
    """A test loss by name (``"pull"``)."""

    name: str = "pull"

    def sandbox_description(self) -> dict[str, Any]:
        return {"__loss__": {"name": self.name}}

    def build(self) -> Any:
        return callables.rebuild("__loss__", {"name": self.name})

    def __repr__(self) -> str:
        return f"{self.name}_loss  # a test loss: 0.5 * ||w - mean(y_i * x_i)||**2"
