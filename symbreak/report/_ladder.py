"""How robust the residual group is: the threshold windows in which each group holds.

The residual group depends on the threshold t twice: a block counts when its relative norm
exceeds t and it passes the loss test at t (:func:`symbreak.report.is_needed`), and an element
of the input group G fixes the counted vectors v when it moves them by at most t times their
norm (:func:`symbreak.symmetry.residual_group`). Both only grow the group as t grows, so the
groups form a chain, from the report's own threshold (below it, no block had its loss test
run) up to G itself once no block counts.

For a finite G the windows are exact: between two consecutive *switch points* (a relative norm,
or the t at which a block's loss test flips, :math:`\\sqrt{\\Delta L / L_0}`) the counted set is
fixed, and within it every element g joins at :math:`\\|D(g)v - v\\| / \\|v\\|`. For continuous G
(trajectories: O(3)) the stabiliser is sampled at the switch points and four points per decade
between them, so a window edge there is known to a factor of 10^(1/4).

>>> from symbreak.symmetry import named_group
>>> window = ThresholdWindow(1e-3, 0.5, named_group("D4h"))
>>> window.to_dict()
{'low': 0.001, 'high': 0.5, 'group': 'D4h'}
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symbreak.report._activity import IrrepRow, is_needed
from symbreak.symmetry import PointGroup, residual_group, wigner_D

#: Sampling of continuous input groups between switch points (points per decade).
_SAMPLES_PER_DECADE = 4


@dataclass(frozen=True)
class ThresholdWindow:
    """For thresholds ``low <= t < high`` the residual group is ``group`` (``high`` may be inf)."""

    low: float
    high: float
    group: PointGroup

    @property
    def name(self) -> str:
        return self.group.name

    def to_dict(self) -> dict:
        """JSON-ready; an unbounded ``high`` is ``None``."""
        return {"low": self.low, "high": None if math.isinf(self.high) else self.high,
                "group": self.group.name}  # fmt: skip


def _counted(rows: list[IrrepRow], t: float, loss: float, data_loss: float,
             resolution: float | None = None) -> list[IrrepRow]:  # fmt: skip
    return [row for row in rows if row.irrep != "0e" and row.relative_norm > t
            and is_needed(row.loss_zeroed, loss, data_loss, t, resolution)]  # fmt: skip


def _vectors(rows: list[IrrepRow]) -> dict[str, list[np.ndarray]]:
    vectors: dict[str, list[np.ndarray]] = {}
    for row in rows:
        vectors.setdefault(row.irrep, []).append(np.asarray(row.vector, dtype=np.float64))
    return vectors


def _group_at(input_group: PointGroup, rows: list[IrrepRow], t: float) -> PointGroup:
    """The residual group exactly as :func:`symbreak.report.build_report` computes it."""
    vectors = _vectors(rows)
    return residual_group(input_group, vectors, t) if vectors else input_group


def _switch_points(rows: list[IrrepRow], loss: float, data_loss: float,
                   threshold: float) -> list[float]:  # fmt: skip
    """Thresholds above ``threshold`` where the counted set of blocks can change."""
    points = set()
    for row in rows:
        if row.irrep == "0e" or row.loss_zeroed is None:
            continue
        points.add(row.relative_norm)
        gain = row.loss_zeroed - loss
        if data_loss > 0 and gain > 0:
            points.add(math.sqrt(gain / data_loss))  # where t² L_d overtakes the gain
    return [p for p in _distinct(list(points)) if p > threshold * (1 + 1e-6)]


def _element_points(input_group: PointGroup, rows: list[IrrepRow]) -> list[float]:
    """:math:`\\|D(g)v - v\\| / \\|v\\|` for every element g of a finite group."""
    vectors = [(row.irrep, np.asarray(row.vector, dtype=np.float64)) for row in rows]
    scale = math.sqrt(sum(float(v @ v) for _, v in vectors))
    if scale == 0.0:
        return []
    squared = np.zeros(len(input_group.elements))
    for irrep, v in vectors:
        squared += np.sum((wigner_D(irrep, input_group.elements) @ v - v) ** 2, axis=1)
    return _distinct((np.sqrt(squared) / scale).tolist())


def _distinct(values: list[float], relative: float = 1e-6) -> list[float]:
    """Sorted values with near-equal ones (rounding of equal errors) merged into the largest,
    so that every probe between two of them is clear of both."""
    out: list[float] = []
    for value in sorted(values):
        if out and value <= out[-1] * (1 + relative):
            out[-1] = value
        else:
            out.append(value)
    return out


def _inner_points(input_group: PointGroup, rows: list[IrrepRow], low: float,
                  high: float) -> list[float]:  # fmt: skip
    """Points strictly inside (low, high) where the group may grow, counted set fixed."""
    if input_group.is_finite:
        candidates = _element_points(input_group, rows)
    else:
        top = high if math.isfinite(high) else 10 * low
        steps = max(int(math.ceil(math.log10(top / low) * _SAMPLES_PER_DECADE)), 1)
        candidates = [low * (top / low) ** (k / steps) for k in range(1, steps + 1)]
    return [p for p in candidates if low < p < high]


def _probe(low: float, high: float) -> float:
    """A threshold safely inside [low, high): away from rounding at either edge."""
    return math.sqrt(low * high) if math.isfinite(high) else 2.0 * low


def threshold_ladder(rows: list[IrrepRow], input_group: PointGroup, loss: float,
                     data_loss: float, threshold: float, resolution: float | None = None
                     ) -> list[ThresholdWindow]:  # fmt: skip
    """Windows of threshold, from ``threshold`` up, each with its residual group.

    Parameters
    ----------
    rows : :func:`symbreak.report.irrep_rows` of the run, measured at ``threshold``.
    input_group : the input's point group G (the report's ``input`` group).
    loss, data_loss : the fit loss of the fitted network (the fit summary's ``loss``) and the
        data's own mean square (:func:`symbreak.report._activity.reference_loss`), for the
        loss test at each threshold.
    threshold : the threshold ``rows`` were measured at (the lowest the ladder can go).
    resolution : the task's loss resolution, as for the rows (:func:`needed_margin`).

    Returns
    -------
    Consecutive windows ``[low, high)`` with distinct groups, growing with t; the first starts
    at ``threshold`` and holds the report's residual group, the last ends at infinity with G.
    """
    threshold = max(float(threshold), 1e-300)
    edges = [threshold, *_switch_points(rows, loss, data_loss, threshold), math.inf]
    windows: list[ThresholdWindow] = []
    for low, high in zip(edges[:-1], edges[1:]):
        counted = _counted(rows, _probe(low, high), loss, data_loss, resolution)
        inner = [low, *(_inner_points(input_group, counted, low, high) if counted else []), high]
        for a, b in zip(inner[:-1], inner[1:]):
            try:
                group = _group_at(input_group, counted, _probe(a, b))
                group.name  # noqa: B018 - a set that is no point group fails here
            except ValueError:  # so loose a tolerance that near-identity turns pass: no group
                continue
            if windows and windows[-1].group == group:
                windows[-1] = ThresholdWindow(windows[-1].low, b, group)
            else:
                windows.append(ThresholdWindow(a, b, group))
    return windows
