"""The report of a fitted run: groups, irrep table, prediction and verdict (``report.json``).

>>> REPORT_SCHEMA
1
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from symbreak.contract import SECTIONS, Section, frozen_json, plain_json
from symbreak.conventions import relaxed_irrep_names
from symbreak.errors import UnexplainedTaskError
from symbreak.report._activity import (
    DEFAULT_THRESHOLD,
    IrrepRow,
    irrep_rows,
    loss_resolution,
    reference_loss,
)
from symbreak.report._fit_summary import FitSummary
from symbreak.report._ladder import ThresholdWindow, threshold_ladder
from symbreak.report._sections import complete_section
from symbreak.report._verdict import predicted_irreps, verdict
from symbreak.run import Run, read_saved_report
from symbreak.symmetry import PointGroup, find_matrix, residual_group, stabilizer

#: Version of the ``to_dict`` layout; readers refuse larger numbers.
REPORT_SCHEMA = 1



#: The report's groups, in their order in ``report.json`` (docs/report.md, "Groups").
GROUP_KEYS = ("input", "target", "data", "relaxed_weights", "residual")


@dataclass(frozen=True)
class ReportGroups(Mapping):
    """The five point groups of a report, by attribute or by key (``groups["data"]``).

    Attributes
    ----------
    input : the input's (source structure's) group G.
    target : the target's group; ``None`` for tasks without targets.
    data : the symmetry the data keep D.
    relaxed_weights : the stabiliser of the significant relaxed weights.
    residual : G ∩ that stabiliser, the symmetry the fitted network keeps R.
    """

    input: PointGroup
    target: PointGroup | None
    data: PointGroup
    relaxed_weights: PointGroup
    residual: PointGroup

    def __getitem__(self, key: str) -> PointGroup | None:
        if key not in GROUP_KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(GROUP_KEYS)

    def __len__(self) -> int:
        return len(GROUP_KEYS)

    def to_dict(self) -> dict:
        """``report.json``'s ``groups``: every group in full (``PointGroup.to_dict``)."""
        return {key: (group.to_dict() if group is not None else None)
                for key, group in self.items()}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportGroups:
        return cls(**{key: (None if data[key] is None else PointGroup.from_dict(data[key]))
                      for key in GROUP_KEYS})  # fmt: skip


@dataclass(frozen=True)
class Report:
    """Everything ``symbreak explain`` says about a run; :meth:`to_dict` is ``report.json``.

    Built once, complete (:func:`build_report`, or :meth:`from_dict` of a saved one), and
    immutable: the JSON payloads (``parts``, ``fields``, ``domains``, ``preparation``) are
    read-only mappings and tuples; :meth:`to_dict` gives them back as plain dicts and lists.

    Attributes
    ----------
    task : the run's task name (``pairs``, ``trajectories``, ``crystals``).
    groups : the input, target, data, relaxed-weights and residual point groups.
    rows : one :class:`IrrepRow` per block of relaxed weights (layer, irrep, copy order).
    predicted_irreps : the irreps group theory says can break the input group to the data's.
    consistent, verdict : the verdict (:func:`symbreak.report._verdict.verdict`).
    fit : how the fit went (:class:`FitSummary`).
    l_relaxed, threshold, tolerance : the network's highest relaxed l, the report's
        threshold and structure tolerance.
    centre : the point the groups act about; ``None`` for several pairs or no structures.
    parts : each pair's own groups and centre.
    sections : the kind's typed sections (:class:`symbreak.contract.Section`: fields,
        structures, modes, ...), completed with what the network did.
    ladder : threshold windows and the residual group in each (:func:`threshold_ladder`).
    domains : the residual group's domains in the input group (``Domain.to_dict`` each).
    preparation : what the fit did to the data first (``config.preparation``).
    """

    task: str
    groups: ReportGroups
    rows: tuple[IrrepRow, ...]
    predicted_irreps: tuple[str, ...]
    consistent: bool
    verdict: str
    fit: FitSummary
    l_relaxed: int
    threshold: float
    tolerance: float
    centre: tuple[float, ...] | None = None
    parts: tuple[Mapping[str, Any], ...] = ()
    sections: tuple[Section, ...] = ()
    ladder: tuple[ThresholdWindow, ...] = ()
    domains: tuple[Mapping[str, Any], ...] = ()
    preparation: Mapping[str, Any] = field(default_factory=dict)
    #: The kind's own names of the groups (:class:`~symbreak.contract.DataSymmetry`).
    group_labels: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # whatever sequences and dicts a caller passes, the report holds tuples and read-only
        # mappings (object.__setattr__: the one way to normalise a frozen dataclass's fields)
        set_field = partial(object.__setattr__, self)
        set_field("rows", tuple(self.rows))
        set_field("predicted_irreps", tuple(self.predicted_irreps))
        set_field("centre", None if self.centre is None else tuple(self.centre))
        set_field("ladder", tuple(self.ladder))
        set_field("sections", tuple(self.sections))
        for name in ("parts", "domains", "preparation", "group_labels"):
            set_field(name, frozen_json(getattr(self, name)))

    @property
    def activated_irreps(self) -> list[str]:
        """Irreps active in any layer, in the conventions order."""
        return activated_irreps(self.rows, self.l_relaxed)

    def section(self, key: str) -> Section | None:
        """The section of ``key`` (``"fields"``, ``"modes"``, ...), or None if the run has none."""
        return next((section for section in self.sections if section.key == key), None)

    @property
    def residual_group(self) -> PointGroup:
        return self.groups.residual

    @property
    def symmetry_elements(self) -> list[dict]:
        """The residual group's symmetry elements (:meth:`PointGroup.symmetry_elements`)."""
        return self.residual_group.symmetry_elements()

    def to_dict(self) -> dict:
        """The JSON contract documented in docs/report.md."""
        names = {key: (g.name if g is not None else None) for key, g in self.groups.items()}
        return {
            "schema": REPORT_SCHEMA,
            "task": self.task,
            "residual_point_group": names["residual"],
            "data_point_group": names["data"],
            "input_point_group": names["input"],
            "target_point_group": names["target"],
            "relaxed_weights_point_group": names["relaxed_weights"],
            "activated_irreps": self.activated_irreps,
            "predicted_irreps": list(self.predicted_irreps),
            "consistent": self.consistent,
            "verdict": self.verdict,
            "symmetry_elements": self.symmetry_elements,
            "centre": None if self.centre is None else list(self.centre),
            "irreps": [row.to_dict() for row in self.rows],
            "fit": self.fit.to_dict(),
            "l_relaxed": self.l_relaxed,
            "threshold": self.threshold,
            "tolerance": self.tolerance,
            "groups": self.groups.to_dict(),
            "parts": plain_json(self.parts),
            "threshold_ladder": [window.to_dict() for window in self.ladder],
            "domains": plain_json(self.domains),
            "preparation": plain_json(self.preparation),
            "group_labels": plain_json(self.group_labels),
            "sections": [section.key for section in self.sections],
            # every section kind's key is there (None where the run has none of that kind)
            **{key: None for key in SECTIONS},
            **{section.key: section.to_dict() for section in self.sections},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """The Report a saved ``report.json`` describes, to print or draw it without the run.

        What :meth:`to_dict` derives (group names, ``activated_irreps``, the residual group's
        ``symmetry_elements``, each row's ``cartesian``) is not read back; neither are the fit's
        data checks, which ``report.json`` does not hold. Raises KeyError, TypeError or
        ValueError for a dict of another layout (callers rebuild then).
        ``Report.from_dict(report.to_dict()).to_dict() == report.to_dict()``.
        """
        from symbreak.symmetry import named_group

        if data.get("schema") != REPORT_SCHEMA:
            raise ValueError(f"report schema {data.get('schema')!r}, not {REPORT_SCHEMA}")
        groups = ReportGroups.from_dict(data["groups"])
        ladder = [ThresholdWindow(window["low"], math.inf if window["high"] is None
                                  else window["high"], named_group(window["group"]))
                  for window in data.get("threshold_ladder") or []]  # fmt: skip
        saved_domains = data.get("domains")
        keys = data.get("sections")
        if keys is None:  # written before sections were listed: every known key present
            keys = [key for key in SECTIONS if data.get(key) is not None]
        return cls(
            task=data["task"], groups=groups, rows=[IrrepRow.from_dict(row) for row in
            data["irreps"]], predicted_irreps=data["predicted_irreps"],
            consistent=bool(data["consistent"]), verdict=data["verdict"],
            fit=FitSummary.from_dict(data["fit"]), l_relaxed=int(data["l_relaxed"]),
            threshold=float(data["threshold"]), tolerance=float(data["tolerance"]),
            centre=data.get("centre"), parts=data.get("parts") or (),
            sections=[Section.of(key, data[key]) for key in keys],
            ladder=ladder, domains=report_domains(groups) if saved_domains is None
            else saved_domains, preparation=data.get("preparation") or {},
            group_labels=data.get("group_labels") or {},
        )  # fmt: skip


def saved_report(path: str | os.PathLike, threshold: float | None = None,
                 tolerance: float | None = None) -> Report | None:  # fmt: skip
    """The run's saved ``report.json`` as a :class:`Report`, when it is current
    (:func:`symbreak.run.read_saved_report`: this symbreak version, these options; None: any)
    and reads back; else None, and the caller builds the report (:func:`build_report`)."""
    saved = read_saved_report(path, threshold=threshold, tolerance=tolerance)
    if saved is None:
        return None
    try:
        return Report.from_dict(saved)
    except (KeyError, TypeError, ValueError):  # a layout of another version: rebuild
        return None


def activated_irreps(rows: Iterable[IrrepRow], l_relaxed: int) -> list[str]:
    """Irreps active in any layer, in the conventions order."""
    active = {row.irrep for row in rows if row.active}
    return [name for name in relaxed_irrep_names(l_relaxed) if name in active]


def report_domains(groups: ReportGroups, polar_direction=None) -> tuple[dict, ...]:
    """The [G : H] symmetry-equivalent orientations of the residual group H in the input
    group G, the data's own first (:func:`symbreak.symmetry.domains`), as ``Domain.to_dict``;
    () where either group is continuous or H is not inside G. A polar H's axis takes its
    sign from ``polar_direction``, the data's (never from the network's 1o weights, whose
    sign is a gauge)."""
    from symbreak.symmetry import domains

    input_group, residual = groups.input, groups.residual
    if input_group is None or not (input_group.is_finite and residual.is_finite):
        return ()
    if not residual <= input_group:
        return ()
    found = domains(input_group, residual, reference=polar_direction)
    return tuple(domain.to_dict() for domain in found)


def weights_vectors(rows: Iterable[IrrepRow]) -> dict[str, list[np.ndarray]]:
    """``{irrep: [vectors]}`` of the significant blocks, for the stabiliser."""
    vectors: dict[str, list[np.ndarray]] = {}
    for row in rows:
        if row.significant:
            vectors.setdefault(row.irrep, []).append(np.asarray(row.vector))
    return vectors


def aligned(group: PointGroup, reference: PointGroup) -> PointGroup:
    """``group`` with each element that ``reference`` also has (within the element
    tolerance) replaced by ``reference``'s copy.

    On noisy data the source's group and the transformation's group are refined on different
    atoms, so one C2 axis comes out 1e-3 rad apart in the two. The fit kept θ exactly
    invariant under the data group's copy; tested with the source group's copy it moved θ
    by 1e-3 of its size, the threshold, and a D3 fit was reported as C3.
    """
    if not (group.is_finite and reference.is_finite):
        return group
    elements = np.array(group.elements, copy=True)
    for k, element in enumerate(elements):
        match = find_matrix(reference.elements, element)
        if match >= 0:
            elements[k] = reference.elements[match]
    return PointGroup.finite(elements)


def build_report(run: Run, threshold: float = DEFAULT_THRESHOLD,
                 tolerance: float | None = None) -> Report:  # fmt: skip
    """Analyse a loaded run.

    Parameters
    ----------
    run : from :func:`symbreak.run.load_run`.
    threshold : relative size (of the layer's scalar weight) above which a block of relaxed
        weights can be significant or active; also the relative tolerance of the weights'
        stabiliser (an element fixes the weights if it moves them by at most this fraction).
    tolerance : symmetry tolerance for the structures, in their length unit; None: the one
        the fit used (the task's).

    The run's task (``run.task``, built once by :func:`symbreak.pipeline.open_run`) answers
    every question about the data.
    """
    task = run.task
    if task is None:
        raise UnexplainedTaskError(f"{run.path}: a report needs the run's task "
                                   "(load it with symbreak.pipeline.open_run).")  # fmt: skip
    tolerance = task.tolerance if tolerance is None else tolerance
    symmetry = task.data_symmetry(tolerance, run.network)
    fit = FitSummary.from_dict(run.config["fit"])
    data_loss = reference_loss(task, fit.initial_loss)
    rows = irrep_rows(run.network, task, symmetry.input_group, data_loss, threshold)
    vectors = weights_vectors(rows)
    weights_group = stabilizer(vectors, threshold) if vectors else PointGroup.spherical(True)
    input_group = aligned(symmetry.input_group, symmetry.data_group)
    residual = residual_group(input_group, vectors, threshold) if vectors else input_group
    data_group = symmetry.data_group
    known = symmetry.element_tolerance
    if known and residual.within(data_group, known) and data_group.within(residual, known):
        # the data's group is an estimate (fitted fields): within its measured precision it is
        # the residual group, so the verdict compares one group (fields.data keeps the estimate)
        data_group = residual
    groups = ReportGroups(
        input=symmetry.input_group, target=symmetry.target_group, data=data_group,
        relaxed_weights=weights_group, residual=residual,
    )  # fmt: skip
    l_relaxed = int(run.config["network"]["l_relaxed"])
    active = activated_irreps(rows, l_relaxed)
    predicted = predicted_irreps(symmetry.input_group, data_group, l_relaxed)
    data_residual = task.data_residual(symmetry.data_group, tolerance)
    consistent, paragraph = verdict(
        groups, active, predicted, fit.to_config(), l_relaxed,
        rows=rows, data_residual=data_residual, threshold=threshold,
    )  # fmt: skip
    ladder = threshold_ladder(rows, symmetry.input_group, fit.loss, data_loss, threshold,
                              loss_resolution(task))  # fmt: skip
    return Report(
        task=run.kind, groups=groups, rows=rows, predicted_irreps=predicted,
        consistent=consistent, verdict=paragraph, fit=fit, l_relaxed=l_relaxed,
        threshold=threshold, tolerance=tolerance, centre=symmetry.centre, parts=symmetry.parts,
        sections=[complete_section(section, active) for section in symmetry.sections],
        ladder=ladder,
        domains=report_domains(groups, symmetry.polar_direction),
        preparation=run.config.get("preparation", {}), group_labels=symmetry.group_labels,
    )  # fmt: skip
