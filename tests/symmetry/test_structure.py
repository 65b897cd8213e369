import numpy as np
import pytest

from symbreak.errors import DataError
from symbreak.symmetry import point_group, transformation_group
from symbreak.symmetry._rotations import rotation_matrix

from .helpers import random_orthogonal
from .molecules import MOLECULES

NOISE = 0.01  # angstrom, per coordinate
TOLERANCE = 0.1  # must exceed the noise; 0.01-level noise moves atoms by up to ~0.04


def _disturb(positions: np.ndarray, seed: int) -> np.ndarray:
    """Random orientation (proper or not), random shift and Gaussian noise."""
    rng = np.random.default_rng(seed)
    q = random_orthogonal(seed, improper=seed % 2 == 1)
    return positions @ q.T + rng.normal(size=3) * 5 + NOISE * rng.normal(size=positions.shape)


@pytest.mark.parametrize("name", sorted(MOLECULES))
def test_molecule_point_group_in_random_frames_with_noise(name):
    species, positions, expected = MOLECULES[name]
    for seed in range(3):
        assert point_group(_disturb(positions, seed), species, tolerance=TOLERANCE).name == expected


@pytest.mark.parametrize("name", ["water", "benzene", "methane", "C60 fullerene"])
def test_exact_coordinates_with_default_tolerance(name):
    species, positions, expected = MOLECULES[name]
    assert point_group(positions, species).name == expected


def test_symmetry_elements_follow_the_molecule():
    species, positions, _ = MOLECULES["ammonia"]
    q = random_orthogonal(4)
    g = point_group(positions @ q.T, species)
    c3 = [e for e in g.symmetry_elements() if e["kind"] == "rotation"]
    assert len(c3) == 1 and c3[0]["order"] == 3
    assert abs(abs(np.dot(c3[0]["axis"], q @ [0, 0, 1])) - 1) < 1e-9


def test_species_break_symmetry_and_may_be_ints():
    positions = MOLECULES["benzene"][1]
    labels = [6] * 6 + [1] * 6
    assert point_group(positions, labels).name == "D6h"
    labels[0] = 7  # one pyridine-like nitrogen
    assert point_group(positions, labels).name == "C2v"
    assert point_group(positions).name == "D6h"


def test_linear_and_atomic_cases():
    axis = random_orthogonal(9) @ [0, 0, 1]
    g = point_group(np.outer([-1.2, 0.0, 1.2], axis), ["O", "C", "O"])
    assert g.name == "Dinfh" and abs(abs(np.dot(g.axis, axis)) - 1) < 1e-9
    assert point_group(np.outer([-1.2, 0.0, 1.1], axis), ["O", "C", "S"]).name == "Cinfv"
    assert point_group([[1.0, 2.0, 3.0]]).name == "O3"


def test_given_centre():
    positions = np.array([[1.0, 0, 0], [-1.0, 0, 0], [0, 1.0, 0], [0, -1.0, 0]])
    assert point_group(positions).name == "D4h"
    assert point_group(positions, centre=[0, 0, 1.0]).name == "C4v"


def _cube() -> np.ndarray:
    return np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=float)


def _turn(points: np.ndarray, mask: np.ndarray, degrees: float) -> np.ndarray:
    out = points.copy()
    out[mask] = out[mask] @ rotation_matrix([0, 0, 1], np.radians(degrees)).T
    return out


@pytest.mark.parametrize("seed", range(3))
def test_cube_deformations(seed):
    q = random_orthogonal(seed)
    cube = _cube()
    top = cube[:, 2] > 0
    prism = cube * [1.0, 1.0, 1.5]
    frustum = cube.copy()
    frustum[top, :2] *= 0.7
    twisted = _turn(_turn(cube, top, 5.0), ~top, -5.0)
    cases = {"D4h": prism, "C4v": frustum, "D4": twisted, "C4": _turn(cube, top, 5.0)}
    shift = np.array([0.3, -2.0, 1.0])
    for expected, target in cases.items():
        found = transformation_group(cube @ q.T + shift, target @ q.T + shift)
        assert found.name == expected
        principal = [e for e in found.symmetry_elements() if e["kind"] == "rotation"][0]
        assert principal["order"] == 4 and abs(abs(np.dot(principal["axis"], q[:, 2])) - 1) < 1e-9


def test_transformation_group_with_noise():
    rng = np.random.default_rng(0)
    cube = _cube() + 0.01 * rng.normal(size=(8, 3))
    prism = cube * [1.0, 1.0, 1.5] + 0.01 * rng.normal(size=(8, 3))
    assert transformation_group(cube, prism, tolerance=0.1).name == "D4h"


def test_transformation_group_needs_the_same_permutation():
    cube = _cube()
    # swap the targets of two opposite corners: as sets both are cubes, as a map it is not
    target = cube.copy()
    target[[0, 7]] = target[[7, 0]]
    assert point_group(target).name == "Oh"
    assert transformation_group(cube, target).order < 48


def test_identity_map_keeps_the_full_group_and_linear_maps():
    species, positions, _ = MOLECULES["methane"]
    assert transformation_group(positions, positions, species).name == "Td"
    line = np.array([[0, 0, -1.0], [0, 0, 1.0]])
    assert transformation_group(line, line * 1.5).name == "Dinfh"
    # a uniform shift is no distortion, unless the caller keeps it on purpose
    assert transformation_group(line, line + [0, 0, 0.2]).name == "Dinfh"
    assert transformation_group(line, line + [0, 0, 0.2], keep_translation=True).name == "Cinfv"


def test_bad_input():
    with pytest.raises(DataError):
        point_group(np.zeros((3, 2)))
    with pytest.raises(DataError):
        point_group(np.zeros((2, 3)), species=["H"])
    with pytest.raises(DataError):
        transformation_group(np.zeros((2, 3)), np.zeros((3, 3)))
