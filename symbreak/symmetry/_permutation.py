"""Which atom an operation moves each atom onto: the permutation of a finite or periodic
structure.

For atoms :math:`x_j` and their images :math:`m_i` under an operation (a rotation, or a
rotation and a translation in a crystal), the permutation is

.. math:: p(i) = \\arg\\min_{j:\\, s_j = s_i} d(m_i, x_j),

accepted when every :math:`d(m_i, x_{p(i)}) \\le \\tau` and no two images land on one atom.
The distance is Euclidean, :math:`d = |m_i - x_j|`, for a finite structure; in a crystal the
coordinates are fractional in the basis of a cell L (rows) and
:math:`d = |\\mathrm{mi}(x_j - m_i)\\, L|`, with :math:`\\mathrm{mi}` the nearest lattice image
(:func:`~symbreak.symmetry.minimum_image`). Either way the tolerance :math:`\\tau` is a length
in the structure's unit.
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry._lattice import minimum_image


def atom_permutation(moved, positions, tolerance: float, species=None, moved_species=None,
                     cell=None) -> np.ndarray | None:  # fmt: skip
    """The atom each moved atom lands on, one to one, or None.

    Parameters
    ----------
    moved : (N, 3) the atoms after the operation (row i: where atom i went).
    positions : (N, 3) the atoms the images are matched to.
    tolerance : largest distance (a length, in the positions' unit) between an image and
        its atom.
    species : (N,) labels of ``positions`` (any comparable values); None: all alike.
    moved_species : (N,) labels of ``moved``; None: ``species``.
    cell : (3, 3) lattice vectors as rows, for a crystal: ``moved`` and ``positions`` are then
        fractional coordinates in its basis and distances go to the nearest lattice image.
        None: a finite structure in Cartesian coordinates.

    Returns
    -------
    p : (N,) int array with ``moved[i]`` within ``tolerance`` of ``positions[p[i]]`` (of the
        same species), or None when an image has no atom within ``tolerance`` or two images
        land on one atom. Distances are computed in float64, as a dense N x N array.

    Examples
    --------
    A quarter turn about z moves each corner of a square onto the next one:

    >>> import numpy as np
    >>> square = np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]])
    >>> quarter_turn = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
    >>> atom_permutation(square @ quarter_turn.T, square, 1e-6).tolist()
    [1, 2, 3, 0]
    >>> print(atom_permutation(square @ quarter_turn.T, square, 1e-6, species=[0, 1, 0, 1]))
    None

    In a body-centred cell, the centring translation swaps the corner and the centre:

    >>> bcc = np.array([[0.0, 0, 0], [0.5, 0.5, 0.5]])
    >>> atom_permutation(bcc + 0.5, bcc, 1e-6, cell=3.0 * np.eye(3)).tolist()
    [1, 0]
    """
    moved = np.asarray(moved, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    if len(moved) == 0:
        return np.zeros(0, dtype=np.int64)
    if cell is None:
        distance = np.linalg.norm(moved[:, None, :] - positions[None, :, :], axis=-1)
    else:
        delta = minimum_image(positions[None] - moved[:, None])
        distance = np.linalg.norm(delta @ np.asarray(cell, dtype=np.float64), axis=-1)
    if species is not None:
        species = np.asarray(species)
        moved_species = species if moved_species is None else np.asarray(moved_species)
        distance[moved_species[:, None] != species[None, :]] = np.inf
    nearest = np.argmin(distance, axis=1)
    if distance[np.arange(len(nearest)), nearest].max() > tolerance:
        return None
    if len(np.unique(nearest)) != len(nearest):
        return None
    return nearest


__all__ = ["atom_permutation"]
