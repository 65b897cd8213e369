"""Which irreps can break a group G down to a subgroup H, and how much of a vector breaks G.

The invariant projector of a finite group is the Reynolds average
:math:`P_G = \\frac{1}{|G|}\\sum_{g\\in G} D(g)`; its trace is the number of independent
G-invariant vectors (the multiplicity of the trivial irrep, by character orthogonality).
For an axial group :math:`C_\\infty \\rtimes K` (see :class:`PointGroup`) it is
:math:`P_{C_\\infty} P_K`, where :math:`P_{C_\\infty}` keeps the m = 0 component about the axis
(e3nn's m = 0 axis is y, so we conjugate by a rotation taking the axis to y) and :math:`P_K` is
the Reynolds average over the component representatives, a group commuting with
:math:`P_{C_\\infty}`. SO(3) keeps only l = 0, O(3) only ``0e``. Both are exact.

A vector v in an irrep splits into its G-invariant part :math:`P_G v` and its *breaking part*
:math:`v - P_G v`; the cube's own l = 4 harmonic is invariant, so it is not counted as breaking.
For :math:`H \\subseteq G` the irreps that can break G to H are those with
:math:`\\operatorname{tr} P_H > \\operatorname{tr} P_G` (Hofgard et al., arXiv 2407.20471, Sec. 3).

>>> from symbreak.symmetry import named_group
>>> breaking_irreps(named_group("Oh"), named_group("D4h"), 4)
[('2e', 1), ('4e', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from symbreak.conventions import parse_irrep, relaxed_irrep_names
from symbreak.errors import DataError
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import frames_to_y
from symbreak.symmetry._stabilizer import (
    DEFAULT_STABILIZER_TOLERANCE,
    fixing_error,
    parse_irrep_vectors,
    stabilizer,
)
from symbreak.symmetry._wigner import wigner_D


def invariant_projector(irrep: str, group: PointGroup) -> np.ndarray:
    """Orthogonal projector (d, d) onto the ``group``-invariant vectors of irrep ``irrep``.

    >>> from symbreak.symmetry import named_group
    >>> round(float(np.trace(invariant_projector("4e", named_group("Oh")))), 6)
    1.0
    """
    l, parity = parse_irrep(irrep)
    d = 2 * l + 1
    if group.continuous == "spherical":
        keep = l == 0 and (parity == 1 or group.name == "SO3")
        return np.eye(d) if keep else np.zeros((d, d))
    average = wigner_D(irrep, group.elements).mean(axis=0)
    if group.continuous == "axial":
        frame = wigner_D(irrep, frames_to_y(np.array([group.axis]))[0])
        m0 = np.zeros((d, d))
        m0[l, l] = 1.0
        return frame.T @ m0 @ frame @ average
    return average


def invariant_dimension(irrep: str, group: PointGroup) -> int:
    """Number of independent ``group``-invariant vectors in ``irrep`` (trace of the projector)."""
    return int(round(float(np.trace(invariant_projector(irrep, group)))))


def breaking_part(irrep: str, vector, group: PointGroup) -> np.ndarray:
    """:math:`v - P_G v`: the part of ``vector`` (d,) or (k, d) that ``group`` does not fix."""
    v = np.asarray(vector, dtype=np.float64)
    return v - v @ invariant_projector(irrep, group).T


def breaking_irreps(group: PointGroup, subgroup: PointGroup, l_max: int) -> list[tuple[str, int]]:
    """Irreps (l <= ``l_max``, symbreak order) whose vectors can break ``group`` to ``subgroup``.

    Returns ``(irrep, dim H-invariant - dim G-invariant)`` for every irrep where it is non-zero.
    """
    if not subgroup <= group:
        raise DataError(f"{subgroup.name} is not a subgroup of {group.name} in this orientation")
    out = []
    for irrep in relaxed_irrep_names(l_max):
        extra = invariant_dimension(irrep, subgroup) - invariant_dimension(irrep, group)
        if extra:
            out.append((irrep, extra))
    return out


def residual_group(group: PointGroup, relaxed_vectors: Mapping[str, object],
                   tolerance: float = DEFAULT_STABILIZER_TOLERANCE) -> PointGroup:  # fmt: skip
    """Elements of ``group`` that also fix ``relaxed_vectors``: :math:`G \\cap \\mathrm{Stab}(v)`.

    ``tolerance`` is relative, as in :func:`stabilizer`.
    """
    parts = parse_irrep_vectors(relaxed_vectors)
    scale = float(np.sqrt(sum(float(v @ v) for *_, v in parts)))
    if not group.is_finite:
        return group & stabilizer(relaxed_vectors, tolerance)
    if scale == 0.0:
        return group
    errors = fixing_error(parts, group.elements)
    return PointGroup.finite(group.elements[errors <= tolerance * scale])
