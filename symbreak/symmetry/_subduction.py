"""Subduction: an O(3) irrep restricted to a crystallographic point group, in that group's irreps.

The network's relaxed weights live in O(3) irreps (``1o``, ``2e``); a crystal's distortion in
irreps of the parent's point group. Restricting :math:`D^{(l,p)}` to the group G splits it
with multiplicities
:math:`n_\\sigma = \\frac{1}{|G|}\\sum_R \\chi_\\sigma(R)\\,\\chi^{(l,p)}(R)`,
where for a rotation by :math:`\\theta`,
:math:`\\chi^{(l)} = \\sin((2l+1)\\theta/2)/\\sin(\\theta/2)`,
and an improper :math:`R = -P` multiplies :math:`\\chi^{(l)}(P)` by the parity p (``o``: -1).

>>> from symbreak.symmetry import named_group
>>> group = named_group("Oh").elements
>>> subduce("1o", group), subduce("2e", group)
({'GM4-': 1}, {'GM3+': 1, 'GM5+': 1})
"""

from __future__ import annotations

import numpy as np

from symbreak.conventions import parse_irrep
from symbreak.symmetry._irrep_tables import table_for


def o3_character(irrep: str, matrix: np.ndarray) -> float:
    """:math:`\\chi^{(l,p)}(R)` of an O(3) irrep name on a 3x3 orthogonal matrix."""
    l, parity = parse_irrep(irrep)
    determinant = 1.0 if np.linalg.det(matrix) > 0 else -1.0
    proper = determinant * np.asarray(matrix, dtype=np.float64)
    angle = np.arccos(np.clip((np.trace(proper) - 1.0) / 2.0, -1.0, 1.0))
    value = float(sum(np.cos(m * angle) for m in range(-l, l + 1)))
    return value * (parity if determinant < 0 else 1.0)


def subduce(irrep: str, matrices, references=None) -> dict[str, int]:
    """Point-group irreps (``'GM4-'`` CDML labels at Gamma, or Mulliken names where there is
    no CDML number) and their multiplicities in the O(3) irrep ``irrep`` restricted to the
    group of Cartesian ``matrices``; empty when the group has no table here."""
    table = table_for(matrices, references)
    if table is None:
        return {}
    characters = np.array([o3_character(irrep, m) for m in matrices])
    found = {}
    for row in table.irreps:
        count = int(round(float(row.characters @ characters) / len(matrices)))
        if count:
            found[f"GM{row.cdml}" if row.cdml else row.mulliken] = count
    return found


__all__ = ["o3_character", "subduce"]
