"""The pairs task: a structure before and after, as graphs of the source and per-node targets.

A task knows the irreps the network reads and writes, and evaluates the fit loss of a
network on its data. The training loop (:mod:`symbreak.fit`) sees nothing else.

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

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE, PAIR_TARGETS
from symbreak.data import PairDataset, load_pairs, write_pairs
from symbreak.errors import DataError
from symbreak.model import Graph, RelaxedNetwork, batch_graphs, edge_harmonics, point_cloud_graph
from symbreak.options import TaskOptions
from symbreak.symmetry import PointGroup
from symbreak.tasks.data_checks import contradicting_pairs, symmetry_residual
from symbreak.tasks.data_symmetry import (
    DataSymmetry,
    SymmetryConstraint,
    invariant_constraint,
    pairs_symmetry,
)


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
class PairsTask:
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
    streaming = False
    minibatch_rows = None
    #: Two layers: messages from neighbours of neighbours, as in the paper.
    default_layers = 2

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
        self._edge_cache: tuple | None = None

    @property
    def irreps_in(self) -> str:
        return f"{self.dataset.n_species}x0e"

    @property
    def irreps_out(self) -> str:
        return "1x1o" if self.target == "displacement" else "1x0e+1x1o+1x2e"

    def network_geometry(self) -> dict:
        """Radial range and neighbour normalisation suited to this data."""
        lengths = self.graph.edge_vec.norm(dim=1)
        max_radius = float(lengths.max()) * 1.05 if len(lengths) else 1.0
        mean_neighbours = len(lengths) / max(len(self.graph.node_features), 1)
        return {"max_radius": max_radius, "neighbour_norm": max(mean_neighbours, 1.0) ** 0.5}

    def size(self) -> int:
        """Nodes plus edges of one evaluation of :meth:`fit_loss`."""
        return len(self.graph.node_features) + len(self.graph.edge_vec)

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """Mean squared error of the network's node outputs against the targets."""
        return node_mse(self, network)

    def output_least_squares(self, network: RelaxedNetwork) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`fit_loss` as a linear least-squares problem in the network's output weight
        (:func:`node_least_squares`)."""
        return node_least_squares(self, network)

    # ------------------------------------------------------------------ made by the registry
    @classmethod
    def accepts(cls, dataset) -> bool:
        return isinstance(dataset, PairDataset) and not dataset.periodic

    @classmethod
    def from_dataset(cls, dataset: PairDataset, options: TaskOptions, seed: int = 0) -> PairsTask:
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
        options = run.options.task
        return cls(load_pairs(Path(run.path) / "data.h5"), options.target, options.cutoff,
                   tolerance=run_tolerance(run.config))  # fmt: skip

    def data_loss(self) -> float:
        """The fit loss of a network that predicts zero: the data's own mean square."""
        return float(self.targets.pow(2).mean())

    # ------------------------------------------------------------------ before the fit
    def symmetry_constraint(self, l_relaxed: int) -> SymmetryConstraint:
        """The pairs' transformation group, and the loss that its invariant subspace leaves."""
        group = self.data_symmetry(self.tolerance).data_group
        return invariant_constraint(group, self.tolerance, l_relaxed, self.symmetric_floor(group))

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
        checks = pair_checks(self.dataset, self.graph, self.cutoff, self.tolerance)
        return checks | pair_diagnoses(self.dataset, self.preparation)

    # ------------------------------------------------------------------ the run directory
    def write_data(self, folder: Path) -> None:
        """The pairs, as fitted, as the run's ``data.h5``."""
        names = self.dataset.species_names
        pairs = {pair.name: (pair.source, pair.target, [names[s] for s in pair.species])
                 for pair in self.dataset.pairs}  # fmt: skip
        write_pairs(Path(folder) / "data.h5", pairs, species_names=names)

    # ------------------------------------------------------------------ for the report
    def structures(self) -> PairDataset:
        """The structure pairs to draw."""
        return self.dataset

    def data_symmetry(self, tolerance: float, network: RelaxedNetwork | None = None
                      ) -> DataSymmetry:  # fmt: skip
        """Input, target and transformation groups of the pairs at ``tolerance`` (a length)."""
        return pairs_symmetry(self.dataset, tolerance)

    def data_residual(self, group: PointGroup, tolerance: float) -> float | None:
        """Share of the displacements' mean square that ``group`` does not fix."""
        return symmetry_residual(self.dataset, group, tolerance)


def prepared_pairs(dataset: PairDataset, options: TaskOptions) -> tuple[PairDataset, dict]:
    """The pairs as the network sees them, and what was done (``config.preparation``).

    Finite pairs first get their atom correspondence (unless ``keep_order``): a target that
    lists its atoms in another order is re-ordered to match the source
    (:func:`symbreak.data.matching.match_pair_atoms`). Then each target's rigid translation
    (and rotation) is removed as asked (:func:`symbreak.data.rigid.remove_rigid_motion`).
    """
    from symbreak.data.rigid import remove_rigid_motion

    preparation: dict = {}
    if not options.keep_order and not dataset.periodic:
        dataset, preparation["atom_order"] = matched_pairs(dataset)
    dataset, motions = remove_rigid_motion(
        dataset, translation=not options.keep_translation, rotation=options.remove_rotation
    )
    preparation["rigid_motion"] = [motion.to_dict() | {"sentence": motion.sentence()}
                                   for motion in motions]  # fmt: skip
    return dataset, preparation


def matched_pairs(dataset: PairDataset) -> tuple[PairDataset, list[dict]]:
    """Each finite pair's target in the order of its source's atoms, and one record per pair."""
    from dataclasses import replace

    from symbreak.data.matching import match_pair_atoms

    pairs, records = [], []
    for pair in dataset.pairs:
        match = match_pair_atoms(pair.source, pair.target, pair.species)
        pairs.append(replace(pair, target=pair.target[match.permutation]))
        records.append(match.to_dict(pair.name))
    return replace(dataset, pairs=tuple(pairs)), records


def pairs_tolerance(dataset: PairDataset, options: TaskOptions) -> dict:
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


def check_tolerance(dataset: PairDataset, tolerance: float, shortest=None) -> None:
    """Refuse a structure tolerance as large as a pair's shortest distance between two atoms
    (``shortest(pair)``; by default between the source's rows): within it any atom may stand
    for its neighbour, so every operation would count as a symmetry (a cube at 1e6 came out
    O(3))."""
    from scipy.spatial.distance import pdist

    for pair in dataset.pairs:
        if pair.n_points < 2 and shortest is None:
            continue
        distance = float(pdist(pair.source).min()) if shortest is None else shortest(pair)
        if tolerance >= distance:
            raise DataError(
                f"--symmetry-tolerance {tolerance:g} is not below the shortest distance between "
                f"two atoms of '{pair.name}' ({distance:.3g}), so any atom could stand for its "
                "neighbour; give a tolerance well below it, or leave it out to read it off "
                "the data."
            )


def run_tolerance(config: dict) -> float:
    """The structure tolerance a run's fit used (chosen from the data or given), else the
    default (runs written before the tolerance was recorded)."""
    chosen = config.get("preparation", {}).get("symmetry_tolerance") or {}
    return float(chosen.get("tolerance", DEFAULT_SYMMETRY_TOLERANCE))


def pair_checks(dataset: PairDataset, graph: Graph, cutoff: float | None, tolerance: float
                ) -> dict:  # fmt: skip
    """Edges of the graph and pairs that contradict each other (``config.fit``)."""
    sets, floor = contradicting_pairs(dataset, tolerance)
    return {
        "edges": int(graph.edge_vec.shape[0]),
        "cutoff": cutoff,
        "contradicting_pairs": sets,
        "contradiction_floor": floor,
    }


#: A rigid rotation of the whole target beyond this many degrees is named in the verdict: kept
#: in the map (the default), it is read as breaking, and a user rarely means it. A twisted
#: cube's face turned by 11.5° turns the whole by 5.7°; two programs' frames differ by more.
LARGE_ROTATION_DEGREES = 15.0
#: Displacements below this fraction of the structure's size are rounding: nothing changed.
UNCHANGED = 1e-9


def pair_diagnoses(dataset: PairDataset, preparation: dict) -> dict:
    """What is wrong with the pairs themselves, for the verdict (``config.fit``).

    ``data_problems`` (each ``{"key", "sentence"}``; any one keeps the verdict from
    "Consistent"): a large rigid rotation kept in the map, an atom correspondence that the
    geometry does not settle. ``data_notes``: sentences to read first (nothing changed).
    """
    problems, notes = [], []
    for motion in preparation.get("rigid_motion") or []:
        angle = motion.get("rotation_degrees", 0.0)
        if angle > LARGE_ROTATION_DEGREES and not motion.get("rotation_removed"):
            problems.append({"key": "rigid_rotation", "sentence": (
                f"The target of '{motion['pair']}' is turned by {angle:.3g}° as a whole (the "
                "rotation of the best affine map onto it): kept in the map, that rotation is "
                "read as breaking, so the groups below describe a rotated structure; if the two "
                "files are in different frames, fit again with --remove-rotation.")})  # fmt: skip
    for match in preparation.get("atom_order") or []:
        if match.get("ambiguous"):
            problems.append({"key": "atom_order", "sentence": (
                f"Which atom became which in '{match['pair']}' is not clear: even the best "
                f"correspondence (after re-ordering {match['reordered']} atoms) moves an atom "
                f"by {match['largest_step']:.3g}, more than half the nearest-neighbour distance "
                f"{match['nearest_neighbour']:.3g}; check that the two files hold the same "
                "structure, or give the order yourself with --keep-order.")})  # fmt: skip
    for pair in dataset.pairs:
        size = float(np.ptp(pair.source, axis=0).max()) or 1.0
        moved = float(np.linalg.norm(pair.target - pair.source, axis=1).max())
        if moved <= UNCHANGED * size:
            notes.append(f"Nothing changed in '{pair.name}': its target equals its source to "
                         f"{moved:.1e} (rounding), so there is no breaking to find.")  # fmt: skip
    return {"data_problems": problems, "data_notes": notes}


def node_mse(task, network: RelaxedNetwork) -> torch.Tensor:
    """Mean squared error on ``task.graph`` and ``task.targets``, whose geometry is fixed.

    The edge harmonics and length embedding do not change during a fit: they are computed
    once per network and kept in ``task._edge_cache``.
    """
    prediction = network(task.graph, _edge_features(task, network))
    return (prediction - task.targets).pow(2).mean()


def node_least_squares(task, network: RelaxedNetwork) -> tuple[torch.Tensor, torch.Tensor]:
    """The residuals r (node outputs minus ``task.targets``, flattened; :func:`node_mse` is
    their mean square) and their Jacobian in the network's output weight W, exact because
    the outputs are linear in W (:meth:`~symbreak.model.RelaxedNetwork.output_weight_jacobian`):
    ``r + J @ Δ.reshape(-1)`` are the residuals after ``W += Δ``. Both detached."""
    outputs, jacobian = network.output_weight_jacobian(task.graph, _edge_features(task, network))
    return (outputs - task.targets).reshape(-1), jacobian


def _edge_features(task, network: RelaxedNetwork) -> tuple[torch.Tensor, torch.Tensor]:
    if task._edge_cache is None or task._edge_cache[0] is not network:
        with torch.no_grad():
            task._edge_cache = (network, network.edge_features(task.graph))
    return task._edge_cache[1]
