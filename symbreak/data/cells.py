"""Relating a parent crystal to its child: supercell, origin shift, rotation and atom matching.

A phase transition usually enlarges the cell: SrTiO3 goes from :math:`Pm\\bar 3m` (5 atoms)
to :math:`I4/mcm` (20 atoms, :math:`a' = a_1 + a_2`, :math:`b' = -a_1 + a_2`,
:math:`c' = 2 a_3`). :func:`map_cells` finds

1. the integer matrix M whose rows are the child's cell vectors in units of the parent's
   (:math:`L_c \\approx M L_p Q` up to strain, with Q a rotation: files from different
   sources are often in different frames), by matching the metric
   :math:`M G_p M^T \\approx G_c`;
2. the parent built in that supercell and turned into the child's frame;
3. the origin shift t (fractional, child cell) and the atom matching, per species by least
   squared minimum-image displacement (:func:`~symbreak.data._lattice.match_atoms`, the
   Hungarian algorithm), keeping the M and t whose largest displacement is smallest.

Files in one cell whose atoms are already in matching order skip the search.

Everything is in the child's frame: ``source`` is the parent (in the child's cell shape,
before strain), ``target`` the child, row i of one becoming row i of the other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from symbreak.data._lattice import match_atoms
from symbreak.data.structures import Structure
from symbreak.errors import DataError
from symbreak.symmetry import minimum_image, nearest_rotation, strain_tensor

#: Largest atomic displacement (Angstrom, or the files' length unit) a mapping may need.
#: Displacive transitions move atoms by 0.01 - 0.5 A (the published catalogue's largest is
#: quartz's 0.3 A); 1 A leaves room and still refuses unrelated structures.
DEFAULT_MATCH_TOLERANCE = 1.0

#: Largest relative strain between the parent's supercell and the child's cell (metric).
DEFAULT_STRAIN_TOLERANCE = 0.1

#: Supercell rows are searched with integer entries in [-_REACH, _REACH].
_REACH = 3


@dataclass(frozen=True)
class CellMapping:
    """How the parent's atoms become the child's.

    Attributes
    ----------
    supercell : (3, 3) int, rows are the child's cell vectors in units of the parent's.
    origin_shift : (3,) fractional shift (child cell) added to the parent's supercell.
    rotation : (3, 3) orthogonal Q turning the parent's frame into the child's.
    max_displacement : largest atomic displacement, strain removed (length unit of the files).
    strain : (3, 3) symmetric small strain from the parent's supercell to the child's cell.
    source, target : (N, 3) Cartesian positions, child's frame; row i of one becomes row i
        of the other (the target image nearest to its source).
    source_cell, target_cell : (3, 3) lattice vectors as rows.
    symbols : tuple of str, one per row.
    searched : False when the files were already in one cell and matching order.
    """

    supercell: np.ndarray
    origin_shift: np.ndarray
    rotation: np.ndarray
    max_displacement: float
    strain: np.ndarray
    source: np.ndarray
    target: np.ndarray
    source_cell: np.ndarray
    target_cell: np.ndarray
    symbols: tuple[str, ...]
    searched: bool

    def to_dict(self) -> dict:
        """JSON-ready summary (no positions)."""
        return {
            "supercell": self.supercell.astype(int).tolist(),
            "origin_shift": np.round(self.origin_shift, 6).tolist(),
            "rotation": np.round(self.rotation, 6).tolist(),
            "max_displacement": round(float(self.max_displacement), 6),
            "strain": np.round(self.strain, 6).tolist(),
            "searched": self.searched,
        }

    def sentence(self) -> str:
        """One line for people."""
        return mapping_sentence(self.to_dict())


def mapping_sentence(mapping: dict) -> str:
    """One line for people from :meth:`CellMapping.to_dict`.

    >>> mapping_sentence({"supercell": [[1, 0, 0], [0, 1, 0], [0, 0, 2]],
    ...                   "origin_shift": [0, 0, 0.25], "max_displacement": 0.07})[:62]
    'parent mapped onto child by supercell [1 0 0] [0 1 0] [0 0 2],'
    """
    matrix = " ".join(
        "[" + " ".join(str(int(v)) for v in row) + "]" for row in mapping["supercell"]
    )
    shift = ", ".join(f"{v:.4g}" for v in mapping["origin_shift"])
    return (
        f"parent mapped onto child by supercell {matrix}, origin shift ({shift}); "
        f"largest atomic displacement {mapping['max_displacement']:.4g}."
    )


def _counts(symbols) -> dict[str, int]:
    names, counts = np.unique(np.asarray(symbols), return_counts=True)
    return dict(zip(names.tolist(), counts.tolist()))


def _check_composition(parent: Structure, child: Structure) -> int:
    """The ratio n of atom counts; refuse different compositions."""
    if parent.n_atoms == 0 or child.n_atoms % parent.n_atoms:
        raise DataError(
            f"{child.where} has {child.n_atoms} atoms, not a multiple of the parent's "
            f"{parent.n_atoms} in {parent.where}; the two structures cannot be related."
        )
    ratio = child.n_atoms // parent.n_atoms
    mine, theirs = _counts(parent.symbols), _counts(child.symbols)
    if {k: v * ratio for k, v in mine.items()} != theirs:
        raise DataError(
            f"{parent.where} and {child.where} have different compositions "
            f"({_formula(mine)} against {_formula(theirs)}); no mapping of atoms exists."
        )
    return ratio


def _formula(counts: dict[str, int]) -> str:
    return "".join(f"{k}{v if v > 1 else ''}" for k, v in sorted(counts.items()))


def _in_order(parent: Structure, child: Structure, tolerance: float) -> CellMapping | None:
    """The mapping when both files are in one cell shape and the same atom order, else None."""
    if parent.symbols != child.symbols:
        return None
    rotation = nearest_rotation(np.linalg.solve(parent.cell, child.cell))
    if np.abs(strain_tensor(parent.cell @ rotation, child.cell)).max() > DEFAULT_STRAIN_TOLERANCE:
        return None
    return _build(
        np.eye(3, dtype=int),
        parent.fractional,
        parent.cell,
        child,
        np.zeros(3),
        np.arange(child.n_atoms),
        tolerance,
        searched=False,
    )


def _build(supercell, fractional, supercell_cell, child, shift, partner, tolerance, searched):
    """A CellMapping from parent supercell fractional coordinates and a matching (or None
    when an atom would move by more than ``tolerance``)."""
    rotation = nearest_rotation(np.linalg.solve(supercell_cell, child.cell))
    source_cell = supercell_cell @ rotation
    source_fractional = fractional + shift
    displacement = minimum_image(child.fractional[partner] - source_fractional)
    lengths = np.linalg.norm(displacement @ source_cell, axis=1)
    if lengths.max() > tolerance:
        return None
    return CellMapping(
        supercell=np.asarray(supercell, dtype=int),
        origin_shift=np.asarray(shift, float),
        rotation=rotation,
        max_displacement=float(lengths.max()),
        strain=strain_tensor(source_cell, child.cell),
        source=source_fractional @ source_cell,
        target=(source_fractional + displacement) @ child.cell,
        source_cell=source_cell,
        target_cell=np.asarray(child.cell, dtype=np.float64),
        symbols=tuple(np.asarray(child.symbols)[partner].tolist()),
        searched=searched,
    )


def supercell_candidates(
    parent_cell, child_cell, ratio: int, strain_tolerance: float = DEFAULT_STRAIN_TOLERANCE
) -> list[np.ndarray]:
    """Integer M with det M = ``ratio`` and :math:`M G_p M^T \\approx G_c`, best first.

    The metric error is :math:`\\max |M G_p M^T - G_c| / \\max |G_c|`; candidates above
    ``strain_tolerance`` are dropped.

    >>> cubic = 3.9 * np.eye(3)
    >>> child = np.array([[5.5, 0, 0], [0, 5.5, 0], [0, 0, 7.8]])
    >>> [m.tolist() for m in supercell_candidates(cubic, child, 4)][:1]
    [[[1, -1, 0], [1, 1, 0], [0, 0, 2]]]
    """
    parent_metric = parent_cell @ parent_cell.T
    child_metric = child_cell @ child_cell.T
    scale = np.abs(child_metric).max()
    grid = np.array(list(itertools.product(range(-_REACH, _REACH + 1), repeat=3)))
    grid = grid[np.any(grid != 0, axis=1)]
    lengths2 = np.einsum("ij,jk,ik->i", grid, parent_metric, grid)
    rows = [
        grid[np.abs(lengths2 - child_metric[k, k]) <= strain_tolerance * scale] for k in range(3)
    ]
    if any(len(r) == 0 for r in rows):
        return []
    found = []
    # Pairs first (rows 0 and 1 must have the right angle), then the third row.
    first_two = [
        (a, b)
        for a in rows[0]
        for b in rows[1]
        if abs(a @ parent_metric @ b - child_metric[0, 1]) <= strain_tolerance * scale
    ]
    if not first_two:
        return []
    third = rows[2]
    for a, b in first_two:
        matrices = np.stack(
            [np.broadcast_to(a, third.shape), np.broadcast_to(b, third.shape), third], axis=1
        )
        dets = np.round(np.linalg.det(matrices)).astype(int)
        matrices = matrices[dets == ratio]
        if not len(matrices):
            continue
        metrics = np.einsum("nij,jk,nlk->nil", matrices, parent_metric, matrices)
        error = np.abs(metrics - child_metric).max(axis=(1, 2)) / scale
        for matrix, value in zip(
            matrices[error <= strain_tolerance], error[error <= strain_tolerance]
        ):
            found.append((float(value), matrix.copy()))
    # Equivalent candidates (related by the parent's symmetry) tie on the metric: prefer the
    # one with the fewest negative entries, as a person would write it.
    found.sort(
        key=lambda item: (round(item[0], 6), int((item[1] < 0).sum()), -int(np.trace(item[1])))
    )
    return [matrix for _, matrix in found]


#: Fractional distance within which a coordinate counts as on a cell face.
_FACE_SNAP = 1e-8


def parent_supercell(
    parent: Structure, supercell: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list]:
    """The parent's atoms in the supercell M: fractional coordinates (supercell basis),
    the supercell's lattice :math:`M L_p`, and the symbols."""
    corners = np.array(list(itertools.product((0, 1), repeat=3))) @ supercell
    low, high = corners.min(axis=0), corners.max(axis=0)
    translations = np.array(list(itertools.product(*[range(a, b + 1) for a, b in zip(low, high)])))
    inverse = np.linalg.inv(supercell.astype(float))
    fractional, symbols = [], []
    for position, symbol in zip(parent.fractional, parent.symbols):
        position = position - np.floor(position + _FACE_SNAP)  # in [0, 1): the corners' reach
        position[np.abs(position) < _FACE_SNAP] = 0.0
        inside = (position + translations) @ inverse
        # Coordinates on a cell face (a CIF's 1.0 or 4e-17 for 0) are snapped to it, so that
        # exactly one image of each atom lies in [0, 1): a tolerance window on either side
        # kept two images, or none, of the O at (1, 1/2, 1/2) of a CIF parent.
        nearest = np.round(inside)
        inside = np.where(np.abs(inside - nearest) < _FACE_SNAP, nearest, inside)
        keep = np.all((inside >= 0.0) & (inside < 1.0), axis=1)
        fractional.append(inside[keep])
        symbols += [symbol] * int(keep.sum())
    return np.concatenate(fractional), supercell @ parent.cell, symbols


def map_cells(
    parent: Structure,
    child: Structure,
    tolerance: float = DEFAULT_MATCH_TOLERANCE,
    strain_tolerance: float = DEFAULT_STRAIN_TOLERANCE,
    max_supercells: int = 64,
) -> CellMapping:
    """The mapping of a periodic parent onto a periodic child (see the module docstring).

    Raises
    ------
    DataError
        One sentence when the compositions differ, no supercell matches the child's cell
        within ``strain_tolerance``, or every mapping moves an atom by more than ``tolerance``.
    """
    for structure in (parent, child):
        if not structure.periodic or not structure.pbc.all():
            raise DataError(
                f"{structure.where}: is not periodic in three dimensions; a crystal pair needs "
                "two 3-D periodic cells (clusters need the same atoms in the same order)."
            )
    ratio = _check_composition(parent, child)
    if ratio == 1:
        mapping = _in_order(parent, child, tolerance)
        if mapping is not None:
            return mapping
    candidates = supercell_candidates(parent.cell, child.cell, ratio, strain_tolerance)
    if not candidates:
        raise DataError(
            f"no integer supercell of {parent.where}'s cell ({ratio} times its volume) matches "
            f"the cell of {child.where} within {strain_tolerance:.0%} strain; the cells cannot "
            "be related."
        )
    best, best_length = None, np.inf
    child_fractional = child.fractional
    for supercell in candidates[:max_supercells]:
        fractional, super_cell, symbols = parent_supercell(parent, supercell)
        anchor_species = min(sorted(set(symbols)), key=symbols.count)  # sorted: no hash order
        anchor = symbols.index(anchor_species)
        for j in np.flatnonzero(np.asarray(child.symbols) == anchor_species):
            shift = minimum_image(child_fractional[j] - fractional[anchor])
            partner, displacement = match_atoms(
                fractional + shift, symbols, child_fractional, child.symbols, child.cell
            )
            # The anchor fixes one atom; the origin that moves the atoms least on average is
            # the mean displacement away (a uniform shift is not a distortion).
            shift = shift + displacement.mean(axis=0)
            mapping = _build(
                supercell,
                fractional,
                super_cell,
                child,
                shift,
                partner,
                min(tolerance, best_length),
                searched=True,
            )
            if mapping is not None and mapping.max_displacement < best_length:
                best, best_length = mapping, mapping.max_displacement
    if best is None:
        raise DataError(
            f"no mapping of {parent.where} onto {child.where} moves every atom by less than "
            f"{tolerance:g} (tried {min(len(candidates), max_supercells)} supercells); the "
            "structures are not a parent and a distortion of it."
        )
    return best


__all__ = [
    "DEFAULT_MATCH_TOLERANCE",
    "DEFAULT_STRAIN_TOLERANCE",
    "CellMapping",
    "map_cells",
    "parent_supercell",
    "supercell_candidates",
]
