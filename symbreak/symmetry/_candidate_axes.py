"""Candidate symmetry axes of a set of irrep vectors, from invariant tensors built out of them.

Let G be the stabiliser of the vectors :math:`v_i` and :math:`f_i(x) = Y_{l_i}(x)\\cdot v_i`.
Every element of G maps :math:`f_i` to :math:`\\pm f_i`, so
:math:`F = \\sum_i a_i f_i^2` is G-invariant, and so are its moment tensors

.. math::

    M = \\int_{S^2} F(x)\\, x x^T \\,d\\Omega, \\qquad
    K(X) = \\int_{S^2} F(x)\\, (x^T X x)\\, x x^T \\,d\\Omega

(:math:`gMg^T = M`, :math:`K(gXg^T) = gK(X)g^T`). Both are exact sums over a product
Gauss-Legendre x uniform rule of degree :math:`2 l_{max} + 4`, so G-invariance holds to rounding.

*Anisotropic M (every finite group except the polyhedral ones).* Each g in G commutes with M, so
it maps every eigenspace of M to itself. If an eigenvalue is simple, its eigenvector u spans a
line that all of G keeps: G is a subgroup of :math:`D_{\\infty h}` about u. Its elements are
then turns and rotoreflections about u and half-turns and mirrors about axes perpendicular to
u, and :mod:`._axial_analysis` finds both kinds exactly. This candidate set provably holds every
element; no search is involved.

*Isotropic M* happens for T, Td, Th, O, Oh, I, Ih (no invariant 2-tensor but
:math:`I`) and accidentally. For a group containing T with twofold axes :math:`e_a`, the
symmetric matrices split into the identity, the 2-dimensional space of traceless diagonal
matrices (E) and the 3-dimensional off-diagonal space (T2); K is a scalar on each (Schur),
so a generic matrix in the doubly degenerate eigenspace of K is diagonal in the frame
:math:`e_a`: its eigenvectors are the cube axes, and the 13 axes of the cube follow exactly.
The icosahedral groups have no invariant in l = 2 or 4 and are left to the critical-point
search of :mod:`._critical_points` (two of their six fivefold axes already generate I).

>>> import numpy as np
>>> points, weights = sphere_quadrature(6)
>>> round(float(weights.sum() / (4 * np.pi)), 12)
1.0
"""

from __future__ import annotations

from functools import cache

import numpy as np

from symbreak.symmetry._wigner import spherical_harmonics


@cache
def sphere_quadrature(degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 3) and weights (N,) integrating every polynomial of degree <= ``degree``
    over the unit sphere exactly: Gauss-Legendre in z, uniform in the azimuth."""
    z, z_weights = np.polynomial.legendre.leggauss(degree // 2 + 1)
    count = degree + 1  # a uniform rule of n points is exact for Fourier degree < n
    phi = 2.0 * np.pi * (np.arange(count) + 0.5) / count
    r = np.sqrt(1.0 - z**2)[:, None]
    points = np.stack(np.broadcast_arrays(r * np.cos(phi), r * np.sin(phi), z[:, None]), axis=-1)
    weights = np.repeat(z_weights * 2.0 * np.pi / count, count)
    return points.reshape(-1, 3), weights


@cache
def _harmonics_on_grid(l: int, degree: int) -> np.ndarray:
    return spherical_harmonics(l, sphere_quadrature(degree)[0])


def _symmetric_features(points: np.ndarray) -> np.ndarray:
    """:math:`x^T S_k x` (N, 6) for a Frobenius-orthonormal basis S_k of symmetric matrices."""
    x, y, z = points.T
    r2 = np.sqrt(2.0)
    return np.stack([x * x, y * y, z * z, r2 * y * z, r2 * x * z, r2 * x * y], axis=1)


def _symmetric_matrix(features: np.ndarray) -> np.ndarray:
    """The symmetric matrix with coordinates ``features`` (6,) in the basis above."""
    d0, d1, d2, yz, xz, xy = features
    h = 1.0 / np.sqrt(2.0)
    return np.array([[d0, h * xy, h * xz], [h * xy, d1, h * yz], [h * xz, h * yz, d2]])


class InvariantMoments:
    """The moments M (3, 3) and K (6, 6) of :math:`F = \\sum_i a_i f_i^2` (see module doc).

    Parameters
    ----------
    vectors : list of (l, vector), l >= 1.
    weights : a_i; any positive numbers keep the moments G-invariant.
    """

    def __init__(self, vectors: list[tuple[int, np.ndarray]], weights: np.ndarray):
        degree = 2 * max(l for l, _ in vectors) + 4
        points, quadrature = sphere_quadrature(degree)
        signal = np.zeros(len(points))
        for (l, v), a in zip(vectors, weights):
            signal += a * (_harmonics_on_grid(l, degree) @ v) ** 2
        weighted = quadrature * signal
        self.matrix = np.einsum("q,qi,qj->ij", weighted, points, points)
        features = _symmetric_features(points)
        self.operator = np.einsum("q,qk,ql->kl", weighted, features, features)
        self.total = float(weighted.sum())  # trace of M; > 0 unless every f_i vanishes

    def separated_axes(self, gap: float) -> np.ndarray:
        """Eigenvectors (k, 3) of M whose eigenvalue is at least ``gap`` x trace away from the
        other two; every element of G keeps each of these lines."""
        values, vectors = np.linalg.eigh(self.matrix)
        spacing = np.diff(values) / self.total
        apart = [spacing[0] > gap, spacing[0] > gap and spacing[1] > gap, spacing[1] > gap]
        return vectors.T[np.array(apart)]

    def eigen_axes(self) -> np.ndarray:
        """All three eigenvectors (3, 3) of M, as rows."""
        return np.linalg.eigh(self.matrix)[1].T

    def cube_axes(self, gap: float) -> np.ndarray:
        """The 13 axes of the cube for every nearly degenerate eigenvalue pair of K (see module
        doc); exact for the groups containing T, spurious axes otherwise (they fail the test)."""
        values, vectors = np.linalg.eigh(self.operator)
        mix = np.array([0.8, 0.6])  # a fixed generic direction in the two-dimensional space
        frames = []
        for i in np.flatnonzero(np.diff(values) <= gap * self.total):
            plane = _symmetric_matrix(vectors[:, i : i + 2] @ mix)
            frames.append(np.linalg.eigh(plane)[1].T)
        return np.concatenate([_cube_lines(f) for f in frames]) if frames else np.zeros((0, 3))


def _cube_lines(frame: np.ndarray) -> np.ndarray:
    """The 3 fourfold, 4 threefold and 6 twofold axes of a cube with edges along ``frame``."""
    e = frame
    diagonals = [e[0] + s1 * e[1] + s2 * e[2] for s1 in (1, -1) for s2 in (1, -1)]
    faces = [e[a] + s * e[b] for a, b in ((0, 1), (0, 2), (1, 2)) for s in (1, -1)]
    lines = np.concatenate([e, np.array(diagonals), np.array(faces)])
    return lines / np.linalg.norm(lines, axis=1, keepdims=True)
