"""Critical points, local optima and saddle points, told apart by the Hessian.

A point where the gradient (梯度) of a smooth function vanishes is a *critical
point* (临界点, also 驻点 stationary point). Gradient descent slows down near
every one of them, but they are not all alike:

* at a *local minimum* (局部极小值, a local optimum 局部最优) the function rises
  in every direction;
* at a *local maximum* (局部极大值) it falls in every direction;
* at a *saddle point* (鞍点) it rises in some directions and falls in others,
  like a horse's saddle or a mountain pass.

Near a critical point ``x`` the second-order Taylor expansion reads
``f(x + d) ≈ f(x) + ½ dᵀ H d``, where ``H`` is the Hessian (海森矩阵), the
matrix of second partial derivatives. The signs of its eigenvalues (特征值)
therefore decide the type of the point. In the high-dimensional loss surfaces
of deep networks most critical points are saddle points rather than poor local
minima, which is why saddle points and flat plateaus matter so much in
practice.

This module estimates gradients and Hessians by central finite differences
(中心差分) and classifies critical points with the second-order test.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Estimate the gradient (梯度) of ``f`` at ``x`` by central differences.

    The gradient collects the partial derivatives ``∂f/∂x_i``. Without a
    formula for them we can still *measure* each one: step a distance ``h``
    forward and backward along the unit vector ``e_i`` and divide the change
    in ``f`` by the distance travelled,

        g_i = (f(x + h e_i) - f(x - h e_i)) / (2h).

    This is the *central difference* (中心差分). By Taylor's theorem,
    ``f(x ± h e_i) = f ± h ∂_i f + h²/2 ∂_ii f ± h³/6 ∂_iii f + ...``; in the
    difference the even-order terms cancel, so the error is
    ``h²/6 · ∂_iii f``, i.e. ``O(h²)``. The one-sided forward difference
    ``(f(x + h e_i) - f(x)) / h`` only reaches ``O(h)``. ``h`` cannot be made
    arbitrarily small either: floating-point rounding adds an error of about
    ``1e-16 · |f| / h``, and ``h = 1e-6`` balances the two.

    Parameters
    ----------
    f : callable
        A function mapping a 1-D array of shape ``(n,)`` to a float.
    x : ndarray of shape (n,)
        The point at which to differentiate, with ``n >= 1``.
    h : float, default 1e-6
        The step size, positive.

    Returns
    -------
    ndarray of shape (n,)
        The estimated gradient, float64.

    Raises
    ------
    ValueError
        If ``x`` is not a 1-D array or is empty, or if ``h`` is not positive.

    Notes
    -----
    ``f`` is evaluated ``2n`` times, always at new arrays: ``x`` itself is
    never modified.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(
            f"numerical_gradient: x must be a non-empty 1-D array, got shape {x.shape}"
        )
    if not h > 0:
        raise ValueError(f"numerical_gradient: h must be positive, got {h!r}")
    n = x.size
    grad = np.empty(n)
    for i in range(n):
        step = np.zeros(n)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def numerical_hessian(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    """Estimate the Hessian (海森矩阵) of ``f`` at ``x`` by central differences.

    The Hessian is the ``n × n`` matrix of second partial derivatives,
    ``H_ij = ∂²f / ∂x_i ∂x_j``. It describes the *curvature* (曲率) of ``f``:
    how the slope itself changes as we move. Central differences estimate it
    with an error of ``O(h²)``:

    * on the diagonal, the second difference along ``e_i``,
      ``H_ii ≈ (f(x + h e_i) - 2 f(x) + f(x - h e_i)) / h²``;
    * off the diagonal, the four-point stencil
      ``H_ij ≈ (f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
      - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)) / (4h²)``.

    For a twice continuously differentiable ``f`` the mixed partials commute
    (Schwarz's theorem), so the true Hessian is symmetric (对称矩阵). Rounding
    can make two separately computed estimates of ``H_ij`` and ``H_ji``
    differ in their last digits; the result must nevertheless be *exactly*
    symmetric, so estimate each pair ``i <= j`` once and use it for both
    entries. The default ``h = 1e-4`` is larger than for the gradient because
    rounding errors are now divided by ``h²``.

    Parameters
    ----------
    f : callable
        A function mapping a 1-D array of shape ``(n,)`` to a float.
    x : ndarray of shape (n,)
        The point at which to differentiate, with ``n >= 1``.
    h : float, default 1e-4
        The step size, positive.

    Returns
    -------
    ndarray of shape (n, n)
        The estimated Hessian, float64, with ``H == H.T`` exactly.

    Raises
    ------
    ValueError
        If ``x`` is not a 1-D array or is empty, or if ``h`` is not positive.

    Notes
    -----
    Any correct central-difference stencil with ``O(h²)`` error is fine.
    ``x`` itself is never modified.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(
            f"numerical_hessian: x must be a non-empty 1-D array, got shape {x.shape}"
        )
    if not h > 0:
        raise ValueError(f"numerical_hessian: h must be positive, got {h!r}")
    n = x.size
    steps = h * np.eye(n)  # row i is the step h * e_i
    f_x = f(x)
    hess = np.empty((n, n))
    for i in range(n):
        e_i = steps[i]
        hess[i, i] = (f(x + e_i) - 2 * f_x + f(x - e_i)) / h**2
        for j in range(i + 1, n):
            e_j = steps[j]
            corners = f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)
            hess[i, j] = corners / (4 * h**2)
            hess[j, i] = hess[i, j]
    return hess


def classify_hessian(H: np.ndarray, tol: float = 1e-8) -> str:
    """Classify a critical point from the eigenvalues of its Hessian.

    At a critical point the gradient is zero, so along a direction ``d`` the
    function changes by about ``½ dᵀ H d``. Writing ``d`` in the basis of the
    eigenvectors (特征向量) of the symmetric matrix ``H`` turns this into
    ``½ Σ λ_k c_k²``, with ``λ_k`` the eigenvalues (特征值). Hence the
    second-order test (二阶判别法):

    * all ``λ > 0`` (``H`` positive definite, 正定): ``f`` rises in every
      direction, a local minimum (局部极小值);
    * all ``λ < 0`` (negative definite, 负定): a local maximum (局部极大值);
    * some ``λ > 0`` and some ``λ < 0`` (indefinite, 不定): up along some
      directions, down along others, a saddle point (鞍点);
    * otherwise some ``λ`` is zero and the others share one sign: the
      quadratic term is flat in some direction and the test cannot decide
      (``x³`` and ``x⁴`` at 0 both have ``H = 0``, yet one is not an
      optimum and the other is a minimum).

    Eigenvalues computed in floating point are never exactly zero, so an
    eigenvalue counts as positive only when ``λ > tol``, as negative only
    when ``λ < -tol``, and as zero when ``|λ| <= tol``. Note that a mix of
    signs makes a saddle point even when another eigenvalue is zero.

    Parameters
    ----------
    H : ndarray of shape (n, n)
        A real, symmetric Hessian matrix with ``n >= 1`` and finite entries.
    tol : float, default 1e-8
        Eigenvalues with ``|λ| <= tol`` are treated as zero.

    Returns
    -------
    str
        One of ``"local_minimum"``, ``"local_maximum"``, ``"saddle_point"``
        or ``"inconclusive"``.

    Raises
    ------
    ValueError
        If ``H`` is not 2-D, is empty, is not square, has a non-finite entry,
        or is not symmetric (``np.allclose(H, H.T)`` is false).

    Notes
    -----
    Use an eigenvalue routine for symmetric matrices (``np.linalg.eigvalsh``):
    it returns real eigenvalues, sorted, and is more accurate and faster than
    the general one.
    """
    H = np.asarray(H, dtype=float)
    if H.ndim != 2:
        raise ValueError(f"classify_hessian: H must be a 2-D matrix, got shape {H.shape}")
    if H.size == 0:
        raise ValueError(f"classify_hessian: H must not be empty, got shape {H.shape}")
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"classify_hessian: H must be square, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("classify_hessian: H must have finite entries (no inf or nan)")
    if not np.allclose(H, H.T):
        raise ValueError("classify_hessian: H must be symmetric (np.allclose(H, H.T))")
    eigenvalues = np.linalg.eigvalsh(H)
    has_positive = bool(np.any(eigenvalues > tol))
    has_negative = bool(np.any(eigenvalues < -tol))
    if has_positive and has_negative:
        return "saddle_point"
    if np.all(eigenvalues > tol):
        return "local_minimum"
    if np.all(eigenvalues < -tol):
        return "local_maximum"
    return "inconclusive"


def classify_critical_point(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    grad_tol: float = 1e-4,
    eig_tol: float = 1e-4,
) -> str:
    """Decide whether ``x`` is a critical point of ``f``, and of which kind.

    A point is a critical point (临界点) when the gradient (梯度) is zero. In
    floating point we only have an estimate, so ``x`` counts as critical when
    the 2-norm of the numerical gradient is at most ``grad_tol``; otherwise
    the answer is ``"not_critical"``: ``f`` still decreases along ``-∇f`` and
    gradient descent would move on. At a critical point the numerical Hessian
    (海森矩阵) decides between local minimum (局部极小值), local maximum
    (局部极大值), saddle point (鞍点) and inconclusive, with eigenvalues of
    size at most ``eig_tol`` counted as zero.

    Examples of what to expect: ``x²`` at 0 is a local minimum; ``x² - y²``
    at the origin is a saddle point; ``x³ - 3xy²`` (the *monkey saddle*, 猴鞍)
    at the origin has a zero Hessian, so the second-order test is
    inconclusive although the point is no optimum.

    Parameters
    ----------
    f : callable
        A function mapping a 1-D array of shape ``(n,)`` to a float.
    x : ndarray of shape (n,)
        The point to examine, with ``n >= 1``.
    grad_tol : float, default 1e-4
        The largest gradient norm for which ``x`` counts as critical.
    eig_tol : float, default 1e-4
        The tolerance passed on to ``classify_hessian``.

    Returns
    -------
    str
        ``"not_critical"``, ``"local_minimum"``, ``"local_maximum"``,
        ``"saddle_point"`` or ``"inconclusive"``.

    Raises
    ------
    ValueError
        If ``x`` is not a non-empty 1-D array.

    Notes
    -----
    Use ``numerical_gradient`` and ``numerical_hessian`` with their default
    step sizes, and ``classify_hessian`` for the final decision. The
    tolerances are far looser than machine precision (about ``1e-16``)
    because finite differences carry truncation and rounding errors: at a
    true critical point the estimated gradient is tiny but rarely zero.
    """
    gradient = numerical_gradient(f, x)
    if np.linalg.norm(gradient) > grad_tol:
        return "not_critical"
    return classify_hessian(numerical_hessian(f, x), tol=eig_tol)
