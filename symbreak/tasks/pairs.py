"""The pairs task: a structure before and after, as graphs of the source and per-node targets.

A task knows the irreps the network reads and writes, and evaluates the fit loss of a
network on its data. The training loop (:mod:`symbreak.trainer`) sees nothing else.

*Pairs* (structure before -> after): every point is a node with its species one-hot as
scalar features; the geometry of the source structure gives the edges. The target is,
per node, either

- ``displacement``: the vector :math:`x'_i - x_i` (``1o``), or
- ``signal``: the target position :math:`x'_i - \\bar x` (about the source centroid)
  as a spherical signal up to l = 2 with a peak at that position (the paper's choice;
  e3nn's ``SphericalTensor.with_peaks_at``).

Displacement is the default: it is linear in the positions, so a correct model fits it
to rounding error, and on ``cube_to_prism`` it reaches a relative loss of 1e-10 where the
signal target stops near 1e-7 (docs/fitting.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from symbreak.contract import DataSymmetry, SymmetryConstraint
from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE, PAIR_TARGETS
from symbreak.data import PairDataset, load_pairs, write_pairs
from symbreak.model import Graph, RelaxedNetwork, batch_graphs, edge_harmonics, point_cloud_graph
from symbreak.options import PairOptions
from symbreak.symmetry import PointGroup
from symbreak.tasks._graph_task import GraphTask
from symbreak.tasks._pair_preparation import check_tolerance, prepared_pairs
from symbreak.tasks.data_checks import pair_checks, pair_diagnoses, symmetry_residual
from symbreak.tasks.data_symmetry import pairs_symmetry


def _signal_of(vectors: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    """Spherical signal (l <= 2) with one peak per row at that vector, e3nn basis.

    e3nn's ``SphericalTensor(2, 1, -1).with_peaks_at``: the multiple of the harmonics
    :math:`Y(\\hat v)` (integral normalisation) whose value at :math:`\\hat v` is :math:`|v|`.
    In component normalisation :math:`|Y_c(\\hat v)|^2 = 1 + 3 + 5` and
    :math:`Y = Y_c / \\sqrt{4\\pi}`, so it is :math:`|v| \\sqrt{4\\pi}\\, Y_c(\\hat v) / 9`;
    zero for v = 0.
    """
    v = torch.as_tensor(np.asarray(vectors, dtype=np.float64))
    length = v.norm(dim=1, keepdim=True)
    safe = torch.where(length > 0, v, torch.ones_like(v))
    return (length * edge_harmonics(2, safe) * (math.sqrt(4 * math.pi) / 9.0)).to(dtype)


@dataclass
class PairsTask(GraphTask):
    """Fit the deformation of point-cloud pairs, all pairs together as one batch.

    Parameters
    ----------
    dataset
        The pairs; each is centred on its source centroid.
    target
        ``"displacement"`` or ``"signal"`` (see the module docstring).
    cutoff
        Edges join points closer than this (source geometry); ``None`` joins all pairs.
    """

    dataset: PairDataset
    target: str = "displacement"
    cutoff: float | None = None
    dtype: torch.dtype = torch.float64
    #: Length within which the data's groups are found (input unit).
    tolerance: float = DEFAULT_SYMMETRY_TOLERANCE
    #: What was done to the data before the fit (``config.preparation``).
    preparation: dict = field(default_factory=dict)

    name = "pairs"
    #: Two layers: messages from neighbours of neighbours, as in the paper.
    default_layers = 2
    options_namespace = "pairs"

    def __post_init__(self) -> None:
        if self.target not in PAIR_TARGETS:
            raise ValueError(f"target must be one of {PAIR_TARGETS}, not {self.target!r}")
        graphs, targets = [], []
        for pair in self.dataset.pairs:
            centre = pair.source.mean(axis=0)
            source, target = pair.source - centre, pair.target - centre
            one_hot = np.eye(self.dataset.n_species)[pair.species]
            graphs.append(point_cloud_graph(source, one_hot, self.cutoff, self.dtype))
            if self.target == "displacement":
                targets.append(torch.as_tensor(target - source, dtype=self.dtype))
            else:
                targets.append(_signal_of(target, self.dtype))
        self.graph: Graph = batch_graphs(graphs)
        self.targets = torch.cat(targets)

    @property
    def irreps_in(self) -> str:
        return f"{self.dataset.n_species}x0e"

    @property
    def irreps_out(self) -> str:
        return "1x1o" if self.target == "displacement" else "1x0e+1x1o+1x2e"

    def output_least_squares(self, network: RelaxedNetwork) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`fit_loss` as a linear least-squares problem in the network's output weight
        (:meth:`~symbreak.tasks._graph_task.GraphTask.node_least_squares`), for the trainer's
        exact step; crystals have none (their loss holds the cell's strain too)."""
        return self.node_least_squares(network)

    # ------------------------------------------------------------------ made by the registry
    @classmethod
    def accepts(cls, dataset) -> bool:
        return isinstance(dataset, PairDataset) and not dataset.periodic

    @classmethod
    def from_dataset(cls, dataset: PairDataset, options: PairOptions, seed: int = 0) -> PairsTask:
        """The task on loaded pairs: each target's rigid translation (and rotation, if asked)
        removed, and the symmetry tolerance chosen, both recorded in :attr:`preparation`."""
        dataset, preparation = prepared_pairs(dataset, options)
        tolerance = pairs_tolerance(dataset, options)
        preparation["symmetry_tolerance"] = tolerance
        return cls(dataset, options.target, options.cutoff, tolerance=tolerance["tolerance"],
                   preparation=preparation)  # fmt: skip

    @classmethod
    def from_run(cls, run) -> PairsTask:
        """The task on the pairs a run stored (already prepared), at the run's tolerance."""
        options = run.options.pairs
        return cls(load_pairs(Path(run.path) / "data.h5"), options.target, options.cutoff,
                   tolerance=cls.run_tolerance(run.config))  # fmt: skip

    # ------------------------------------------------------------------ before the fit
    def symmetry_constraint(self, l_relaxed: int) -> SymmetryConstraint:
        """The pairs' transformation group, and the loss that its invariant subspace leaves."""
        group = self.data_symmetry(self.tolerance).data_group
        return SymmetryConstraint.invariant(group, self.tolerance, l_relaxed,
                                            self.symmetric_floor(group))  # fmt: skip

    def symmetric_floor(self, group: PointGroup) -> float:
        """The fit loss (MSE) no network inside ``group``'s invariant subspace can beat.

        The part of the displacements that the data's group does not fix (noise, or breaking
        below the tolerance) is out of reach of a symmetry-adapted fit; its mean square is the
        loss floor. Displacement target only (0 for the signal target).
        """
        share = self.data_residual(group, self.tolerance)
        if self.target != "displacement" or share is None:
            return 0.0
        displacements = [pair.target - pair.source for pair in self.dataset.pairs]
        return share * float(np.mean(np.concatenate(displacements) ** 2))

    def data_checks(self) -> dict:
        """What the verdict needs to name a misfit's cause (edges, pairs that contradict), and
        what is wrong with the data themselves (:func:`pair_diagnoses`)."""
        checks = pair_checks(self.dataset, len(self.graph.edge_vec), self.cutoff, self.tolerance)
        return checks | pair_diagnoses(self.dataset, self.preparation)

    # ------------------------------------------------------------------ the run directory
    def write_data(self, folder: Path) -> None:
        """The pairs, as fitted, as the run's ``data.h5``."""
        names = self.dataset.species_names
        pairs = {pair.name: (pair.source, pair.target, [names[s] for s in pair.species])
                 for pair in self.dataset.pairs}  # fmt: skip
        write_pairs(Path(folder) / "data.h5", pairs, species_names=names)

    # ------------------------------------------------------------------ for the report
    def data_symmetry(self, tolerance: float, network: RelaxedNetwork | None = None
                      ) -> DataSymmetry:  # fmt: skip
        """Input, target and transformation groups of the pairs at ``tolerance`` (a length)."""
        return pairs_symmetry(self.dataset, tolerance)

    def data_residual(self, group: PointGroup, tolerance: float) -> float | None:
        """Share of the displacements' mean square that ``group`` does not fix."""
        return symmetry_residual(self.dataset, group, tolerance)


def pairs_tolerance(dataset: PairDataset, options: PairOptions) -> dict:
    """The symmetry tolerance of the run: the user's, or read off each pair's ladder.

    With several pairs the smallest chosen tolerance serves them all (it keeps the most
    symmetry-breaking visible). The returned dict (JSON) goes into ``config.preparation``.
    """
    if options.symmetry_tolerance is not None:
        check_tolerance(dataset, options.symmetry_tolerance)
        return {"tolerance": options.symmetry_tolerance, "chosen": False, "pairs": []}
    from symbreak.symmetry import choose_tolerance

    pairs = []
    for pair in dataset.pairs:
        species = [dataset.species_names[s] for s in pair.species]
        choice = choose_tolerance(pair.source, pair.target, species)
        pairs.append({"pair": pair.name, **choice.to_dict()})
    return {"tolerance": min(p["tolerance"] for p in pairs), "chosen": True, "pairs": pairs}
