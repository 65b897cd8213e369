"""The symmetry a crystal pair offers and keeps: space groups by spglib, point groups in the
user's frame.

For a parent (``source``) and child (``target``) in one cell, row i of one becoming row i of
the other (:mod:`symbreak.data.cells`):

- the parent's and the child's space groups (spglib, number and Hermann-Mauguin symbol);
- the space group the transformation keeps: the child's operations (R, t) that also map the
  parent onto itself *with the same permutation of atoms* (up to one uniform offset, since a
  rigid translation is not a distortion), so that the map :math:`x_i \\mapsto x'_i` commutes
  with them. (The child's group alone can hold operations
  that exchange atoms the parent does not.) Its type is named by
  ``spglib.get_spacegroup_type_from_symmetry``;
- the point groups of the three, as Cartesian matrices :math:`W = L^T R L^{-T}` with L the
  source lattice (rows), in the user's frame: :math:`x' = f L` for fractional f.

A network whose relaxed weights are shared by every edge sees only the point-group part of
the breaking, so :mod:`symbreak.tasks.crystals` compares the point groups; the space groups
are named for the reader.

The tolerance is spglib's ``symprec``: a length in the files' unit (Angstrom).

numpy and spglib only (``pip install symbreak[crystals]``); spglib is imported on the first
call, so ``import symbreak.symmetry`` works without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from symbreak.errors import DataError
from symbreak.symmetry._lattice import minimum_image, nearest_rotation
from symbreak.symmetry._permutation import atom_permutation
from symbreak.symmetry._point_group import PointGroup


@dataclass(frozen=True)
class SpaceGroup:
    """A space group found in one cell: its type and its operations in that cell's basis."""

    number: int
    symbol: str
    rotations: np.ndarray
    translations: np.ndarray

    def to_dict(self) -> dict:
        return {"number": self.number, "symbol": self.symbol, "operations": len(self.rotations)}


def _spglib():
    # spglib prints its C library's warnings ("ssm_get_exact_positions failed") to stdout
    # when a symprec finds no consistent group; the symprec scan tries many on purpose.
    os.environ.setdefault("SPGLIB_WARNING", "OFF")
    try:
        import spglib
    except ImportError:
        raise DataError(
            "the symmetry of crystals needs spglib; install it with "
            "`pip install symbreak[crystals]`."
        ) from None
    return spglib


def space_group(cell: np.ndarray, fractional: np.ndarray, types, symprec: float) -> SpaceGroup:
    """spglib's space group of one structure (``types``: one integer per atom), with *every*
    operation of its type, in the fractional basis of ``cell``.

    spglib's own ``rotations`` hold only the operations that keep the given cell's lattice,
    which for a supercell (the parent in the child's cell) loses some: a cube seen in a
    tetragonal supercell would look tetragonal. The operations are therefore taken from the
    database for the group's Hall number and brought back through the transformation
    :math:`x_s = P x + p` (spglib's convention), which may leave non-integer rotations.
    """
    spglib = _spglib()
    dataset = spglib.get_symmetry_dataset((cell, fractional, np.asarray(types)), symprec=symprec)
    if dataset is None:
        raise DataError(f"spglib finds no space group at symprec {symprec:g}.")
    standard = spglib.get_symmetry_from_database(dataset.hall_number)
    transform = np.asarray(dataset.transformation_matrix, dtype=np.float64)
    inverse = np.linalg.inv(transform)
    shift = np.asarray(dataset.origin_shift, dtype=np.float64)
    rotations = np.einsum("ij,njk,kl->nil", inverse, standard["rotations"], transform)
    translations = (standard["rotations"] @ shift + standard["translations"] - shift) @ inverse.T
    return SpaceGroup(int(dataset.number), str(dataset.international), rotations, translations)


def kept_space_group(source_cell, source_fractional, target_cell, target_fractional, types,
                     symprec: float, child: SpaceGroup | None = None) -> SpaceGroup:  # fmt: skip
    """The operations of the child that act on the parent with the same permutation.

    All coordinates are fractional in one basis (the child's cell and the parent's supercell).
    """
    types = np.asarray(types)
    if child is None:
        child = space_group(target_cell, target_fractional, types, symprec)
    child = _with_centring(child, target_cell, target_fractional, types, symprec)
    keep = np.zeros(len(child.rotations), dtype=bool)
    for k, (rotation, translation) in enumerate(zip(child.rotations, child.translations)):
        q = atom_permutation(target_fractional @ rotation.T + translation, target_fractional,
                             symprec, species=types, cell=target_cell)  # fmt: skip
        if q is not None:
            # The parent may be offset from the child by a uniform shift (a rigid translation
            # is not a distortion, and the pipeline removes it): the parent's operation is
            # (R, t + c) with c the common offset, and every atom must agree on c.
            moved = source_fractional @ rotation.T + translation
            delta = minimum_image(source_fractional[q] - moved)
            delta = minimum_image(delta - delta[0])
            delta = (delta - delta.mean(axis=0)) @ source_cell
            keep[k] = np.linalg.norm(delta, axis=1).max() <= symprec
    if not keep.any():  # the identity always passes; this is a broken input
        raise DataError("no operation of the child maps the parent consistently.")
    keep = _closed(child.rotations, keep)
    rotations, translations = child.rotations[keep], child.translations[keep]
    number, symbol = 0, "?"
    integral = np.round(rotations)
    if np.allclose(rotations, integral, atol=1e-6):
        # In a primitive cell the database's centring translations are lattice vectors, so
        # operations repeat modulo the lattice; spglib names no group from a repeated list
        # (I4/mcm given as its 10-atom primitive cell came out '?').
        wrapped = np.round(translations % 1.0, 6) % 1.0
        keys = np.concatenate([integral.reshape(len(integral), 9), wrapped], axis=1)
        _, first = np.unique(keys, axis=0, return_index=True)
        first = np.sort(first)
        kind = _spglib().get_spacegroup_type_from_symmetry(
            integral[first].astype(np.int32), translations[first], lattice=target_cell,
            symprec=symprec,
        )
        if kind is not None:
            number, symbol = int(kind.number), str(kind.international_short)
    return SpaceGroup(number, symbol, rotations, translations)


def _with_centring(group: SpaceGroup, cell, fractional, types, symprec: float) -> SpaceGroup:
    """``group``'s operations composed with every pure translation of the structure in this
    cell, so that the list is complete modulo the cell's lattice.

    The database lists a group's operations modulo its own lattice. When the given cell is a
    supercell of that lattice (I4/mcm given in a 2x2x2 cubic cell holds two of its conventional
    cells), the translations inside the supercell are missing, and the kept operations of the
    map are no longer a group that spglib can name (I4/mcm came out as Cm, 32 operations).
    """
    dataset = _spglib().get_symmetry((cell, fractional, np.asarray(types)), symprec=symprec)
    if dataset is None:
        return group
    pure = np.all(np.abs(dataset["rotations"] - np.eye(3, dtype=int)) == 0, axis=(1, 2))
    centring = np.asarray(dataset["translations"], dtype=np.float64)[pure]
    if len(centring) <= 1:
        return group
    rotations = np.repeat(group.rotations, len(centring), axis=0)
    translations = (group.translations[:, None] + centring[None]).reshape(-1, 3)
    keys = np.concatenate([np.round(rotations, 6).reshape(len(rotations), 9),
                           np.round(translations % 1.0, 6) % 1.0], axis=1)  # fmt: skip
    _, first = np.unique(keys, axis=0, return_index=True)
    first = np.sort(first)
    return SpaceGroup(group.number, group.symbol, rotations[first], translations[first])


def _closed(rotations: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``keep`` less the operations whose rotations, multiplied with the kept ones, leave the
    kept rotations: the point group must be a group.

    Each operation is tested on its own, within symprec; near the edge of a tolerance window
    (noisy data) a C4 can pass while its square fails, which is no group (a ValueError when it
    is named). Dropping offenders until the set is closed leaves a group (E always stays).
    """
    keep = keep.copy()
    keys = [tuple(np.round(r, 6).ravel()) for r in rotations]
    while True:
        kept = {keys[k]: rotations[k] for k in np.flatnonzero(keep)}
        offenders = {key for key, r in kept.items()
                     if any(tuple(np.round(r @ q, 6).ravel()) not in kept for q in kept.values())}
        if not offenders:
            return keep
        worst = max(offenders)  # any one offender; the loop removes until closed
        keep &= np.array([key != worst for key in keys])


def cartesian_point_group(rotations: np.ndarray, cell: np.ndarray) -> PointGroup:
    """The point group of integer rotations (fractional basis of ``cell``) as Cartesian
    matrices :math:`W = L^T R L^{-T}`, each made exactly orthogonal."""
    rounded = np.round(np.asarray(rotations, dtype=np.float64), 6).reshape(-1, 9)
    unique = np.unique(rounded, axis=0).reshape(-1, 3, 3)
    inverse_transpose = np.linalg.inv(cell).T
    matrices = [nearest_rotation(cell.T @ r @ inverse_transpose) for r in unique]
    return PointGroup.finite(np.asarray(matrices))


@dataclass(frozen=True)
class CrystalGroups:
    """Space groups of parent, child and map, and their point groups in the user's frame."""

    parent: SpaceGroup
    child: SpaceGroup
    kept: SpaceGroup
    parent_point_group: PointGroup
    child_point_group: PointGroup
    kept_point_group: PointGroup

    def to_dict(self) -> dict:
        return {
            "parent_space_group": self.parent.to_dict(),
            "child_space_group": self.child.to_dict(),
            "kept_space_group": self.kept.to_dict(),
            "parent_point_group": self.parent_point_group.name,
            "child_point_group": self.child_point_group.name,
            "kept_point_group": self.kept_point_group.name,
        }


def crystal_groups(
    source, target, source_cell, target_cell, types, symprec: float
) -> CrystalGroups:
    """The groups of one crystal pair (Cartesian positions, cells as rows, integer types).

    >>> import numpy as np
    >>> cell = 4.0 * np.eye(3)
    >>> source = np.array([[0.0, 0, 0], [2, 2, 2]])
    >>> groups = crystal_groups(source, source + [[0, 0, 0], [0, 0, 0.2]], cell, cell, [1, 2],
    ...                         symprec=0.01)
    >>> groups.parent.symbol, groups.kept.symbol, groups.kept_point_group.name
    ('Pm-3m', 'P4mm', 'C4v')
    """
    source_cell, target_cell = np.asarray(source_cell, float), np.asarray(target_cell, float)
    source_fractional = np.linalg.solve(source_cell.T, np.asarray(source, float).T).T
    target_fractional = np.linalg.solve(target_cell.T, np.asarray(target, float).T).T
    parent = space_group(source_cell, source_fractional, types, symprec)
    child = space_group(target_cell, target_fractional, types, symprec)
    kept = kept_space_group(source_cell, source_fractional, target_cell, target_fractional,
                            types, symprec, child)  # fmt: skip
    return CrystalGroups(
        parent, child, kept,
        cartesian_point_group(parent.rotations, source_cell),
        cartesian_point_group(child.rotations, target_cell),
        cartesian_point_group(kept.rotations, source_cell),
    )  # fmt: skip


def translation_classes(source, source_cell, types, symprec: float) -> np.ndarray:
    """Atoms related by a pure lattice translation of the parent share a class (spglib's
    ``mapping_to_primitive``): the network, translation-invariant, gives them equal outputs."""
    spglib = _spglib()
    fractional = np.linalg.solve(np.asarray(source_cell).T, np.asarray(source).T).T
    dataset = spglib.get_symmetry_dataset((source_cell, fractional, np.asarray(types)),
                                          symprec=symprec)  # fmt: skip
    if dataset is None:
        return np.arange(len(types))
    return np.asarray(dataset.mapping_to_primitive)


__all__ = ["CrystalGroups", "SpaceGroup", "cartesian_point_group",
           "crystal_groups", "kept_space_group", "space_group", "translation_classes"]  # fmt: skip
