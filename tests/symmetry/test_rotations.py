import numpy as np
import pytest

from symbreak.symmetry._rotations import (
    canonical_axis,
    close_group,
    describe_operation,
    mirror_matrix,
    nearest_orthogonal,
    rotation_matrix,
    unique_matrices,
)

from .helpers import random_orthogonal


@pytest.mark.parametrize("n", range(2, 13))
def test_rotation_of_order_n_is_described_with_its_axis(n):
    q = random_orthogonal(n)
    axis = q @ [0.0, 0.0, 1.0]
    op = describe_operation(rotation_matrix(axis, 2 * np.pi / n))
    assert op.kind == "rotation" and op.order == n
    assert abs(abs(np.dot(op.axis, axis)) - 1.0) < 1e-9


@pytest.mark.parametrize("n", [3, 4, 5, 6, 8, 10, 12])
def test_rotoreflection_of_order_n(n):
    axis = random_orthogonal(n) @ [1.0, 0.0, 0.0]
    s_n = mirror_matrix(axis) @ rotation_matrix(axis, 2 * np.pi / n)
    op = describe_operation(s_n)
    assert (op.kind, op.order) == ("rotoreflection", n)
    assert abs(abs(np.dot(op.axis, axis)) - 1.0) < 1e-9


def test_mirror_inversion_identity():
    normal = np.array([1.0, 2.0, -2.0]) / 3.0
    op = describe_operation(mirror_matrix(normal))
    assert op.kind == "mirror" and np.allclose(op.axis, canonical_axis(normal))
    assert describe_operation(-np.eye(3)).kind == "inversion"
    assert describe_operation(np.eye(3)).kind == "identity"


def test_rotation_matrix_is_orthogonal_and_turns_right_handed():
    r = rotation_matrix([0, 0, 1], np.pi / 2)
    assert np.allclose(r @ [1, 0, 0], [0, 1, 0])
    q = rotation_matrix([1, 2, 3], 0.7)
    assert np.allclose(q.T @ q, np.eye(3)) and np.isclose(np.linalg.det(q), 1.0)


def test_canonical_axis_sign():
    assert np.allclose(canonical_axis([0, -3, 4]), [0, 0.6, -0.8])
    assert np.allclose(canonical_axis([-1, 0, 0]), [1, 0, 0])


def test_close_group_orders_and_rejects_irrational_turn():
    z = [0, 0, 1]
    assert len(close_group([rotation_matrix(z, 2 * np.pi / 7)])) == 7
    d6 = [rotation_matrix(z, np.pi / 3), rotation_matrix([1, 0, 0], np.pi)]
    assert len(close_group(d6)) == 12
    with pytest.raises(ValueError):
        close_group([rotation_matrix(z, 1.0)], max_order=20)


def test_unique_and_nearest_orthogonal():
    r = rotation_matrix([1, 1, 0], 0.3)
    assert len(unique_matrices([r, r + 1e-4, -r, np.eye(3)])) == 3
    noisy = r + 1e-3 * np.random.default_rng(0).normal(size=(3, 3))
    fixed = nearest_orthogonal(noisy)
    assert np.allclose(fixed.T @ fixed, np.eye(3)) and np.linalg.norm(fixed - r) < 3e-3
