"""Intersection of two closed subgroups of O(3).

Finite with anything: keep the finite elements the other group contains. Two axial groups with
the same axis: intersect their component classes. Two axial groups with different axes
:math:`\\hat u, \\hat w`: every common element keeps both lines, so it lies in the finite group
that keeps both lines (:math:`D_{2h}` on the frame :math:`\\hat u, \\hat w, \\hat u\\times\\hat w`
when they are perpendicular, else :math:`C_{2h}` about :math:`\\hat u \\times \\hat w`); filter it.

>>> from symbreak.symmetry import named_group
>>> (named_group("Oh") & named_group("D4h")).name
'D4h'
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry._point_group import _AXIAL_NAMES, PointGroup
from symbreak.symmetry._rotations import mirror_matrix, rotation_matrix


def _filter(finite: PointGroup, other: PointGroup) -> PointGroup:
    return PointGroup.finite([m for m in finite.elements if other.contains(m)])


def _line_keepers(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """All elements of O(3) mapping both lines R u and R w onto themselves."""
    n = np.cross(u, w)
    n /= np.linalg.norm(n)
    base = [np.eye(3), -np.eye(3), rotation_matrix(n, np.pi), mirror_matrix(n)]
    if abs(np.dot(u, w)) < 1e-6:
        base += [rotation_matrix(u, np.pi), mirror_matrix(u), rotation_matrix(w, np.pi),
                 mirror_matrix(w)]  # fmt: skip
    return np.array(base)


def intersect(g: PointGroup, h: PointGroup) -> PointGroup:
    """:math:`G \\cap H` for closed subgroups of O(3)."""
    if g.is_finite:
        return _filter(g, h)
    if h.is_finite:
        return _filter(h, g)
    if g.continuous == "spherical" or h.continuous == "spherical":
        sph, other = (g, h) if g.continuous == "spherical" else (h, g)
        if sph.name == "O3":
            return other
        if other.continuous == "spherical":
            return PointGroup.spherical(improper=False)
        classes = frozenset(c for c in other._axial_classes if c[1] == 1)
        return PointGroup.axial(_AXIAL_NAMES[classes], other.axis)
    u, w = np.array(g.axis), np.array(h.axis)
    if abs(np.dot(u, w)) > 1.0 - 1e-9:
        return PointGroup.axial(_AXIAL_NAMES[g._axial_classes & h._axial_classes], u)
    candidates = _line_keepers(u, w)
    return PointGroup.finite([m for m in candidates if g.contains(m) and h.contains(m)])
