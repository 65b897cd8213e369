"""Published distortions and synthetic clusters: the symmetry analysis finds the known groups.

Ground truth: spglib's site symmetry of the child structure (crystals) and the group a field was
averaged over (synthetic). Every structure is turned into a random frame and centred on its own
centroid, as the pipeline does.
"""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.data import load_pairs
from symbreak.data.published import (
    CASES,
    HERMANN_MAUGUIN_TO_SCHOENFLIES,
    frustum_cube,
    reynolds_average,
    schoenflies_name,
    symmetric_distortion,
    twisted_cube,
)
from symbreak.errors import DataError
from symbreak.symmetry import named_group, point_group, transformation_group

#: Angstrom; the smallest symmetry-breaking displacement in the catalogue is SrTiO3's 0.068 A.
CRYSTAL_TOLERANCE = 0.01


def _random_frame(seed: int) -> np.ndarray:
    return Rotation.random(random_state=seed).as_matrix()


def _centred(points: np.ndarray) -> np.ndarray:
    return points - points.mean(axis=0)


def _group_of(pair, tolerance: float) -> str:
    return transformation_group(_centred(pair.source), _centred(pair.target), pair.species,
                                tolerance=tolerance).name  # fmt: skip


# ----------------------------------------------------------------------------- names


def test_standard_symbols_agree_with_named_groups():
    for name in set(HERMANN_MAUGUIN_TO_SCHOENFLIES.values()):
        assert schoenflies_name(named_group(name).hermann_mauguin) == name


@pytest.mark.parametrize(
    ("symbol", "name"),
    [("4mm", "C4v"), (".2.", "C2"), ("mm2", "C2v"), ("2mm.", "C2v"), ("m.2m", "C2v"),
     ("-3m.", "D3d"), ("2/m..", "C2h"), ("4/m..", "C4h"), ("m.mm", "D2h"), ("-42m", "D2d"),
     ("-4m2", "D2d"), ("4/mm.m", "D4h"), ("..m", "Cs"), ("-1", "Ci"), ("3.2", "D3"),
     ("-6m2", "D3h"), ("m-3.", "Th"), ("m-3m", "Oh"), ("-43m", "Td")],
)  # fmt: skip
def test_oriented_site_symbols(symbol, name):
    assert schoenflies_name(symbol) == name


def test_unknown_symbol_is_one_sentence():
    with pytest.raises(DataError, match="not a crystallographic"):
        schoenflies_name("5m")


# ----------------------------------------------------------------------------- crystals


@pytest.fixture(scope="module")
def pairs():
    pytest.importorskip("ase")
    pytest.importorskip("spglib")
    from symbreak.data.published import published_pair

    return {name: published_pair(name, rotation=_random_frame(i)) for i, name in enumerate(CASES)}


@pytest.mark.parametrize("name", list(CASES))
def test_transformation_group_is_the_child_site_symmetry(pairs, name):
    pair = pairs[name]
    assert pair.expected_group == CASES[name].expected_group
    assert _group_of(pair, CRYSTAL_TOLERANCE) == pair.expected_group


@pytest.mark.parametrize("name", list(CASES))
def test_source_cluster_has_the_parent_site_symmetry(pairs, name):
    pair = pairs[name]
    assert pair.parent_group == CASES[name].parent_group
    group = point_group(_centred(pair.source), pair.species, tolerance=CRYSTAL_TOLERANCE)
    assert group.name == pair.parent_group


@pytest.mark.parametrize("name", list(CASES))
def test_cluster_size_and_species(pairs, name):
    pair = pairs[name]
    assert 15 <= len(pair.source) <= 40
    assert 2 <= len(set(pair.species)) <= 3
    assert pair.species[0] == CASES[name].site[0]
    # atoms are tracked, not swapped: no displacement near an interatomic distance
    assert 0.05 < pair.max_displacement < 0.6


def _neighbour_distances(pair, element: str, count: int) -> np.ndarray:
    species = np.asarray(pair.species)
    distances = np.linalg.norm(pair.target[species == element] - pair.target[0], axis=1)
    return np.sort(distances)[:count]


def test_batio3_titanium_moves_off_centre_along_c():
    pytest.importorskip("spglib")
    from symbreak.data.published import published_pair

    pair = published_pair("BaTiO3_P4mm_Ti")
    species = np.asarray(pair.species)
    oxygen = pair.target[species == "O"]
    cage = oxygen[np.argsort(np.linalg.norm(oxygen - pair.target[0], axis=1))[:6]]
    off_centre = pair.target[0] - cage.mean(axis=0)
    # Harada et al. (1970): Ti 0.13 A from the centre of its O6 cage, along c
    np.testing.assert_allclose(off_centre, [0, 0, 0.128], atol=0.005)
    np.testing.assert_allclose(_neighbour_distances(pair, "O", 6)[[0, -1]], [1.86, 2.17], atol=0.01)


@pytest.mark.parametrize(
    ("name", "element", "distances"),
    [
        # Cu-F 1.89, 1.96, 2.25 A: the Jahn-Teller octahedron (Buttner et al. 1990)
        ("KCuF3_I4mcm_Cu", "F", [1.89, 1.89, 1.96, 1.96, 2.25, 2.25]),
        # Mn-O 1.91, 1.97, 2.18 A (Rodriguez-Carvajal et al. 1998)
        ("LaMnO3_Pnma_Mn", "O", [1.91, 1.91, 1.97, 1.97, 2.18, 2.18]),
        # a nearly regular TiO6 in CaTiO3: only tilts
        ("CaTiO3_Pnma_Ti", "O", [1.95] * 6),
        # Si-O 1.605 and 1.614 A in alpha quartz (Levien et al. 1980)
        ("quartz_P3221_Si", "O", [1.605, 1.605, 1.614, 1.614]),
        # Pb-O 2.53 A, the short Pb-O bonds of PbTiO3
        ("PbTiO3_P4mm_Pb", "O", [2.53] * 4),
    ],
)
def test_bond_lengths_are_the_published_ones(pairs, name, element, distances):
    np.testing.assert_allclose(_neighbour_distances(pairs[name], element, len(distances)),
                               distances, atol=0.015)  # fmt: skip


def test_srtio3_octahedra_turn_by_two_degrees():
    pytest.importorskip("spglib")
    from symbreak.data.published import published_pair

    pair = published_pair("SrTiO3_I4mcm_Ti")
    species = np.asarray(pair.species)
    oxygen = pair.target[species == "O"]
    equator = oxygen[np.abs(oxygen[:, 2]) < 0.5]
    angles = np.degrees(np.arctan2(equator[:, 1], equator[:, 0])) % 90
    np.testing.assert_allclose(np.abs(angles - 45), 2.0, atol=0.1)


def test_rotation_turns_both_structures(pairs):
    from symbreak.data.published import published_pair

    plain = published_pair("quartz_P3221_Si")
    turned = pairs["quartz_P3221_Si"]
    frame = _random_frame(list(CASES).index("quartz_P3221_Si"))
    np.testing.assert_allclose(turned.source, plain.source @ frame.T, atol=1e-12)
    np.testing.assert_allclose(turned.target, plain.target @ frame.T, atol=1e-12)


def test_site_symmetry_matches_the_parent_crystal(pairs):
    from symbreak.data.published import build_crystal, site_symmetry_group

    beta = build_crystal(CASES["quartz_P3221_Si"].parent)
    silicon = beta.get_chemical_symbols().index("Si")
    assert site_symmetry_group(beta, silicon) == "D2"


def test_write_published_pairs_round_trip(pairs, tmp_path):
    from symbreak.data.published import write_published_pairs

    names = ["BaTiO3_P4mm_Ti", "quartz_P3221_Si"]
    write_published_pairs(tmp_path / "published.h5", names)
    dataset = load_pairs(tmp_path / "published.h5")
    assert [pair.name for pair in dataset.pairs] == sorted(names)
    assert set(dataset.species_names) == {"Ba", "O", "Si", "Ti"}


def test_synthetic_pairs_write_too(tmp_path):
    from symbreak.data.published import write_distortion_pairs

    pairs = [symmetric_distortion("C3h"), symmetric_distortion("S4")]
    write_distortion_pairs(tmp_path / "synthetic.h5", pairs)
    dataset = load_pairs(tmp_path / "synthetic.h5")
    np.testing.assert_allclose(dataset.pairs[0].target, pairs[0].target)


def test_missing_optional_dependency_is_one_sentence():
    from symbreak.data.published import _optional

    with pytest.raises(DataError, match="symbreak\\[crystals\\]"):
        _optional("ase_that_is_not_installed")


def test_unknown_case_is_one_sentence(pairs):
    from symbreak.data.published import published_pair

    with pytest.raises(DataError, match="unknown published case"):
        published_pair("NaCl")


# ----------------------------------------------------------------------------- synthetic

SYNTHETIC_GROUPS = [
    "C2v", "C3v", "C4v", "C6v",  # polar
    "C2", "C3", "C4", "C6", "D2", "D3", "D4", "D6",  # chiral
    "S4", "D2d", "C4h", "S6", "C3h",  # improper
    "Cs", "Ci", "C1", "D3d", "D3h", "D4h", "T", "Th", "O", "Td",
]  # fmt: skip


@pytest.mark.parametrize("group", SYNTHETIC_GROUPS)
@pytest.mark.parametrize("amplitude", [0.01, 0.05])
def test_synthetic_distortion_keeps_exactly_its_group(group, amplitude):
    pair = symmetric_distortion(group, amplitude=amplitude, seed=7,
                                rotation=_random_frame(len(group)))  # fmt: skip
    assert 15 <= len(pair.source) <= 40 and len(set(pair.species)) == 3
    parent = point_group(_centred(pair.source), pair.species, tolerance=1e-4)
    assert parent.name == pair.parent_group
    assert np.isclose(pair.max_displacement, amplitude)
    assert _group_of(pair, tolerance=amplitude / 20) == group


def test_reynolds_average_is_equivariant():
    from symbreak.data.published import octahedral_cluster

    positions, _ = octahedral_cluster()
    group = named_group("D2d")
    field = reynolds_average(np.random.default_rng(1).normal(size=positions.shape), positions,
                             group.elements)  # fmt: skip
    for matrix in group.elements:
        moved = positions @ matrix.T
        image = np.argmin(np.linalg.norm(moved[:, None] - positions[None], axis=-1), axis=1)
        np.testing.assert_allclose(field[image], field @ matrix.T, atol=1e-12)


def test_frustum_and_twist():
    for build, expected in ((frustum_cube, "C4v"), (twisted_cube, "C4")):
        source, target = build()
        frame = _random_frame(11)
        group = transformation_group(_centred(source) @ frame.T, _centred(target) @ frame.T,
                                     tolerance=0.01)  # fmt: skip
        assert group.name == expected


def _stabiliser_from_operations(atoms, index: int) -> str:
    """The site group from spglib's space-group operations, named from the matrices alone."""
    import spglib

    from symbreak.symmetry import PointGroup

    cell = np.asarray(atoms.cell)
    fractional = atoms.get_scaled_positions()[index]
    dataset = spglib.get_symmetry_dataset((cell, atoms.get_scaled_positions(), atoms.numbers),
                                          symprec=1e-3)  # fmt: skip
    kept = []
    for rotation, translation in zip(dataset.rotations, dataset.translations):
        moved = rotation @ fractional + translation - fractional
        if np.allclose(moved, np.round(moved), atol=1e-6):
            kept.append(cell.T @ rotation @ np.linalg.inv(cell.T))  # fractional -> Cartesian
    return PointGroup.finite(kept).name


@pytest.mark.parametrize("name", list(CASES))
def test_hermann_mauguin_table_agrees_with_the_operations(pairs, name):
    from symbreak.data.published import build_crystal, site_symmetry_group

    child = build_crystal(CASES[name].child)
    element, position = CASES[name].site
    delta = child.get_scaled_positions() - np.asarray(position)
    delta -= np.round(delta)
    index = int(np.argmin(np.linalg.norm(delta, axis=1)))
    assert child.get_chemical_symbols()[index] == element
    assert site_symmetry_group(child, index) == _stabiliser_from_operations(child, index)


def test_published_clusters_are_examples(tmp_path):
    pytest.importorskip("ase")
    pytest.importorskip("spglib")
    from symbreak.data import make_example

    make_example("KCuF3_I4mcm_K", tmp_path / "k.h5", seed=4)
    (pair,) = load_pairs(tmp_path / "k.h5").pairs
    source = pair.source - pair.source.mean(axis=0)
    target = pair.target - pair.target.mean(axis=0)
    assert transformation_group(source, target, pair.species).name == "D4"
