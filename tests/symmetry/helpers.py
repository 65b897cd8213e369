"""Shared fixtures for the symmetry tests: group names and random orientations."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

#: Every finite group type the issue names, Cn .. Dnd and S2n up to n = 8.
FINITE_GROUPS = (
    ["C1", "Ci", "Cs"]
    + [f"{family}{n}{suffix}" for n in range(2, 9)
       for family, suffix in [("C", ""), ("C", "v"), ("C", "h"), ("D", ""), ("D", "h"), ("D", "d")]]
    + [f"S{2 * n}" for n in range(2, 9)]
    + ["T", "Td", "Th", "O", "Oh", "I", "Ih"]
)  # fmt: skip

CONTINUOUS_GROUPS = ["Cinf", "Cinfv", "Cinfh", "Dinf", "Dinfh", "SO3", "O3"]


def random_orthogonal(seed: int, improper: bool = False) -> np.ndarray:
    """A reproducible random rotation (times -1 if ``improper``)."""
    q = Rotation.random(random_state=seed).as_matrix()
    return -q if improper else q


def principal_order(name: str) -> int:
    """Largest rotation order of the group called ``name``."""
    from symbreak.symmetry._naming import parse_group_name

    family, n, _ = parse_group_name(name)
    if family == "S":
        return n // 2
    return {"T": 3, "O": 4, "I": 5}.get(family, n)


_AXIAL_FAMILIES = [("C", ""), ("C", "v"), ("C", "h"), ("D", ""), ("D", "h"), ("D", "d")]

#: Every finite point-group type of order <= 120 that irreps up to l = 6 can tell apart (n <= 6),
#: and the axial families at n = 8, 10, 12, which need irreps up to l = n.
GROUPS_UP_TO_ORDER_120 = (
    ["C1", "Ci", "Cs"]
    + [f"{family}{n}{suffix}" for n in (2, 3, 4, 5, 6, 8, 10, 12)
       for family, suffix in _AXIAL_FAMILIES]
    + [f"S{2 * n}" for n in (2, 3, 4, 5, 6, 8, 10, 12)]
    + ["T", "Td", "Th", "O", "Oh", "I", "Ih"]
)  # fmt: skip

#: What an n-fold group with n > l_max looks like to irreps up to l_max: every m <= l_max
#: pair is a multiple of n only for m = 0, so the turns about the axis become continuous.
CONTINUOUS_COMPLETION = {"C": "Cinf", "Cv": "Cinfv", "Ch": "Cinfh", "D": "Dinf", "Dh": "Dinfh",
                         "Dd": "Dinfh", "S": "Cinfh"}  # fmt: skip
