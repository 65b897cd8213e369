"""Single elements of O(3): building, describing and comparing 3x3 orthogonal matrices.

An element :math:`M \\in O(3)` is proper (:math:`\\det M = +1`, a rotation
:math:`C(\\hat u, \\theta)`) or improper (:math:`\\det M = -1`). Every improper element is
:math:`M = -R` with :math:`R` proper; with :math:`-I = \\sigma_h C_2` it is the rotoreflection
:math:`S(\\hat u, \\theta - \\pi)`, which is a mirror when
:math:`\\theta = \\pi` and the inversion when :math:`\\theta = 0`.

>>> import numpy as np
>>> describe_operation(rotation_matrix([0, 0, 1], np.pi / 2))
Operation(kind='rotation', order=4, axis=(0.0, 0.0, 1.0))
>>> describe_operation(-np.eye(3)).kind
'inversion'
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

#: Two group elements are the same when their matrices differ by less than this (Frobenius).
#: About 0.02 rad of rotation: far below the gap between distinct elements of any point group
#: up to order-24 axes (|C_24 - I| = 0.37) and above the error left by 0.01 noise on a molecule.
ELEMENT_TOLERANCE = 0.03

#: Angular tolerance (rad) when reading the order of a rotation from its angle.
ANGLE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Operation:
    """What one element of O(3) does geometrically.

    ``kind`` is ``"identity"``, ``"rotation"`` (order n about ``axis``), ``"mirror"`` (``axis`` is
    the normal), ``"inversion"`` or ``"rotoreflection"`` (:math:`S_n`: rotate by :math:`2\\pi k/n`
    about ``axis``, then reflect through the plane normal to it).
    """

    kind: str
    order: int
    axis: tuple[float, float, float] | None


def canonical_axis(vector) -> np.ndarray:
    """Unit vector along ``vector`` with its first clearly non-zero component positive.

    >>> canonical_axis([0, -2, 1]).tolist() == [0.0, 2 / 5**0.5, -1 / 5**0.5]
    True
    """
    u = np.asarray(vector, dtype=np.float64)
    u = u / np.linalg.norm(u)
    for c in u:
        if abs(c) > 1e-6:
            return u if c > 0 else -u
    return u


def rotation_matrix(axis, angle: float) -> np.ndarray:
    """Rotation by ``angle`` (right-handed) about ``axis``, Rodrigues' formula.

    :math:`R = I + \\sin\\theta\\, K + (1 - \\cos\\theta) K^2`, :math:`K = [\\hat u]_\\times`.
    """
    u = np.asarray(axis, dtype=np.float64)
    u = u / np.linalg.norm(u)
    k = np.array([[0.0, -u[2], u[1]], [u[2], 0.0, -u[0]], [-u[1], u[0], 0.0]])
    return np.eye(3) + np.sin(angle) * k + (1.0 - np.cos(angle)) * (k @ k)


def mirror_matrix(normal) -> np.ndarray:
    """Reflection through the plane with unit normal n: :math:`I - 2\\hat n\\hat n^T`."""
    n = np.asarray(normal, dtype=np.float64)
    n = n / np.linalg.norm(n)
    return np.eye(3) - 2.0 * np.outer(n, n)


def frames_to_y(axes: np.ndarray) -> np.ndarray:
    """Rotations Q (A, 3, 3) with :math:`Q\\hat a = \\hat y` for unit axes (A, 3).

    e3nn's m = 0 axis is y, so in the frame Q a rotation about a acts on the pair of components
    (m, -m) as a plane rotation by m times its angle.
    """
    axes = np.asarray(axes, dtype=np.float64).reshape(-1, 3)
    helper = np.where(np.abs(axes[:, :1]) < 0.9, np.eye(3)[0], np.eye(3)[2])
    first = np.cross(helper, axes)
    first /= np.linalg.norm(first, axis=1, keepdims=True)
    return np.stack([first, axes, np.cross(first, axes)], axis=1)


def nearest_orthogonal(matrix: np.ndarray) -> np.ndarray:
    """The orthogonal matrix closest to ``matrix`` in Frobenius norm (polar factor, via SVD)."""
    u, _, vt = np.linalg.svd(matrix)
    return u @ vt


def axis_angle(rotation: np.ndarray) -> tuple[np.ndarray, float]:
    """Axis (canonical sign) and angle in [0, pi] of a proper rotation.

    The axis is the eigenvector with eigenvalue +1; the sign of the angle is folded into the axis
    before canonicalising, so the returned pair may describe R or its inverse (same axis, same
    order), which is all that symmetry elements need.
    """
    cos_angle = np.clip((np.trace(rotation) - 1.0) / 2.0, -1.0, 1.0)
    angle = float(np.arccos(cos_angle))
    # the +1 eigenvector is the null vector of R - I; SVD is stable also for angle = pi
    _, _, vt = np.linalg.svd(rotation - np.eye(3))
    return canonical_axis(vt[-1]), angle


def order_from_angle(angle: float, max_order: int = 120) -> int:
    """Smallest n with ``angle`` close to :math:`2\\pi k/n` (``ANGLE_TOLERANCE``)."""
    turns = abs(angle) / (2.0 * np.pi)
    for n in range(1, max_order + 1):
        if abs(n * turns - round(n * turns)) * 2.0 * np.pi <= ANGLE_TOLERANCE:
            return n
    return int(Fraction(turns).limit_denominator(max_order).denominator)


def describe_operation(matrix) -> Operation:
    """Classify an element of O(3) as identity, rotation, mirror, inversion or rotoreflection."""
    m = np.asarray(matrix, dtype=np.float64)
    proper = np.linalg.det(m) > 0
    r = m if proper else -m
    axis, angle = axis_angle(r)
    n = order_from_angle(angle)
    if proper:
        if n == 1:
            return Operation("identity", 1, None)
        return Operation("rotation", n, tuple(float(c) for c in axis))
    if n == 1:
        return Operation("inversion", 2, None)
    if n == 2:
        return Operation("mirror", 2, tuple(float(c) for c in axis))
    # M = -C(theta) = S(theta - pi): the rotoreflection angle is pi - theta up to sign
    axis_tuple = tuple(float(c) for c in axis)
    return Operation("rotoreflection", order_from_angle(np.pi - angle), axis_tuple)


def find_matrix(matrices: np.ndarray, matrix: np.ndarray, tol: float = ELEMENT_TOLERANCE) -> int:
    """Index of ``matrix`` in the stack ``matrices`` (n, 3, 3), or -1 if absent."""
    if len(matrices) == 0:
        return -1
    dist = np.linalg.norm((matrices - matrix).reshape(len(matrices), 9), axis=1)
    i = int(np.argmin(dist))
    return i if dist[i] <= tol else -1


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Frobenius distances between two stacks of matrices, (n, m), via the Gram matrix."""
    fa, fb = a.reshape(len(a), -1), b.reshape(len(b), -1)
    squared = (fa**2).sum(1)[:, None] + (fb**2).sum(1)[None, :] - 2.0 * fa @ fb.T
    return np.sqrt(np.maximum(squared, 0.0))


def unique_indices(matrices, tol: float = ELEMENT_TOLERANCE) -> list[int]:
    """Indices of the first occurrence of each distinct matrix (within ``tol``) in a stack."""
    stack = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
    close = _distances(stack, stack) <= tol
    dropped = np.zeros(len(stack), dtype=bool)
    keep = []
    for i in range(len(stack)):
        if not dropped[i]:
            keep.append(i)
            dropped |= close[i]
    return keep


def unique_matrices(matrices, tol: float = ELEMENT_TOLERANCE) -> np.ndarray:
    """Drop repeats (within ``tol``) from a stack of matrices, keeping first occurrences."""
    stack = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
    return stack[unique_indices(stack, tol)]


def close_group(generators, tol: float = ELEMENT_TOLERANCE, max_order: int = 1000) -> np.ndarray:
    """All products of ``generators`` (closure), identity first.

    Generators already in the group built so far are skipped, and each round multiplies every
    element by every useful generator at once, so redundant generator lists stay cheap. Raises
    ``ValueError`` past ``max_order`` elements, which means the generators do not generate a
    finite group within ``tol`` (for example an irrational rotation angle).
    """
    elements = np.eye(3)[None]
    stack = np.asarray(generators, dtype=np.float64).reshape(-1, 3, 3)
    useful: list[np.ndarray] = []
    for g in stack:
        if find_matrix(elements, g, tol) >= 0:
            continue
        useful.append(nearest_orthogonal(g))
        frontier = elements
        while len(frontier):
            products = np.einsum("gij,njk->ngik", np.array(useful), frontier).reshape(-1, 3, 3)
            products = unique_matrices(products, tol)
            frontier = products[_distances(products, elements).min(axis=1) > tol]
            elements = np.concatenate([elements, frontier])
            if len(elements) > max_order:
                raise ValueError(f"generators do not close within order {max_order}")
    return elements
