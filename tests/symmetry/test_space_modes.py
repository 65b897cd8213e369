"""Symmetry modes of a constructed perovskite, with numpy only (no spglib).

Ground truth: group-theory identities (the components are orthogonal projections that add
up to the field) and fields built to be one irrep: a rigid rotation of the octahedra that
alternates from cell to cell (the a0a0c- tilt of SrTiO3) is R4+ with the B cation at the
origin and R5- with the A cation there, with amplitude :math:`\\theta a` per two formula
units (16 oxygens of a 2x2x2 cell each move :math:`\\theta a / 2`, and the I4/mcm primitive
cell is a quarter of that cell).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from symbreak.symmetry._space_modes import SupercellAction, decompose

#: The 48 operations of m-3m as signed permutation matrices (Pm-3m with zero translations).
CUBIC = np.array([np.diag(signs) @ np.eye(3, dtype=int)[list(order)]
                  for order in itertools.permutations(range(3))
                  for signs in itertools.product((1, -1), repeat=3)])  # fmt: skip

#: The ideal perovskite with B at the origin: B, A, and the three O.
BASIS = np.array([[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]])
SYMBOLS = ["Ti", "Sr", "O", "O", "O"]
A = 3.9


def supercell(origin=(0.0, 0.0, 0.0)):
    cells = np.array(list(itertools.product(range(2), repeat=3)), float)
    positions = (BASIS[None] + cells[:, None]).reshape(-1, 3) - np.asarray(origin)
    symbols = SYMBOLS * len(cells)
    action = SupercellAction(CUBIC, np.zeros((48, 3)), A * np.eye(3), positions,
                             2 * np.eye(3, dtype=int))  # fmt: skip
    return action, positions + np.asarray(origin), symbols, cells


def tilt_field(theta: float) -> np.ndarray:
    """Octahedra about z, turning by +theta and -theta in alternate cells (a0a0c-)."""
    _, positions, _, _ = supercell()
    field = np.zeros_like(positions)
    for j, position in enumerate(positions):
        cell = np.floor(position + 1e-9)
        offset = position - cell
        sign = (-1) ** int(cell.sum())
        if np.allclose(offset, [0.5, 0, 0]):
            field[j] = sign * theta * A / 2 * np.array([0, 1, 0])
        elif np.allclose(offset, [0, 0.5, 0]):
            field[j] = -sign * theta * A / 2 * np.array([1, 0, 0])
    return field


@pytest.mark.parametrize("origin, label", [((0, 0, 0), "R4+"), ((0.5, 0.5, 0.5), "R5-")])
def test_octahedral_tilt_is_one_r_point_irrep_whose_label_follows_the_origin(origin, label):
    theta = np.radians(2.1)
    action, _, _, _ = supercell(origin)
    modes = decompose(action, tilt_field(theta), normalisation=10 / 40, family="cubic")
    assert [mode.label for mode in modes] == [label]
    assert modes[0].amplitude == pytest.approx(theta * A, rel=1e-9)  # 0.143 A for 2.1 degrees
    assert modes[0].k == (0.5, 0.5, 0.5) and modes[0].dimension == 3
    assert modes[0].direction == "(0,0,a)"  # the tilt axis: T1g is an axial vector


def test_a_polar_shift_of_the_b_cation_is_gamma4_minus():
    action, _, symbols, _ = supercell()
    field = np.zeros((40, 3))
    field[np.asarray(symbols) == "Ti"] = [0, 0, 0.1]
    field -= field.mean(axis=0)
    modes = decompose(action, field, family="cubic")
    assert [mode.label for mode in modes] == ["GM4-"]
    assert modes[0].amplitude == pytest.approx(np.linalg.norm(field))
    assert modes[0].direction == "(0,0,a)"  # the polar axis
    diagonal = np.zeros((40, 3))
    diagonal[np.asarray(symbols) == "Ti"] = [0.1, 0.1, 0]
    diagonal -= diagonal.mean(axis=0)
    assert decompose(action, diagonal, family="cubic")[0].direction == "(a,a,0)"


def test_components_of_a_random_field_are_orthogonal_and_add_up():
    action, _, _, _ = supercell()
    rng = np.random.default_rng(3)
    field = rng.normal(scale=0.05, size=(40, 3))
    field -= field.mean(axis=0)
    modes = decompose(action, field, family="cubic", threshold=0.0)
    parts = np.array([mode.displacement for mode in modes])
    assert np.allclose(parts.sum(axis=0), field, atol=1e-10)
    gram = np.einsum("aij,bij->ab", parts, parts)
    assert np.allclose(gram - np.diag(np.diag(gram)), 0, atol=1e-10)
    total = np.sqrt(sum(mode.amplitude**2 for mode in modes))
    assert total == pytest.approx(np.linalg.norm(field))
    assert {mode.k_name for mode in modes} == {"GM", "X", "M", "R"}
    assert not any("?" in mode.label for mode in modes)
    # a projection: one component decomposes into itself
    again = decompose(action, modes[0].displacement, family="cubic")
    assert [m.label for m in again] == [modes[0].label]
    assert again[0].amplitude == pytest.approx(modes[0].amplitude)


def test_every_rotated_copy_of_a_mode_keeps_its_label_and_amplitude():
    """Answers do not depend on which domain the child is in: D(g) u has the same modes."""
    action, _, _, _ = supercell()
    field = tilt_field(0.03)
    rotation = CUBIC[17]
    moved = action.apply(rotation, np.zeros(3), field)
    first = decompose(action, field, family="cubic")
    second = decompose(action, moved, family="cubic")
    assert [(m.label, round(m.amplitude, 12)) for m in first] == [
        (m.label, round(m.amplitude, 12)) for m in second]
