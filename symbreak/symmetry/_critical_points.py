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

from symbreak.symmetry._wigner import (
    coordinate_powers,
    harmonic_coefficients,
    monomial_exponents,
)


def fibonacci_hemisphere(count: int) -> np.ndarray:
    """``count`` nearly uniform unit vectors with z >= 0 (golden-angle spiral)."""
    i = np.arange(count) + 0.5
    z = 1.0 - i / count
    phi = i * np.pi * (3.0 - np.sqrt(5.0))
    r = np.sqrt(1.0 - z**2)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


class SquaredSignal:
    """:math:`F(x) = \\sum_i a_i \\left(f_i(x)^2 + |\\nabla f_i(x)|^2 / l_i^2\\right)`,
    :math:`f_i = Y_{l_i}\\cdot v_i`, with its gradient and Hessian in R^3.

    The gradient energy matters: :math:`f_i^2` alone is flat along the zero curves of
    :math:`f_i` (for :math:`f = xyz` every point of the three coordinate circles is critical),
    and a Newton search would stop anywhere on them. On the sphere
    :math:`|\\nabla f|^2 = |\\nabla_S f|^2 + l^2 f^2`, invariant like :math:`f^2`.
    F is expanded once into one polynomial of degree 2 l_max (products of monomials are
    monomials); the coefficients of its first and second derivatives follow from
    :math:`\\partial_j x^e = e_j x^{e-\\delta_j}`. One evaluation is then one table of monomials
    and one product with a (monomials x 10) matrix.
    """

    def __init__(self, vectors: list[tuple[int, np.ndarray]], weights: np.ndarray):
        l_max = max(l for l, _ in vectors)
        exponents, row, lower = _monomial_table(l_max)
        c = np.zeros((len(exponents), len(vectors)))
        for i, (l, v) in enumerate(vectors):
            rows = [row[tuple(e)] for e in monomial_exponents(l)]
            c[rows, i] = harmonic_coefficients(l).T @ v
        degrees = np.array([l for l, _ in vectors], dtype=float)
        weights = np.asarray(weights, dtype=np.float64)
        # squares of f_i and of its three partial derivatives, all polynomials in the table
        c = np.concatenate([c] + [_differentiate(c, lower[j]) for j in range(3)], axis=1)
        weights = np.concatenate([weights] + 3 * [weights / degrees**2])
        exponents, _, square_lower = _monomial_table(2 * l_max)
        product_rows = _product_rows(l_max)  # row of x^(e_a + e_b) in the doubled table
        gram = np.einsum("an,n,bn->ab", c, weights, c)
        value = np.bincount(product_rows.ravel(), gram.ravel(), minlength=len(exponents))
        value = _homogenize(value, l_max)
        gradient = [_differentiate(value[:, None], square_lower[j])[:, 0] for j in range(3)]
        hessian = [_differentiate(gradient[j][:, None], square_lower[i])[:, 0]
                   for i in range(3) for j in range(3)]  # fmt: skip
        # a homogeneous F of degree 2 l_max has derivatives of degrees 2 l_max - 1 and - 2 only
        keep = exponents.sum(axis=1) >= 2 * l_max - 2
        self.exponents = exponents[keep]
        self.coefficients = np.stack([value] + gradient + hessian, axis=1)[keep]  # (P, 13)

    def derivatives(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """F (K,), gradient (K, 3) and Hessian (K, 3, 3) at points x (K, 3)."""
        e = self.exponents
        powers = coordinate_powers(x, int(e.max()))
        m = powers[:, 0, e[:, 0]] * powers[:, 1, e[:, 1]] * powers[:, 2, e[:, 2]]
        # einsum rather than matmul: a multithreaded BLAS on a busy machine makes this small
        # product ten times slower instead of faster
        out = np.einsum("km,mc->kc", m, self.coefficients)
        return out[:, 0], out[:, 1:4], out[:, 4:].reshape(-1, 3, 3)


def _homogenize(coefficients: np.ndarray, l_max: int) -> np.ndarray:
    """The same function on the unit sphere as one homogeneous polynomial of degree 2 l_max.

    Each even-degree part is multiplied by :math:`(x^2 + y^2 + z^2)^k`, which is 1 on the
    sphere; the odd-degree parts of F (a sum of squares of polynomials of one parity each)
    vanish. Riemannian derivatives only see the values on the sphere.
    """
    degree, shifted = _radius_squared_rows(2 * l_max)
    carry = np.zeros_like(coefficients)
    for d in range(0, 2 * l_max, 2):
        rows = np.flatnonzero(degree == d)
        part = coefficients[rows] + carry[rows]
        carry = np.zeros_like(coefficients)
        for j in range(3):  # times x^2, y^2, z^2; np.add.at since the targets repeat
            np.add.at(carry, shifted[j, rows], part)
    top = degree == 2 * l_max
    return np.where(top, coefficients + carry, 0.0)


@cache
def _radius_squared_rows(top: int) -> tuple[np.ndarray, np.ndarray]:
    """Degree of each monomial of the degree <= ``top`` table, and (3, M) the row of
    :math:`x_j^2 x^e` (0 where that degree would pass ``top``; those rows are never read)."""
    exponents, row, _ = _monomial_table(top)
    degree = exponents.sum(axis=1)
    shifted = np.zeros((3, len(exponents)), dtype=int)
    for i in np.flatnonzero(degree <= top - 2):
        for j in range(3):
            shifted[j, i] = row[tuple(exponents[i] + 2 * np.eye(3, dtype=int)[j])]
    return degree, shifted


@cache
def _product_rows(l_max: int) -> np.ndarray:
    """(M, M) rows in the degree-2 l_max table of the products of two degree <= l_max monomials."""
    exponents, _, _ = _monomial_table(l_max)
    _, row, _ = _monomial_table(2 * l_max)
    sums = exponents[:, None, :] + exponents[None, :, :]
    return np.array([[row[tuple(e)] for e in line] for line in sums])


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
    return distinct_lines(_newton(signal, x, modes, steps))


def refine_points(signal: SquaredSignal, points: np.ndarray, steps: int = 8) -> np.ndarray:
    """Plain Newton from ``points`` (k, 3): the nearby critical points that converged.

    An axis read off a noisy invariant tensor is off by noise / eigenvalue gap; the critical
    point of F next to it is the estimate the noise moves least.
    """
    x = np.array(points, dtype=np.float64).reshape(-1, 3)
    return _newton(signal, x, np.zeros(len(x), dtype=int), steps)


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


def distinct_lines(points: np.ndarray, tol: float = 1e-5) -> np.ndarray:
    """Keep one point per line through the origin (x and -x are the same axis)."""
    same = np.abs(points @ points.T) >= 1.0 - tol
    dropped = np.zeros(len(points), dtype=bool)
    keep = []
    for i in range(len(points)):
        if not dropped[i]:
            keep.append(i)
            dropped |= same[i]
    return points[keep].reshape(-1, 3)
