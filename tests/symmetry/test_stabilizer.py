import numpy as np
import pytest

from symbreak.conventions import relaxed_irrep_names
from symbreak.errors import DataError
from symbreak.symmetry import PointGroup, named_group, stabilizer, wigner_D

from .helpers import (
    CONTINUOUS_COMPLETION,
    FINITE_GROUPS,
    GROUPS_UP_TO_ORDER_120,
    principal_order,
    random_orthogonal,
)


def _invariant_vectors(group: PointGroup, l_max: int, rng) -> dict:
    """Random vectors of every irrep up to l_max averaged over the group (Reynolds operator)."""
    vectors = {}
    for name in relaxed_irrep_names(l_max):
        reynolds = wigner_D(name, group.elements).mean(axis=0)
        vectors[name] = reynolds @ rng.normal(size=len(reynolds))
    return vectors


@pytest.mark.parametrize("name", FINITE_GROUPS)
def test_reynolds_averaged_vectors_give_the_group_back(name):
    seed = FINITE_GROUPS.index(name)
    rng = np.random.default_rng(seed)
    group = named_group(name, random_orthogonal(seed))
    # an n-fold axis needs l >= n to be told apart from a continuous one
    vectors = _invariant_vectors(group, max(6, principal_order(name)), rng)
    found = stabilizer(vectors)
    assert found.name == name
    assert found == group


def _y_axis_vector(l: int) -> np.ndarray:
    v = np.zeros(2 * l + 1)
    v[l] = 1.0  # e3nn: the m = 0 component is symmetric about y
    return v


def test_single_polar_vector_is_cinfv_about_it():
    w = np.array([1.0, 2.0, 2.0]) / 3.0
    g = stabilizer({"1o": w})
    assert g.name == "Cinfv" and abs(np.dot(g.axis, w)) > 1 - 1e-12


def test_axial_vector_is_cinfh():
    g = stabilizer({"1e": [0.0, 0.0, 2.0]})
    assert g.name == "Cinfh" and np.allclose(g.axis, [0, 0, 1])


def test_quadrupole_m0_is_dinfh_about_y():
    g = stabilizer({"2e": _y_axis_vector(2)})
    assert g.name == "Dinfh" and np.allclose(g.axis, [0, 1, 0])


def test_pseudoscalar_alone_is_so3_and_scalar_alone_is_o3():
    assert stabilizer({"0o": [0.3]}).name == "SO3"
    assert stabilizer({"0e": [0.3]}).name == "O3"
    assert stabilizer({"2e": np.zeros(5)}).name == "O3"


def test_parallel_polar_and_axial_vectors_are_cinf():
    assert stabilizer({"1o": [0, 0, 1.0], "1e": [0, 0, 0.5]}).name == "Cinf"


def test_polar_x_and_axial_y_leave_the_mirror_normal_to_y():
    g = stabilizer({"1o": [1.0, 0, 0], "1e": [0, 1.0, 0]})
    assert g.name == "Cs"
    assert g.symmetry_elements() == [{"kind": "mirror", "normal": [0.0, 1.0, 0.0]}]


def test_multiplicity_lists_are_accepted():
    g = stabilizer({"1o": [[1.0, 0, 0], [0, 1.0, 0]]})
    assert g.name == "Cs"  # two polar vectors: only the mirror of their plane
    assert np.allclose(np.abs(g.symmetry_elements()[0]["normal"]), [0, 0, 1])


def test_tolerance_is_relative():
    group = named_group("D4h")
    vectors = _invariant_vectors(group, 4, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    noisy = {k: v + 1e-4 * rng.normal(size=v.shape) for k, v in vectors.items()}
    assert stabilizer(noisy).name == "C1"
    assert stabilizer(noisy, tolerance=1e-2).name == "D4h"
    scaled = {k: 1e6 * v for k, v in noisy.items()}
    assert stabilizer(scaled, tolerance=1e-2).name == "D4h"


def test_bad_input_raises_data_error():
    with pytest.raises(DataError):
        stabilizer({"2e": [1.0, 2.0]})
    with pytest.raises(DataError):
        stabilizer({"2x": [1.0]})
    with pytest.raises(DataError):
        stabilizer({"1o": [np.nan, 0, 0]})
    with pytest.raises(DataError):
        stabilizer({"13e": np.ones(27)})


@pytest.mark.parametrize(
    ("group_name", "irrep", "expected"),
    [("Td", "3o", "Td"), ("T", "3e", "Th"), ("Oh", "4e", "Oh"), ("Ih", "6e", "Ih"),
     ("D3h", "3o", "D3h"), ("C3h", "3o", "D3h"), ("D4h", "2e", "Dinfh")],
)  # fmt: skip
def test_single_invariant_vector(group_name, irrep, expected):
    # one vector has flat zero curves in f^2 (xyz vanishes on three great circles), which the
    # gradient-energy term of the critical-point search must see through
    group = named_group(group_name, random_orthogonal(4))
    rng = np.random.default_rng(4)
    projector = wigner_D(irrep, group.elements).mean(axis=0)
    found = stabilizer({irrep: projector @ rng.normal(size=len(projector))})
    assert found.name == expected and group <= found


# ---------------------------------------------------------------- every group up to order 120


def _reynolds_vectors(group: PointGroup, irreps, rng) -> dict:
    """:math:`v = |H|^{-1}\\sum_h D(h) v_0` for a random :math:`v_0` per irrep; irreps with no
    H-invariant vector (the average is ~0) are left out."""
    vectors = {}
    for name in irreps:
        v = wigner_D(name, group.elements).mean(axis=0) @ rng.normal(size=2 * int(name[:-1]) + 1)
        if np.linalg.norm(v) > 1e-9:
            vectors[name] = v
    return vectors


def _assert_same_elements(found: PointGroup, expected: PointGroup) -> None:
    """Same order and, element by element, the same matrices to 1e-6 (a bijection)."""
    assert found.name == expected.name
    assert found.order == expected.order
    if expected.is_finite:
        distance = np.linalg.norm(found.elements[:, None] - expected.elements[None], axis=(2, 3))
        assert distance.min(axis=1).max() < 1e-6 and distance.min(axis=0).max() < 1e-6
    else:
        assert found == expected


def _principal_n(name: str) -> int:
    digits = "".join(c for c in name if c.isdigit())
    return int(digits) // (2 if name[0] == "S" else 1) if digits else 1


@pytest.mark.parametrize("name", GROUPS_UP_TO_ORDER_120)
def test_every_group_up_to_order_120_in_random_orientations(name):
    # all irreps 0e..l_max of both parities at once (0o included): the generic H-invariant set,
    # whose stabiliser is exactly H once l_max reaches the principal order
    l_max = max(6, _principal_n(name))
    for seed in range(3):
        rng = np.random.default_rng([seed, len(name), ord(name[-1])])
        q = random_orthogonal(100 + seed)
        group = named_group(name, q)
        found = stabilizer(_reynolds_vectors(group, relaxed_irrep_names(l_max), rng))
        _assert_same_elements(found, group)


@pytest.mark.parametrize("name", [n for n in GROUPS_UP_TO_ORDER_120 if _principal_n(n) > 6])
def test_axes_of_order_above_l_max_are_continuous(name):
    # with l <= 6 an 8-, 10- or 12-fold axis keeps only m = 0 about it: C_inf-type
    family = name[0] + (name[-1] if name[-1] in "vhd" else "")
    q = random_orthogonal(7)
    expected = named_group(CONTINUOUS_COMPLETION[family], q)
    vectors = _reynolds_vectors(named_group(name, q), relaxed_irrep_names(6),
                                np.random.default_rng(7))  # fmt: skip
    _assert_same_elements(stabilizer(vectors), expected)


@pytest.mark.parametrize(
    ("name", "irreps", "expected"),
    [
        # a pseudoscalar removes every improper element (it was checked against none)
        ("D2", ["0o", "2e"], "D2"), ("I", ["0o", "6e"], "I"), ("O", ["0o", "4e"], "O"),
        ("T", ["0o", "6e"], "T"), ("D3", ["0o", "4e"], "D3"), ("C2", ["0o", "1e"], "Cinf"),
        # axes the critical-point search missed: a saddle C2 axis, a flat S6 maximum
        ("C2", ["3e", "6o"], "C2"), ("S6", ["6e"], "S6"),
        # one or two irreps of a single kind
        ("Ih", ["6e"], "Ih"), ("T", ["6e"], "Th"), ("Td", ["3o"], "Td"), ("D3", ["4e"], "D3d"),
        ("C3h", ["3o"], "D3h"), ("S8", ["4o", "5o"], "S8"), ("C5h", ["5o", "6o"], "C5h"),
        ("S10", ["5e", "6e"], "S10"),
    ],
)  # fmt: skip
def test_minimal_irrep_sets(name, irreps, expected):
    for seed in range(5):
        q = random_orthogonal(200 + seed)
        vectors = _reynolds_vectors(named_group(name, q), irreps, np.random.default_rng(seed))
        assert sorted(vectors) == sorted(irreps)  # each irrep has an invariant vector
        found, group = stabilizer(vectors), named_group(name, q)
        if expected == "D3h":  # C3h -> D3h: where the extra half-turns lie depends on the vector
            assert found.name == expected and group <= found
        else:  # the answer is H, its proper part, H x {I, -I}, or C_inf about H's axis
            _assert_same_elements(found, named_group(expected, q))


@pytest.mark.parametrize(
    ("name", "irreps", "missed"),
    [("C2", ["3e", "6o"], [14, 36, 50, 73, 82, 117]), ("S6", ["6e"], [10, 11, 23, 38, 43, 55]),
     ("T", ["0o", "6e"], [146])],
)  # fmt: skip
def test_orientations_where_the_critical_point_search_lost_the_axis(name, irreps, missed):
    # seeds where the search from 120 Fibonacci starts missed the C2 saddle or stopped 1e-3 rad
    # short of the flat S6 maximum (C1 and Ci instead); for T, where such an inexact critical
    # point once shadowed the exact cube axis (D2 instead); and 10 more orientations
    for seed in missed + list(range(300, 310)):
        group = named_group(name, random_orthogonal(seed))
        vectors = _reynolds_vectors(group, irreps, np.random.default_rng(seed))
        _assert_same_elements(stabilizer(vectors), group)


@pytest.mark.parametrize("name", ["C5v", "D5h", "C3v", "Oh"])
def test_loose_tolerance_keeps_one_copy_of_each_element(name):
    # at tolerance 1e-2 a mirror and a copy of it 0.04 apart both pass; closing both gave
    # hundreds of small turns ("do not form a point group") for C5v and D5h
    rng = np.random.default_rng(1)
    group = named_group(name, random_orthogonal(8))
    vectors = _reynolds_vectors(group, relaxed_irrep_names(6), rng)
    size = np.sqrt(sum(float(v @ v) for v in vectors.values()))
    noise = 1e-4 * size / np.sqrt(98)  # 1e-4 of the whole, spread over 14 irreps x ~7 components
    noisy = {k: v + noise * rng.normal(size=v.shape) for k, v in vectors.items()}
    found = stabilizer(noisy, tolerance=1e-2)
    assert found.name == name and found == group
