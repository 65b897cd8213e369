"""Before a trajectories fit: the particles' pair interactions and the data's own fields.

Both are measured on the data, without the network: :func:`prepare` fits the central pair
forces (:mod:`symbreak.tasks.interactions`) on whole frames spread over the run, then
streams every frame, with those forces taken off, into the per-species fields and their
errors (:mod:`symbreak.tasks.field_statistics`). The network then fits what is left
(uniform fields, drag and whatever the pair forces missed), inside the group of the
detected fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from types import SimpleNamespace

import numpy as np

from symbreak.data import TrajectoryDataset
from symbreak.tasks.field_statistics import FieldStatistics, field_statistics
from symbreak.tasks.interactions import FIT_ROWS, PairInteractions, fit_interactions

#: Rows (particles x frames) read at a time while streaming the data's fields.
ROWS_PER_READ = 8192


def _frames_per_read(dataset: TrajectoryDataset) -> int:
    return max(1, ROWS_PER_READ // max(info.n_particles for info in dataset.trajectories))


@dataclass(frozen=True)
class Preparation:
    """What :func:`prepare` measured; ``to_dict`` goes into ``config.preparation``."""

    interactions: PairInteractions | None
    statistics: FieldStatistics
    notes: tuple[str, ...]

    def drag(self) -> np.ndarray:
        """Per species, the measured drag γ_s where it stands above
        :data:`~symbreak.tasks.field_statistics.DETECTION` of its error, else 0."""
        from symbreak.tasks.field_statistics import DETECTION

        statistics = self.statistics
        drag = np.nan_to_num(statistics.drag)
        return np.where(np.abs(drag) > DETECTION * statistics.drag_error, drag, 0.0)

    def left(self, rows: dict) -> np.ndarray:
        """Accelerations of ``rows`` (whole frames) less the measured pair forces, and less
        the thermostat noise's correlation with the velocity.

        The pair forces are central, so O(3)-equivariant: what the network then fits holds
        every breaking the data have and nothing else. The noise is measured, not fitted:
        the network regresses on the velocity at the same instant, and with a thermostat
        the noise correlates with v as much as the drag does (:math:`\\langle a \\cdot v
        \\rangle = 0`), so it would see neither the drag nor the field the drag balances
        (gravity at terminal speed reads as no field). Taking off
        :math:`(\\gamma_s - \\gamma_{s,\\text{equal time}})(v - \\langle v \\rangle_s)` (a ``0e``
        term) makes the network's own least squares read the measured drag and field.
        """
        accelerations = rows["accelerations"]
        if self.interactions is not None:
            accelerations = accelerations - self.interactions.accelerations(
                rows["positions"], rows["species"], rows["frame_key"], rows["velocities"])
        drag, statistics = self.drag(), self.statistics
        if np.any(drag) and statistics.equal_time_drag is not None:
            species = rows["species"]
            bias = np.where(drag != 0, drag - np.nan_to_num(statistics.equal_time_drag), 0.0)
            deviation = rows["velocities"] - statistics.mean_velocity[species]
            accelerations = accelerations - bias[species][:, None] * deviation
        return accelerations

    def to_dict(self) -> dict:
        return {
            "interactions": None if self.interactions is None else self.interactions.to_dict(),
            "field_statistics": self.statistics.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Preparation | None:
        if not data or "field_statistics" not in data:
            return None
        interactions = data.get("interactions")
        return cls(None if interactions is None else PairInteractions.from_dict(interactions),
                   FieldStatistics.from_dict(data["field_statistics"]), ())  # fmt: skip


def dataset_box(dataset: TrajectoryDataset):
    """The periodic box of the first trajectory that has one (None: free space)."""
    return next((info.box for info in dataset.trajectories if info.box is not None), None)


def whole_frames(dataset: TrajectoryDataset, limit: int = FIT_ROWS) -> dict:
    """Rows of whole frames, at most about ``limit`` of them, evenly spread over every
    trajectory (``frame_key`` increases with time within a trajectory).

    Every ``stride``-th frame of the whole run is kept, counted across the read windows:
    the rows held stay at ``limit`` however many frames the file has.
    """
    stride = max(1, int(np.ceil(dataset.n_samples / limit)))
    parts, offset = [], 0
    for batch in dataset.iter_batches(_frames_per_read(dataset)):
        keep = np.arange((-offset) % stride, batch.n_frames, stride)
        n = batch.positions.shape[1]
        parts.append({
            "positions": batch.positions[keep].reshape(-1, 3),
            "velocities": batch.velocities[keep].reshape(-1, 3),
            "accelerations": batch.accelerations[keep].reshape(-1, 3),
            "species": np.tile(np.asarray(batch.species, dtype=np.int64), len(keep)),
            "frame_key": np.repeat(offset + keep, n).astype(np.int64),
        })  # fmt: skip
        offset += batch.n_frames
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def without_interactions(batches, interactions: PairInteractions | None) -> Iterator:
    r"""Frame batches with the fitted pair accelerations taken off, and each particle's
    weight ``(B, N)`` by its nearest neighbour (``weights``:
    :mod:`symbreak.tasks.neighbour_scatter`; None without interactions).

    Where the batch gives the masses, the fitted forces are made to obey Newton's third
    law as the true ones do: their mass-weighted mean is taken off in every frame, so the
    total force :math:`\sum_i m_i a_i` (:mod:`symbreak.tasks.momentum_balance`) stays what
    the file says (the curves of the two ordered species pairs are fitted apart, and their
    misfit would otherwise put a force of about 3 % of QE into it).
    """
    for batch in batches:
        if interactions is None:
            yield batch
            continue
        frames, n = batch.positions.shape[:2]
        species = np.tile(np.asarray(batch.species, dtype=np.int64), frames)
        pair = interactions.accelerations(batch.positions.reshape(-1, 3), species,
                                          np.repeat(np.arange(frames), n),
                                          batch.velocities.reshape(-1, 3)).reshape(frames, n, 3)
        masses = getattr(batch, "masses", None)
        if masses is not None:
            pair = pair - np.einsum("n,tni->ti", masses, pair)[:, None] / np.sum(masses)
        weights = interactions.weights(batch.positions.reshape(-1, 3),
                                       np.repeat(np.arange(frames), n))  # fmt: skip
        yield SimpleNamespace(**{f.name: getattr(batch, f.name) for f in fields(batch)}
                              | {"accelerations": batch.accelerations - pair,
                                 "weights": None if weights is None
                                 else weights.reshape(frames, n)})  # fmt: skip


def prepare(dataset: TrajectoryDataset) -> Preparation:
    """Interactions (when they explain anything) and the data's fields, with notes."""
    interactions = fit_interactions(whole_frames(dataset), dataset.n_species,
                                    dataset_box(dataset))  # fmt: skip
    total = sum(info.n_frames for info in dataset.trajectories)
    statistics = field_statistics(
        without_interactions(dataset.iter_batches(_frames_per_read(dataset)), interactions),
        dataset.species_names, total,
    )  # fmt: skip
    notes = [info.dt_note for info in dataset.trajectories[:1] if info.dt_note]
    if interactions is not None:
        notes.append(interactions.note[0].upper() + interactions.note[1:] + "; the network "
                     "fits what they leave (the pair forces are central, so they break "
                     "nothing).")  # fmt: skip
    prepared = Preparation(interactions, statistics, tuple(notes))
    drag = prepared.drag()
    if np.any(drag):
        listed = ", ".join(f"{name} {g:.3g} ± {e:.2g}" for name, g, e in zip(
            statistics.species_names, drag, statistics.drag_error, strict=True))
        notes.append(f"Drag measured with the velocity one frame earlier as instrument (the "
                     f"thermostat's noise is independent of it), γ = {listed}, the noise's "
                     "correlation with v taken off before the fit (a 0e term: it breaks "
                     "nothing).")  # fmt: skip
        prepared = Preparation(interactions, statistics, tuple(notes))
    return prepared


__all__ = ["Preparation", "dataset_box", "prepare", "whole_frames", "without_interactions"]
