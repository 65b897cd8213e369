"""Field read-out on analytic accelerations, and the residual groups of uniform fields."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from symbreak.tasks.fields import (
    Fields,
    axial_vector,
    describe_field_group,
    field_group,
    field_vectors,
    probe_fields,
)


def lorentz(E, B, friction=0.0):
    E, B = torch.as_tensor(E, dtype=torch.float64), torch.as_tensor(B, dtype=torch.float64)
    return lambda v: E + torch.linalg.cross(v, B.expand_as(v)) - friction * v


def test_cross_product_matrix_gives_back_its_vector():
    B = np.random.default_rng(0).normal(size=3)
    jacobian = np.array([np.cross(e, B) for e in np.eye(3)]).T  # column j: d(v x B)/dv_j
    np.testing.assert_allclose(axial_vector(jacobian), B, atol=1e-15)


def test_probe_recovers_E_and_B_with_sign_and_magnitude():
    rng = np.random.default_rng(1)
    E, B = rng.normal(size=3), rng.normal(size=3)
    fields = probe_fields(lorentz(E, B))
    np.testing.assert_allclose(fields.polar, E, atol=1e-14)
    np.testing.assert_allclose(fields.axial, B, atol=1e-14)
    assert fields.symmetric_fraction < 1e-15
    # The Jacobian of a = v x B is the cross-product matrix: J v = v x B for every v.
    v = rng.normal(size=3)
    np.testing.assert_allclose(fields.jacobian @ v, np.cross(v, B), atol=1e-14)


def test_friction_shows_up_in_the_symmetric_part_not_in_B():
    B = np.array([0.0, 0.0, 2.0])
    fields = probe_fields(lorentz(np.zeros(3), B, friction=2.0))
    np.testing.assert_allclose(fields.axial, B, atol=1e-14)
    # J = -2 I + [B]: |sym| = 2 sqrt(3), |J| = sqrt(12 + 8).
    assert fields.symmetric_fraction == pytest.approx(np.sqrt(12 / 20), rel=1e-12)


def _random_rotation(seed: int) -> np.ndarray:
    return Rotation.random(random_state=seed).as_matrix()


@pytest.mark.parametrize("seed", range(3))
def test_perpendicular_fields_leave_a_mirror_normal_to_B(seed):
    R = _random_rotation(seed)
    E, B = R @ [1.5, 0, 0], R @ [0, 0.7, 0]
    group = field_group({"1o": E, "1e": B})
    assert group.name == "Cs"
    (mirror,) = group.symmetry_elements()
    assert abs(np.dot(mirror["normal"], B / np.linalg.norm(B))) == pytest.approx(1, abs=1e-9)


@pytest.mark.parametrize(
    ("vectors", "name"),
    [
        ({"1o": [1, 0, 0], "1e": [np.cos(0.7), np.sin(0.7), 0]}, "C1"),  # 40 degrees
        ({"1o": [1, 0, 0], "1e": [-2, 0, 0]}, "Cinf"),
        ({"1o": [1, 0, 0]}, "Cinfv"),
        ({"1e": [1, 0, 0]}, "Cinfh"),
        ({}, "O3"),
    ],
)
def test_field_groups_in_random_orientations(vectors, name):
    R = _random_rotation(7)
    group = field_group({k: R @ np.asarray(v, dtype=float) for k, v in vectors.items()})
    assert group.name == name
    if name in ("Cinf", "Cinfv", "Cinfh"):
        axis = np.asarray(next(iter(vectors.values())), dtype=float)
        assert abs(np.dot(group.axis, R @ axis / np.linalg.norm(axis))) == pytest.approx(1)


def test_weak_fields_count_as_absent():
    fields = Fields(np.array([1.0, 0, 0]), np.array([0, 1e-6, 0]), np.zeros((3, 3)), 0.0)
    assert set(field_vectors(fields, acceleration_scale=1.0, velocity_scale=1.0)) == {"1o"}
    strong = Fields(np.array([1.0, 0, 0]), np.array([0, 0.1, 0]), np.zeros((3, 3)), 0.0)
    assert set(field_vectors(strong, acceleration_scale=1.0, velocity_scale=1.0)) == {"1o", "1e"}


@pytest.mark.parametrize(
    ("vectors", "words"),
    [
        ({"1o": [1, 0, 0], "1e": [0, 0, 1]}, "E ⊥ B leaves Cs"),
        ({"1o": [1, 0, 0], "1e": [np.cos(0.7), np.sin(0.7), 0]}, "at 40° leave C1"),
        ({"1o": [1, 0, 0], "1e": [3, 0, 0]}, "E ∥ B leaves C∞"),
        ({"1o": [0, 1, 0]}, "E alone leaves C∞v"),
        ({"1e": [0, 1, 0]}, "B alone leaves C∞h"),
    ],
)
def test_the_field_group_is_explained_in_words(vectors, words):
    vectors = {k: np.asarray(v, dtype=float) for k, v in vectors.items()}
    assert words in describe_field_group(vectors, field_group(vectors))


@pytest.mark.parametrize(
    "E, B, name",
    [([0.3, -1.0, 0.5], [0.0, 0.0, 0.0], "Cinfv"), ([0.0, 0.0, 0.0], [1.0, 2.0, 0.5], "Cinfh")],
)
def test_data_fields_from_least_squares_give_the_data_group(E, B, name):
    from symbreak.tasks.fields import field_group, field_vectors, linear_response_fields

    v = np.random.default_rng(3).normal(size=(200, 3))
    a = np.asarray(E) + np.cross(v, B)
    fields = linear_response_fields(v, a)
    np.testing.assert_allclose(fields.polar, E, atol=1e-12)
    np.testing.assert_allclose(fields.axial, B, atol=1e-12)
    scale = float(np.sqrt((a**2).sum(axis=1).mean()))
    assert field_group(field_vectors(fields, scale, 1.0)).name == name
