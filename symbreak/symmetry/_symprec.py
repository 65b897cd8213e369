"""The symprec ladder of a crystal pair: the point group the map keeps at each spglib symprec,
and a symprec read off it.

The crystal counterpart of :mod:`symbreak.symmetry._tolerance` (the ladder of a cluster's
map), with spglib's groups (:func:`~symbreak.symmetry.crystal_groups`) in place of the
operation errors. symprec is scanned on a geometric grid; *windows* are runs of one kept
group. A window where the kept group holds must span :data:`CLEAR_WINDOW` to be clear.

A fixed symprec cannot serve both exact and noisy structures: on BaTiO3 P4mm with 0.002 A of
noise on the child, spglib's default-like 0.01 A finds Cs (the map keeps a mirror only),
while the ladder shows C4v holding from 0.017 to 0.16 A.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.errors import DataError
from symbreak.symmetry._space_group import crystal_groups

#: spglib's symprec when the data give no clear window and the user no tolerance (Angstrom):
#: above the rounding of published coordinates (4 decimals of a 5-10 A cell, ~1e-3 A) and
#: below the smallest distortion of the catalogue (SrTiO3's 0.068 A).
DEFAULT_SYMPREC = 0.01

#: The scan of spglib's symprec (Angstrom): from below the rounding of published coordinates
#: to 15 % of the shortest interatomic distance, in steps of 10^(1/8). A window of symprec
#: where the kept group holds must span this factor to be clear. Up to 5 % only, PbTiO3 and
#: SrTiO3 with 0.005 A of noise showed no clear window: the child's (C4v from 0.042 A, D4h
#: from 0.041 A) was cut at 0.10 A, and the fallback chose Cs or C2.
SCAN_LOW, SCAN_HIGH_FRACTION, SCAN_STEPS_PER_DECADE, CLEAR_WINDOW = 1e-4, 0.15, 8, 4.0


@dataclass(frozen=True)
class SymprecChoice:
    """The windows of one pair's symprec scan and the symprec chosen from them.

    ``windows`` holds ``(low, high, group)``: every symprec tried in ``[low, high)`` finds the
    map keeping the point group named ``group``. ``group`` and ``gap`` are the chosen window's
    (None when every window keeps C1 only, and ``tolerance`` is then :data:`DEFAULT_SYMPREC`).
    """

    name: str
    windows: tuple[tuple[float, float, str], ...]
    tolerance: float
    group: str | None
    gap: tuple[float, float] | None

    def sentence(self) -> str | None:
        """What the choice rests on, in one clause (None when no window was chosen)."""
        if self.gap is None:
            return None
        low, high = self.gap
        return (f"for {self.name} spglib finds the map keeping {self.group} for every symprec "
                f"from {low:.3g} to {high:.3g}")  # fmt: skip

    def to_dict(self) -> dict:
        """The record ``config.preparation.symmetry_tolerance.pairs`` keeps of one pair."""
        out = {"pair": self.name,
               "ladder": [{"low": a, "high": b, "group": g} for a, b, g in self.windows],
               "tolerance": self.tolerance, "group": self.group,
               "gap": None if self.gap is None else list(self.gap)}  # fmt: skip
        return out if self.gap is None else out | {"sentence": self.sentence()}


def symprec_ladder(source, target, source_cell, target_cell, types, shortest_distance: float,
                   name: str = "the pair") -> SymprecChoice:  # fmt: skip
    """The point group the map keeps at each symprec of the scan, and the symprec chosen.

    The scan runs from :data:`SCAN_LOW` to :data:`SCAN_HIGH_FRACTION` of
    ``shortest_distance`` (between two atoms of the parent, images included). The choice is
    the symprec tried nearest the geometric middle of the lowest clear window (spanning
    :data:`CLEAR_WINDOW`) whose group is not C1, else of the widest window that is not C1,
    else :data:`DEFAULT_SYMPREC` (the rule of the cluster ladder,
    :func:`symbreak.symmetry.choose_tolerance`).

    Parameters
    ----------
    source, target : (N, 3) Cartesian positions of parent and child, row i becoming row i.
    source_cell, target_cell : (3, 3) lattice vectors as rows.
    types : (N,) integer species.
    shortest_distance : the parent's shortest interatomic distance (sets the scan's top).
    name : the pair's name, for the record and the sentence.

    >>> import numpy as np
    >>> cell = 4.0 * np.eye(3)
    >>> source = np.array([[0.0, 0, 0], [2, 2, 2]])
    >>> target = source + [[0, 0, 0], [0, 0, 0.2]]
    >>> choice = symprec_ladder(source, target, cell, cell, [1, 2], shortest_distance=3.46)
    >>> choice.group, choice.gap[0] < 0.01 < choice.gap[1]
    ('C4v', True)
    """
    high = max(SCAN_HIGH_FRACTION * shortest_distance, 2 * SCAN_LOW)
    steps = int(np.ceil(SCAN_STEPS_PER_DECADE * np.log10(high / SCAN_LOW)))
    grid = np.geomspace(SCAN_LOW, high, steps + 1)
    windows: list[list] = []  # [low, high, group name, the symprecs tried inside]
    for low, top in zip(grid[:-1], grid[1:]):
        try:
            group = crystal_groups(source, target, source_cell, target_cell, types,
                                   float(low)).kept_point_group.name  # fmt: skip
        except (DataError, ValueError):  # spglib found no group, or not a group: no window
            group = None
        if windows and windows[-1][2] == group:
            windows[-1][1] = float(top)
            windows[-1][3].append(float(low))
        else:
            windows.append([float(low), float(top), group, [float(low)]])
    ladder = [window for window in windows if window[2] is not None]
    broken = [window for window in ladder if window[2] != "C1"]
    clear = [window for window in broken if window[1] >= CLEAR_WINDOW * window[0]]
    choice = clear[0] if clear else max(broken, key=lambda w: w[1] / w[0], default=None)
    found = tuple((a, b, g) for a, b, g, _ in ladder)
    if choice is None:
        return SymprecChoice(name, found, DEFAULT_SYMPREC, None, None)
    low, top, group, tried = choice
    # a symprec that was tried, nearest the window's middle: spglib is not monotonic in
    # symprec, and on noisy quartz the untried middle (0.030 A) of a D3 window kept only C3
    middle = min(tried, key=lambda value: abs(np.log(value / np.sqrt(low * top))))
    return SymprecChoice(name, found, middle, group, (low, top))


__all__ = ["CLEAR_WINDOW", "DEFAULT_SYMPREC", "SymprecChoice", "symprec_ladder"]
