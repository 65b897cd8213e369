"""Lattice geometry on plain arrays: minimum images, the nearest rotation, the strain between
two lattices.

Cells follow ASE's convention: a (3, 3) array whose *rows* are the lattice vectors, so that
Cartesian positions are ``fractional @ cell``.

>>> minimum_image(np.array([0.9, -0.6, 0.2]))
array([-0.1,  0.4,  0.2])
"""

from __future__ import annotations

import numpy as np


def minimum_image(delta: np.ndarray) -> np.ndarray:
    """Fractional differences brought into [-1/2, 1/2) per axis (the nearest lattice image).

    Exact for cells that are not too oblique; matching atoms only needs it to pick the same
    image for equivalent atoms, which it does.
    """
    return delta - np.round(delta)


def nearest_rotation(matrix: np.ndarray) -> np.ndarray:
    """The orthogonal matrix nearest to ``matrix`` (polar decomposition, by the SVD).

    >>> np.allclose(nearest_rotation(2.0 * np.eye(3)), np.eye(3))
    True
    """
    u, _, vt = np.linalg.svd(np.asarray(matrix, dtype=np.float64))
    return u @ vt


def strain_tensor(source_cell: np.ndarray, target_cell: np.ndarray) -> np.ndarray:
    r"""Symmetric small strain :math:`\varepsilon = (F + F^T)/2 - 1` taking one lattice to another.

    With lattice vectors as rows, :math:`L' = L F^T`, so :math:`F^T = L^{-1} L'`; the
    antisymmetric part of F (a rigid turn) is dropped.

    >>> np.round(strain_tensor(np.eye(3), np.diag([1.0, 1.0, 1.02])), 6).diagonal().tolist()
    [0.0, 0.0, 0.02]
    """
    gradient = np.linalg.solve(np.asarray(source_cell, float), np.asarray(target_cell, float)).T
    return 0.5 * (gradient + gradient.T) - np.eye(3)


__all__ = ["minimum_image", "nearest_rotation", "strain_tensor"]
