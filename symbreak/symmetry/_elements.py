"""Symmetry elements (axes, planes, centre) of a point group, as plain JSON-ready dicts.

>>> from symbreak.symmetry import named_group
>>> [e["kind"] for e in named_group("C2h").symmetry_elements()]
['rotation', 'mirror', 'inversion']
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry._axial import axial_classes
from symbreak.symmetry._rotations import describe_operation

_KIND_ORDER = {"rotation": 0, "mirror": 1, "inversion": 2, "rotoreflection": 3}


def _merge(found: dict, kind: str, order: int, axis) -> None:
    """Keep the highest order per (kind, axis); axes equal within ~0.5 degree merge."""
    for (k, other), best in list(found.items()):
        if k == kind and abs(np.dot(other, axis)) > 1.0 - 4e-5:
            found[(k, other)] = max(best, order)
            return
    found[(kind, tuple(axis))] = order


def finite_elements(elements: np.ndarray) -> list[dict]:
    """Symmetry elements of a finite group, sorted: rotations (by order, high first), mirrors,
    inversion, rotoreflections."""
    found: dict = {}
    inversion = False
    for m in elements:
        op = describe_operation(m)
        if op.kind == "inversion":
            inversion = True
        elif op.kind != "identity":
            _merge(found, op.kind, op.order, op.axis)
    out = []
    for (kind, axis), order in found.items():
        vector = [round(float(c), 12) + 0.0 for c in axis]  # + 0.0 turns -0.0 into 0.0
        if kind == "mirror":
            out.append({"kind": "mirror", "normal": vector})
        else:
            out.append({"kind": kind, "order": int(order), "axis": vector})
    if inversion:
        out.append({"kind": "inversion"})
    out.sort(key=lambda e: (_KIND_ORDER[e["kind"]], -e.get("order", 0),
                            [-c for c in e.get("axis", e.get("normal", []))]))  # fmt: skip
    return out


def continuous_elements(group) -> list[dict]:
    """Symmetry elements of an axial or spherical group (see PointGroup.symmetry_elements)."""
    if group.continuous == "spherical":
        out = [{"kind": "all_rotations"}]
        if len(group.elements) == 2:
            out += [{"kind": "all_mirrors"}, {"kind": "inversion"}]
        return out
    u = [round(float(c), 12) + 0.0 for c in group.axis]
    classes = axial_classes(group.elements, group.axis)
    out = [{"kind": "rotation", "order": "inf", "axis": u}]
    if (-1, 1) in classes:
        out.append({"kind": "rotation_family", "order": 2, "perpendicular_to": u})
    if (-1, -1) in classes:
        out.append({"kind": "mirror", "normal": u})
    if (1, -1) in classes:
        out.append({"kind": "mirror_family", "containing_axis": u})
    if (-1, -1) in classes:
        out.append({"kind": "inversion"})
    return out
