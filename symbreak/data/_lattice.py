"""Periodic geometry shared by the readers and the published catalogue: minimum images and
matching atoms between two cells.

Cells follow ASE's convention: a (3, 3) array whose *rows* are the lattice vectors, so that
Cartesian positions are ``fractional @ cell``.

>>> minimum_image(np.array([0.9, -0.6, 0.2]))
array([-0.1,  0.4,  0.2])
"""

from __future__ import annotations

import numpy as np

from symbreak.errors import DataError


def minimum_image(delta: np.ndarray) -> np.ndarray:
    """Fractional differences brought into [-1/2, 1/2) per axis (the nearest lattice image).

    Exact for cells that are not too oblique; the matching below only needs it to pick the
    same image for equivalent atoms, which it does.
    """
    return delta - np.round(delta)


def match_atoms(parent_fractional, parent_symbols, child_fractional, child_symbols, cell):
    """Child index per parent atom: per species, the assignment of least total squared
    minimum-image displacement (Hungarian algorithm), and the fractional displacements.

    Parameters
    ----------
    parent_fractional, child_fractional : (N, 3) fractional coordinates in the same cell.
    parent_symbols, child_symbols : (N,) species labels.
    cell : (3, 3) rows are lattice vectors; sets the metric of the displacements.

    Returns
    -------
    partner : (N,) int, ``child[partner[i]]`` is parent atom i after the distortion.
    displacement : (N, 3) fractional minimum-image displacement of each parent atom.

    >>> parent = np.array([[0.0, 0, 0], [0.5, 0.5, 0.5]])
    >>> child = np.array([[0.52, 0.5, 0.5], [0.99, 0, 0]])
    >>> partner, shift = match_atoms(parent, ["A", "A"], child, ["A", "A"], np.eye(3))
    >>> partner.tolist(), np.round(shift, 2).tolist()
    ([1, 0], [[-0.01, 0.0, 0.0], [0.02, 0.0, 0.0]])
    """
    from scipy.optimize import linear_sum_assignment

    parent_symbols, child_symbols = np.asarray(parent_symbols), np.asarray(child_symbols)
    if sorted(parent_symbols) != sorted(child_symbols):
        raise DataError("the parent and child cells hold different atoms; check the supercell.")
    cell = np.asarray(cell, dtype=np.float64)
    partner = np.empty(len(parent_symbols), dtype=int)
    for element in np.unique(parent_symbols):
        mine = np.flatnonzero(parent_symbols == element)
        theirs = np.flatnonzero(child_symbols == element)
        delta = minimum_image(child_fractional[theirs][None] - parent_fractional[mine][:, None])
        cost = np.sum((delta @ cell) ** 2, axis=-1)
        rows, cols = linear_sum_assignment(cost)
        partner[mine[rows]] = theirs[cols]
    displacement = minimum_image(child_fractional[partner] - parent_fractional)
    return partner, displacement


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


__all__ = ["match_atoms", "minimum_image", "nearest_rotation", "strain_tensor"]
