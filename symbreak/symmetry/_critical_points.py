"""Critical points on the unit sphere of :math:`F(x) = \\sum_i a_i f_i(x)^2`,
:math:`f_i = Y_{l_i}\\cdot v_i`.

Every rotation axis of a function invariant under a rotation of order n >= 2 is a critical point
of it: the rotation fixes the axis and turns the tangent plane there by :math:`2\\pi/n \\neq 0`,
so the gradient, which it must also fix, vanishes. :math:`F` is invariant under every proper R with
:math:`D(R)v_i = \\pm v_i`, which covers the proper rotations of the stabiliser and the rotations
:math:`-M` of its improper elements M. Critical points of every type (maxima, minima and the
saddles where C2 axes often sit) are found by Riemannian Newton iterations from a deterministic
Fibonacci set of starting points; each converges to a point where the gradient vanishes to
rounding, so no sampling grid limits the answer.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from symbreak.symmetry._wigner import harmonic_coefficients, monomial_exponents


def fibonacci_hemisphere(count: int) -> np.ndarray:
    """``count`` nearly uniform unit vectors with z >= 0 (golden-angle spiral)."""
    i = np.arange(count) + 0.5
    z = 1.0 - i / count
    phi = i * np.pi * (3.0 - np.sqrt(5.0))
    r = np.sqrt(1.0 - z**2)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


class SquaredSignal:
    """:math:`F(x) = \\sum_i a_i (Y_{l_i}(x)\\cdot v_i)^2` with its gradient and Hessian in R^3.

    Each :math:`f_i = c_i \\cdot m(x)` over one table of monomials of all degrees 0..l_max; the
    coefficients of :math:`\\partial_j f_i` and :math:`\\partial_i\\partial_j f_i` in the same table
    are precomputed (:math:`\\partial_j x^e = e_j x^{e-\\delta_j}`), so one evaluation is one
    monomial table and ten matrix products.
    """

    def __init__(self, vectors: list[tuple[int, np.ndarray]], weights: np.ndarray):
        l_max = max(l for l, _ in vectors)
        self.exponents, row, lower = _monomial_table(l_max)
        c = np.zeros((len(self.exponents), len(vectors)))
        for i, (l, v) in enumerate(vectors):
            rows = [row[tuple(e)] for e in monomial_exponents(l)]
            c[rows, i] = harmonic_coefficients(l).T @ v
        gradient = [_differentiate(c, lower[j]) for j in range(3)]
        self.value_coefficients = c
        self.gradient_coefficients = np.array(gradient)
        self.hessian_coefficients = np.array([_differentiate(gradient[j], lower[i])
                                              for i in range(3) for j in range(3)])  # fmt: skip
        self.weights = np.asarray(weights, dtype=np.float64)

    def derivatives(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """F (K,), gradient (K, 3) and Hessian (K, 3, 3) at points x (K, 3)."""
        e = self.exponents
        powers = x[:, :, None] ** np.arange(int(e.max()) + 1)
        m = powers[:, 0, e[:, 0]] * powers[:, 1, e[:, 1]] * powers[:, 2, e[:, 2]]
        a = self.weights
        f = m @ self.value_coefficients  # (K, n)
        df = m @ self.gradient_coefficients  # (3, K, n)
        ddf = m @ self.hessian_coefficients  # (9, K, n)
        af = a * f
        value = (f * af).sum(1)
        grad = 2.0 * (df * af).sum(2).T
        hess = 2.0 * (np.einsum("ikn,jkn->kij", df * a, df)
                      + (ddf * af).sum(2).T.reshape(-1, 3, 3))  # fmt: skip
        return value, grad, hess


@cache
def _monomial_table(l_max: int):
    """Monomials of degrees 0..l_max, their row index, and for each axis j the sparse map
    (source rows, target rows, factors) of :math:`\\partial_j x^e = e_j x^{e - \\delta_j}`."""
    exponents = np.concatenate([monomial_exponents(l) for l in range(l_max + 1)])
    row = {tuple(e): i for i, e in enumerate(exponents)}
    lower = []
    for j in range(3):
        source = np.flatnonzero(exponents[:, j] > 0)
        target = np.array([row[tuple(exponents[i] - np.eye(3, dtype=int)[j])] for i in source])
        lower.append((source, target.reshape(-1), exponents[source, j].astype(float)))
    return exponents, row, lower


def _differentiate(coefficients: np.ndarray, derivative_map) -> np.ndarray:
    source, target, factor = derivative_map
    out = np.zeros_like(coefficients)
    out[target] = factor[:, None] * coefficients[source]
    return out


def critical_points(signal: SquaredSignal, starts: int = 120, steps: int = 25) -> np.ndarray:
    """Distinct critical directions (m, 3) of ``signal`` on the sphere, up to sign.

    Three searches from the same ``starts`` points: plain Newton (converges to the nearest
    critical point of any type, saddles included) and saddle-free Newton descent and ascent
    (Hessian eigenvalues replaced by their absolute values; they end at minima and maxima even
    from far away, where plain Newton may wander). With :math:`P = I - xx^T` the tangent Hessian
    is :math:`P\\nabla^2F P - (x\\cdot\\nabla F)P`; steps are at most 0.2 rad.
    """
    x = np.tile(fibonacci_hemisphere(starts), (3, 1))
    modes = np.repeat([0, -1, 1], starts)  # all three searches run as one batch
    return _distinct_lines(_newton(signal, x, modes, steps))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cross product (np.cross is slow for many short rows)."""
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1],
                     a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)  # fmt: skip


def _tangent_frames(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal tangent vectors t1, t2 (K, 3) at unit points x (K, 3)."""
    helper = np.where(np.abs(x[:, :1]) < 0.9, np.eye(3)[0], np.eye(3)[1])
    t1 = _cross(helper, x)
    t1 /= np.linalg.norm(t1, axis=1, keepdims=True)
    return t1, _cross(x, t1)


def _newton_step(x: np.ndarray, g: np.ndarray, h: np.ndarray, mode: np.ndarray) -> np.ndarray:
    """Newton step (K, 3) in the tangent plane; 2x2 eigenproblems solved in closed form.

    In the tangent frame the Riemannian Hessian is
    :math:`t_i^T \\nabla^2F\\, t_j - (x\\cdot\\nabla F)\\delta_{ij}`; its eigenpairs are
    :math:`m \\pm r` along :math:`(\\cos\\phi, \\sin\\phi)` and :math:`(-\\sin\\phi, \\cos\\phi)`,
    with :math:`\\tan 2\\phi = 2b/(a - d)`.
    """
    t1, t2 = _tangent_frames(x)
    radial = np.einsum("ki,ki->k", x, g)
    g1, g2 = np.einsum("ki,ki->k", t1, g), np.einsum("ki,ki->k", t2, g)
    ht1, ht2 = np.einsum("kij,kj->ki", h, t1), np.einsum("kij,kj->ki", h, t2)
    a = np.einsum("ki,ki->k", t1, ht1) - radial
    b = np.einsum("ki,ki->k", t1, ht2)
    d = np.einsum("ki,ki->k", t2, ht2) - radial
    mean, half = (a + d) / 2.0, np.hypot((a - d) / 2.0, b)
    phi = 0.5 * np.arctan2(2.0 * b, a - d)
    c, s = np.cos(phi), np.sin(phi)
    floor = 1e-10 * np.max(np.abs(mean) + half) + 1e-300
    step1, step2 = np.zeros(len(x)), np.zeros(len(x))
    for lam, e1, e2 in ((mean + half, c, s), (mean - half, -s, c)):
        lam = np.where(np.abs(lam) < floor, floor, lam)
        # saddle-free where mode = -1 (descend) or +1 (ascend) along every eigendirection
        lam = np.where(mode == 0, lam, -mode * np.abs(lam))
        coefficient = -(e1 * g1 + e2 * g2) / lam
        step1 += coefficient * e1
        step2 += coefficient * e2
    return step1[:, None] * t1 + step2[:, None] * t2


def _newton(signal: SquaredSignal, x: np.ndarray, mode: np.ndarray, steps: int) -> np.ndarray:
    """Iterate from x; per point, mode 0 plain Newton, -1 saddle-free descent, +1 ascent."""
    active = np.ones(len(x), dtype=bool)
    for _ in range(steps):
        y = x[active]
        _, g, h = signal.derivatives(y)
        step = _newton_step(y, g, h, mode[active])
        norm = np.linalg.norm(step, axis=1, keepdims=True)
        step *= np.minimum(1.0, 0.2 / np.maximum(norm, 1e-300))
        y = y + step
        x[active] = y / np.linalg.norm(y, axis=1, keepdims=True)
        active[np.flatnonzero(active)[norm[:, 0] < 1e-11]] = False
        if not active.any():
            break
    _, g, _ = signal.derivatives(x)
    gt = g - np.einsum("ki,ki->k", x, g)[:, None] * x
    scale = np.abs(g).max() + 1e-300
    return x[np.linalg.norm(gt, axis=1) <= 1e-7 * scale]


def _distinct_lines(points: np.ndarray, tol: float = 1e-5) -> np.ndarray:
    """Keep one point per line through the origin (x and -x are the same axis)."""
    same = np.abs(points @ points.T) >= 1.0 - tol
    dropped = np.zeros(len(points), dtype=bool)
    keep = []
    for i in range(len(points)):
        if not dropped[i]:
            keep.append(i)
            dropped |= same[i]
    return points[keep].reshape(-1, 3)
