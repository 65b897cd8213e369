import json
import math

import numpy as np
import pytest

from symbreak.symmetry import PointGroup, named_group
from symbreak.symmetry._rotations import mirror_matrix, rotation_matrix

from .helpers import CONTINUOUS_GROUPS, FINITE_GROUPS, random_orthogonal


def test_intersection_of_cubic_groups():
    oh = named_group("Oh")
    assert (oh & named_group("D4h")).name == "D4h"
    assert (oh & named_group("D6h")).name == "D2h"  # shared: C2 along x, y, z, mirrors, -I
    assert (named_group("Td") & named_group("Th")).name == "T"
    assert (oh & named_group("Cinfv")).name == "C4v"
    assert (oh & named_group("SO3")).name == "O"
    assert (oh & named_group("O3")) == oh


def test_intersection_of_continuous_groups():
    z, x = [0, 0, 1], [1, 0, 0]
    dinfh = PointGroup.axial("Dinfh", z)
    assert (dinfh & PointGroup.axial("Cinfv", z)).name == "Cinfv"
    assert (PointGroup.axial("Cinfv", z) & PointGroup.axial("Dinf", z)).name == "Cinf"
    assert (dinfh & PointGroup.axial("Dinfh", x)).name == "D2h"
    tilted = PointGroup.axial("Dinfh", [1, 0, 1])
    assert (dinfh & tilted).name == "C2h"
    assert (dinfh & named_group("SO3")).name == "Dinf"
    assert (named_group("O3") & named_group("SO3")).name == "SO3"


def test_intersection_is_the_set_of_common_elements_in_random_frames():
    q = random_orthogonal(11)
    g, h = named_group("D6h", q), named_group("D3d", q)
    common = g & h
    assert common.name == "D3d" and common <= g and common <= h


def test_subgroup_relation():
    assert named_group("C4v") <= named_group("Oh")
    assert not named_group("C3v") <= named_group("D4h")
    assert named_group("D4h") <= PointGroup.axial("Dinfh", [0, 0, 1])
    assert not PointGroup.axial("Cinf", [0, 0, 1]) <= named_group("C6")
    assert PointGroup.axial("Cinf", [0, 0, 1]) <= named_group("SO3")
    assert not PointGroup.axial("Cinfv", [0, 0, 1]) <= named_group("SO3")
    assert not named_group("SO3") <= PointGroup.axial("Dinfh", [0, 0, 1])
    assert not PointGroup.axial("Cinf", [0, 1, 0]) <= PointGroup.axial("Dinfh", [0, 0, 1])


def test_conjugacy_is_the_group_type_and_rotated_groups_are_conjugate():
    g = named_group("D3d")
    q = random_orthogonal(2)
    turned = g.rotated(q)
    assert turned.is_conjugate(g) and turned != g
    assert not g.is_conjugate(named_group("D3h"))
    assert np.allclose(turned.elements, np.einsum("ij,njk,lk->nil", q, g.elements, q))


def test_contains():
    g = PointGroup.axial("Cinfv", [0, 0, 1])
    assert g.contains(rotation_matrix([0, 0, 1], 0.123))
    assert g.contains(mirror_matrix([np.cos(0.4), np.sin(0.4), 0]))
    assert not g.contains(mirror_matrix([0, 0, 1]))
    assert not g.contains(rotation_matrix([1, 0, 0], np.pi))
    assert not named_group("C4").contains(rotation_matrix([0, 0, 1], np.pi / 3))
    assert named_group("O3").contains(-np.eye(3)) and not named_group("SO3").contains(-np.eye(3))


@pytest.mark.parametrize("name", FINITE_GROUPS[::3] + CONTINUOUS_GROUPS)
def test_json_round_trip(name):
    g = named_group(name, random_orthogonal(5))
    data = json.loads(json.dumps(g.to_dict()))
    back = PointGroup.from_dict(data)
    assert back.name == name and back == g
    assert data["order"] == ("inf" if g.order == math.inf else g.order)


def test_pretty_names():
    assert PointGroup.axial("Cinfv", [0, 1, 0]).pretty_name == "C∞v"
    assert named_group("SO3").pretty_name == "SO(3)"
    assert named_group("D4h").pretty_name == "D4h"


def test_continuous_symmetry_elements():
    elements = PointGroup.axial("Dinfh", [0, 0, 2]).symmetry_elements()
    kinds = [e["kind"] for e in elements]
    assert elements[0] == {"kind": "rotation", "order": "inf", "axis": [0.0, 0.0, 1.0]}
    assert set(kinds) == {"rotation", "rotation_family", "mirror", "mirror_family", "inversion"}
    assert [e["kind"] for e in named_group("O3").symmetry_elements()] == [
        "all_rotations", "all_mirrors", "inversion"]  # fmt: skip
