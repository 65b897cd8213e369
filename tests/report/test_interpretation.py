import numpy as np
import pytest

from symbreak.report import (
    axis_name,
    cartesian_form,
    cartesian_quadrupole,
    interpret_irrep,
    quadrupole_vector,
)
from symbreak.symmetry import invariant_projector, named_group, wigner_D


def random_rotation(seed: int) -> np.ndarray:
    q = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))[0]
    return q * np.sign(np.linalg.det(q))


def test_uniaxial_quadrupole_round_trip_and_words():
    q = np.diag([-1.0, -1.0, 2.0])
    vector = quadrupole_vector(q)
    assert np.allclose(cartesian_quadrupole(vector), q, atol=1e-12)
    text = interpret_irrep("2e", vector)
    assert "x² = y² ≠ z²" in text and "uniaxial about z" in text


@pytest.mark.parametrize("axis", [0, 1])
def test_distinct_axis_is_named(axis):
    values = np.full(3, 1.0)
    values[axis] = -2.0
    text = interpret_irrep("2e", quadrupole_vector(np.diag(values)))
    assert f"uniaxial about {'xyz'[axis]}" in text


def test_quadrupole_basis_is_e3nn_basis():
    # Q -> R Q R^T must act on the 2e vector as e3nn's Wigner matrix D^2(R).
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 3))
    q = a + a.T - 2 * np.trace(a) / 3 * np.eye(3)
    r = random_rotation(2)
    rotated = quadrupole_vector(r @ q @ r.T)
    assert np.allclose(rotated, wigner_D("2e", r) @ quadrupole_vector(q), atol=1e-12)


def test_rotated_uniaxial_quadrupole_names_the_rotated_axis():
    r = random_rotation(3)
    vector = quadrupole_vector(r @ np.diag([-1.0, -1.0, 2.0]) @ r.T)
    text = interpret_irrep("2e", vector)
    components = text.split("uniaxial about (")[1].split(")")[0]
    axis = np.array([float(c) for c in components.split(",")])
    assert abs(abs(axis @ r[:, 2]) - 1.0) < 1e-3


def test_orthorhombic_quadrupole():
    text = interpret_irrep("2e", quadrupole_vector(np.diag([1.0, 2.0, -3.0])))
    assert "x² ≠ y² ≠ z²" in text and "x: 1" in text and "z: -3" in text


def test_l1_vectors_are_cartesian():
    r = random_rotation(4)
    assert np.allclose(wigner_D("1o", r), r, atol=1e-12)
    assert interpret_irrep("1o", [0.0, 0.0, -0.5]) == "polar vector along -z, length 0.5"
    assert "axial vector" in interpret_irrep("1e", [0.0, 2.0, 0.0])
    assert "along +y" in interpret_irrep("1e", [0.0, 2.0, 0.0])


def test_pseudoscalar_sign():
    assert "-0.2" in interpret_irrep("0o", [-0.2])
    assert "chiral" in interpret_irrep("0o", [0.2])


def test_cubic_hexadecapole_is_described_by_its_stabiliser():
    v = invariant_projector("4e", named_group("Oh")) @ np.random.default_rng(5).normal(size=9)
    text = interpret_irrep("4e", v)
    assert "Oh" in text and "4-fold axis along" in text


def test_tetragonal_hexadecapole_keeps_d4h_about_z():
    projector = invariant_projector("4e", named_group("D4h"))
    cubic = invariant_projector("4e", named_group("Oh"))
    v = (projector - cubic) @ np.random.default_rng(6).normal(size=9)
    assert interpret_irrep("4e", v).endswith("D4h (4-fold axis along z)")


def test_cartesian_forms():
    assert cartesian_form("0o", [0.5]) == 0.5
    assert cartesian_form("1o", [1.0, 2.0, 3.0]) == [1.0, 2.0, 3.0]
    matrix = np.array(cartesian_form("2e", quadrupole_vector(np.diag([1.0, 1.0, -2.0]))))
    assert np.allclose(matrix, np.diag([1.0, 1.0, -2.0]))
    assert cartesian_form("3o", np.zeros(7)) is None


def test_axis_name():
    assert axis_name([0.0, 0.0, -3.0]) == "z"
    assert axis_name([1.0, 1.0, 0.0]) == "(0.707, 0.707, 0)"
