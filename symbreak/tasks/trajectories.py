r"""The trajectories task: predict each particle's acceleration from its velocity.

Every particle at every frame is a node. Its input features are its species one-hot
(scalars, ``0e``) and its velocity (``1o``); the target is its acceleration (``1o``):

.. math:: a_i = f_\theta(s_i, v_i \,;\, \{x_j - x_i\}_{|x_j - x_i| < R}).

*Edges.* With ``cutoff=None`` (the default) there are none: every particle is its own
graph, which is right for particles that do not interact, such as charges in uniform
external fields (Hofgard et al., arXiv 2407.20471, section 5.2). The relaxed convolution's
self-interaction :math:`x_i \otimes \theta` still lets every node feel the relaxed weights,
so :math:`\theta_{1o}` can play E and :math:`\theta_{1e}` with :math:`v` can play
:math:`v \times B`. For interacting particles pass a cutoff R: particles of the same
frame closer than R exchange messages along :math:`x_j - x_i`.

*Scaling.* Velocities and accelerations are divided by their root-mean-square norms
(one scalar each, so directions are untouched) to keep the network well conditioned;
:meth:`TrajectoryTask.acceleration` undoes it, so read-outs are in the data's units.

*Memory.* A dataset of at most :data:`IN_MEMORY_SAMPLES` (particle, frame) samples is
loaded whole and fitted full-batch with L-BFGS (the accurate, fast route for the sample's
10 particles x 1001 frames). Larger ones stream: :meth:`TrajectoryTask.minibatches` reads
windows of frames from the HDF5 file, and :mod:`symbreak.trainer` trains on them with mini-batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from symbreak.contract import DataSymmetry, FieldsSection, SymmetryConstraint
from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.data import ParticleSamples, TrajectoryDataset
from symbreak.model import Graph, RelaxedNetwork
from symbreak.options import TrajectoryOptions
from symbreak.tasks._graph_task import GraphTask

#: Largest number of (particle, frame) samples fitted in memory (float64: about 30 MB).
IN_MEMORY_SAMPLES = 200_000
#: Rows kept for evaluation (loss of a streaming fit, explain's probes, ``samples.npz``).
EVALUATION_SAMPLES = 4096

#: Relaxed weights count (the report's loss test) when they explain more than a uniform
#: acceleration this many standard errors of the data's fields long (:meth:`loss_resolution`).
NEEDED_ERRORS = 2.0
#: The data's fields are read at this many of their relative standard errors (at least).
FIELD_ERROR_MULTIPLE = 10.0
#: The report's names of the groups: no structures, the particles alone are isotropic.
_GROUP_LABELS = {"input": "input (free particles)", "target": None,
                 "data": "data (kept by the recovered fields)"}  # fmt: skip

_COLUMNS = ("positions", "velocities", "accelerations", "species", "frame_key")


def _rms_norm(vectors: np.ndarray) -> float:
    """:math:`\\sqrt{\\langle |u|^2 \\rangle}`, or 1 for all-zero data (nothing to rescale)."""
    value = float(np.sqrt(np.mean(np.sum(vectors**2, axis=-1)))) if len(vectors) else 0.0
    return value if value > 0 else 1.0


def _edges_within_frames(
    positions: np.ndarray, frame_key: np.ndarray, cutoff: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Directed edges (src, dst) between distinct rows of the same frame closer than ``cutoff``.

    Rows of one frame share a ``frame_key``. Frames are grouped by size so the distances
    of many frames are one array operation.
    """
    empty = np.zeros(0, dtype=np.int64)
    if cutoff is None or len(positions) == 0:
        return empty, empty
    order = np.argsort(frame_key, kind="stable")
    _, starts, counts = np.unique(frame_key[order], return_index=True, return_counts=True)
    sources, targets = [empty], [empty]
    for size in np.unique(counts[counts > 1]):
        rows = order[starts[counts == size][:, None] + np.arange(size)]  # (G, size)
        x = positions[rows]
        distance = np.linalg.norm(x[:, :, None] - x[:, None, :], axis=-1)
        close = (distance < cutoff) & ~np.eye(size, dtype=bool)
        g, i, j = np.nonzero(close)  # message from j to i
        sources.append(rows[g, j])
        targets.append(rows[g, i])
    return np.concatenate(sources), np.concatenate(targets)


class TrajectoryTask(GraphTask):
    """Fit accelerations of trajectory particles; full-batch in memory or streamed.

    The fit loss is the node loss on :attr:`graph` (all rows, or the evaluation rows when the
    data stream).

    Made by :meth:`from_dataset` (a loaded file) or :meth:`from_run` (the evaluation rows a
    run stored); the constructor takes the rows themselves.

    Parameters
    ----------
    species_names
        One name per species index.
    evaluation
        A few thousand rows (columns :data:`_COLUMNS`): the loss of a streaming fit,
        explain's probes and the run's ``samples.npz``.
    velocity_scale, acceleration_scale
        RMS norms that scale the inputs and targets (see the module docstring).
    cutoff
        Edges join particles of one frame closer than this; None: no edges.
    seed
        Orders the evaluation sample and the mini-batches.
    dataset
        The trajectories on disk, when they stream (None: ``rows`` hold everything).
    rows
        The rows fitted full-batch; None with ``dataset``: stream the dataset.
    minibatch_rows
        Rows per mini-batch when streaming (the trainer's default if None).
    prepared
        The pair interactions and the data's own fields measured before the fit
        (:class:`~symbreak.tasks.trajectory_preparation.Preparation`); the network fits the
        accelerations the interactions leave, inside the detected fields' group.
    """

    name = "trajectories"
    #: One layer with no edges is exactly a = f(species) + M v: uniform fields need no more.
    #: Measured on the Lorentz sample (idle 2-core machine): one layer converges to a relative
    #: loss of 5e-14 in 1.5 s; two layers reach 1e-7 after the 400-epoch limit, in 143 s.
    default_layers = 1
    options_namespace = "trajectories"
    #: Trajectories have no structures: the report's structure tolerance is the default.
    tolerance = DEFAULT_SYMMETRY_TOLERANCE

    def __init__(
        self,
        species_names: tuple[str, ...],
        evaluation: dict,
        velocity_scale: float,
        acceleration_scale: float,
        cutoff: float | None = None,
        seed: int = 0,
        dataset: TrajectoryDataset | None = None,
        rows: dict | None = None,
        minibatch_rows: int | None = None,
        dtype: torch.dtype = torch.float64,
        prepared=None,
    ) -> None:
        if rows is None and dataset is None:
            rows = evaluation
        self.prepared = prepared
        self.interactions = None if prepared is None else prepared.interactions
        self.species_names = tuple(species_names)
        self.n_species = len(self.species_names)
        self.evaluation, self.cutoff, self.seed = evaluation, cutoff, seed
        self.velocity_scale, self.acceleration_scale = velocity_scale, acceleration_scale
        self.dataset, self.minibatch_rows, self.dtype = dataset, minibatch_rows, dtype
        self.streaming = rows is None
        self.graph, self.targets = self.graph_of(evaluation if rows is None else rows)
        self.preparation: dict = {}

    @classmethod
    def accepts(cls, dataset) -> bool:
        return isinstance(dataset, TrajectoryDataset)

    @classmethod
    def from_dataset(
        cls,
        dataset: TrajectoryDataset,
        options: TrajectoryOptions,
        seed: int = 0,
        max_in_memory: int = IN_MEMORY_SAMPLES,
        minibatch_rows: int | None = None,
    ) -> TrajectoryTask:
        """The task on a loaded file: in memory up to ``max_in_memory`` samples, else streamed."""
        from symbreak.tasks.trajectory_preparation import prepare

        prepared = prepare(dataset)
        whole = options.cutoff is not None or prepared.interactions is not None
        evaluation = _evaluation_rows(dataset, whole, seed)
        streaming = dataset.n_samples > max_in_memory
        task = cls(
            dataset.species_names, evaluation, _rms_norm(evaluation["velocities"]),
            _rms_norm(prepared.left(evaluation)), options.cutoff, seed,
            dataset=dataset if streaming else None,
            rows=None if streaming else _all_rows(dataset), minibatch_rows=minibatch_rows,
            prepared=prepared,
        )  # fmt: skip
        task.preparation = {"trajectory": prepared.to_dict(), "notes": list(prepared.notes)}
        return task

    @classmethod
    def from_run(cls, run) -> TrajectoryTask:
        """The task on the rows a run stored (:meth:`write_data`'s ``samples.npz``)."""
        from symbreak.tasks.trajectory_preparation import Preparation

        samples = _read_samples(Path(run.path) / "samples.npz")
        prepared = Preparation.from_dict((run.config.get("preparation") or {}).get("trajectory"))
        return cls(
            tuple(str(s) for s in samples["species_names"]),
            {key: np.asarray(samples[key]) for key in _COLUMNS},
            float(samples["velocity_scale"]), float(samples["acceleration_scale"]),
            run.options.trajectories.cutoff, run.options.optimiser.seed, prepared=prepared,
        )  # fmt: skip

    # ------------------------------------------------------------------ rows and graphs
    def graph_of(self, rows: dict) -> tuple[Graph, torch.Tensor]:
        """Graph (scaled features, edges within frames) and scaled targets of some rows."""
        one_hot = np.eye(self.n_species)[rows["species"]]
        velocity = rows["velocities"] / self.velocity_scale
        features = torch.as_tensor(np.concatenate([one_hot, velocity], axis=1), dtype=self.dtype)
        src, dst = _edges_within_frames(rows["positions"], rows["frame_key"], self.cutoff)
        positions = torch.as_tensor(rows["positions"], dtype=self.dtype)
        graph = Graph(
            features,
            torch.as_tensor(src, dtype=torch.int64),
            torch.as_tensor(dst, dtype=torch.int64),
            positions[src] - positions[dst],
        )
        accelerations = rows["accelerations"] if self.prepared is None else self.prepared.left(rows)
        targets = torch.as_tensor(accelerations / self.acceleration_scale, dtype=self.dtype)
        return graph, targets

    # ------------------------------------------------------------------ the task contract
    @property
    def irreps_in(self) -> str:
        return f"{self.n_species}x0e + 1x1o"

    @property
    def irreps_out(self) -> str:
        return "1x1o"

    def network_geometry(self) -> dict:
        """Radial range = the cutoff (1 without edges) and the mean neighbour count's root."""
        nodes = max(len(self.graph.node_features), 1)
        mean_neighbours = len(self.graph.edge_src) / nodes
        return {
            "max_radius": float(self.cutoff) if self.cutoff is not None else 1.0,
            "neighbour_norm": max(mean_neighbours, 1.0) ** 0.5,
        }

    def minibatches(self, epoch: int, batch_size: int) -> Iterator[tuple[Graph, torch.Tensor]]:
        """One pass over the file in shuffled mini-batches; frames are read a window at a time.

        Windows of whole frames are visited in a seeded random order; within a window
        the frames are shuffled and cut into batches of about ``batch_size`` rows.
        """
        if self.dataset is None:
            raise RuntimeError("a task rebuilt from stored samples has no file to stream")
        n_particles = max(info.n_particles for info in self.dataset.trajectories)
        frames = max(1, 32 * batch_size // n_particles)
        seed = self.seed + 7919 * epoch
        rng = np.random.default_rng(seed)
        batches = self.dataset.iter_batches(frames, shuffle=True, seed=seed)
        for batch in batches:
            frame_order = rng.permutation(batch.n_frames)
            per_batch = max(1, batch_size // batch.positions.shape[1])
            for start in range(0, batch.n_frames, per_batch):
                frames = frame_order[start : start + per_batch]
                yield self.graph_of(_rows_of_batch(batch, 0, frames))

    # ------------------------------------------------------------------ physical units
    def acceleration(
        self, network: RelaxedNetwork, velocities: torch.Tensor, species: int = 0
    ) -> torch.Tensor:
        """Predicted acceleration of isolated particles of one species, in the data's units.

        ``velocities`` is ``(S, 3)`` (differentiable); the scaling is undone here.
        """
        one_hot = torch.zeros(len(velocities), self.n_species, dtype=velocities.dtype)
        one_hot[:, species] = 1.0
        features = torch.cat([one_hot, velocities / self.velocity_scale], dim=1)
        empty = torch.zeros(0, dtype=torch.int64)
        graph = Graph(features, empty, empty, torch.zeros(0, 3, dtype=velocities.dtype))
        return network(graph) * self.acceleration_scale

    def symmetry_constraint(self, l_relaxed: int):
        """The group of the uniform fields the data's own least squares detect above their
        errors (:class:`~symbreak.tasks.field_statistics.FieldStatistics`): interactions,
        drag and thermostat noise break nothing, so the relaxed weights never need to leave
        its invariant subspace. None when nothing was measured (a task rebuilt from an old run).
        """
        if self.prepared is None:
            return None

        statistics = self.prepared.statistics
        return SymmetryConstraint.invariant(
            statistics.group(), statistics.tolerance(), l_relaxed,
            remark="the fields' group is read from per-species mean accelerations with "
                   "jackknife errors; pair interactions, drag and noise break nothing.",
        )  # fmt: skip

    def data_checks(self) -> dict:
        """The loss the data's own scatter about uniform fields leaves (``noise_floor``, in
        the fit loss's scaled units): for free particles, the noise a network cannot fit.

        With measured fields it is what uniform fields, drag and the fitted pair forces leave
        (the stochastic scatter), and ``simpler`` what uniform fields alone leave: their
        difference is what the interactions explain.
        """
        from symbreak.tasks.fields import linear_response_scatter

        if self.prepared is not None:
            scale = self.acceleration_scale**2
            statistics, interactions = self.prepared.statistics, self.prepared.interactions
            floor = statistics.uniform_field_mse / scale
            uniform = floor if interactions is None else interactions.losses["uniform"] / scale
            return {"noise_floor": _noise_floor(floor, uniform)}

        mse, _ = linear_response_scatter(self.evaluation["velocities"] / self.velocity_scale,
                                         self.evaluation["accelerations"]
                                         / self.acceleration_scale)  # fmt: skip
        return {"noise_floor": _noise_floor(mse, mse)}

    def loss_resolution(self) -> float | None:
        """The fit loss (scaled) that a uniform acceleration of :data:`NEEDED_ERRORS` standard
        errors of the data's field adds (its square over the three components).

        Whether a field is there at all is the data's call (five errors,
        :data:`~symbreak.tasks.field_statistics.DETECTION`), and the relaxed weights cannot
        leave its group; within it, weights that explain more than a two-error fluctuation
        are the field, even in data that scatter (the report's loss test,
        :func:`symbreak.report.needed_margin`): ±q charges with Coulomb forces in E = 1
        leave 91 % of the loss, and their E, 5.6 errors long, explains 1.5e-3 of it.
        """
        if self.prepared is None:
            return None
        statistics = self.prepared.statistics
        error = min(statistics.combined("polar")[1],
                    statistics.combined("axial")[1] * statistics.rms_velocity)  # fmt: skip
        if not np.isfinite(error):
            return None
        return float((NEEDED_ERRORS * error / self.acceleration_scale) ** 2 / 3)

    def data_residual(self, group, tolerance: float) -> None:
        return None

    def data_symmetry(self, tolerance: float, network: RelaxedNetwork | None = None):
        """The report's hook: groups of the data and the fields read out of the network.

        Trajectories have no structure, so the input group is O(3). The symmetry the data
        keep is that of the fields fitted to the data directly (least squares of
        a = E + J v, :func:`~symbreak.tasks.fields.linear_response_fields`), independent of the
        network; the network's own read-out goes in ``fields``. ``tolerance`` (a length,
        for structures) does not apply to fields.
        """
        from symbreak.symmetry import PointGroup
        from symbreak.tasks.fields import (
            FIELD_SYMMETRY_TOLERANCE,
            describe_field_group,
            field_errors,
            field_group,
            field_vectors,
            fitted_fields,
            linear_response_fields,
            linear_response_scatter,
        )

        if network is None:
            raise ValueError("a trajectories task reads its data symmetry from the fitted network")
        if self.prepared is not None:
            from symbreak.tasks.fields import prepared_fields_summary

            statistics = self.prepared.statistics
            summary, data_group = prepared_fields_summary(self, network, statistics)
            return DataSymmetry(PointGroup.spherical(improper=True), None, data_group,
                                sections=[FieldsSection(summary)], group_labels=_GROUP_LABELS,
                                element_tolerance=statistics.tolerance())  # fmt: skip
        scales = (self.acceleration_scale, self.velocity_scale)
        data = linear_response_fields(
            self.evaluation["velocities"], self.evaluation["accelerations"]
        )
        # the data's fields are estimates: read their group at a tolerance their own
        # statistical error allows (noisy positions: E ⊥ B to 0.4 %, Cs needs 0.025, not 0.02)
        _, uncertainty = linear_response_scatter(self.evaluation["velocities"],
                                                 self.evaluation["accelerations"])  # fmt: skip
        tolerance = max(FIELD_SYMMETRY_TOLERANCE, FIELD_ERROR_MULTIPLE * uncertainty)
        errors = field_errors(self.evaluation["velocities"], self.evaluation["accelerations"])
        data_group = field_group(field_vectors(data, *scales, errors), tolerance)
        fields = fitted_fields(network, self)
        vectors = field_vectors(fields, *scales, errors)
        group = field_group(vectors)
        summary = {
            **fields.to_dict(),
            "group": group.name,
            "group_elements": group.symmetry_elements(),
            "description": describe_field_group(vectors, group),
            # fields too weak to matter (tasks.fields.NEGLIGIBLE_FIELD): named, never drawn
            "negligible": [kind for kind, irrep in (("polar", "1o"), ("axial", "1e"))
                           if irrep not in vectors],  # fmt: skip
            "data": {**data.to_dict(), "group": data_group.name, "tolerance": tolerance},
        }
        return DataSymmetry(PointGroup.spherical(improper=True), None, data_group,
                            sections=[FieldsSection(summary)], group_labels=_GROUP_LABELS,
                            element_tolerance=tolerance)  # fmt: skip

    def write_data(self, folder: Path) -> None:
        """``samples.npz``: the evaluation rows, the scales and the species names."""
        np.savez(
            Path(folder) / "samples.npz",
            **self.evaluation,
            velocity_scale=self.velocity_scale,
            acceleration_scale=self.acceleration_scale,
            species_names=np.array(self.species_names),
        )


def _noise_floor(floor: float, uniform: float) -> dict:
    """``config.fit``'s ``noise_floor`` in the verdict's generic terms: the loss the
    accelerations' scatter about the measured terms leaves, and (where pair forces were
    measured) what uniform fields and drag alone leave."""
    entry = {"loss": floor, "label": "Noisy data", "what": "the accelerations' scatter about "
             "uniform fields (least squares of a = E + J v, and the measured pair forces, "
             "where any)"}  # fmt: skip
    if uniform > floor:
        entry["simpler"] = {"loss": uniform, "label": "Interacting particles",
                            "what": "uniform fields and drag alone"}  # fmt: skip
        entry["what"] = ("the accelerations' scatter about uniform fields, drag and the "
                         "measured pair forces")  # fmt: skip
        entry["causes"] = ("thermostat noise, frames too far apart to resolve collisions, "
                           "many-body forces")  # fmt: skip
    return entry


def _rows_of_samples(samples: ParticleSamples) -> dict:
    # Rows of different (trajectory, frame) never share an edge; a unique key per frame.
    key = samples.trajectory * (int(samples.frame.max(initial=0)) + 1) + samples.frame
    return {
        "positions": samples.positions,
        "velocities": samples.velocities,
        "accelerations": samples.accelerations,
        "species": samples.species.astype(np.int64),
        "frame_key": key.astype(np.int64),
    }


def _rows_of_batch(batch, offset: int, frames: np.ndarray | None = None) -> dict:
    """Flatten frames of a FrameBatch ``(B, N, 3)`` to rows; ``frame_key = offset + k``."""
    frames = np.arange(batch.n_frames) if frames is None else frames
    n = batch.positions.shape[1]
    return {
        "positions": batch.positions[frames].reshape(-1, 3),
        "velocities": batch.velocities[frames].reshape(-1, 3),
        "accelerations": batch.accelerations[frames].reshape(-1, 3),
        "species": np.tile(np.asarray(batch.species, dtype=np.int64), len(frames)),
        "frame_key": np.repeat(np.arange(len(frames), dtype=np.int64) + offset, n),
    }


def _evaluation_rows(dataset: TrajectoryDataset, whole: bool, seed: int) -> dict:
    """A few thousand rows: random samples, or whole frames when particles interact."""
    if not whole:
        return _rows_of_samples(dataset.sample(EVALUATION_SAMPLES, seed=seed))
    n_particles = max(info.n_particles for info in dataset.trajectories)
    frames = max(1, EVALUATION_SAMPLES // (8 * n_particles))
    parts, total = [], 0
    for batch in dataset.iter_batches(frames, shuffle=True, seed=seed):
        parts.append(_rows_of_batch(batch, offset=total))
        total += parts[-1]["species"].size
        if total >= EVALUATION_SAMPLES:
            break
    return _concatenate(parts)


def _all_rows(dataset: TrajectoryDataset) -> dict:
    parts, offset = [], 0
    for batch in dataset.iter_batches(frames_per_batch=4096):
        parts.append(_rows_of_batch(batch, offset))
        offset += batch.n_frames
    return _concatenate(parts)


def _read_samples(file: Path) -> dict:
    """A run's ``samples.npz``; a damaged one is a RunError naming it."""
    import zipfile

    from symbreak.errors import RunError

    try:
        with np.load(file) as arrays:
            return {key: arrays[key] for key in arrays.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        raise RunError(f"{file} is truncated or corrupt; fit the run again.") from None


def _concatenate(parts: list[dict]) -> dict:
    return {key: np.concatenate([p[key] for p in parts]) for key in _COLUMNS}
