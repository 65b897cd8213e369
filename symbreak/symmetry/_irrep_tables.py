"""Character tables of the crystallographic point groups that label symmetry modes.

A point group is recognised from its Cartesian matrices: each operation R is replaced by
its proper image :math:`\\det(R)\\, R`, whose order and axis name its class, so that one
table of a proper group (O, D4, D6, D3, T, D2, C1) also serves the groups with improper
operations: with inversion (:math:`O_h = O \\times C_i`) the irreps double into g and u
(CDML's + and -), and without it (:math:`T_d \\cong O`, :math:`C_{4v} \\cong D_4`) the
proper image is isomorphic to the proper group.

Irreps are numbered as Cracknell, Davies, Miller and Love (CDML, the Bilbao Crystallographic
Server and ISODISTORT): in :math:`O_h`, :math:`\\Gamma_1^+ = A_{1g}`, :math:`\\Gamma_3^+ = E_g`,
:math:`\\Gamma_4^- = T_{1u}`, :math:`\\Gamma_5^+ = T_{2g}`; in :math:`D_{4h}` (B1 being even
under the two-fold axes along the lattice vectors) 1-5 are :math:`A_1, B_1, A_2, B_2, E`
(so that the in-phase octahedral tilt of a perovskite, :math:`A_{2g}`-like at M, is
:math:`M_3^+`); in :math:`D_6`, 1-6 are :math:`A_1, A_2, B_1, B_2, E_2, E_1`. The numbers
were read from, and are tested against, the Bilbao tables that ``irreptables`` carries
(tests/symmetry/test_irrep_tables.py).

>>> table = table_for([np.eye(3), -np.eye(3)])
>>> [irrep.mulliken for irrep in table.irreps]
['Ag', 'Au']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Classes of each proper group, and per irrep its Mulliken name and characters.
#: Class keys: "E", "C3", "C4", "C6" (any power), "C2" (the principal or cube-axis 2-fold),
#: "C2'" (two-folds perpendicular to the principal axis, conjugate to one along a lattice
#: vector; in O the face diagonals), "C2''" (the other perpendicular two-folds); in D2 the
#: two-folds along c, b and a.
_PROPER = {
    "C1": (("E",), (("A", (1,)),)),
    "C2": (("E", "C2"), (("A", (1, 1)), ("B", (1, -1)))),
    "D2": (("E", "C2z", "C2y", "C2x"),
           (("A", (1, 1, 1, 1)), ("B1", (1, 1, -1, -1)),
            ("B2", (1, -1, 1, -1)), ("B3", (1, -1, -1, 1)))),
    "D3": (("E", "C3", "C2'"), (("A1", (1, 1, 1)), ("A2", (1, 1, -1)), ("E", (2, -1, 0)))),
    "D4": (("E", "C4", "C2", "C2'", "C2''"),
           (("A1", (1, 1, 1, 1, 1)), ("A2", (1, 1, 1, -1, -1)),
            ("B1", (1, -1, 1, 1, -1)), ("B2", (1, -1, 1, -1, 1)),
            ("E", (2, 0, -2, 0, 0)))),
    "D6": (("E", "C6", "C3", "C2", "C2'", "C2''"),
           (("A1", (1, 1, 1, 1, 1, 1)), ("A2", (1, 1, 1, 1, -1, -1)),
            ("B1", (1, -1, 1, -1, 1, -1)), ("B2", (1, -1, 1, -1, -1, 1)),
            ("E1", (2, 1, -1, -2, 0, 0)), ("E2", (2, -1, -1, 2, 0, 0)))),
    "O": (("E", "C3", "C2'", "C4", "C2"),
          (("A1", (1, 1, 1, 1, 1)), ("A2", (1, 1, -1, -1, 1)), ("E", (2, -1, 0, 0, 2)),
           ("T1", (3, 0, -1, 1, -1)), ("T2", (3, 0, 1, -1, -1)))),
}  # fmt: skip

#: CDML number of each irrep (by the Mulliken name of its proper image) for a proper group
#: with or without inversion ("proper") and for its isomorph with improper operations and no
#: inversion ("improper": Cs, C2v, C3v, C4v, Td). Read from the Bilbao tables in
#: ``irreptables`` (tests/symmetry/test_irrep_tables.py checks every tabulated k-point of
#: 27 space groups). D2's and C6v/D3h's numbering depends on the orientation of the k-point
#: in hexagonal lattices, so those get no number there.
_CDML = {
    ("C1", "proper"): {"A": 1}, ("C1", "improper"): {"A": 1},
    ("C2", "proper"): {"A": 1, "B": 2}, ("C2", "improper"): {"A": 1, "B": 2},
    ("D2", "proper"): {"A": 1, "B1": 2, "B3": 3, "B2": 4},
    ("D2", "improper"): {"A": 1, "B1": 2, "B3": 3, "B2": 4},
    ("D3", "proper"): {"A1": 1, "A2": 2, "E": 3}, ("D3", "improper"): {"A1": 1, "A2": 2, "E": 3},
    ("D4", "proper"): {"A1": 1, "B1": 2, "A2": 3, "B2": 4, "E": 5},
    ("D4", "improper"): {"A1": 1, "B1": 2, "B2": 3, "A2": 4, "E": 5},
    ("D6", "proper"): {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "E2": 5, "E1": 6},
    ("O", "proper"): {"A1": 1, "A2": 2, "E": 3, "T1": 4, "T2": 5},
    ("O", "improper"): {"A1": 1, "A2": 2, "E": 3, "T2": 4, "T1": 5},
}  # fmt: skip

#: D2, D2h and C2v whose two-folds cross the lattice vectors (N of a body-centred cubic
#: lattice, X of a body-centred tetragonal one, k along [110]): besides the one along a
#: lattice vector (C2z), CDML number them by the wave vector, one two-fold along k and one
#: perpendicular to it and to C2z. The class key the one along k takes (so that irrep 3 is
#: even under it when the key is C2x, under the perpendicular one when it is C2y), per
#: lattice and group, read off the Bilbao tables in ``irreptables`` (N of Im-3m, I432,
#: I-43m; X of I4/mmm, I4/mcm, I422, I4mm, I-4m2, I-42m: tests/symmetry/test_irrep_tables.py).
#: The rule is not one of restriction (I4/mmm's X3+ restricted to I422 is X4), so it is a
#: table. C2v is named by its proper image, whose two-folds are its mirrors' normals.
_ALONG_K = {
    ("cubic-I", "D2h"): "C2x", ("cubic-I", "D2"): "C2x", ("cubic-I", "C2v"): "C2y",
    ("tetragonal-I", "D2h"): "C2y", ("tetragonal-I", "D2"): "C2x",
    ("tetragonal-I", "C2v"): "C2x",
}  # fmt: skip

#: (order, number of 2-folds, number of 3-folds, of 4-folds, of 6-folds) -> proper group.
_SIGNATURE = {
    (1, 0, 0, 0, 0): "C1", (2, 1, 0, 0, 0): "C2", (4, 3, 0, 0, 0): "D2",
    (6, 3, 2, 0, 0): "D3", (8, 5, 0, 2, 0): "D4", (12, 7, 2, 0, 2): "D6",
    (24, 9, 8, 6, 0): "O",
}  # fmt: skip

#: Schoenflies names of the groups with improper operations, by proper image and inversion.
_FULL_NAME = {("C1", True): "Ci", ("C2", True): "C2h", ("D2", True): "D2h",
              ("D3", True): "D3d", ("D4", True): "D4h", ("D6", True): "D6h", ("O", True): "Oh"}


@dataclass(frozen=True)
class Irrep:
    """One irrep of a point group: Mulliken name, CDML label suffix, dimension, characters.

    ``cdml`` is the number and parity, e.g. ``'4-'`` (prefix it with the k-point: GM4-);
    empty where the numbering is not known here.
    ``characters`` has one value per operation, in the order the table was built from.
    """

    mulliken: str
    cdml: str
    dimension: int
    characters: np.ndarray


@dataclass(frozen=True)
class CharacterTable:
    """The irreps of a point group given as Cartesian matrices (see :func:`table_for`)."""

    name: str
    irreps: tuple[Irrep, ...]


def _rotation_order_axis(rotation: np.ndarray) -> tuple[int, np.ndarray]:
    """Order n of a proper rotation and its axis (unit vector; zero for the identity)."""
    cosine = np.clip((np.trace(rotation) - 1.0) / 2.0, -1.0, 1.0)
    angle = np.arccos(cosine)
    if angle < 1e-3:
        return 1, np.zeros(3)
    order = int(round(2 * np.pi / angle))
    if order == 2:
        symmetric = (rotation + np.eye(3)) / 2.0  # the projector onto the axis
        axis = symmetric[:, np.argmax(np.linalg.norm(symmetric, axis=0))]
    else:
        axis = np.array([rotation[2, 1] - rotation[1, 2], rotation[0, 2] - rotation[2, 0],
                         rotation[1, 0] - rotation[0, 1]])  # fmt: skip
    return order, axis / np.linalg.norm(axis)


def _class_keys(proper: list[np.ndarray], group: str, references: np.ndarray,
                along_k: tuple[np.ndarray, str] | None = None) -> list[str]:
    """Class key of each proper rotation in ``group`` (see :data:`_PROPER`); ``along_k``
    (the wave vector, Cartesian, and the key of the two-fold along it: :data:`_ALONG_K`)
    names the two-folds of a D2 that cross the lattice vectors."""
    orders_axes = [_rotation_order_axis(r) for r in proper]
    highest = max(order for order, _ in orders_axes)
    principal = next((axis for order, axis in orders_axes if order == highest), np.zeros(3))
    # D2 with two-folds across the lattice vectors (along [110] and [1-10]): the one along a
    # lattice vector is C2z, the other two are told apart by the sign of their components
    diagonal = group == "D2" and not _hexagonal(references) and any(
        order == 2 and np.abs(references @ axis).max() < 1 - 1e-3 for order, axis in orders_axes
    )
    keys = []
    for order, axis in orders_axes:
        if order != 2:
            keys.append("E" if order == 1 else f"C{order}")
            continue
        along_reference = np.abs(references @ axis).max() > 1 - 1e-3
        if group == "O":  # the 2-folds along the 4-fold axes: intrinsic, no reference needed
            along_reference = any(order == 4 and abs(axis @ other) > 1 - 1e-3
                                  for order, other in orders_axes)  # fmt: skip
        if group == "D2" and _hexagonal(references):  # z: along c; y: along a; x: across
            keys.append(_hexagonal_d2_key(axis, references))
        elif diagonal and along_reference:
            keys.append("C2z")
        elif diagonal and along_k is not None:
            wave, key = along_k
            parallel = abs(axis @ wave) > (1 - 1e-3) * np.linalg.norm(wave)
            keys.append(key if parallel else {"C2x": "C2y", "C2y": "C2x"}[key])
        elif diagonal:
            ordered = axis[np.argsort(-np.abs(axis))[:2]]
            keys.append("C2y" if ordered[0] * ordered[1] > 0 else "C2x")
        elif group == "D2":  # B1, B2, B3 are odd under the two-folds along c, b, a
            keys.append("C2" + "xyz"[int(np.argmax(np.abs(references @ axis)))])
        elif group == "O":
            keys.append("C2" if along_reference else "C2'")
        elif group in ("C2",) or abs(axis @ principal) > 1 - 1e-3:
            keys.append("C2")
        elif group in ("D3",):
            keys.append("C2'")
        else:
            keys.append(_perpendicular_class(axis, principal, references, highest))
    return keys


def _hexagonal_d2_key(axis, references) -> str:
    """The D2 class of a two-fold in a hexagonal lattice (the little co-group of M and L):
    ``C2z`` along the 6-fold axis c, ``C2y`` along one of the shortest lattice vectors in the
    plane (a1, a2, a1 + a2 for gamma = 120 degrees), ``C2x`` across them."""
    pair = _hexagonal_pair(references)
    c = np.cross(pair[0], pair[1])
    c = c / np.linalg.norm(c)
    if abs(axis @ c) > 1 - 1e-3:
        return "C2z"
    shortest = [pair[0], pair[1], pair[0] + pair[1], pair[0] - pair[1]]
    along = [v / np.linalg.norm(v) for v in shortest if np.linalg.norm(v) < 1 + 1e-3]
    return "C2y" if any(abs(axis @ v) > 1 - 1e-3 for v in along) else "C2x"


def _hexagonal_pair(references: np.ndarray) -> np.ndarray:
    """The two unit reference directions 60 or 120 degrees apart (the hexagonal a axes)."""
    for i, j in zip(*np.triu_indices(len(references), 1)):
        if abs(abs(references[i] @ references[j]) - 0.5) < 1e-3:
            return references[[i, j]]
    raise ValueError("no hexagonal pair among the references")


def _hexagonal_d2_numbers(proper, determinants, references, improper: bool) -> dict:
    """CDML numbers of D2, D2h and C2v at a hexagonal lattice's M and L, read off the Bilbao
    tables in ``irreptables`` (tests/symmetry/test_irrep_tables.py): B1, B2, B3 are even
    under the two-folds along c, along a and across (:func:`_hexagonal_d2_key`); in C2v the
    numbering follows which of the three is the proper two-fold."""
    order = ("B1", "B2", "B3")
    if improper:  # C2v
        proper_key = next(_hexagonal_d2_key(_rotation_order_axis(r)[1], references)
                          for r, d in zip(proper, determinants)
                          if d > 0 and _rotation_order_axis(r)[0] == 2)  # fmt: skip
        order = {"C2z": ("B1", "B3", "B2"), "C2x": ("B1", "B2", "B3"),
                 "C2y": ("B2", "B3", "B1")}[proper_key]  # fmt: skip
    return {"A": 1, **{name: n for n, name in enumerate(order, start=2)}}


def _perpendicular_class(axis, principal, references, n) -> str:
    """C2' or C2'' for a two-fold perpendicular to the principal axis of D_n (n even):
    C2' when its angle to the reference lattice vector is an even multiple of pi/n."""
    perpendicular = references - np.outer(references @ principal, principal)
    lengths = np.linalg.norm(perpendicular, axis=1)
    reference = perpendicular[np.argmax(lengths)] / lengths.max()
    angle = np.arctan2(np.cross(reference, axis) @ principal, reference @ axis)
    step = int(round(angle / (np.pi / n))) % 2
    return "C2'" if step == 0 else "C2''"


def table_for(matrices, references=None, wave_vector=None,
              lattice: str | None = None) -> CharacterTable | None:  # fmt: skip
    """The character table of the point group of Cartesian ``matrices`` (every element).

    ``references`` are directions (rows) that tell the two-fold classes apart: the lattice
    vectors (cube axes, the hexagonal a axes). ``wave_vector`` (Cartesian, the shortest of
    its equivalents) and ``lattice`` (``'cubic-I'``, ``'tetragonal-I'``) number a little
    co-group whose two-folds cross the lattice vectors (:data:`_ALONG_K`); without them its
    irreps get Mulliken names only. Returns None for a group not tabulated here (the cyclic
    groups C3, C4, C6 and the tetrahedral ones T, Th with complex irreps).
    """
    matrices = [np.asarray(m, dtype=np.float64) for m in matrices]
    references = np.eye(3) if references is None else np.asarray(references, dtype=np.float64)
    references = references / np.linalg.norm(references, axis=1, keepdims=True)
    determinants = np.array([np.sign(np.linalg.det(m)) for m in matrices])
    proper = [d * m for d, m in zip(determinants, matrices)]
    has_inversion = bool(np.any(np.abs(np.asarray(matrices) + np.eye(3)).max(axis=(1, 2)) < 1e-6))
    unique = _unique(proper)
    orders = [_rotation_order_axis(r)[0] for r in unique]
    signature = (len(unique), *(orders.count(n) for n in (2, 3, 4, 6)))
    group = _SIGNATURE.get(signature)
    if group is None or (has_inversion and len(unique) * 2 != len(matrices)):
        return None
    classes, rows = _PROPER[group]
    improper = not has_inversion and bool((determinants < 0).any())
    along_k = None
    crossing = group == "D2" and not _hexagonal(references) and any(
        np.abs(references @ _rotation_order_axis(r)[1]).max() < 1 - 1e-3
        for r in unique if _rotation_order_axis(r)[0] == 2)  # fmt: skip
    if crossing and wave_vector is not None:
        name = "D2h" if has_inversion else "C2v" if improper else "D2"
        key = _ALONG_K.get((lattice, name))
        along_k = None if key is None else (np.asarray(wave_vector, dtype=np.float64), key)
    keys = _class_keys(proper, group, references, along_k)
    column = [classes.index(key) for key in keys]
    numbers = _CDML.get((group, "improper" if improper else "proper"), {})
    if group == "D2" and _hexagonal(references):
        numbers = _hexagonal_d2_numbers(proper, determinants, references, improper)
    elif crossing and along_k is None:
        numbers = {}  # numbered relative to k, differently per lattice: see _ALONG_K
    elif group == "D6" and _hexagonal(references):
        numbers = numbers if not improper else {}
    elif group == "D4" and improper and any(key == "C2''" and d > 0
                                            for key, d in zip(keys, determinants)):  # fmt: skip
        # -4m2 (proper two-folds across the lattice vectors, mirrors along them): CDML swap
        # 3 and 4 against -42m and 4mm (P-4m2, P-4c2, P-4b2, P-4n2 at GM, Z, M, A)
        numbers = {**numbers, "A2": 3, "B2": 4}
    irreps = []
    parities = (("g", "+", 1.0), ("u", "-", -1.0)) if has_inversion else (("", "", 1.0),)
    for letter, sign, parity in parities:
        for mulliken, characters in rows:
            values = np.array([characters[c] for c in column], dtype=np.float64)
            values = values * np.where(determinants < 0, parity, 1.0)
            name = _mulliken(mulliken, letter, group, has_inversion, determinants)
            number = numbers.get(mulliken)
            cdml = f"{number}{sign}" if number else ""
            irreps.append(Irrep(name, cdml, int(characters[0]), values))
    full = _FULL_NAME.get((group, has_inversion), group)
    if improper:
        full = _improper_name(group, proper, determinants)
        irreps = _improper_mulliken(full, irreps, matrices, determinants)
    return CharacterTable(full, tuple(irreps))


def _hexagonal(references: np.ndarray) -> bool:
    """Whether two of the reference directions are 60 or 120 degrees apart."""
    cosines = np.abs(references @ references.T)[np.triu_indices(len(references), 1)]
    return bool(np.any(np.abs(cosines - 0.5) < 1e-3))


def _mulliken(name: str, letter: str, group: str, has_inversion: bool, determinants) -> str:
    if has_inversion:
        return name + letter
    if (determinants < 0).any() and group == "C2":  # Cs: the mirror's image is a two-fold
        return {"A": "A'", "B": "A''"}[name]
    return name


def _improper_name(group: str, proper, determinants) -> str:
    """The Schoenflies name of a group without inversion but with improper operations, from
    its proper image: C4v has a proper 4-fold, D2d only S4 (likewise C6v and D3h)."""
    proper_orders = {_rotation_order_axis(r)[0] for r, d in zip(proper, determinants) if d > 0}
    if group == "D4":
        return "C4v" if 4 in proper_orders else "D2d"
    if group == "D6":
        return "C6v" if 6 in proper_orders else "D3h"
    return {"C2": "Cs", "D2": "C2v", "D3": "C3v", "O": "Td"}.get(group, group)


def _improper_mulliken(name: str, irreps, matrices, determinants) -> list[Irrep]:
    """Mulliken names of C2v, D2d and D3h, read off the characters (the proper image's names
    are D2's, D4's and D6's). B1 of C2v is even under the first mirror met; B1/A1'' of D2d
    and D3h are even under the proper two-folds perpendicular to the principal axis."""
    if name not in ("C2v", "D2d", "D3h"):
        return irreps
    orders = [_rotation_order_axis(d * m)[0] for d, m in zip(determinants, matrices)]
    proper_two = [i for i, (o, d) in enumerate(zip(orders, determinants)) if o == 2 and d > 0]
    mirrors = [i for i, (o, d) in enumerate(zip(orders, determinants)) if o == 2 and d < 0]
    renamed = []
    for irrep in irreps:
        chars = irrep.characters
        if name == "C2v":
            if irrep.dimension == 1 and chars[proper_two[0]] > 0:
                mulliken = "A1" if chars.min() > 0 else "A2"
            else:
                mulliken = "B1" if chars[mirrors[0]] > 0 else "B2"
        elif name == "D2d":
            s4 = next(i for i, (o, d) in enumerate(zip(orders, determinants)) if o == 4 and d < 0)
            axis = _rotation_order_axis(-matrices[s4])[1]
            side = next(i for i in proper_two
                        if abs(_rotation_order_axis(matrices[i])[1] @ axis) < 1e-3)  # fmt: skip
            if irrep.dimension == 2:
                mulliken = "E"
            elif chars[s4] > 0:
                mulliken = "A1" if chars[side] > 0 else "A2"
            else:
                mulliken = "B1" if chars[side] > 0 else "B2"
        else:  # D3h: sigma_h is the mirror whose proper image is the principal 2-fold
            horizontal = next(i for i in mirrors if _is_principal(matrices, determinants, i))
            perpendicular = proper_two
            prime = "'" if chars[horizontal] > 0 else "''"
            if irrep.dimension == 2:
                mulliken = "E" + prime
            else:
                mulliken = ("A1" if chars[perpendicular[0]] > 0 else "A2") + prime
        renamed.append(Irrep(mulliken, irrep.cdml, irrep.dimension, irrep.characters))
    return renamed


def _is_principal(matrices, determinants, index) -> bool:
    """Whether the mirror ``index`` is perpendicular to the 3-fold axis (sigma_h)."""
    axis = next(_rotation_order_axis(d * m)[1] for d, m in zip(determinants, matrices)
                if _rotation_order_axis(d * m)[0] == 3)  # fmt: skip
    normal = _rotation_order_axis(-matrices[index])[1]
    return abs(normal @ axis) > 1 - 1e-3


def _unique(matrices: list[np.ndarray]) -> list[np.ndarray]:
    """The distinct matrices (to 1e-6), first occurrence kept."""
    found: dict[bytes, np.ndarray] = {}
    for m in matrices:
        found.setdefault((np.round(m, 6) + 0.0).tobytes(), m)
    return list(found.values())


__all__ = ["CharacterTable", "Irrep", "table_for"]
