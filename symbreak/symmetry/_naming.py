"""Schoenflies and Hermann-Mauguin names of finite subgroups of O(3), read off their elements.

The proper part :math:`P = G \\cap SO(3)` is one of :math:`C_n, D_n, T, O, I`, told apart by
its order and the largest rotation order. If :math:`G \\neq P` then :math:`|G| = 2|P|` and either
:math:`-I \\in G` (so :math:`G = P \\times \\{I, -I\\}`: :math:`C_i, C_{nh}` (n even),
:math:`S_{2n}` (n odd), :math:`D_{nh}` (n even), :math:`D_{nd}` (n odd), :math:`T_h, O_h, I_h`), or
:math:`G' = P \\cup (-(G \\setminus P))` is a proper group containing :math:`P` with index 2
(:math:`C_s, C_{nv}, C_{nh}` (n odd), :math:`S_{2n}` (n even), :math:`D_{nh}` (n odd),
:math:`D_{nd}` (n even), :math:`T_d`). See e.g. Altmann & Herzig, *Point-Group Theory Tables*.

>>> import numpy as np
>>> finite_group_name(np.array([np.eye(3), -np.eye(3)]))
'Ci'
"""

from __future__ import annotations

import re

import numpy as np

from symbreak.symmetry._rotations import ELEMENT_TOLERANCE, describe_operation, find_matrix

#: Hermann-Mauguin (international) symbols of the 32 crystallographic point groups.
HERMANN_MAUGUIN = {
    "C1": "1", "Ci": "-1", "C2": "2", "Cs": "m", "C2h": "2/m", "D2": "222", "C2v": "mm2",
    "D2h": "mmm", "C4": "4", "S4": "-4", "C4h": "4/m", "D4": "422", "C4v": "4mm", "D2d": "-42m",
    "D4h": "4/mmm", "C3": "3", "S6": "-3", "D3": "32", "C3v": "3m", "D3d": "-3m", "C6": "6",
    "C3h": "-6", "C6h": "6/m", "D6": "622", "C6v": "6mm", "D3h": "-6m2", "D6h": "6/mmm",
    "T": "23", "Th": "m-3", "O": "432", "Td": "-43m", "Oh": "m-3m",
}  # fmt: skip

_POLYHEDRAL_ORDERS = {"T": 12, "Td": 24, "Th": 24, "O": 24, "Oh": 48, "I": 60, "Ih": 120}


def _proper_part_name(orders: list[int]) -> tuple[str, int]:
    """('C' | 'D' | 'T' | 'O' | 'I', n) for a finite rotation group with these element orders."""
    size, top = len(orders), max(orders)
    if top == size:
        return "C", size
    if 2 * top == size:
        return "D", top
    polyhedral = {(12, 3): "T", (24, 4): "O", (60, 5): "I"}
    if (size, top) in polyhedral:
        return polyhedral[(size, top)], 0
    raise ValueError(f"{size} rotations with largest order {top} do not form a point group")


def _has_mirror_containing(elements: np.ndarray, axis: np.ndarray) -> bool:
    for m in elements:
        op = describe_operation(m)
        if op.kind == "mirror" and abs(np.dot(op.axis, axis)) < 0.1:
            return True
    return False


def _principal_axis(proper: np.ndarray, n: int) -> np.ndarray:
    for r in proper:
        op = describe_operation(r)
        if op.kind == "rotation" and op.order == n:
            return np.array(op.axis)
    return np.array([0.0, 0.0, 1.0])


def finite_group_name(elements: np.ndarray, tol: float = ELEMENT_TOLERANCE) -> str:
    """Schoenflies name of the finite group with these elements (n, 3, 3), in any orientation."""
    dets = np.linalg.det(elements)
    proper = elements[dets > 0]
    improper = elements[dets < 0]
    orders = [describe_operation(r).order if i else 1 for i, r in enumerate(proper)]
    family, n = _proper_part_name(orders)
    if len(improper) == 0:
        return f"{family}{n if family in 'CD' else ''}"
    if len(improper) != len(proper):
        raise ValueError("improper and proper parts of a group must have the same size")
    inversion = find_matrix(improper, -np.eye(3), tol) >= 0
    if family in "TOI":
        if family == "T":
            return "Th" if inversion else "Td"
        return family + "h"
    if family == "D":
        return f"D{n}{'h' if (n % 2 == 0) == inversion else 'd'}"
    if n == 1:
        return "Ci" if inversion else "Cs"
    if inversion:
        return f"C{n}h" if n % 2 == 0 else f"S{2 * n}"
    if _has_mirror_containing(improper, _principal_axis(proper, n)):
        return f"C{n}v"
    return f"C{n}h" if n % 2 == 1 else f"S{2 * n}"


def parse_group_name(name: str) -> tuple[str, int, str]:
    """Split a finite Schoenflies name into (family, n, suffix).

    >>> parse_group_name("D4h")
    ('D', 4, 'h')
    >>> parse_group_name("S8")
    ('S', 8, '')
    """
    if name in _POLYHEDRAL_ORDERS:
        return name[0], 0, name[1:]
    if name in ("Ci", "Cs"):
        return "C", 1, {"Ci": "i", "Cs": "s"}[name]
    match = re.fullmatch(r"([CDS])(\d+)([hvd]?)", name)
    if not match:
        raise ValueError(f"{name!r} is not a Schoenflies point-group name")
    return match.group(1), int(match.group(2)), match.group(3)


def finite_group_order(name: str) -> int:
    """Number of elements of the finite group called ``name``.

    >>> finite_group_order("D6h"), finite_group_order("Ih"), finite_group_order("S6")
    (24, 120, 6)
    """
    if name in _POLYHEDRAL_ORDERS:
        return _POLYHEDRAL_ORDERS[name]
    family, n, suffix = parse_group_name(name)
    if family == "S":
        return n
    base = n if family == "C" else 2 * n
    return base * (2 if suffix else 1)
