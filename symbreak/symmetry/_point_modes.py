"""Symmetry modes of a finite cluster: its distortion split into irreps of its point group.

For a molecule or cluster (the parent) and the same atoms displaced (the child), each
operation R of the parent's point group G sends atom j to the atom at :math:`R x_j` and turns
its displacement by R. The isotypic projector of an irrep :math:`\\Gamma` is
:math:`P_\\Gamma = \\frac{d_\\Gamma}{|G|}\\sum_R \\chi_\\Gamma(R)^* D(R)` (Cotton, *Chemical
Applications of Group Theory*, ch. 4); the components are orthogonal and add up to the
displacement, so their amplitudes :math:`\\sqrt{\\sum_j |u_j|^2}` (Angstrom, over all atoms)
add in quadrature. Irreps carry Mulliken names (T1u, Eg, A2u) from
:mod:`symbreak.symmetry._irrep_tables`; a rigid translation is T1u in :math:`O_h` and is
removed first (the displacement's mean), a rigid rotation is T1g and is kept.

>>> from symbreak.symmetry._point_modes import cluster_modes
>>> square = np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]])
>>> stretch = np.array([[0.1, 0, 0], [0, 0.1, 0], [-0.1, 0, 0], [0, -0.1, 0]])
>>> group, modes = cluster_modes(square, ["C"] * 4, stretch)
>>> group, [(mode.label, round(mode.amplitude, 3)) for mode in modes]
('D4h', [('A1g', 0.2)])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.symmetry._irrep_tables import table_for
from symbreak.symmetry._permutation import atom_permutation
from symbreak.symmetry._structure import point_group


@dataclass(frozen=True)
class PointMode:
    """One irrep's share of a cluster's displacement (Mulliken ``label``, Angstrom)."""

    label: str
    dimension: int
    amplitude: float
    displacement: np.ndarray = field(repr=False, compare=False)
    sites: dict = field(default_factory=dict)


def _permutations(positions, species, elements, tolerance) -> list[np.ndarray]:
    """Per element, the atom each atom lands on (:func:`atom_permutation`)."""
    out = []
    for matrix in elements:
        image = atom_permutation(positions @ matrix.T, positions, tolerance, species=species)
        if image is None:
            raise ValueError("an element of the point group does not map the cluster")
        out.append(image)
    return out


def cluster_modes(
    positions, species, displacement, tolerance: float = DEFAULT_SYMMETRY_TOLERANCE,
    threshold: float = 1e-6,
) -> tuple[str, list[PointMode]]:
    """The point group of the parent cluster and the modes of ``displacement`` ((N, 3)).

    Returns the group's Schoenflies name and the modes above ``threshold`` Angstrom, largest
    first. A group without a table here (C3, C4, C6, S4, S6, the tetrahedral T and Th, the
    icosahedral and the continuous groups) returns its name and one unlabelled mode ``'?'``.
    """
    positions = np.asarray(positions, dtype=np.float64)
    centred = positions - positions.mean(axis=0)
    displacement = np.asarray(displacement, dtype=np.float64)
    displacement = displacement - displacement.mean(axis=0)
    group = point_group(centred, species, tolerance)
    table = None
    if group.is_finite:
        references = centred[np.linalg.norm(centred, axis=1) > tolerance]
        table = table_for(group.elements, references if len(references) else None)
    if table is None:
        whole = float(np.linalg.norm(displacement))
        return group.name, [PointMode("?", len(positions) * 3, whole, displacement)]
    images = _permutations(centred, species, group.elements, tolerance)
    modes = []
    for irrep in table.irreps:
        part = np.zeros_like(displacement)
        for character, matrix, image in zip(irrep.characters, group.elements, images):
            moved = np.empty_like(displacement)
            moved[image] = displacement @ matrix.T
            part += character * moved
        part *= irrep.dimension / len(group.elements)
        amplitude = float(np.linalg.norm(part))
        if amplitude >= threshold:
            sites = {}
            for name in dict.fromkeys(species):
                value = float(np.linalg.norm(part[np.asarray(species) == name]))
                if value > threshold:
                    sites[str(name)] = value
            modes.append(PointMode(irrep.mulliken, irrep.dimension, amplitude, part, sites))
    return group.name, sorted(modes, key=lambda mode: -mode.amplitude)


__all__ = ["PointMode", "cluster_modes"]
