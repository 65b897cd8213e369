"""Idealised molecules and clusters with known point groups (coordinates in angstrom).

Geometries are written by hand from textbook bond lengths and angles; only their symmetry
matters. Each entry: name -> (species, positions (N, 3), Schoenflies name).
"""

from __future__ import annotations

import numpy as np

GOLDEN = (1.0 + 5.0**0.5) / 2.0


def ring(count: int, radius: float, z: float = 0.0, phase: float = 0.0) -> np.ndarray:
    """``count`` points on a horizontal circle, the first at angle ``phase`` (degrees)."""
    angles = np.radians(phase) + 2.0 * np.pi * np.arange(count) / count
    return np.stack([radius * np.cos(angles), radius * np.sin(angles), np.full(count, z)], 1)


def cyclic_permutations(points) -> np.ndarray:
    """Every sign choice of every point, under the three cyclic permutations of (x, y, z)."""
    out = []
    for p in points:
        for sx in (-1, 1):
            for sy in (-1, 1):
                for sz in (-1, 1):
                    q = np.array(p, dtype=float) * [sx, sy, sz]
                    for shift in range(3):
                        out.append(np.roll(q, shift))
    unique = np.unique(np.round(np.array(out), 9), axis=0)
    return unique


def _tetrahedron(scale: float) -> np.ndarray:
    return scale * np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)


def _stack(*groups):
    species, positions = [], []
    for label, points in groups:
        points = np.atleast_2d(np.asarray(points, dtype=float))
        species += [label] * len(points)
        positions.append(points)
    return species, np.concatenate(positions)


def _entry(expected: str, *groups):
    species, positions = _stack(*groups)
    return species, positions, expected


def _molecules() -> dict:
    ethane_top = ring(3, 1.02, 1.16)
    h2o2_h = np.array([0.95, 0.9 * np.cos(np.radians(57)), 0.9 * np.sin(np.radians(57))])
    dodecahedron = cyclic_permutations([[1, 1, 1], [0, 1 / GOLDEN, GOLDEN]])
    icosahedron = cyclic_permutations([[0, 1, GOLDEN]])
    c60 = cyclic_permutations([[0, 1, 3 * GOLDEN], [1, 2 + GOLDEN, 2 * GOLDEN],
                               [GOLDEN, 2, GOLDEN**3]])  # fmt: skip
    chair = ring(6, 1.45) + np.array([[0, 0, 0.25 * (-1) ** k] for k in range(6)])
    boric_o = ring(3, 1.36)
    boric_h = boric_o + ring(3, 0.96, phase=75)
    return {
        "water": _entry(
            "C2v", ("O", [0, 0, 0.117]), ("H", [[0, 0.757, -0.469], [0, -0.757, -0.469]])
        ),
        "ammonia": _entry("C3v", ("N", [0, 0, 0.1]), ("H", ring(3, 0.94, -0.27))),
        "methane": _entry("Td", ("C", [0, 0, 0]), ("H", _tetrahedron(0.629))),
        "benzene": _entry("D6h", ("C", ring(6, 1.39)), ("H", ring(6, 2.47))),
        "ethylene": _entry(
            "D2h",
            ("C", [[0.667, 0, 0], [-0.667, 0, 0]]),
            ("H", [[1.23, 0.92, 0], [1.23, -0.92, 0], [-1.23, 0.92, 0], [-1.23, -0.92, 0]]),
        ),
        "carbon dioxide": _entry("Dinfh", ("C", [0, 0, 0]), ("O", [[1.16, 0, 0], [-1.16, 0, 0]])),
        "hydrogen cyanide": _entry(
            "Cinfv", ("H", [0, 0, -1.065]), ("C", [0, 0, 0]), ("N", [0, 0, 1.156])
        ),
        "sulfur hexafluoride": _entry(
            "Oh", ("S", [0, 0, 0]), ("F", 1.56 * np.vstack([np.eye(3), -np.eye(3)]))
        ),
        "staggered ethane": _entry(
            "D3d",
            ("C", [[0, 0, 0.765], [0, 0, -0.765]]),
            ("H", np.vstack([ethane_top, ring(3, 1.02, -1.16, 60)])),
        ),
        "eclipsed ethane": _entry(
            "D3h",
            ("C", [[0, 0, 0.765], [0, 0, -0.765]]),
            ("H", np.vstack([ethane_top, ring(3, 1.02, -1.16)])),
        ),
        "allene": _entry(
            "D2d",
            ("C", [[0, 0, 0], [0, 0, 1.31], [0, 0, -1.31]]),
            ("H", [[0.93, 0, 1.87], [-0.93, 0, 1.87], [0, 0.93, -1.87], [0, -0.93, -1.87]]),
        ),
        "hydrogen peroxide": _entry(
            "C2", ("O", [[0.725, 0, 0], [-0.725, 0, 0]]), ("H", [h2o2_h, h2o2_h * [-1, -1, 1]])
        ),
        "eclipsed ferrocene": _entry(
            "D5h",
            ("Fe", [0, 0, 0]),
            ("C", np.vstack([ring(5, 1.2, 1.66), ring(5, 1.2, -1.66)])),
            ("H", np.vstack([ring(5, 2.28, 1.66), ring(5, 2.28, -1.66)])),
        ),
        "staggered ferrocene": _entry(
            "D5d",
            ("Fe", [0, 0, 0]),
            ("C", np.vstack([ring(5, 1.2, 1.66), ring(5, 1.2, -1.66, 36)])),
            ("H", np.vstack([ring(5, 2.28, 1.66), ring(5, 2.28, -1.66, 36)])),
        ),
        "dodecahedral C20": _entry("Ih", ("C", 1.25 * dodecahedron)),
        "B12H12 cluster": _entry("Ih", ("B", 0.85 * icosahedron), ("H", 1.6 * icosahedron)),
        "C60 fullerene": _entry("Ih", ("C", 0.716 * c60)),
        "CHFClBr": _entry(
            "C1",
            ("C", [0, 0, 0]),
            ("H", 1.09 * np.array([1, 1, 1]) / 3**0.5),
            ("F", 1.35 * np.array([1, -1, -1]) / 3**0.5),
            ("Cl", 1.77 * np.array([-1, 1, -1]) / 3**0.5),
            ("Br", 1.94 * np.array([-1, -1, 1]) / 3**0.5),
        ),
        "trans-N2F2": _entry(
            "C2h", ("N", [[0.62, 0, 0], [-0.62, 0, 0]]), ("F", [[1.3, 1.0, 0], [-1.3, -1.0, 0]])
        ),
        "boron trifluoride": _entry("D3h", ("B", [0, 0, 0]), ("F", ring(3, 1.31))),
        "phosphorus pentachloride": _entry(
            "D3h",
            ("P", [0, 0, 0]),
            ("Cl", np.vstack([ring(3, 2.02), [[0, 0, 2.12], [0, 0, -2.12]]])),
        ),
        "cyclohexane chair": _entry("D3d", ("C", chair)),
        "hypochlorous acid": _entry(
            "Cs", ("O", [0, 0, 0]), ("H", [0.96, 0, 0]), ("Cl", [-0.4, 1.6, 0])
        ),
        "boric acid": _entry("C3h", ("B", [0, 0, 0]), ("O", boric_o), ("H", boric_h)),
        "cubane": _entry(
            "Oh",
            ("C", 0.78 * cyclic_permutations([[1, 1, 1]])),
            ("H", 1.41 * cyclic_permutations([[1, 1, 1]])),
        ),
        "anti C2H2F2Cl2 (meso)": _entry(
            "Ci",
            ("C", [[0.77, 0, 0], [-0.77, 0, 0]]),
            ("Cl", [[1.2, 1.0, 0.5], [-1.2, -1.0, -0.5]]),
            ("F", [[1.2, -0.6, 0.9], [-1.2, 0.6, -0.9]]),
            ("H", [[1.2, -0.4, -1.0], [-1.2, 0.4, 1.0]]),
        ),
        "nitrogen": _entry("Dinfh", ("N", [[0, 0, 0.55], [0, 0, -0.55]])),
        "xenon atom": _entry("O3", ("Xe", [0, 0, 0])),
    }


#: name -> (species, positions, expected Schoenflies name)
MOLECULES = _molecules()
