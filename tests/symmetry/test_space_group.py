"""Space groups of a crystal pair and the symprec ladder, against group theory.

Ground truth: the cubic perovskite ABO3 (Pm-3m, No. 221, crystal class Oh) with its B atom
moved along one cubic axis keeps P4mm (No. 99, C4v); the unchanged map keeps the whole parent
group. Point groups are compared in random frames: the same structure turned by Q must give
the named group turned by Q.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("spglib")

from symbreak.symmetry import (  # noqa: E402
    crystal_groups,
    named_group,
    symprec_ladder,
    translation_classes,
)
from symbreak.symmetry._space_group import _closed  # noqa: E402

from .helpers import random_orthogonal  # noqa: E402

#: Fractional sites of the cubic perovskite A (corner), B (centre), three O (face centres).
PEROVSKITE = np.array([[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
TYPES = np.array([1, 2, 3, 3, 3])
EDGE = 4.0


def perovskite_pair(shift: float, rotation: np.ndarray):
    """Cartesian parent and child (B moved by ``shift`` along the cube's third axis), cells and
    positions turned by ``rotation``."""
    cell = EDGE * np.eye(3) @ rotation.T
    source = PEROVSKITE @ cell
    target = source.copy()
    target[1] += shift * cell[2] / EDGE
    return source, target, cell


@pytest.mark.parametrize("seed", [0, 1])
def test_a_polar_shift_keeps_p4mm_in_any_frame(seed):
    rotation = random_orthogonal(seed)
    source, target, cell = perovskite_pair(0.1, rotation)
    groups = crystal_groups(source, target, cell, cell, TYPES, symprec=0.01)
    assert (groups.parent.number, groups.child.number, groups.kept.number) == (221, 99, 99)
    assert groups.parent_point_group == named_group("Oh").rotated(rotation)
    assert groups.kept_point_group.name == "C4v"
    # the four-fold axis is the cube's third axis, turned with the structure
    assert groups.kept_point_group == named_group("C4v").rotated(rotation)


def test_an_unchanged_map_keeps_the_whole_parent_group():
    source, _, cell = perovskite_pair(0.0, np.eye(3))
    groups = crystal_groups(source, source, cell, cell, TYPES, symprec=0.01)
    assert groups.kept.number == groups.parent.number == 221
    assert len(groups.kept.rotations) == 48


def test_the_map_keeps_only_operations_with_the_same_permutation():
    """Swapping two O atoms (on the z and y faces) in the child leaves the child cubic but
    not the map: it keeps only the operations whose permutation of the three O atoms commutes
    with that swap, those that keep the x face's O: D4h about x."""
    source, _, cell = perovskite_pair(0.0, np.eye(3))
    target = source.copy()
    target[[2, 3]] = target[[3, 2]]
    groups = crystal_groups(source, target, cell, cell, TYPES, symprec=0.01)
    assert groups.child.number == 221
    assert groups.kept_point_group.name == "D4h" and groups.kept_point_group.order == 16
    assert groups.kept_point_group.contains(np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]))


def test_translation_classes_group_atoms_one_lattice_translation_apart():
    """A 2x1x1 supercell of the perovskite: each atom and its copy half the cell away share
    a class, and nothing else does."""
    doubled = np.concatenate([PEROVSKITE * [0.5, 1, 1], PEROVSKITE * [0.5, 1, 1] + [0.5, 0, 0]])
    cell = EDGE * np.diag([2.0, 1, 1])
    classes = translation_classes(doubled @ cell, cell, np.tile(TYPES, 2), symprec=0.01)
    assert classes[:5].tolist() == classes[5:].tolist()
    assert len(set(classes[:5].tolist())) == 5


def test_the_symprec_ladder_chooses_a_window_of_the_kept_group():
    source, target, cell = perovskite_pair(0.1, random_orthogonal(3))
    choice = symprec_ladder(source, target, cell, cell, TYPES, shortest_distance=EDGE / 2**0.5,
                            name="BTO")  # fmt: skip
    low, high = choice.gap
    assert choice.group == "C4v" and high >= 4 * low and low <= choice.tolerance < high
    # a symprec larger than the 0.1 shift sees the cube again, above the chosen window
    assert choice.windows[-1][2] == "Oh" and high <= choice.windows[-1][0] < 0.5
    record = choice.to_dict()
    assert record["pair"] == "BTO" and record["gap"] == [low, high]
    assert "BTO" in record["sentence"]


def test_kept_rotations_are_closed_into_a_group():
    c4 = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
    rotations = np.array([np.eye(3), c4, c4 @ c4, c4.T])
    assert _closed(rotations, np.array([True, True, False, False])).tolist() == [True, False,
                                                                                  False, False]
    assert _closed(rotations, np.ones(4, dtype=bool)).all()
