"""Domains [G : H] against ground truth: the cube's tetragonal, trigonal and polar distortions,
in random orientations of the user's frame."""

from __future__ import annotations

import numpy as np
import pytest

from symbreak.symmetry import PointGroup, domains, named_group
from symbreak.symmetry._domains import coset_representatives
from tests.symmetry.helpers import random_orthogonal

SEEDS = [0, 1, 2]
AXES = np.eye(3)
BODY_DIAGONALS = np.array([[1, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]]) / np.sqrt(3.0)


def _same_lines(found, expected) -> bool:
    """Whether two sets of lines (sign-free unit vectors) coincide."""
    found, expected = np.asarray(found), np.asarray(expected)
    overlap = np.abs(found @ expected.T)
    return len(found) == len(expected) and bool(np.all(np.isclose(overlap.max(axis=1), 1.0)))


def _same_vectors(found, expected) -> bool:
    found, expected = np.asarray(found), np.asarray(expected)
    overlap = found @ expected.T
    return len(found) == len(expected) and bool(np.all(np.isclose(overlap.max(axis=1), 1.0)))


@pytest.mark.parametrize("seed", SEEDS)
def test_cube_to_prism_has_three_domains_along_the_cube_axes(seed):
    q = random_orthogonal(seed)
    found = domains(named_group("Oh", q), named_group("D4h", q))
    assert len(found) == 3
    assert _same_lines([d.principal_axis for d in found], AXES @ q.T)
    assert all(d.group.name == "D4h" for d in found)
    assert all(d.polar_axis is None for d in found)


@pytest.mark.parametrize("seed", SEEDS)
def test_trigonal_stretch_has_four_domains_along_the_body_diagonals(seed):
    q = random_orthogonal(seed)
    cube = named_group("Oh", q)
    # the stretch along the diagonal d is the tensor d d^T: kept by the g with g d = +-d
    diagonal = q @ BODY_DIAGONALS[0]
    kept = [g for g in cube.elements if np.isclose(abs(diagonal @ g @ diagonal), 1.0)]
    trigonal = PointGroup.finite(kept)
    assert trigonal.name == "D3d"
    found = domains(cube, trigonal)
    assert len(found) == 4
    assert _same_lines([d.principal_axis for d in found], BODY_DIAGONALS @ q.T)


@pytest.mark.parametrize("seed", SEEDS)
def test_polar_tetragonal_has_six_domains_along_plus_and_minus_axes(seed):
    q = random_orthogonal(seed)
    found = domains(named_group("Oh", q), named_group("C4v", q))
    assert len(found) == 6
    polar = np.array([d.polar_axis for d in found])
    assert _same_vectors(polar, np.concatenate([AXES, -AXES]) @ q.T)
    # +z and -z share a group but are two domains: three distinct groups, each twice
    groups = [d.group for d in found]
    assert sum(g == groups[0] for g in groups) == 2


def test_the_chosen_domain_is_the_data_group_itself():
    q = random_orthogonal(7)
    subgroup = named_group("D4h", q)
    chosen = domains(named_group("Oh", q), subgroup)[0]
    assert chosen.chosen and chosen.group == subgroup
    assert np.allclose(chosen.operation, np.eye(3))


def test_reference_sets_the_sign_of_the_chosen_polar_domain():
    down = domains(named_group("Oh"), named_group("C4v"), reference=[0.0, 0.0, -2.0])
    assert np.allclose(down[0].polar_axis, [0.0, 0.0, -1.0])


PAIRS = [("Oh", "D2h"), ("Oh", "Td"), ("Ih", "Th"), ("Oh", "C1"), ("D6h", "C2v"), ("Td", "S4")]


@pytest.mark.parametrize(("big", "small"), PAIRS)
def test_cosets_partition_the_group(big, small):
    q = random_orthogonal(3)
    group, subgroup = named_group(big, q), named_group(small, q)
    assert subgroup <= group
    reps = coset_representatives(group, subgroup)
    assert len(reps) * subgroup.order == group.order
    products = np.concatenate([g @ subgroup.elements for g in reps])
    # every element of G lies in exactly one coset
    distances = np.linalg.norm((products[:, None] - group.elements[None]).reshape(
        len(products), len(group.elements), 9), axis=2)  # fmt: skip
    assert np.all((distances < 1e-6).sum(axis=0) == 1)
    # each domain's group is a conjugate of H inside G
    for found in domains(group, subgroup):
        assert found.group <= group and found.group.name == subgroup.name


def test_no_breaking_is_one_domain_and_a_continuous_group_is_refused():
    assert len(domains(named_group("Oh"), named_group("Oh"))) == 1
    assert len(domains(named_group("O3"), named_group("O3"))) == 1
    with pytest.raises(ValueError, match="infinitely many"):
        domains(named_group("O3"), named_group("Oh"))
    with pytest.raises(ValueError, match="not a subgroup"):
        domains(named_group("D4h"), named_group("D3d"))

