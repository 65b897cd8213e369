"""Relating parent and child cells: constructed supercells in random frames are recovered.

Ground truth: children built here from a parent by a known supercell, origin shift, rotation,
atom order and displacement field; the mapping must undo all of it.
"""

import numpy as np
import pytest

pytest.importorskip("ase")
from ase.build import make_supercell  # noqa: E402
from ase.spacegroup import crystal  # noqa: E402
from scipy.spatial.transform import Rotation  # noqa: E402

from symbreak.data.cells import map_cells, supercell_candidates  # noqa: E402
from symbreak.data.structures import Structure  # noqa: E402
from symbreak.errors import DataError  # noqa: E402

A = 3.9


def _perovskite():
    return crystal(["Sr", "Ti", "O"], [(0, 0, 0), (0.5, 0.5, 0.5), (0, 0.5, 0.5)],
                   spacegroup=221, cellpar=[A, A, A, 90, 90, 90])  # fmt: skip


def _structure(atoms, where):
    return Structure.from_atoms(atoms, where)


def _child(supercell, seed, amplitude=0.05, shift=(0.13, -0.21, 0.08)):
    """The parent in ``supercell``, displaced, shifted, turned and shuffled; and the
    displacements (mean removed) it was given."""
    rng = np.random.default_rng(seed)
    child = make_supercell(_perovskite(), np.asarray(supercell))
    displacement = amplitude * rng.standard_normal((len(child), 3))
    displacement -= displacement.mean(axis=0)
    child.positions += displacement + np.asarray(shift)
    turn = Rotation.random(random_state=rng).as_matrix()
    child.set_cell(np.asarray(child.cell) @ turn.T, scale_atoms=True)
    order = rng.permutation(len(child))
    return child[order], displacement[order]


@pytest.mark.parametrize("supercell", [
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    [[1, 1, 0], [-1, 1, 0], [0, 0, 2]],   # I4/mcm-type
    [[1, 0, 1], [0, 2, 0], [-1, 0, 1]],   # Pnma-type
    [[0, 1, 1], [1, 0, 1], [1, 1, 0]],    # fcc-type, 2 formula units
])  # fmt: skip
def test_constructed_supercells_are_recovered(supercell, seed=11):
    child, displacement = _child(supercell, seed)
    parent = _structure(_perovskite(), "parent")
    mapping = map_cells(parent, _structure(child, "child"))
    ratio = round(abs(np.linalg.det(supercell)))
    assert round(np.linalg.det(mapping.supercell)) == ratio
    # Same lattice as the construction: the metric of M L_p is the child's (no strain here).
    metric = mapping.supercell @ (parent.cell @ parent.cell.T) @ mapping.supercell.T
    assert np.allclose(metric, np.asarray(child.cell) @ np.asarray(child.cell).T, atol=1e-8)
    # The displacements are the constructed ones (equivalent mappings can only do better).
    expected = np.linalg.norm(displacement, axis=1).max()
    assert mapping.max_displacement <= expected + 1e-8
    assert mapping.max_displacement > 0.5 * expected
    assert np.allclose(mapping.strain, 0.0, atol=1e-10)
    # Round trip: the target rows are the child's atoms, each exactly once (modulo the lattice).
    fractional = np.linalg.solve(np.asarray(child.cell).T, mapping.target.T).T
    delta = fractional[:, None] - child.get_scaled_positions()[None]
    distance = np.linalg.norm((delta - np.round(delta)) @ np.asarray(child.cell), axis=-1)
    assert sorted(np.argmin(distance, axis=1).tolist()) == list(range(len(child)))
    assert distance.min(axis=1).max() < 1e-8
    # And the source is the parent in the child's frame: its cell is a rotated cube multiple.
    assert np.allclose(mapping.source_cell, np.asarray(child.cell), atol=1e-8)


def test_strained_child_reports_its_strain():
    parent = _perovskite()
    child = parent.copy()
    child.set_cell(np.diag([A, A, 1.02 * A]), scale_atoms=True)
    mapping = map_cells(_structure(parent, "p"), _structure(child, "c"))
    assert np.allclose(np.diag(mapping.strain), [0, 0, 0.02], atol=1e-10)
    assert not mapping.searched  # same cell shape and order: no search


def test_supercell_candidates_need_the_right_volume():
    assert supercell_candidates(A * np.eye(3), np.diag([A, A, 2 * A]), 3) == []


@pytest.mark.parametrize("case, words", [
    ("cells", "cannot be related"),
    ("far", "moves every atom by less than"),
    ("composition", "different compositions"),
    ("count", "not a multiple"),
])  # fmt: skip
def test_no_mapping_is_one_sentence(case, words):
    parent = _perovskite()
    if case == "cells":
        child = make_supercell(parent, np.diag([1, 1, 2]))
        child.set_cell(np.diag([A, 1.5 * A, 2 * A]), scale_atoms=True)
    elif case == "far":
        child = parent.copy()
        child.set_scaled_positions(np.random.default_rng(0).random((5, 3)))
    elif case == "composition":
        child = parent.copy()
        child.symbols[2] = "F"
    else:
        child = parent[:4]
    with pytest.raises(DataError, match=words):
        map_cells(_structure(parent, "p"), _structure(child, "c"))


def test_atoms_on_cell_faces_appear_once_in_every_supercell():
    """A CIF gives an O at fractional (1, 1/2, 1/2) and another at 4e-17: each supercell of the
    parent must hold each atom exactly once (two images or none broke the map of a CIF
    parent in its standard frame onto a rotated I4/mcm child)."""
    from symbreak.data.cells import parent_supercell

    length = 3.9
    fractional = np.array([[0, 0, 0], [0.5, 0.5, 0.5], [1.0, 0.5, 0.5], [0.5, 0, 0.5],
                           [0.5, 0.5, 4.3e-17]])  # fmt: skip
    parent = Structure(fractional * length, ("Sr", "Ti", "O", "O", "O"), length * np.eye(3),
                       np.ones(3, dtype=bool), "parent.cif")  # fmt: skip
    child_cell = np.diag([length * 2**0.5, length * 2**0.5, 2 * length])
    candidates = supercell_candidates(parent.cell, child_cell, 4)
    assert len(candidates) > 4
    for matrix in candidates:
        inside, _, symbols = parent_supercell(parent, matrix)
        assert len(symbols) == 20 and sorted(symbols).count("O") == 12
        assert np.all((inside >= 0) & (inside < 1))
