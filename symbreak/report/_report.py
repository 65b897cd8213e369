"""The report of a fitted run: groups, irrep table, prediction and verdict (``report.json``).

>>> REPORT_SCHEMA
1
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE, relaxed_irrep_names
from symbreak.errors import UnexplainedTaskError
from symbreak.report._activity import DEFAULT_THRESHOLD, IrrepRow, irrep_rows
from symbreak.report._data_checks import symmetry_residual
from symbreak.report._ladder import ThresholdWindow, threshold_ladder
from symbreak.report._verdict import predicted_irreps, verdict
from symbreak.run import Run
from symbreak.symmetry import PointGroup, find_matrix, residual_group, stabilizer
from symbreak.tasks.data_symmetry import DataSymmetry, pairs_symmetry

#: Version of the ``to_dict`` layout; readers refuse larger numbers.
REPORT_SCHEMA = 1

_FIT_KEYS = ("loss", "initial_loss", "relative_loss", "epochs", "seconds", "converged",
             "interrupted")  # fmt: skip


@dataclass
class Report:
    """Everything ``symbreak explain`` says about a run; :meth:`to_dict` is ``report.json``."""

    task: str
    groups: dict[str, PointGroup | None]
    rows: list[IrrepRow]
    predicted_irreps: list[str]
    consistent: bool
    verdict: str
    fit: dict
    l_relaxed: int
    threshold: float
    tolerance: float
    centre: list[float] | None = None
    parts: list[dict] = field(default_factory=list)
    fields: dict | None = None
    #: Threshold windows and the residual group in each (:func:`threshold_ladder`).
    ladder: list[ThresholdWindow] = field(default_factory=list)
    #: What the fit did to the data first: rigid motion removed, tolerance chosen,
    #: symmetry-adapted subspace (``config.preparation``).
    preparation: dict = field(default_factory=dict)

    @property
    def activated_irreps(self) -> list[str]:
        """Irreps active in any layer, in the conventions order."""
        active = {row.irrep for row in self.rows if row.active}
        return [name for name in relaxed_irrep_names(self.l_relaxed) if name in active]

    def domains(self) -> list[dict]:
        """The [G : H] symmetry-equivalent orientations of the residual group H in the input
        group G, the data's own first (:func:`symbreak.symmetry.domains`); [] where either
        group is continuous or H is not inside G."""
        from symbreak.symmetry import domains

        input_group, residual = self.groups.get("input"), self.groups.get("residual")
        if input_group is None or not (input_group.is_finite and residual.is_finite):
            return []
        if not residual <= input_group:
            return []
        return [domain.to_dict() for domain in domains(input_group, residual)]

    @property
    def residual_group(self) -> PointGroup:
        return self.groups["residual"]

    def to_dict(self) -> dict:
        """The JSON contract documented in docs/report.md."""
        names = {key: (g.name if g is not None else None) for key, g in self.groups.items()}
        out = {
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
            "symmetry_elements": self.residual_group.symmetry_elements(),
            "centre": self.centre,
            "irreps": [row.to_dict() for row in self.rows],
            "fit": {key: self.fit.get(key) for key in _FIT_KEYS},
            "l_relaxed": self.l_relaxed,
            "threshold": self.threshold,
            "tolerance": self.tolerance,
            "groups": {key: (g.to_dict() if g is not None else None)
                       for key, g in self.groups.items()},  # fmt: skip
            "parts": self.parts,
            "fields": self.fields,
            "threshold_ladder": [window.to_dict() for window in self.ladder],
            "domains": self.domains(),
            "preparation": self.preparation,
        }
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The Report a saved ``report.json`` describes, to print it again without the run.

        What :meth:`to_dict` derives (group names, ``activated_irreps``, the residual group's
        ``symmetry_elements``, each row's ``cartesian``) is not read back. Raises KeyError,
        TypeError or ValueError for a dict of another layout (callers rebuild then).
        """
        import math

        from symbreak.symmetry import named_group

        if data.get("schema") != REPORT_SCHEMA:
            raise ValueError(f"report schema {data.get('schema')!r}, not {REPORT_SCHEMA}")
        groups = {key: None if group is None else PointGroup.from_dict(group)
                  for key, group in data["groups"].items()}  # fmt: skip
        ladder = [ThresholdWindow(window["low"], math.inf if window["high"] is None
                                  else window["high"], named_group(window["group"]))
                  for window in data.get("threshold_ladder") or []]  # fmt: skip
        return cls(
            task=data["task"], groups=groups, rows=[IrrepRow.from_dict(row) for row in
            data["irreps"]], predicted_irreps=list(data["predicted_irreps"]),
            consistent=bool(data["consistent"]), verdict=data["verdict"], fit=dict(data["fit"]),
            l_relaxed=int(data["l_relaxed"]), threshold=float(data["threshold"]),
            tolerance=float(data["tolerance"]), centre=data.get("centre"),
            parts=list(data.get("parts") or []), fields=data.get("fields"), ladder=ladder,
            preparation=dict(data.get("preparation") or {}),
        )  # fmt: skip


def data_symmetry(run: Run, task, tolerance: float) -> DataSymmetry:
    """The data's groups: pairs analysed here, other tasks through ``task.data_symmetry``."""
    if run.task == "pairs":
        return pairs_symmetry(run.pairs, tolerance)
    analyse = getattr(task, "data_symmetry", None)
    if analyse is None:
        raise UnexplainedTaskError(f"{run.path}: symbreak cannot yet explain a {run.task!r} run.")
    return analyse(tolerance)


def weights_vectors(rows: list[IrrepRow]) -> dict[str, list[np.ndarray]]:
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


def run_tolerance(run: Run) -> float:
    """The structure tolerance the fit used (chosen from the data or given), else the default."""
    chosen = run.config.get("preparation", {}).get("symmetry_tolerance") or {}
    return float(chosen.get("tolerance", DEFAULT_SYMMETRY_TOLERANCE))


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
        the fit used (:func:`run_tolerance`).
    """
    from symbreak.pipeline import task_for_run  # the pipeline imports this module lazily

    tolerance = run_tolerance(run) if tolerance is None else tolerance
    task = task_for_run(run)
    symmetry = data_symmetry(run, task, tolerance)
    fit = dict(run.config["fit"])
    rows = irrep_rows(run.network, task, symmetry.input_group, fit["initial_loss"], threshold)
    vectors = weights_vectors(rows)
    weights_group = stabilizer(vectors, threshold) if vectors else PointGroup.spherical(True)
    input_group = aligned(symmetry.input_group, symmetry.data_group)
    residual = residual_group(input_group, vectors, threshold) if vectors else input_group
    groups = {
        "input": symmetry.input_group,
        "target": symmetry.target_group,
        "data": symmetry.data_group,
        "relaxed_weights": weights_group,
        "residual": residual,
    }
    l_relaxed = int(run.config["network"]["l_relaxed"])
    predicted = predicted_irreps(symmetry.input_group, symmetry.data_group, l_relaxed)
    report = Report(
        task=run.task, groups=groups, rows=rows, predicted_irreps=predicted, consistent=False,
        verdict="", fit=fit, l_relaxed=l_relaxed, threshold=threshold, tolerance=tolerance,
        centre=symmetry.centre, parts=symmetry.parts, fields=symmetry.fields,
        preparation=run.config.get("preparation", {}),
    )  # fmt: skip
    data_residual = None
    if run.task == "pairs":
        data_residual = symmetry_residual(run.pairs, symmetry.data_group, tolerance)
    report.consistent, report.verdict = verdict(
        groups, report.activated_irreps, predicted, fit, l_relaxed, rows=rows,
        data_residual=data_residual, threshold=threshold,
    )  # fmt: skip
    report.ladder = threshold_ladder(rows, symmetry.input_group, fit["loss"],
                                     fit["initial_loss"], threshold)  # fmt: skip
    return report
