"""Atom correspondence of finite pairs: a target listed in another order is matched back.

Ground truth is the correspondence the test itself shuffled away: the matched target must be
the true target row for row (the same frame), or leave exactly the true aligned displacement
(a target in its own frame). Groups are checked against spglib's site symmetry of the
published child (symbreak.data.published), which the matching does not compute.
"""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.data.matching import match_pair_atoms
from symbreak.data.rigid import best_rotation, rigid_rotation_angle
from symbreak.symmetry import transformation_group
from tests.symmetry.molecules import MOLECULES

pytest.importorskip("ase")
pytest.importorskip("spglib")

from symbreak.data.published import CASES, published_pair  # noqa: E402


def _frame(seed: int) -> np.ndarray:
    return Rotation.random(random_state=np.random.default_rng(seed)).as_matrix()


def _shuffle_within_species(species, rng) -> np.ndarray:
    """order with shuffled[k] = target[order[k]], atoms only swapped with their own species."""
    species = np.asarray(species)
    order = np.arange(len(species))
    for name in np.unique(species):
        members = np.flatnonzero(species == name)
        order[members] = rng.permutation(members)
    return order


def _aligned_rmsd(source, target) -> float:
    s, t = source - source.mean(axis=0), target - target.mean(axis=0)
    u, _, vt = np.linalg.svd(t.T @ s)
    rotation = u @ np.diag([1, 1, np.sign(np.linalg.det(u @ vt))]) @ vt
    return float(np.sqrt(np.mean(np.sum((s @ rotation.T - t) ** 2, axis=1))))


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("noise", [0.0, 0.003])
def test_published_cluster_shuffled_is_matched_back(name, noise):
    rng = np.random.default_rng(abs(hash((name, noise))) % 2**32)
    pair = published_pair(name, rotation=_frame(len(name)))
    target = pair.target + rng.normal(0.0, noise, pair.target.shape)
    order = _shuffle_within_species(pair.species, rng)
    match = match_pair_atoms(pair.source, target[order], pair.species)
    assert match.applied and match.reordered > 0
    np.testing.assert_array_equal(order[match.permutation], np.arange(len(order)))
    if not noise:
        matched = transformation_group(pair.source, target[order][match.permutation],
                                       pair.species, 1e-4)  # fmt: skip
        assert matched.name == pair.expected_group  # spglib's site symmetry of the child


@pytest.mark.parametrize("name", ["BaTiO3_P4mm_Ti", "quartz_P3221_Si", "LaMnO3_Pnma_Mn"])
def test_target_in_its_own_frame_reaches_the_true_aligned_displacement(name):
    rng = np.random.default_rng(7)
    pair = published_pair(name)
    order = _shuffle_within_species(pair.species, rng)
    turned = (pair.target[order] - pair.target.mean(axis=0)) @ _frame(11).T + 5.0
    match = match_pair_atoms(pair.source, turned, pair.species)
    assert match.rmsd_after == pytest.approx(_aligned_rmsd(pair.source, pair.target), rel=1e-9)
    assert match.rmsd_after < 0.2 * match.rmsd_before


@pytest.mark.parametrize("name", [n for n, entry in MOLECULES.items() if len(entry[1]) >= 4])
def test_symmetric_molecules_keep_the_users_frame(name):
    """A symmetric source admits several equally good assignments; the one kept needs no
    rotation, so the matched target is the true one row for row."""
    species, positions, _ = MOLECULES[name]
    rng = np.random.default_rng(len(positions))
    displacement = rng.normal(0.0, 0.04, positions.shape)
    displacement[0] += 0.1
    target = positions + displacement
    order = _shuffle_within_species(species, rng)
    match = match_pair_atoms(positions, target[order], species)
    np.testing.assert_allclose(target[order][match.permutation], target, atol=1e-12)
    assert match.rotation_after == pytest.approx(rigid_rotation_angle(positions, target), abs=1e-6)


def test_the_files_order_is_kept_when_it_is_right():
    pair = published_pair("KCuF3_I4mcm_K", rotation=_frame(3))
    match = match_pair_atoms(pair.source, pair.target, pair.species)
    assert not match.applied and match.reordered == 0
    np.testing.assert_array_equal(match.permutation, np.arange(len(pair.source)))


def test_a_cyclic_relabelling_of_a_symmetric_source_is_undone():
    """Methane's hydrogens listed as a C3 turn of each other: after the best rotation the
    file's order fits as well as any, but needs a 120° turn; the match needs none."""
    hydrogens = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / np.sqrt(3)
    source = np.vstack([[0.0, 0, 0], 1.09 * hydrogens])
    target = source.copy()
    target[1] *= 1.15 / 1.09
    relabelled = target[[0, 1, 3, 4, 2]]
    match = match_pair_atoms(source, relabelled, ["C", "H", "H", "H", "H"])
    assert match.applied and match.rotation_before > 100 and match.rotation_after < 1e-6
    np.testing.assert_allclose(relabelled[match.permutation], target, atol=1e-12)


def test_the_choice_does_not_depend_on_the_shuffle():
    pair = published_pair("CaTiO3_Pnma_Ti", rotation=_frame(5))
    rng = np.random.default_rng(0)
    results = []
    for _ in range(3):
        order = _shuffle_within_species(pair.species, rng)
        match = match_pair_atoms(pair.source, pair.target[order], pair.species)
        results.append(pair.target[order][match.permutation])
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])


def test_rigid_rotation_of_a_pure_strain_is_zero():
    """The rotation is the polar decomposition's: none for a symmetric strain of a
    non-spherical cluster (Kabsch's rotation of the positions is not zero there)."""
    pair = published_pair("BaTiO3_Amm2_Ti")
    strain = np.diag([1.01, 0.995, 1.004])
    strain[0, 1] = strain[1, 0] = 0.003
    assert rigid_rotation_angle(pair.source, pair.source @ strain.T) < 1e-9
    turn = Rotation.from_rotvec([0.0, 0.3, 0.1]).as_matrix()
    rotation = best_rotation(pair.source, pair.source @ strain.T @ turn.T)
    np.testing.assert_allclose(rotation, turn, atol=1e-12)


def test_planar_source_rotation():
    square = np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0], [2, 1, 0]])
    stretched = square * [1.1, 0.9, 1.0]
    assert rigid_rotation_angle(square, stretched) < 1e-9
    turn = Rotation.from_rotvec([0.2, -0.4, 0.3]).as_matrix()
    np.testing.assert_allclose(best_rotation(square, stretched @ turn.T), turn, atol=1e-12)
