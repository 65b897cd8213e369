"""Point-group modes of clusters: constructed distortions of known irrep, and identities."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.symmetry._point_modes import cluster_modes

#: ML6 octahedron: centre, then +x, +y, +z, -x, -y, -z.
OCTAHEDRON = np.concatenate([np.zeros((1, 3)), np.eye(3), -np.eye(3)])
SPECIES = ["M"] + ["L"] * 6


def labels(modes):
    return {mode.label: mode.amplitude for mode in modes}


def test_breathing_jahn_teller_and_off_centring_have_their_textbook_irreps():
    breathing = 0.1 * np.concatenate([np.zeros((1, 3)), OCTAHEDRON[1:]])
    group, modes = cluster_modes(OCTAHEDRON, SPECIES, breathing)
    assert group == "Oh" and labels(modes) == pytest.approx({"A1g": np.sqrt(6) * 0.1})
    q3 = breathing * np.array([-1, -1, 2])  # z ligands out, x and y in: Q3
    assert list(labels(cluster_modes(OCTAHEDRON, SPECIES, q3)[1])) == ["Eg"]
    centre = np.zeros((7, 3))
    centre[0] = [0, 0, 0.2]
    assert list(labels(cluster_modes(OCTAHEDRON, SPECIES, centre)[1])) == ["T1u"]


def test_random_distortion_splits_into_orthogonal_parts_in_any_frame():
    rng = np.random.default_rng(5)
    displacement = rng.normal(scale=0.05, size=(7, 3))
    _, modes = cluster_modes(OCTAHEDRON, SPECIES, displacement, threshold=1e-9)
    parts = np.array([mode.displacement for mode in modes])
    assert np.allclose(parts.sum(axis=0), displacement - displacement.mean(axis=0))
    assert np.sqrt(sum(m.amplitude**2 for m in modes)) == pytest.approx(
        np.linalg.norm(displacement - displacement.mean(axis=0)))
    # 21 displacements of ML6: A1g + Eg + T1g + 3 T1u + T2g + T2u (Cotton), translation removed
    assert {m.label for m in modes} == {"A1g", "Eg", "T1g", "T1u", "T2g", "T2u"}
    turn = Rotation.random(random_state=3).as_matrix()
    group, turned = cluster_modes(OCTAHEDRON @ turn.T, SPECIES, displacement @ turn.T)
    assert group == "Oh"
    assert labels(turned) == pytest.approx(labels(modes))


def test_a_square_planar_distortion_names_d4h_irreps():
    square = np.concatenate([np.zeros((1, 3)), np.eye(3)[:2], -np.eye(3)[:2]])
    species = ["M"] + ["L"] * 4
    rhombic = np.zeros((5, 3))  # x ligands out, y ligands in: B1g (even under the C2 through
    rhombic[[1, 3]] = 0.1 * np.array([[1, 0, 0], [-1, 0, 0]])  # the ligands)
    rhombic[[2, 4]] = -0.1 * np.array([[0, 1, 0], [0, -1, 0]])
    group, modes = cluster_modes(square, species, rhombic)
    assert group == "D4h" and list(labels(modes)) == ["B1g"]
