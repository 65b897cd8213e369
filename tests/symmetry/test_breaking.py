import numpy as np
import pytest

from symbreak.conventions import relaxed_irrep_names
from symbreak.errors import DataError
from symbreak.symmetry import (
    PointGroup,
    breaking_irreps,
    breaking_part,
    invariant_dimension,
    invariant_projector,
    named_group,
    residual_group,
    wigner_D,
)

from .helpers import random_orthogonal


def _names(pairs):
    return [name for name, _ in pairs]


def test_oh_to_d4h_lists_2e_first():
    found = breaking_irreps(named_group("Oh"), named_group("D4h"), 4)
    assert found[0] == ("2e", 1)
    assert found == [("2e", 1), ("4e", 1)]


def test_oh_to_c4v_needs_a_polar_vector():
    found = breaking_irreps(named_group("Oh"), named_group("C4v"), 4)
    assert found[0] == ("1o", 1)


def test_oh_to_d4_and_o_need_a_pseudoscalar():
    assert "0o" in _names(breaking_irreps(named_group("Oh"), named_group("D4"), 4))
    assert _names(breaking_irreps(named_group("Oh"), named_group("O"), 4)) == ["0o", "4o"]


def test_order_is_symbreak_order_and_orientation_does_not_matter():
    q = random_orthogonal(3)
    found = breaking_irreps(named_group("Oh", q), named_group("D3d", q @ _c3_to_z()), 4)
    assert found[0] == ("2e", 1)
    order = relaxed_irrep_names(4)
    assert [order.index(n) for n in _names(found)] == sorted(order.index(n) for n in _names(found))


def _c3_to_z() -> np.ndarray:
    """Rotation taking z to the cube diagonal (1, 1, 1)/sqrt(3), with C2' x onto (1, -1, 0)."""
    z = np.array([1.0, 1.0, 1.0]) / 3**0.5
    x = np.array([1.0, -1.0, 0.0]) / 2**0.5
    return np.stack([x, np.cross(z, x), z], axis=1)


def test_subgroup_check():
    with pytest.raises(DataError):
        breaking_irreps(named_group("D4h"), named_group("Oh"), 2)


@pytest.mark.parametrize("name", ["Oh", "D3d", "C5v", "Ih", "S4"])
def test_projector_is_an_orthogonal_projector_onto_invariants(name):
    group = named_group(name, random_orthogonal(1))
    for irrep in relaxed_irrep_names(5):
        p = invariant_projector(irrep, group)
        assert np.allclose(p @ p, p) and np.allclose(p, p.T)
        image = p @ np.random.default_rng(0).normal(size=len(p))
        assert np.allclose(wigner_D(irrep, group.elements) @ image, image)


def test_known_invariant_counts():
    oh = named_group("Oh")
    assert [invariant_dimension(f"{l}e", oh) for l in range(9)] == [1, 0, 0, 0, 1, 0, 1, 0, 1]
    ih = named_group("Ih")
    icosahedral = [invariant_dimension(f"{l}e", ih) for l in range(11)]
    assert icosahedral == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]


@pytest.mark.parametrize("family", ["Cinf", "Cinfv", "Cinfh", "Dinf", "Dinfh"])
def test_axial_projector_matches_a_fine_finite_subgroup(family):
    # below l = n an n-fold group has the same invariants as the continuous one
    finite = {"Cinf": "C9", "Cinfv": "C9v", "Cinfh": "C10h", "Dinf": "D9", "Dinfh": "D10h"}[family]
    q = random_orthogonal(2)
    continuous = PointGroup.axial(family, q @ [0, 0, 1]).rotated(np.eye(3))
    fine = named_group(finite, q)
    for irrep in relaxed_irrep_names(6):
        expected = invariant_projector(irrep, fine)
        assert np.allclose(invariant_projector(irrep, continuous), expected, atol=1e-10)


def test_spherical_projectors():
    assert invariant_dimension("0o", named_group("SO3")) == 1
    assert invariant_dimension("0o", named_group("O3")) == 0
    assert invariant_dimension("2e", named_group("SO3")) == 0


def test_cubic_harmonic_does_not_break_the_cube():
    oh = named_group("Oh")
    cubic = invariant_projector("4e", oh) @ np.arange(1.0, 10.0)
    assert np.linalg.norm(cubic) > 0.1
    assert np.allclose(breaking_part("4e", cubic, oh), 0.0)
    quadrupole = np.array([0, 0, 1.0, 0, 0])  # m = 0 about y: uniaxial along y
    assert np.allclose(breaking_part("2e", quadrupole, oh), quadrupole)


def test_residual_group():
    oh = named_group("Oh")
    uniaxial_y = {"2e": [0, 0, 1.0, 0, 0]}
    found = residual_group(oh, uniaxial_y)
    assert found.name == "D4h"
    assert abs(found.symmetry_elements()[0]["axis"][1]) > 1 - 1e-9
    assert residual_group(oh, {"1o": [0.1, 0.2, 0.3]}).name == "C1"
    assert residual_group(oh, {"0e": [1.0]}).name == "Oh"
    assert residual_group(named_group("O3"), {"1o": [0, 0, 1.0]}).name == "Cinfv"
