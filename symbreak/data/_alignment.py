"""Rigid alignment of two point sets: Kabsch's rotation and the rotation of the best affine
map (its polar decomposition), both about the centroids, numpy only.

>>> import numpy as np
>>> square = np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]])
>>> turn = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
>>> round(rotation_angle(affine_rotation(square, 1.1 * square @ turn.T)), 6)
90.0
"""

from __future__ import annotations

import numpy as np


def kabsch(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The proper rotation R minimising :math:`\\sum_i |R s_i - t_i|^2` (centred inputs).

    Kabsch, Acta Cryst. A32, 922 (1976), by the SVD of the covariance.
    """
    u, _, vt = np.linalg.svd(target.T @ source)
    fix = np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt))])
    return u @ fix @ vt


def affine_rotation(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The rigid rotation R in the map from ``source`` to ``target`` (about the centroids).

    A pair's change is a rotation times a strain plus displacements, and only the first is
    rigid motion. So R is the rotation of the polar decomposition :math:`A = R U` of the best
    affine map :math:`A = \arg\\min \\sum_i |A s_i - t_i|^2` (Higham, SIAM J. Sci. Stat. Comput.
    7, 1160, 1986): a pure strain (U symmetric) has R = 1, where Kabsch's rotation of the
    positions turns a strained non-spherical cluster by a fraction of a degree. A planar
    source fixes A in its plane only; the normal is mapped onto the target's normal. A linear
    (or single-point) source has no affine map: Kabsch's rotation stands in.
    """
    s = np.asarray(source, dtype=np.float64) - np.mean(source, axis=0)
    t = np.asarray(target, dtype=np.float64) - np.mean(target, axis=0)
    gram = s.T @ s
    values, vectors = np.linalg.eigh(gram)
    rank = int(np.count_nonzero(values > 1e-10 * max(values[-1], 1e-300)))
    if rank < 2:
        return kabsch(s, t)
    affine = t.T @ s @ np.linalg.pinv(gram, hermitian=True)
    if rank == 2:
        normal = vectors[:, 0]
        u, _, _ = np.linalg.svd(affine)
        image = u[:, 2] * np.sign(np.linalg.det(affine + np.outer(u[:, 2], normal)) or 1.0)
        affine = affine + np.outer(image, normal)
    u, _, vt = np.linalg.svd(affine)
    fix = np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt))])
    return u @ fix @ vt


def rotation_angle(rotation: np.ndarray) -> float:
    """Angle in degrees of a proper rotation matrix."""
    cos = (np.trace(rotation) - 1.0) / 2.0
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
