"""Which atom of a child cell is which atom of its parent: the assignment of least minimum-image
displacement.

Cells follow ASE's convention: a (3, 3) array whose *rows* are the lattice vectors, so that
Cartesian positions are ``fractional @ cell``.
"""

from __future__ import annotations

import numpy as np

from symbreak.data._assignment import cheapest_assignment
from symbreak.errors import DataError
from symbreak.symmetry import minimum_image


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
        rows, cols = cheapest_assignment(cost)
        partner[mine[rows]] = theirs[cols]
    displacement = minimum_image(child_fractional[partner] - parent_fractional)
    return partner, displacement


__all__ = ["match_atoms"]
