"""atom_permutation recovers a known shuffle, in finite and periodic structures, and refuses
images that are too far, of the wrong species, or not one to one."""

from __future__ import annotations

import numpy as np
import pytest

from symbreak.symmetry import atom_permutation

from .helpers import random_orthogonal


def scattered(count: int, seed: int) -> np.ndarray:
    """Random points at least 0.3 apart in a box of side 4."""
    rng = np.random.default_rng(seed)
    points: list[np.ndarray] = []
    while len(points) < count:
        x = rng.uniform(0, 4, size=3)
        if all(np.linalg.norm(x - p) > 0.3 for p in points):
            points.append(x)
    return np.array(points)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_shuffle_is_recovered_within_the_tolerance(seed):
    rng = np.random.default_rng(seed)
    positions = scattered(20, seed)
    shuffle = rng.permutation(20)
    moved = positions[shuffle] + rng.normal(scale=0.01, size=(20, 3))
    assert atom_permutation(moved, positions, 0.1).tolist() == shuffle.tolist()
    assert atom_permutation(moved, positions, 1e-4) is None


def test_a_symmetry_operation_gives_the_permutation_it_makes():
    """A regular hexagon turned by 60 degrees about its axis (in any frame): atom i -> i + 1."""
    frame = random_orthogonal(4)
    angles = np.arange(6) * np.pi / 3
    hexagon = np.stack([np.cos(angles), np.sin(angles), np.zeros(6)], axis=1) @ frame.T
    turn = np.array([[0.5, -(3**0.5) / 2, 0], [3**0.5 / 2, 0.5, 0], [0, 0, 1]])
    operation = frame @ turn @ frame.T
    assert atom_permutation(hexagon @ operation.T, hexagon, 1e-9).tolist() == [1, 2, 3, 4, 5, 0]


def test_species_must_match():
    positions = scattered(6, 3)
    species = np.array(["A", "B", "A", "B", "A", "B"])
    assert atom_permutation(positions, positions, 1e-9, species=species).tolist() == list(range(6))
    moved_species = np.roll(species, 1)
    assert atom_permutation(positions, positions, 1e-9, species, moved_species) is None


def test_two_images_on_one_atom_are_refused():
    positions = np.array([[0.0, 0, 0], [1.0, 0, 0]])
    moved = np.array([[0.0, 0, 0.01], [0.0, 0, -0.01]])
    assert atom_permutation(moved, positions, 0.1) is None


@pytest.mark.parametrize("seed", [0, 1])
def test_periodic_images_are_matched_across_the_cell(seed):
    """Fractional positions shifted by whole lattice vectors and a small Cartesian step: the
    permutation is found through the nearest image, and the tolerance is a length."""
    rng = np.random.default_rng(seed)
    cell = np.array([[5.0, 0, 0], [1.0, 4.5, 0], [0.5, 0.5, 6.0]])
    fractional = scattered(12, seed) / 4.0
    shuffle = rng.permutation(12)
    step = rng.normal(scale=0.01, size=(12, 3))  # Cartesian
    moved = fractional[shuffle] + rng.integers(-2, 3, size=(12, 3)) + step @ np.linalg.inv(cell)
    assert atom_permutation(moved, fractional, 0.1, cell=cell).tolist() == shuffle.tolist()
    assert atom_permutation(moved, fractional, 1e-4, cell=cell) is None
    # without the cell the lattice shifts are real distances
    assert atom_permutation(moved, fractional, 0.1) is None
