"""Domains: the symmetry-equivalent orientations of a residual group inside the input group.

When a structure with point group :math:`G` distorts into one with group :math:`H \\le G`,
every element :math:`g \\in G` carries the distorted structure into another one that is just as
good; :math:`g` and :math:`gh` (:math:`h \\in H`) give the same one. The distinct results, the
*domains*, are the left cosets :math:`gH`; there are :math:`[G : H] = |G| / |H|` of them and
domain :math:`gH` has the symmetry :math:`gHg^{-1}` (Wadhawan, *Introduction to Ferroic
Materials*, ch. 3; ISODISTORT lists domains the same way). Two domains can share a group: the
polar group :math:`C_{4v}` along :math:`+z` and along :math:`-z`.

>>> from symbreak.symmetry import named_group
>>> [d.principal_axis for d in domains(named_group("Oh"), named_group("D4h"))]
[(0.0, 0.0, 1.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import ELEMENT_TOLERANCE, canonical_axis, find_matrix


@dataclass(frozen=True, eq=False)
class Domain:
    """One domain :math:`gH` of the residual group :math:`H` in the input group :math:`G`.

    Attributes
    ----------
    index : position in the list; 0 is the domain the data chose (:math:`g = I`).
    operation : the coset representative :math:`g` (3x3), the identity for index 0.
    group : :math:`gHg^{-1}`, the domain's symmetry in the user's frame.
    principal_axis : :math:`g\\hat a`, where :math:`\\hat a` is :math:`H`'s unique
        highest-order rotation axis (canonical sign); None when :math:`H` has none.
    polar_axis : :math:`g\\hat p`, where :math:`\\hat p` spans the vectors every element of
        :math:`H` fixes (polar groups with a one-dimensional fixed space); the sign is the
        reference's, so domains along :math:`+\\hat p` and :math:`-\\hat p` differ. None otherwise.
    """

    index: int
    operation: np.ndarray
    group: PointGroup
    principal_axis: tuple[float, float, float] | None
    polar_axis: tuple[float, float, float] | None

    @property
    def chosen(self) -> bool:
        """Whether this is the data's own domain."""
        return self.index == 0

    def to_dict(self) -> dict:
        """JSON-ready: group name and elements, axes, the coset representative."""
        return {
            "index": self.index,
            "chosen": self.chosen,
            "group": self.group.name,
            "principal_axis": _listed(self.principal_axis),
            "polar_axis": _listed(self.polar_axis),
            "symmetry_elements": self.group.symmetry_elements(),
            "operation": (np.round(self.operation, 12) + 0.0).tolist(),
        }


def _listed(axis) -> list[float] | None:
    return None if axis is None else [round(float(c), 12) + 0.0 for c in axis]


def _rotation_angle(matrix: np.ndarray) -> float:
    proper = matrix if np.linalg.det(matrix) > 0 else -matrix
    return float(np.arccos(np.clip((np.trace(proper) - 1.0) / 2.0, -1.0, 1.0)))


def coset_representatives(group: PointGroup, subgroup: PointGroup,
                          tol: float = ELEMENT_TOLERANCE) -> np.ndarray:  # fmt: skip
    """One element :math:`g` of each left coset :math:`gH`, identity first, (n, 3, 3).

    Representatives are the simplest element of their coset: proper before improper, then the
    smallest rotation angle, so that they read as "turn the chosen domain by ...".

    Raises
    ------
    ValueError
        ``subgroup`` is not a subgroup of ``group``, or ``group`` is continuous and larger than
        ``subgroup`` (infinitely many domains).
    """
    if subgroup == group:
        return np.eye(3)[None]
    if not group.is_finite:
        raise ValueError(
            f"{group.name} is continuous, so {subgroup.name} has infinitely many domains in it"
        )
    if not subgroup <= group:
        raise ValueError(f"{subgroup.name} is not a subgroup of {group.name} in this frame")
    elements, members = group.elements, subgroup.elements
    simplest = sorted(range(len(elements)), key=lambda i: (
        np.linalg.det(elements[i]) < 0, round(_rotation_angle(elements[i]), 9), i))  # fmt: skip
    covered = np.zeros(len(elements), dtype=bool)
    representatives = []
    for i in simplest:
        if covered[i]:
            continue
        representatives.append(elements[i])
        for product in elements[i] @ members:
            j = find_matrix(elements, product, tol)
            if j < 0:
                raise ValueError(f"{group.name} is not closed within tolerance {tol}")
            covered[j] = True
    index, remainder = divmod(len(elements), len(members))
    if remainder or len(representatives) != index:
        raise ValueError(
            f"{subgroup.name} splits {group.name} into {len(representatives)} cosets, not "
            f"|G|/|H| = {len(elements)}/{len(members)}: the groups disagree beyond tolerance {tol}"
        )
    return np.array(representatives)


def principal_axis(group: PointGroup) -> np.ndarray | None:
    """The group's unique highest-order rotation axis (canonical sign), else None.

    >>> from symbreak.symmetry import named_group
    >>> principal_axis(named_group("C4v")).tolist(), principal_axis(named_group("D2h"))
    ([0.0, 0.0, 1.0], None)
    """
    if group.continuous == "axial":
        return np.array(group.axis)
    rotations = [e for e in group.symmetry_elements() if e["kind"] == "rotation"]
    orders = [e["order"] for e in rotations]
    if not orders or orders.count(max(orders)) > 1:
        return None
    return canonical_axis(rotations[orders.index(max(orders))]["axis"])


def polar_axis(group: PointGroup, tol: float = 1e-6) -> np.ndarray | None:
    """The direction every element fixes when that is a line (polar groups), else None.

    The fixed vectors are the image of the projector :math:`\\frac{1}{|H|}\\sum_h h`
    (finite groups; one element per component for axial ones is not enough, so those use
    the axis and their classes).

    >>> from symbreak.symmetry import named_group
    >>> polar_axis(named_group("C3v")).tolist(), polar_axis(named_group("D3d"))
    ([0.0, 0.0, 1.0], None)
    """
    if group.continuous == "spherical":
        return None
    if group.continuous == "axial":
        return np.array(group.axis) if group.name in ("Cinf", "Cinfv") else None
    projector = group.elements.mean(axis=0)
    values, vectors = np.linalg.eigh((projector + projector.T) / 2.0)
    fixed = vectors[:, values > 1.0 - tol]
    return canonical_axis(fixed[:, 0]) if fixed.shape[1] == 1 else None


def domains(group: PointGroup, subgroup: PointGroup, reference=None,
            tol: float = ELEMENT_TOLERANCE) -> list[Domain]:  # fmt: skip
    """The :math:`[G : H]` domains of ``subgroup`` :math:`H` in ``group`` :math:`G`.

    Parameters
    ----------
    group : the input's group :math:`G`, in the user's frame.
    subgroup : the residual group :math:`H \\le G` the data chose, in the same frame.
    reference : optional vector giving the chosen domain's polar direction with its sign
        (for example the fitted 1o weights in Cartesian form); by default the canonical sign
        of :func:`polar_axis`.
    tol : Frobenius distance within which two matrices are the same element.

    Returns
    -------
    list of :class:`Domain`, the chosen one (identity) first.

    >>> from symbreak.symmetry import named_group
    >>> len(domains(named_group("Oh"), named_group("C4v")))
    6
    """
    representatives = coset_representatives(group, subgroup, tol)
    axis, polar = principal_axis(subgroup), polar_axis(subgroup)
    if polar is not None and reference is not None:
        reference = np.asarray(reference, dtype=np.float64)
        if abs(reference @ polar) > 1e-9 * max(np.linalg.norm(reference), 1e-300):
            polar = polar * np.sign(reference @ polar)
    found = []
    for index, g in enumerate(representatives):
        found.append(Domain(
            index=index,
            operation=g,
            group=subgroup.rotated(g),
            principal_axis=None if axis is None else _rounded(canonical_axis(g @ axis)),
            polar_axis=None if polar is None else _rounded(g @ polar),
        ))  # fmt: skip
    return found


def _rounded(vector: np.ndarray) -> tuple[float, float, float]:
    return tuple(round(float(c), 12) + 0.0 for c in vector)

