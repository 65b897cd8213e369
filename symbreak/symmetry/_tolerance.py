"""The tolerance ladder of a transformation, and a tolerance chosen from the data.

Every symmetry operation M of the source (with its atom permutation p) leaves an *error* on
the pair, :math:`e(M) = \\max_i \\max(|M s_i - s_{p(i)}|, |M t_i - t_{p(i)}|)` (source and
target about their own centroids). The symmetry the transformation keeps within a tolerance
τ is :math:`\\{M : e(M) \\le \\tau\\}`, so the sorted errors cut the τ axis into windows, each
with one group: the *ladder*.

Exact data put the operations the distortion keeps at rounding level (1e-16) and the others
at the size of the breaking; noisy data with noise σ put the kept ones at a few σ. Either way
the kept operations sit below a *gap* in the errors, and the right tolerance is inside it.
:func:`choose_tolerance` takes the lowest gap whose edges differ by at least
:data:`GAP_RATIO`, with its lower edge under :data:`LARGEST_TOLERANCE` of the nearest-neighbour
distance (a noise floor any larger than that is no symmetry at all), and returns the
geometric middle of the gap. Errors below :data:`ROUNDING` of the structure's size count as
zero, so the spread of rounding errors is never taken for a gap.

>>> import itertools
>>> import numpy as np
>>> source = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))  # the cube's vertices
>>> target = source * [1.0, 1.0, 1.01]          # a 1 % tetragonal strain
>>> choice = choose_tolerance(source, target)
>>> choice.group.name, 1e-6 < choice.tolerance < 0.02
('D4h', True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.symmetry._neighbours import nearest_other
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import close_group
from symbreak.symmetry._structure import (
    LabelledPoints,
    _as_labels,
    _as_positions,
    _linear_axis,
    symmetry_operations,
)


def _size(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.sum((x - x.mean(axis=0)) ** 2, axis=1)))) or 1.0

#: Neighbouring errors at least this far apart (ratio) bound a gap.
GAP_RATIO = 4.0
#: Without such a gap, the widest rung that is not the identity counts if its edges are this
#: far apart: CH4 with a bond stretched by 0.15 A and 0.01 A of noise has C3v over a factor 3.4
#: (and Cs over 1.8); the identity's rung below it had been taken, in 153 of 200 frames.
FALLBACK_RATIO = 2.0
#: A gap is taken only if it is at least this share as wide (in decades) as the widest gap:
#: noise spreads the errors of the operations it breaks over a factor of a few, which can
#: open a narrow gap below the real one (CH4 with one bond stretched by 0.15 A and 0.001 A of
#: noise: Cs over a factor 4.2, then C3v over a factor 25; the lowest gap said Cs).
WIDTH_SHARE = 0.5
#: A chosen tolerance's lower edge stays below this fraction of the nearest-neighbour distance.
LARGEST_TOLERANCE = 0.05
#: Errors below this fraction of the structure's radius are rounding and count as zero.
ROUNDING = 1e-9


@dataclass(frozen=True)
class Rung:
    """Tolerances in ``[low, high)`` find ``group``."""

    low: float
    high: float
    group: PointGroup

    def to_dict(self) -> dict:
        high = self.high if np.isfinite(self.high) else None
        return {"low": self.low, "high": high, "group": self.group.name}


@dataclass(frozen=True)
class ToleranceChoice:
    """A tolerance inside the lowest clear gap of the ladder, and the ladder itself."""

    tolerance: float
    group: PointGroup
    ladder: tuple[Rung, ...]
    gap: tuple[float, float] | None

    def to_dict(self) -> dict:
        return {
            "tolerance": self.tolerance,
            "group": self.group.name,
            "gap": list(self.gap) if self.gap else None,
            "ladder": [rung.to_dict() for rung in self.ladder],
        }


def _nearest_neighbour(x: np.ndarray) -> float:
    return float(nearest_other(x).min())


def operation_errors(source, target, species=None, search: float | None = None):
    """Operations (M, error) of the source found within ``search``, each with its error.

    ``search`` (a length) bounds how far from exact a source operation may be; the default,
    :data:`LARGEST_TOLERANCE` of the nearest-neighbour distance, covers any noise a
    symmetry can be read through.
    """
    s, t = _as_positions(source), _as_positions(target)
    labels = _as_labels(species, len(s))
    s, t = s - s.mean(axis=0), t - t.mean(axis=0)
    search = LARGEST_TOLERANCE * _nearest_neighbour(s) if search is None else search
    points = LabelledPoints(s, labels)
    out = []
    for matrix, permutation in symmetry_operations(points, search):
        error = max(np.abs(s @ matrix.T - s[permutation]).max(),
                    np.linalg.norm(t @ matrix.T - t[permutation], axis=1).max())  # fmt: skip
        out.append((matrix, float(error)))
    return out


def _group_below(operations, bound: float) -> PointGroup | None:
    """The operations with error <= ``bound`` if they form a group, else None."""
    kept = [m for m, e in operations if e <= bound]
    try:
        closed = close_group(kept, max_order=len(operations) + 1)
    except ValueError:
        return None
    return PointGroup.finite(closed) if len(closed) == len(kept) else None


def tolerance_ladder(source, target, species=None) -> tuple[Rung, ...]:
    """The windows of tolerance, from rounding up, in which each group holds."""
    operations = operation_errors(source, target, species)
    floor = ROUNDING * _size(_as_positions(source))
    operations = [(m, max(e, floor)) for m, e in operations]
    edges = sorted({e for _, e in operations})
    rungs = []
    for low, high in zip(edges, edges[1:] + [np.inf]):
        group = _group_below(operations, low)
        if group is not None:
            rungs.append(Rung(low, high, group))
    return tuple(rungs)


def wide_enough(windows: list, edges) -> list:
    """``windows`` (lowest first) at least :data:`WIDTH_SHARE` as wide, in decades, as the
    widest; ``edges(window)`` gives its (low, high).

    >>> wide_enough([(1e-3, 4.2e-3), (4.6e-3, 0.113)], lambda w: w)
    [(0.0046, 0.113)]
    >>> wide_enough([(1e-12, 0.01), (0.01, 0.2)], lambda w: w)  # exact data: the lowest
    [(1e-12, 0.01)]
    """
    widths = [np.log10(high / low) for low, high in map(edges, windows)]
    if not widths:
        return []
    return [w for w, width in zip(windows, widths) if width >= WIDTH_SHARE * max(widths)]


def choose_tolerance(source, target, species=None,
                     default: float | None = None) -> ToleranceChoice:  # fmt: skip
    """A tolerance for the transformation's group, read off its ladder.

    The lowest rung whose high edge is at least :data:`GAP_RATIO` times its low edge, whose
    low edge is below :data:`LARGEST_TOLERANCE` of the nearest-neighbour distance, and which
    is at least :data:`WIDTH_SHARE` as wide as the widest such rung (:func:`wide_enough`);
    ``tolerance`` is the geometric middle of that gap. Without such a gap, the widest rung other
    than the identity's if its edges are :data:`FALLBACK_RATIO` apart, else the identity's
    gap; else ``default`` (or the lowest rung's upper edge halved) and ``gap`` is None.
    """
    x = _as_positions(source)
    if len(x) < 3 or _linear_axis(x - x.mean(axis=0), ROUNDING * _size(x)) is not None:
        # collinear points: no finite operations to rank (C∞v or D∞h); the default decides
        from symbreak.symmetry._structure import transformation_group

        fallback = DEFAULT_SYMMETRY_TOLERANCE if default is None else default
        group = transformation_group(source, target, species, fallback)
        return ToleranceChoice(float(fallback), group, (), None)
    ladder = tolerance_ladder(source, target, species)
    if not ladder:
        fallback = DEFAULT_SYMMETRY_TOLERANCE if default is None else default
        return ToleranceChoice(float(fallback), PointGroup.finite(np.eye(3)), (), None)
    cap = LARGEST_TOLERANCE * _nearest_neighbour(x)
    below_cap = [r for r in ladder if r.low <= cap]
    # The identity alone below the first error is a gap on any noisy data (from rounding up
    # to the noise); it is the answer only when no other rung is clear.
    floor = ladder[0].low
    real = [r for r in below_cap if not (r.low == floor and r.group.order == 1)]
    identity = [r for r in below_cap if r not in real and r.high >= GAP_RATIO * r.low]
    # the top rung (the source's own group) is unbounded: its width counts up to the cap
    width = lambda r: (r.low, r.high if np.isfinite(r.high) else max(cap, r.low))  # noqa: E731
    gaps = [r for r in real if r.high >= GAP_RATIO * r.low]
    if not gaps:  # noise close to the distortion: the widest rung, if it is still a step
        widest = max(real, key=lambda r: np.log(width(r)[1] / width(r)[0]), default=None)
        gaps = [widest] if widest is not None and widest.high >= FALLBACK_RATIO * widest.low else []
    for rung in wide_enough(gaps or identity, width):
        high = min(rung.high, 1e3 * cap)
        return ToleranceChoice(float(np.sqrt(rung.low * high)), rung.group, ladder,
                               (rung.low, float(rung.high)))  # fmt: skip
    fallback = default if default is not None else ladder[0].high / 2
    group = next((r.group for r in ladder if r.low <= fallback < r.high), ladder[0].group)
    return ToleranceChoice(float(fallback), group, ladder, None)
