import math

import numpy as np
import pytest

from symbreak.symmetry import PointGroup, named_group
from symbreak.symmetry._naming import HERMANN_MAUGUIN, finite_group_order

from .helpers import CONTINUOUS_GROUPS, FINITE_GROUPS, random_orthogonal


def _same_line(u, v) -> bool:
    return abs(abs(float(np.dot(u, v))) - 1.0) < 1e-8


def _matches(element: dict, other: dict, q: np.ndarray) -> bool:
    """``element`` (rotated frame) is ``other`` (standard frame) turned by q."""
    if element["kind"] != other["kind"] or element.get("order") != other.get("order"):
        return False
    key = "normal" if element["kind"] == "mirror" else "axis"
    return key not in element or _same_line(element[key], q @ np.array(other[key]))


@pytest.mark.parametrize("name", FINITE_GROUPS)
def test_named_group_in_random_orientations_keeps_name_order_and_elements(name):
    standard = named_group(name)
    assert standard.name == name and standard.order == finite_group_order(name)
    elements = standard.symmetry_elements()
    for seed in range(5):
        q = random_orthogonal(seed)
        turned = PointGroup.generated(np.einsum("ij,njk,lk->nil", q, standard.elements, q))
        assert turned.name == name and turned.order == standard.order
        found = turned.symmetry_elements()
        assert len(found) == len(elements)
        assert all(any(_matches(f, e, q) for e in elements) for f in found)


def test_group_orders_are_the_textbook_ones():
    expected = {"C1": 1, "Ci": 2, "Cs": 2, "C7h": 14, "D8d": 32, "D6h": 24, "S8": 8, "S6": 6,
                "T": 12, "Td": 24, "Th": 24, "O": 24, "Oh": 48, "I": 60, "Ih": 120}  # fmt: skip
    for name, order in expected.items():
        assert named_group(name).order == order


def test_symmetry_elements_of_d4h_in_standard_frame():
    elements = named_group("D4h").symmetry_elements()
    rotations = [e for e in elements if e["kind"] == "rotation"]
    assert rotations[0] == {"kind": "rotation", "order": 4, "axis": [0.0, 0.0, 1.0]}
    assert sorted(e["order"] for e in rotations) == [2, 2, 2, 2, 4]
    assert sum(e["kind"] == "mirror" for e in elements) == 5
    assert {"kind": "inversion"} in elements
    assert {"kind": "rotoreflection", "order": 4, "axis": [0.0, 0.0, 1.0]} in elements


def test_axes_have_canonical_sign():
    for e in named_group("Ih", random_orthogonal(3)).symmetry_elements():
        vector = e.get("axis", e.get("normal"))
        if vector is not None:
            first = next(c for c in vector if abs(c) > 1e-6)
            assert first > 0 and math.isclose(np.linalg.norm(vector), 1.0)


def test_hermann_mauguin_for_the_32_crystallographic_groups():
    assert len(HERMANN_MAUGUIN) == 32
    for name, symbol in HERMANN_MAUGUIN.items():
        assert named_group(name, random_orthogonal(1)).hermann_mauguin == symbol
    assert named_group("D5h").hermann_mauguin is None


@pytest.mark.parametrize("name", CONTINUOUS_GROUPS)
def test_continuous_groups(name):
    g = named_group(name, random_orthogonal(7))
    assert g.name == name and g.order == math.inf
    assert named_group(g.pretty_name).name == name
    assert g.symmetry_elements()[0]["kind"] in ("rotation", "all_rotations")


def test_bad_names_raise():
    with pytest.raises(ValueError):
        named_group("Q7")
    with pytest.raises(ValueError):
        named_group("S5")

