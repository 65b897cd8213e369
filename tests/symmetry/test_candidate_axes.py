import math

import numpy as np
import pytest

from symbreak.conventions import relaxed_irrep_names
from symbreak.symmetry import named_group, wigner_D
from symbreak.symmetry._candidate_axes import (
    InvariantMoments,
    _symmetric_matrix,
    sphere_quadrature,
)
from symbreak.symmetry._rotations import describe_operation

from .helpers import random_orthogonal


def _monomial_integral(a: int, b: int, c: int) -> float:
    """:math:`\\int_{S^2} x^a y^b z^c` (Folland, Am. Math. Monthly 108, 2001)."""
    if a % 2 or b % 2 or c % 2:
        return 0.0
    halves = [(k + 1) / 2 for k in (a, b, c)]
    return 2.0 * math.prod(math.gamma(h) for h in halves) / math.gamma(sum(halves))


@pytest.mark.parametrize("degree", [4, 9, 16, 28])
def test_quadrature_integrates_every_monomial_up_to_its_degree_exactly(degree):
    points, weights = sphere_quadrature(degree)
    for a in range(degree + 1):
        for b in range(degree + 1 - a):
            c = degree - a - b
            value = weights @ (points[:, 0] ** a * points[:, 1] ** b * points[:, 2] ** c)
            assert value == pytest.approx(_monomial_integral(a, b, c), abs=1e-13)


def _moments(name: str, seed: int, irreps) -> tuple[InvariantMoments, object]:
    group = named_group(name, random_orthogonal(seed))
    rng = np.random.default_rng(seed)
    vectors = []
    for irrep in irreps:
        v = wigner_D(irrep, group.elements).mean(axis=0) @ rng.normal(size=2 * int(irrep[0]) + 1)
        if np.linalg.norm(v) > 1e-9:
            vectors.append((int(irrep[0]), v))
    return InvariantMoments(vectors, np.linspace(0.5, 1.5, len(vectors))), group


@pytest.mark.parametrize("name", ["C3v", "D4h", "S6", "C2", "Td", "I"])
def test_moments_are_invariant_under_the_group(name):
    moments, group = _moments(name, 3, ["1o", "2e", "3o", "4e", "5o", "6e"])
    x = np.random.default_rng(0).normal(size=(3, 3))
    x = x + x.T
    for g in group.elements:
        assert np.allclose(g @ moments.matrix @ g.T, moments.matrix, atol=1e-12)
    # K(g X g^T) = g K(X) g^T, with K acting on the coordinates of symmetric matrices
    def coordinates(s):
        r2 = np.sqrt(2.0)
        return np.array([s[0, 0], s[1, 1], s[2, 2], r2 * s[1, 2], r2 * s[0, 2], r2 * s[0, 1]])

    for g in group.elements:
        left = _symmetric_matrix(moments.operator @ coordinates(g @ x @ g.T))
        right = g @ _symmetric_matrix(moments.operator @ coordinates(x)) @ g.T
        assert np.allclose(left, right, atol=1e-12)


@pytest.mark.parametrize("name", ["C3", "C4v", "D6h", "S8", "C5h"])
def test_principal_axis_is_a_separated_eigenvector(name):
    moments, group = _moments(name, 5, relaxed_irrep_names(6))
    axis = group.symmetry_elements()[0]["axis"]
    separated = moments.separated_axes(1e-4)
    assert np.abs(separated @ axis).max() > 1 - 1e-12


@pytest.mark.parametrize("name", ["T", "Td", "Th", "O", "Oh"])
def test_cube_axes_hold_every_rotation_axis_of_the_cubic_groups(name):
    for seed in range(3):
        moments, group = _moments(name, seed, ["3o", "4e", "6e", "6o"])
        assert np.allclose(moments.matrix, moments.total / 3 * np.eye(3), atol=1e-12)
        lines = moments.cube_axes(1e-4)
        for g in group.elements:
            op = describe_operation(g)
            if op.kind in ("rotation", "mirror", "rotoreflection"):
                assert np.abs(lines @ op.axis).max() > 1 - 1e-12
