"""Polynomials the ``critical_points`` checks pass as ``f``, with exact derivatives.

A :class:`Polynomial` is written in Taylor form around a ``center``:
``f(x) = sum(c * prod((x - center) ** e))`` over its ``terms``. The checks
choose the value, gradient and Hessian at the point they pass (usually the
center itself), so the right answers are known exactly; the grader also
evaluates derivatives analytically at any other point. The sandbox receives
only the coefficients (:meth:`Polynomial.sandbox_description`) and rebuilds
the same callable with :mod:`autograder.isolation.harness.callables`; :meth:`build`
gives that callable on the grader's side (for the reference).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.isolation.harness import callables

MAX_REPR = 380
"""Longest ``x[i] - c`` form of the repr; longer polynomials use ``u = x - center``."""

Term = tuple[float, tuple[int, ...]]


def _power(value: float, exponent: int) -> float:
    return value**exponent if exponent else 1.0


def _monomial(u: Sequence[float], exponents: Sequence[int]) -> float:
    product = 1.0
    for value, exponent in zip(u, exponents, strict=True):
        product *= _power(value, exponent)
    return product


def _number(value: float) -> str:
    """A float as Python reads it back exactly, without a needless exponent."""
    return repr(float(value))


@dataclass(frozen=True)
class Polynomial:
    """A polynomial in Taylor form ``sum(c * prod((x - center) ** e))``.

    Parameters
    ----------
    center : tuple of float
        The point the polynomial is expanded around; its length is the number
        of variables ``n``.
    terms : tuple of (float, tuple of int)
        ``(coefficient, exponents)`` per monomial of ``x - center``. Terms with
        the same exponents are merged and zero coefficients dropped.
    label : str, optional
        A shorter, equivalent Python expression shown instead of the Taylor
        form (for the worked cases, e.g. Rosenbrock's function).
    """

    center: tuple[float, ...]
    terms: tuple[Term, ...]
    label: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        center = tuple(float(c) for c in self.center)
        merged: dict[tuple[int, ...], float] = {}
        for coefficient, exponents in self.terms:
            key = tuple(int(e) for e in exponents)
            if len(key) != len(center) or any(e < 0 for e in key):
                raise ValueError(f"exponents {key} do not fit {len(center)} variables")
            merged[key] = merged.get(key, 0.0) + float(coefficient)
        ordered = sorted(merged.items(), key=lambda item: (sum(item[0]), [-e for e in item[0]]))
        terms = tuple((c, e) for e, c in ordered if c != 0.0)
        object.__setattr__(self, "center", center)
        object.__setattr__(self, "terms", terms)

    # --- construction ---------------------------------------------------------

    @classmethod
    def taylor(
        cls,
        center: Sequence[float],
        value: float = 0.0,
        gradient: Sequence[float] | None = None,
        hessian: Any = None,
        higher: Iterable[Term] = (),
        label: str | None = None,
    ) -> Polynomial:
        """The polynomial with a given value, gradient and Hessian at ``center``.

        Parameters
        ----------
        center : sequence of float
            The expansion point.
        value : float
            ``f(center)``.
        gradient : sequence of float, optional
            ``∇f(center)``; zero when omitted.
        hessian : array_like of shape (n, n), optional
            The symmetric Hessian at ``center``; zero when omitted.
        higher : iterable of (float, tuple of int)
            Further terms (of degree 3 or more) of ``x - center``.
        label : str, optional
            See the class.

        Returns
        -------
        Polynomial
        """
        n = len(center)
        terms: list[Term] = [(float(value), (0,) * n)]
        if gradient is not None:
            for i, g in enumerate(gradient):
                terms.append((float(g), tuple(int(k == i) for k in range(n))))
        if hessian is not None:
            H = np.asarray(hessian, dtype=float)
            if H.shape != (n, n) or not np.array_equal(H, H.T):
                raise ValueError("the Hessian must be a symmetric (n, n) array")
            for i in range(n):
                terms.append((float(H[i, i]) / 2, tuple(2 * int(k == i) for k in range(n))))
                for j in range(i + 1, n):
                    exponents = tuple(int(k in (i, j)) for k in range(n))
                    terms.append((float(H[i, j]), exponents))
        terms.extend(higher)
        return cls(tuple(center), tuple(terms), label)

    @classmethod
    def monomial(cls, coefficient: float, exponents: Sequence[int], label: str) -> Polynomial:
        """``coefficient * prod(x ** exponents)`` around the origin."""
        return cls((0.0,) * len(exponents), ((coefficient, tuple(exponents)),), label)

    @classmethod
    def square(cls) -> Polynomial:
        """``x**2``: a local minimum at 0."""
        return cls.monomial(1.0, (2,), "lambda x: x[0]**2")

    @classmethod
    def negative_square(cls) -> Polynomial:
        """``-x**2``: a local maximum at 0."""
        return cls.monomial(-1.0, (2,), "lambda x: -x[0]**2")

    @classmethod
    def cube(cls) -> Polynomial:
        """``x**3``: zero second derivative at 0, and no optimum."""
        return cls.monomial(1.0, (3,), "lambda x: x[0]**3")

    @classmethod
    def fourth_power(cls) -> Polynomial:
        """``x**4``: zero second derivative at 0, yet a minimum."""
        return cls.monomial(1.0, (4,), "lambda x: x[0]**4")

    @classmethod
    def saddle(cls) -> Polynomial:
        """``x**2 - y**2``: a saddle point at the origin."""
        return cls((0.0, 0.0), ((1.0, (2, 0)), (-1.0, (0, 2))), "lambda x: x[0]**2 - x[1]**2")

    @classmethod
    def saddle_with_flat_direction(cls) -> Polynomial:
        """``x**2 - y**2 + z**4``: a saddle point with a zero Hessian eigenvalue."""
        return cls(
            (0.0, 0.0, 0.0),
            ((1.0, (2, 0, 0)), (-1.0, (0, 2, 0)), (1.0, (0, 0, 4))),
            "lambda x: x[0]**2 - x[1]**2 + x[2]**4",
        )

    @classmethod
    def monkey_saddle(cls) -> Polynomial:
        """``x**3 - 3*x*y**2``: zero Hessian at the origin, no optimum there."""
        return cls(
            (0.0, 0.0),
            ((1.0, (3, 0)), (-3.0, (1, 2))),
            "lambda x: x[0]**3 - 3*x[0]*x[1]**2",
        )

    @classmethod
    def rosenbrock(cls, center: Sequence[float] = (1.0, 1.0)) -> Polynomial:
        """Rosenbrock's ``(1 - x)**2 + 100*(y - x**2)**2``, expanded around ``center``.

        Its minimum is at ``(1, 1)``, with Hessian ``[[802, -400], [-400, 200]]``;
        at ``(0, 0)`` its gradient is ``(-2, 0)``.
        """
        original = cls(
            (0.0, 0.0),
            (
                (1.0, (0, 0)),
                (-2.0, (1, 0)),
                (1.0, (2, 0)),
                (100.0, (0, 2)),
                (-200.0, (2, 1)),
                (100.0, (4, 0)),
            ),
            "lambda x: (1 - x[0])**2 + 100*(x[1] - x[0]**2)**2",
        )
        return original.recentered(center)

    def recentered(self, center: Sequence[float]) -> Polynomial:
        """The same function in Taylor form around another ``center``.

        Exact when the shift and coefficients are small integers or dyadic
        fractions; otherwise correct to rounding.
        """
        if len(center) != self.n:
            raise ValueError("the new center has the wrong number of variables")
        shift = [float(new) - old for new, old in zip(center, self.center, strict=True)]
        terms: list[Term] = []
        for coefficient, exponents in self.terms:
            parts = [range(e + 1) for e in exponents]
            for powers in itertools.product(*parts):
                factor = coefficient
                for e, p, d in zip(exponents, powers, shift, strict=True):
                    factor *= math.comb(e, p) * _power(d, e - p)
                terms.append((factor, tuple(powers)))
        return Polynomial(tuple(center), tuple(terms), self.label)

    # --- evaluation -----------------------------------------------------------

    @property
    def n(self) -> int:
        """The number of variables."""
        return len(self.center)

    @property
    def degree(self) -> int:
        """The total degree (0 for the zero polynomial)."""
        return max((sum(e) for _, e in self.terms), default=0)

    def _offset(self, x: Any) -> list[float]:
        point = np.asarray(x, dtype=float)
        if point.shape != (self.n,):
            raise ValueError(f"x must have shape ({self.n},), got {point.shape}")
        return [float(p) - c for p, c in zip(point, self.center, strict=True)]

    def value(self, x: Any) -> float:
        """``f(x)``, evaluated exactly as the sandbox evaluates it."""
        return callables.polynomial_value(np.asarray(self.center), self.terms, np.asarray(x))

    def gradient(self, x: Any) -> np.ndarray:
        """The exact gradient at ``x``, shape ``(n,)``."""
        u = self._offset(x)
        grad = np.zeros(self.n)
        for coefficient, exponents in self.terms:
            for i, e in enumerate(exponents):
                if e:
                    lowered = list(exponents)
                    lowered[i] -= 1
                    grad[i] += coefficient * e * _monomial(u, lowered)
        return grad

    def hessian(self, x: Any) -> np.ndarray:
        """The exact Hessian at ``x``, shape ``(n, n)``, exactly symmetric."""
        u = self._offset(x)
        hess = np.zeros((self.n, self.n))
        for coefficient, exponents in self.terms:
            for i in range(self.n):
                for j in range(i, self.n):
                    lowered = list(exponents)
                    factor = lowered[i]
                    lowered[i] -= 1
                    factor *= lowered[j]
                    lowered[j] -= 1
                    if factor:
                        entry = coefficient * factor * _monomial(u, lowered)
                        hess[i, j] += entry
                        if j != i:
                            hess[j, i] += entry
        return hess

    def bound_near(self, x: Any, radius: float = 1e-3) -> float:
        """An upper bound of ``|f|`` within ``radius`` of ``x`` (max-norm ball).

        It is ``sum(|c| * prod((|x - center| + radius) ** e))``, the size of the
        terms before they cancel, which also bounds the rounding error of an
        evaluation of ``f`` near ``x`` (in units of the machine epsilon).
        """
        u = [abs(v) + radius for v in self._offset(x)]
        return sum(abs(c) * _monomial(u, e) for c, e in self.terms)

    # --- the two sides of the sandbox -------------------------------------------

    def sandbox_description(self) -> dict[str, Any]:
        """The coefficients, as the sandbox's harness rebuilds ``f`` from them."""
        return {
            "__polynomial__": {
                "center": list(self.center),
                "terms": [[c, list(e)] for c, e in self.terms],
            }
        }

    def build(self) -> callables.PolynomialFunction:
        """The callable the student receives, for calling the reference."""
        return callables.PolynomialFunction(self.center, self.terms)

    # --- text -------------------------------------------------------------------

    def expression(self, variable: str = "x", centered: bool = True) -> str:
        """The polynomial as a Python expression in ``variable``.

        Parameters
        ----------
        variable : str
            The name of the array the expression indexes.
        centered : bool
            Write ``(x[i] - center[i])`` factors; with ``False`` the factors are
            plain ``variable[i]`` (the caller substitutes ``x - center``).
        """
        pieces: list[str] = []
        for coefficient, exponents in self.terms:
            factors = []
            for i, e in enumerate(exponents):
                if not e:
                    continue
                base = f"{variable}[{i}]"
                c = self.center[i] if centered else 0.0
                if c:
                    sign = "-" if c > 0 else "+"
                    base = f"({base} {sign} {_number(abs(c))})"
                factors.append(base if e == 1 else f"{base}**{e}")
            magnitude = abs(coefficient)
            if factors and magnitude == 1.0:
                body = "*".join(factors)
            else:
                body = "*".join([_number(magnitude), *factors])
            negative = coefficient < 0
            if not pieces:
                pieces.append(f"-{body}" if negative else body)
            else:
                pieces.append(f" - {body}" if negative else f" + {body}")
        return "".join(pieces) or "0.0"

    def __repr__(self) -> str:
        if self.label:
            return self.label
        text = f"lambda x: {self.expression()}"
        if len(text) <= MAX_REPR or not any(self.center):
            return text
        center = ", ".join(_number(c) for c in self.center)
        return f"lambda x: (lambda u: {self.expression('u', False)})(x - np.array([{center}]))"
