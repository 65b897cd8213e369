"""How stable is a sweep's answer: activity, residual groups, directions, consensus, flags.

The *answer* of one run is its residual group (the input's symmetry that its relaxed weights
keep, :func:`symbreak.report.build_report`). Over a sweep this module reports

- for each irrep, the fraction of runs in which it is active;
- the residual groups per hyper-parameter point (the seeds pooled), a group x (l, λ) table;
- the spread of each active block's direction: the largest angle between two seeds'
  breaking parts (the block minus its input-invariant part) at the same hyper-parameters,
  :math:`\\arccos |\\hat u \\cdot \\hat v|` (the sign is free: the path weights after a block
  can absorb it);
- the consensus (the most common residual group) and how many runs agree, as a name and
  as the same group in the same orientation (the same domain);
- a flag for each parameter whose change alone changes the answer: two runs that differ
  only in that parameter (seed included) and end in different groups;
- the domains of the consensus group in the input group (:func:`symbreak.symmetry.domains`)
  and which of them the runs chose.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from symbreak.sweep._grid import SweepGrid, format_value, is_finished, read_sweep
from symbreak.symmetry import Domain, PointGroup, breaking_part, domains

if TYPE_CHECKING:
    from symbreak.report import Report

STABILITY_SCHEMA = 1
#: Breaking parts shorter than this fraction of their block are rounding, not a direction.
BREAKING_FLOOR = 1e-6


@dataclass
class RunAnswer:
    """What one grid point's run answered."""

    name: str
    values: dict
    residual: str
    residual_group: PointGroup
    input_group: PointGroup
    activated: list[str]
    vectors: dict  # "2e layer 0" -> unit vector of an active block
    polar_reference: list | None = None  # the data's polar direction (the chosen domain's)


@dataclass
class Stability:
    """The stability report of a sweep (``symbreak explain SWEEP``); :meth:`to_dict` is JSON."""

    path: Path
    grid: SweepGrid
    answers: list[RunAnswer]
    missing: list[str]
    activity: dict = field(default_factory=dict)
    table: list[dict] = field(default_factory=list)
    spread: dict = field(default_factory=dict)
    consensus: dict = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    domain_counts: list[int] = field(default_factory=list)
    #: Block -> one entry per run: its values and the axis of its signal's largest lobe.
    directions: dict = field(default_factory=dict)

    @property
    def stable(self) -> bool:
        """One answer over the whole grid, and no point missing."""
        return not self.flags and not self.missing and bool(self.answers)

    def to_dict(self) -> dict:
        return {
            "schema": STABILITY_SCHEMA,
            "kind": "sweep",
            "sweep": str(self.path),
            "axes": self.grid.axes,
            "fixed": self.grid.fixed,
            "runs": len(self.answers),
            "missing": self.missing,
            "stable": self.stable,
            "consensus": self.consensus,
            "flags": self.flags,
            "activity": self.activity,
            "residual_groups": self.table,
            "direction_spread_degrees": self.spread,
            "directions": self.directions,
            "domains": [d.to_dict() | {"runs": n}
                        for d, n in zip(self.domains, self.domain_counts)],  # fmt: skip
            "points": [{"name": a.name, "values": a.values, "residual_point_group": a.residual,
                        "activated_irreps": a.activated} for a in self.answers],  # fmt: skip
        }


def run_answer(name: str, values: dict, report: Report) -> RunAnswer:
    """The answer of one run from its :class:`~symbreak.report.Report`."""

    input_group = report.groups.input
    vectors = {}
    # the data's polar direction orients the domain (the report's chosen domain carries it);
    # the network's 1o sign is a gauge and must not decide it
    polar = report.domains[0].get("polar_axis") if report.domains else None
    for row in report.rows:
        if not row.active:
            continue
        # the breaking part: a block may also hold input-invariant directions (4e has one
        # under Oh) that mix freely with the breaking one; only the breaking one is an answer
        vector = breaking_part(row.irrep, row.vector, input_group)
        norm = np.linalg.norm(vector)
        if norm > BREAKING_FLOOR * max(np.linalg.norm(row.vector), 1e-300) and vector.size > 1:
            copy = f" copy {row.copy}" if row.copy else ""
            vectors[f"{row.irrep} layer {row.layer}{copy}"] = vector / norm
    return RunAnswer(
        name=name, values=values, residual=report.residual_group.name,
        residual_group=report.residual_group, input_group=input_group,
        activated=report.activated_irreps, vectors=vectors, polar_reference=polar,
    )  # fmt: skip


def _report_of(folder: Path, threshold: float | None, tolerance: float | None) -> Report:
    """The run's saved report when it fits the options and reads back, else rebuilt (loads
    torch)."""
    from symbreak.pipeline import open_run
    from symbreak.report import DEFAULT_THRESHOLD, build_report, saved_report

    saved = saved_report(folder, threshold=threshold, tolerance=tolerance)
    if saved is not None:
        return saved
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    return build_report(open_run(folder), threshold=threshold, tolerance=tolerance)


def analyse_sweep(path: str | os.PathLike, threshold: float | None = None,
                  tolerance: float | None = None) -> Stability:  # fmt: skip
    """Read every finished point of the sweep at ``path`` and measure the answer's stability.

    ``threshold`` and ``tolerance`` are those of ``symbreak explain``; None uses each run's
    saved report as it is.
    """
    path = Path(path)
    state = read_sweep(path)
    answers, missing = [], []
    for point in state.grid.points():
        folder = path / point.name
        if not is_finished(folder):
            missing.append(point.name)
            continue
        answers.append(run_answer(point.name, point.values,
                                  _report_of(folder, threshold, tolerance)))  # fmt: skip
    return stability(path, state.grid, answers, missing)


def stability(path: Path, grid: SweepGrid, answers: list[RunAnswer],
              missing: list[str]) -> Stability:  # fmt: skip
    """The measures of the module docstring, from the runs' answers."""
    result = Stability(path, grid, answers, missing)
    if not answers:
        return result
    result.activity = activity(answers)
    result.table = group_table(grid, answers)
    result.spread = direction_spread(grid, answers)
    result.consensus = consensus(answers)
    result.flags = flags(grid, answers)
    result.directions = directions(answers)
    chosen = next(a for a in answers if a.residual == result.consensus["group"])
    try:
        result.domains = domains(chosen.input_group, chosen.residual_group,
                                 reference=chosen.polar_reference)  # fmt: skip
    except ValueError:  # continuous input group: infinitely many domains, none listed
        result.domains = []
    result.domain_counts = [sum(in_domain(a, d) for a in answers) for d in result.domains]
    return result


def activity(answers: list[RunAnswer]) -> dict[str, float]:
    """Irrep -> fraction of runs in which it is active (irreps active in some run)."""
    counts = Counter(irrep for a in answers for irrep in set(a.activated))
    order = sorted(counts, key=lambda name: (int(name[:-1]), name[-1]))
    return {irrep: counts[irrep] / len(answers) for irrep in order}


def _setting(grid: SweepGrid, answer: RunAnswer) -> tuple:
    return tuple(answer.values[name] for name in grid.hyper_parameters)


def group_table(grid: SweepGrid, answers: list[RunAnswer]) -> list[dict]:
    """One row per hyper-parameter point: its values and ``{group: runs}`` over the seeds."""
    rows: dict[tuple, Counter] = {}
    for answer in answers:
        rows.setdefault(_setting(grid, answer), Counter())[answer.residual] += 1
    return [{"values": dict(zip(grid.hyper_parameters, key)), "groups": dict(counts)}
            for key, counts in rows.items()]  # fmt: skip


def _angle(u: np.ndarray, v: np.ndarray) -> float:
    if u.shape != v.shape:
        return math.nan
    return math.degrees(math.acos(min(1.0, abs(float(u @ v)))))


def direction_spread(grid: SweepGrid, answers: list[RunAnswer]) -> dict[str, float]:
    """Block -> largest angle (degrees) between two seeds' unit vectors at one setting.

    Blocks active in one run only at every setting have spread 0.
    """
    spread: dict[str, float] = {}
    by_setting: dict[tuple, list[RunAnswer]] = {}
    for answer in answers:
        by_setting.setdefault(_setting(grid, answer), []).append(answer)
        for block in answer.vectors:
            spread.setdefault(block, 0.0)
    for runs in by_setting.values():
        for first, second in itertools.combinations(runs, 2):
            for block in set(first.vectors) & set(second.vectors):
                angle = _angle(first.vectors[block], second.vectors[block])
                spread[block] = max(spread[block], angle)
    return dict(sorted(spread.items()))


def lobe_axis(irrep: str, vector) -> list[float]:
    """The axis :math:`\\pm\\hat u` where the block's signal :math:`|\\sum_m v_m Y_{lm}(\\hat u)|`
    is largest (canonical sign): a 1o block's own direction, a prolate 2e block's long axis.

    >>> lobe_axis("1o", [0.0, 0.0, 2.0]), lobe_axis("2e", [0.0, 0.0, 1.0, 0.0, 0.0])
    ([0.0, 0.0, 1.0], [0.0, 1.0, 0.0])
    """
    from scipy.optimize import minimize

    from symbreak.conventions import parse_irrep
    from symbreak.symmetry import canonical_axis, spherical_harmonics

    l, _ = parse_irrep(irrep)
    vector = np.asarray(vector, dtype=np.float64)

    def size(u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        u = u / np.linalg.norm(u, axis=1, keepdims=True)
        return -np.abs(spherical_harmonics(l, u) @ vector)

    points = _fibonacci_sphere(2000)
    start = points[int(np.argmin(size(points)))]
    best = minimize(lambda u: float(size(u)[0]), start, method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-14}).x  # fmt: skip
    return [round(float(c), 6) + 0.0 for c in canonical_axis(best)]


def _fibonacci_sphere(count: int) -> np.ndarray:
    index = np.arange(count) + 0.5
    polar = np.arccos(1.0 - 2.0 * index / count)
    azimuth = np.pi * (1.0 + 5.0**0.5) * index
    return np.stack([np.sin(polar) * np.cos(azimuth), np.sin(polar) * np.sin(azimuth),
                     np.cos(polar)], axis=1)  # fmt: skip


def directions(answers: list[RunAnswer]) -> dict[str, list[dict]]:
    """Block -> ``[{"run", "values", "axis"}]``: each run's lobe axis, for the sphere picture."""
    found: dict[str, list[dict]] = {}
    for answer in answers:
        for block, vector in answer.vectors.items():
            axis = lobe_axis(block.split()[0], vector)
            found.setdefault(block, []).append(
                {"run": answer.name, "values": answer.values, "axis": axis})
    return dict(sorted(found.items()))


def consensus(answers: list[RunAnswer]) -> dict:
    """The most common residual group, the runs that agree by name and in orientation."""
    counts = Counter(a.residual for a in answers)
    group, agree = counts.most_common(1)[0]
    first = next(a for a in answers if a.residual == group)
    same_domain = sum(a.residual_group == first.residual_group for a in answers)
    return {"group": group, "agree": agree, "same_domain": same_domain, "runs": len(answers),
            "others": {g: n for g, n in counts.items() if g != group}}  # fmt: skip


def flags(grid: SweepGrid, answers: list[RunAnswer]) -> list[dict]:
    """One flag per parameter whose change alone changes the residual group.

    For a hyper-parameter, the flag lists the consecutive values between which the group
    changes, with the groups on each side; for the seed, the settings at which seeds disagree.
    """
    index = {tuple(a.values.values()): a for a in answers}
    names = list(grid.axes)
    found = []
    for axis, name in enumerate(names):
        values = grid.axes[name]
        changes: dict = {}
        for key, answer in index.items():
            position = values.index(key[axis])
            others = values[position + 1:] if name == "seed" else values[position + 1:position + 2]
            for other in others:
                partner = index.get(key[:axis] + (other,) + key[axis + 1:])
                if partner is None or partner.residual == answer.residual:
                    continue
                fixed = {n: v for n, v in answer.values.items() if n not in (name, "seed")}
                where = (tuple(fixed.items()) if name == "seed"
                         else (key[axis], other))  # fmt: skip
                change = changes.setdefault(where, {"at": fixed} if name == "seed" else
                                            {"from": key[axis], "to": other, "groups": set()})
                change.setdefault("groups", set()).update({answer.residual, partner.residual})
        if changes:
            found.append(_flag(name, list(changes.values())))
    return found


def _flag(name: str, changes: list[dict]) -> dict:
    for change in changes:
        change["groups"] = sorted(change["groups"])
    if name == "seed":
        places = "; ".join(", ".join(f"{n}={format_value(v)}" for n, v in c["at"].items())
                           or "every setting" for c in changes)  # fmt: skip
        sentence = f"the residual group depends on the seed at {places}."
    else:
        changes.sort(key=lambda c: (str(c["from"]), str(c["to"])))
        places = "; ".join(f"between {format_value(c['from'])} and {format_value(c['to'])} "
                           f"({' / '.join(c['groups'])})" for c in changes)  # fmt: skip
        sentence = f"the residual group changes with {name}: {places}."
    return {"parameter": name, "changes": changes, "sentence": sentence}


def in_domain(answer: RunAnswer, domain: Domain) -> bool:
    """Whether a run's answer is ``domain``: the same group and, for a polar group, its polar
    axis on the same side (C4v along +z and along -z are one set of elements, two domains)."""
    if answer.residual_group != domain.group:
        return False
    if domain.polar_axis is None or answer.polar_reference is None:
        return True
    return float(np.dot(answer.polar_reference, domain.polar_axis)) > 0.0


def run_domains(report: Report) -> list[Domain]:
    """The domains of a single run's residual group in its input group.

    Empty when the input group is continuous and larger than the residual group.
    """
    answer = run_answer("run", {}, report)
    try:
        return domains(answer.input_group, answer.residual_group,
                       reference=answer.polar_reference)  # fmt: skip
    except ValueError:
        return []
