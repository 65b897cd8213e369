"""Axial subgroups of O(3): rotations about one axis, and the classes of their components.

An axial group with axis :math:`\\hat u` is :math:`C_\\infty \\rtimes K` with :math:`K` a subgroup
of the Klein group :math:`\\{I, \\sigma_e, C_{2e}, -I\\}` for any :math:`\\hat e \\perp \\hat u`
(mirror with normal e, half-turn about e, inversion; :math:`\\sigma_e C_{2e} = -I`). A component
is labelled by its class :math:`(s, \\det M)`, where :math:`M\\hat u = s\\hat u`: s = +1 if it keeps
the axis, -1 if it flips it. The set of classes names the group.

>>> sorted(AXIAL_CLASSES["Cinfv"])
[(1, -1), (1, 1)]
>>> AXIAL_NAMES[AXIAL_CLASSES["Dinf"] & AXIAL_CLASSES["Cinfv"]]
'Cinf'
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry._rotations import canonical_axis, mirror_matrix, rotation_matrix

#: The (s, det) classes of an axial group -> its name.
AXIAL_NAMES = {
    frozenset({(1, 1)}): "Cinf",
    frozenset({(1, 1), (1, -1)}): "Cinfv",
    frozenset({(1, 1), (-1, 1)}): "Dinf",
    frozenset({(1, 1), (-1, -1)}): "Cinfh",
    frozenset({(1, 1), (1, -1), (-1, 1), (-1, -1)}): "Dinfh",
}

#: Name of an axial group -> its (s, det) classes.
AXIAL_CLASSES = {name: classes for classes, name in AXIAL_NAMES.items()}


def axial_classes(elements: np.ndarray, axis) -> frozenset:
    """The (s, det) classes of ``elements`` (n, 3, 3), all of which keep the line of ``axis``.

    >>> sorted(axial_classes(np.array([np.eye(3), -np.eye(3)]), [0, 0, 1]))
    [(-1, -1), (1, 1)]
    """
    u = np.asarray(axis, dtype=np.float64)
    return frozenset(
        (int(np.sign(u @ m @ u)), int(np.sign(np.linalg.det(m)))) for m in elements
    )


def perpendicular_unit(axis) -> np.ndarray:
    """A deterministic unit vector perpendicular to ``axis``."""
    u = canonical_axis(axis)
    helper = np.eye(3)[int(np.argmin(np.abs(u)))]
    e = np.cross(u, helper)
    return e / np.linalg.norm(e)


def axial_representatives(axis, classes) -> np.ndarray:
    """One element per (s, det) class: I, mirror with normal e, half-turn about e, -I."""
    e = perpendicular_unit(axis)
    by_class = {(1, 1): np.eye(3), (1, -1): mirror_matrix(e),
                (-1, 1): rotation_matrix(e, np.pi), (-1, -1): -np.eye(3)}  # fmt: skip
    return np.array([by_class[c] for c in sorted(classes, reverse=True)])


def line_keepers(u, w) -> np.ndarray:
    """All elements of O(3) mapping both lines :math:`\\mathbb{R}\\hat u` and
    :math:`\\mathbb{R}\\hat w` (not parallel) onto themselves.

    They keep the normal :math:`\\hat n = \\hat u \\times \\hat w` too: :math:`C_{2h}` about
    :math:`\\hat n`, or :math:`D_{2h}` on the frame :math:`\\hat u, \\hat w, \\hat n` when the lines
    are perpendicular. Two axial groups with these axes share only such elements.

    >>> len(line_keepers([0, 0, 1], [1, 0, 0])), len(line_keepers([0, 0, 1], [1, 0, 1]))
    (8, 4)
    """
    u, w = np.asarray(u, dtype=np.float64), np.asarray(w, dtype=np.float64)
    n = np.cross(u, w)
    n /= np.linalg.norm(n)
    base = [np.eye(3), -np.eye(3), rotation_matrix(n, np.pi), mirror_matrix(n)]
    if abs(np.dot(u, w)) < 1e-6:
        base += [rotation_matrix(u, np.pi), mirror_matrix(u), rotation_matrix(w, np.pi),
                 mirror_matrix(w)]  # fmt: skip
    return np.array(base)
