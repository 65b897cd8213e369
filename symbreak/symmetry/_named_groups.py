"""The standard point groups in the standard orientation.

Principal axis along z; the first C2' axis (Dn) or the first vertical mirror (Cnv, its normal is
y, so the plane contains x) along x; Dnd mirrors bisect the C2' axes; Cs has its mirror normal z.
T, Th, Td, O, Oh: C2 (or C4) axes along x, y, z and C3 along (1, 1, 1). I, Ih: C2 along x, y, z
and C5 through the icosahedron vertex (0, 1, golden ratio). ``rotation`` (a 3x3 orthogonal matrix)
turns the group into :math:`Q G Q^T`.

>>> named_group("D3d").order, named_group("S8").name, named_group("C∞v").name
(12, 'S8', 'Cinfv')
"""

from __future__ import annotations

import numpy as np

from symbreak.conventions import PRETTY_GROUP_NAMES
from symbreak.symmetry._axial import AXIAL_CLASSES
from symbreak.symmetry._naming import parse_group_name
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import mirror_matrix, rotation_matrix

_Z = np.array([0.0, 0.0, 1.0])
_X = np.array([1.0, 0.0, 0.0])
_GOLDEN = (1.0 + 5.0**0.5) / 2.0


def _axial_generators(family: str, n: int, suffix: str) -> list[np.ndarray]:
    if family == "S":
        if n % 2:
            raise ValueError(f"S{n} with odd n is called C{n}h")
        return [mirror_matrix(_Z) @ rotation_matrix(_Z, 2 * np.pi / n)]
    gens = [rotation_matrix(_Z, 2 * np.pi / n)]
    if family == "D":
        gens.append(rotation_matrix(_X, np.pi))
    if suffix == "h":
        gens.append(mirror_matrix(_Z))
    elif suffix == "v":
        gens.append(mirror_matrix([0.0, 1.0, 0.0]))
    elif suffix == "d":
        phi = np.pi / (2 * n) + np.pi / 2  # normal of the plane bisecting two C2' axes
        gens.append(mirror_matrix([np.cos(phi), np.sin(phi), 0.0]))
    elif suffix == "i":
        gens.append(-np.eye(3))
    elif suffix == "s":
        gens.append(mirror_matrix(_Z))
    return gens


def _polyhedral_generators(family: str, suffix: str) -> list[np.ndarray]:
    c3 = rotation_matrix([1.0, 1.0, 1.0], 2 * np.pi / 3)
    if family == "T":
        gens = [rotation_matrix(_Z, np.pi), rotation_matrix(_X, np.pi), c3]
    elif family == "O":
        gens = [rotation_matrix(_Z, np.pi / 2), c3]
    else:
        gens = [rotation_matrix(_Z, np.pi), rotation_matrix(_X, np.pi), c3,
                rotation_matrix([0.0, 1.0, _GOLDEN], 2 * np.pi / 5)]  # fmt: skip
    if suffix == "d":
        gens.append(mirror_matrix([1.0, -1.0, 0.0]))
    elif suffix == "h":
        gens.append(-np.eye(3))
    return gens


def named_group(name: str, rotation=None) -> PointGroup:
    """The point group called ``name`` (Schoenflies, ASCII or pretty) in standard orientation.

    Parameters
    ----------
    name : e.g. ``"C1"``, ``"Ci"``, ``"Cs"``, ``"C5v"``, ``"D6h"``, ``"D4d"``, ``"S8"``, ``"Td"``,
        ``"Ih"``, ``"Cinfv"`` / ``"C∞v"``, ``"Dinfh"``, ``"SO3"``, ``"O3"``.
    rotation : optional 3x3 orthogonal Q; the result is :math:`Q G Q^T`.
    """
    ascii_names = {pretty: plain for plain, pretty in PRETTY_GROUP_NAMES.items()}
    name = ascii_names.get(name, name)
    if name in ("SO3", "O3"):
        group = PointGroup.spherical(improper=name == "O3")
    elif name in AXIAL_CLASSES:
        group = PointGroup.axial(name, _Z)
    else:
        family, n, suffix = parse_group_name(name)
        if family in "TOI":
            gens = _polyhedral_generators(family, suffix)
        else:
            if family == "C" and n == 1 and suffix in ("h", "v"):
                suffix = "s"
            gens = _axial_generators(family, n, suffix)
        group = PointGroup.generated(gens)
    return group if rotation is None else group.rotated(rotation)
