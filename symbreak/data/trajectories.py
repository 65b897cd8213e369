r"""Trajectories of particles, read in windows of frames so files may exceed memory.

HDF5 layout (``docs/data_format.md``)::

    /trajectories/<name>/positions       float (T, N, 3)
    /trajectories/<name>/velocities      float (T, N, 3), optional
    /trajectories/<name>/accelerations   float (T, N, 3), optional
    /trajectories/<name>/species         (N,) ints or strings, optional
    /trajectories/<name>/masses          float (N,) > 0, optional (the MD file's masses)
    /trajectories/<name>/charges         float (N,), optional
    /trajectories/<name>  attribute dt   float > 0, required when something is derived

What is missing is derived from positions by central differences,

.. math::
    v_t = \frac{x_{t+1} - x_{t-1}}{2\,\Delta t}, \qquad
    a_t = \frac{x_{t+1} - 2 x_t + x_{t-1}}{\Delta t^2},

both accurate to :math:`O(\Delta t^2)`. They need a neighbour on each side, so a
trajectory that derives anything drops its first and last frame (T >= 3 then).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar

import h5py
import numpy as np

from symbreak.data._hdf5 import atomic_hdf5, file_sha256, open_hdf5
from symbreak.data._species import build_vocabulary, encode_species, species_for_writing
from symbreak.data._trajectory_schema import OPTIONAL_ARRAYS, frames_per_read, inspect_file
from symbreak.errors import DataError


@dataclass(frozen=True)
class TrajectoryInfo:
    """What one trajectory holds, without its frames.

    Attributes
    ----------
    name : str
        The trajectory's group name in the file.
    n_frames : int
        Usable frames: T, or T - 2 when velocities or accelerations are derived.
    n_particles : int
        N.
    dt : float or None
        Time step, None when the file gives none (then nothing is derived).
    has_velocities, has_accelerations : bool
        Whether the file stores them (otherwise they are derived).
    species : numpy.ndarray
        ``(N,)`` int64 indices into :attr:`TrajectoryDataset.species_names`.
    box : (cell (3, 3), pbc (3,)) or None
        The periodic box the file gives (``cell`` and ``pbc`` datasets), for the minimum
        image between particles; None in free space.
    dt_note : str
        Where ``dt`` came from, when a converter said (e.g. inferred from the velocities).
    masses, charges : (N,) arrays or None
        Per-particle masses and charges when the file gives them (a LAMMPS ``mass`` or ``q``
        column, extxyz ``masses``): the masses let the total force be read without
        modelling the interactions (:mod:`symbreak.tasks.field_statistics`).
    """

    name: str
    n_frames: int
    n_particles: int
    dt: float | None
    has_velocities: bool
    has_accelerations: bool
    species: np.ndarray
    box: tuple[np.ndarray, np.ndarray] | None = None
    dt_note: str = ""
    masses: np.ndarray | None = None
    charges: np.ndarray | None = None

    @property
    def derives(self) -> bool:
        """True when something comes from finite differences of positions."""
        return not (self.has_velocities and self.has_accelerations)

    @property
    def first_frame(self) -> int:
        """Index in the file of usable frame 0 (1 when the first frame is dropped)."""
        return 1 if self.derives else 0


@dataclass(frozen=True)
class FrameBatch:
    """A chunk of consecutive usable frames of one trajectory; arrays ``(B, N, 3)`` float64."""

    trajectory: str
    positions: np.ndarray
    velocities: np.ndarray
    accelerations: np.ndarray
    species: np.ndarray
    masses: np.ndarray | None = None

    @property
    def n_frames(self) -> int:
        """B, the number of frames in the chunk."""
        return int(self.positions.shape[0])


@dataclass(frozen=True)
class ParticleSamples:
    """Single particles at single frames, flattened: arrays ``(S, 3)``, indices ``(S,)``.

    ``trajectory`` indexes :attr:`TrajectoryDataset.trajectories`; ``frame`` is the
    usable-frame index within it; ``particle`` the row in that frame.
    """

    positions: np.ndarray
    velocities: np.ndarray
    accelerations: np.ndarray
    species: np.ndarray
    trajectory: np.ndarray
    frame: np.ndarray
    particle: np.ndarray

    @property
    def n_samples(self) -> int:
        """S."""
        return int(self.positions.shape[0])


def _read_window(group: h5py.Group, info: TrajectoryInfo, start: int, stop: int) -> tuple:
    """Positions, velocities, accelerations of usable frames ``[start, stop)``.

    Only the frames needed are read: ``[start - 1, stop + 1)`` of positions when deriving.
    """
    first, last = start + info.first_frame, stop + info.first_frame
    if not info.derives:
        return tuple(
            np.asarray(group[key][first:last], dtype=np.float64)
            for key in ("positions", "velocities", "accelerations")
        )
    window = np.asarray(group["positions"][first - 1 : last + 1], dtype=np.float64)
    before, here, after = window[:-2], window[1:-1], window[2:]
    if info.has_velocities:
        velocities = np.asarray(group["velocities"][first:last], dtype=np.float64)
    else:
        velocities = (after - before) / (2 * info.dt)
    if info.has_accelerations:
        accelerations = np.asarray(group["accelerations"][first:last], dtype=np.float64)
    else:
        accelerations = (after - 2 * here + before) / info.dt**2
    return here.copy(), velocities, accelerations


@dataclass(frozen=True)
class TrajectoryDataset:
    """The trajectories of one file; frames stay on disk until iterated.

    Attributes
    ----------
    trajectories : tuple of TrajectoryInfo
        In the file's (alphabetical) group order.
    species_names : tuple of str
        Sorted vocabulary shared by all trajectories; ``("X",)`` when none has species.
    path, sha256 : str
        The file and the SHA-256 of its bytes.
    """

    trajectories: tuple[TrajectoryInfo, ...]
    species_names: tuple[str, ...]
    path: str
    sha256: str
    task: ClassVar[str] = "trajectories"

    @property
    def n_species(self) -> int:
        """Size of the species vocabulary."""
        return len(self.species_names)

    @property
    def n_samples(self) -> int:
        """Usable frames times particles, summed over trajectories."""
        return sum(info.n_frames * info.n_particles for info in self.trajectories)

    def iter_batches(
        self, frames_per_batch: int = 1024, shuffle: bool = False, seed: int = 0
    ) -> Iterator[FrameBatch]:
        """Chunks of at most ``frames_per_batch`` consecutive usable frames.

        Each chunk is read from the file when it is reached, so memory stays bounded
        by one chunk. ``shuffle`` visits the chunks of all trajectories in a random
        order that depends only on ``seed``.
        """
        if frames_per_batch < 1:
            raise DataError(f"frames_per_batch must be at least 1, not {frames_per_batch}.")
        chunks = [
            (index, start)
            for index, info in enumerate(self.trajectories)
            for start in range(0, info.n_frames, frames_per_batch)
        ]
        if shuffle:
            order = np.random.default_rng(seed).permutation(len(chunks))
            chunks = [chunks[i] for i in order]
        with open_hdf5(self.path) as handle:
            group = handle["trajectories"]
            for index, start in chunks:
                info = self.trajectories[index]
                stop = min(start + frames_per_batch, info.n_frames)
                positions, velocities, accelerations = _read_window(
                    group[info.name], info, start, stop
                )
                yield FrameBatch(info.name, positions, velocities, accelerations, info.species,
                                 info.masses)  # fmt: skip

    def sample(self, n_samples: int, seed: int = 0) -> ParticleSamples:
        """``n_samples`` distinct (frame, particle) samples drawn uniformly, for evaluation.

        All samples when the file has fewer. Deterministic given ``seed``; the file is
        read in windows that contain drawn frames only.
        """
        if n_samples < 1:
            raise DataError(f"n_samples must be at least 1, not {n_samples}.")
        n_samples = min(int(n_samples), self.n_samples)
        rng = np.random.default_rng(seed)
        drawn = np.sort(rng.choice(self.n_samples, n_samples, replace=False))
        offsets = np.cumsum([0] + [i.n_frames * i.n_particles for i in self.trajectories])
        parts = []
        with open_hdf5(self.path) as handle:
            for index, info in enumerate(self.trajectories):
                local = drawn[(drawn >= offsets[index]) & (drawn < offsets[index + 1])]
                local = local - offsets[index]
                if len(local):
                    group = handle["trajectories"][info.name]
                    parts.append(_sample_trajectory(group, info, index, local))
        return ParticleSamples(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _sample_trajectory(group: h5py.Group, info: TrajectoryInfo, index: int, local: np.ndarray):
    """Columns of :class:`ParticleSamples` for flat indices ``frame * N + particle``."""
    frames, particles = np.divmod(local, info.n_particles)
    window = frames_per_read(info.n_particles)
    columns: list[list[np.ndarray]] = [[] for _ in range(3)]
    for start in np.unique(frames // window) * window:
        stop = min(start + window, info.n_frames)
        inside = (frames >= start) & (frames < stop)
        arrays = _read_window(group, info, int(start), int(stop))
        for column, array in zip(columns, arrays, strict=True):
            column.append(array[frames[inside] - start, particles[inside]])
    positions, velocities, accelerations = (np.concatenate(column) for column in columns)
    trajectory = np.full(len(local), index, dtype=np.int64)
    species = info.species[particles]
    return positions, velocities, accelerations, species, trajectory, frames, particles


def load_trajectories(path: str | os.PathLike) -> TrajectoryDataset:
    """Validate a trajectories file and describe it; frames are read later, in chunks.

    Raises
    ------
    DataError
        With one sentence naming the file and the offending trajectory or array.
    """
    with open_hdf5(path) as handle:
        inspected = inspect_file(handle, path)
        groups = [handle["trajectories"][fields["name"]] for fields, _ in inspected]
        boxes = [_box(group) for group in groups]
        notes = [str(group.attrs.get("dt_note", "")) for group in groups]
        per_particle = [{key: _per_particle(group, key, fields["n_particles"], path)
                         for key in PER_PARTICLE}
                        for group, (fields, _) in zip(groups, inspected, strict=True)]  # fmt: skip
    vocabulary = build_vocabulary(labels for _, labels in inspected)
    infos = tuple(
        TrajectoryInfo(**fields, species=encode_species(labels, vocabulary, fields["n_particles"]),
                       box=box, dt_note=note, **extra)
        for (fields, labels), box, note, extra in zip(inspected, boxes, notes, per_particle,
                                                       strict=True)
    )  # fmt: skip
    return TrajectoryDataset(infos, vocabulary, str(path), file_sha256(path))


#: Optional per-particle columns of a trajectory: (N,) float arrays.
PER_PARTICLE = ("masses", "charges")


def _per_particle(group: h5py.Group, key: str, n: int, path) -> np.ndarray | None:
    """A trajectory's ``masses`` or ``charges`` (N,), checked; None when absent."""
    if key not in group:
        return None
    values = np.asarray(group[key], dtype=np.float64)
    positive = key == "masses"
    if values.shape != (n,) or not np.all(np.isfinite(values)) or \
            (positive and np.any(values <= 0)):  # fmt: skip
        raise DataError(f"{path}: {group.name}/{key} must hold {n} finite numbers"
                        f"{' above 0' if positive else ''}, one per particle.")  # fmt: skip
    return values


def _box(group: h5py.Group) -> tuple[np.ndarray, np.ndarray] | None:
    """(cell, pbc) of a trajectory with a periodic ``cell`` (written by the converters)."""
    if "cell" not in group:
        return None
    cell = np.asarray(group["cell"], dtype=np.float64)
    pbc = np.asarray(group["pbc"], dtype=bool) if "pbc" in group else np.ones(3, dtype=bool)
    if cell.shape != (3, 3) or pbc.shape != (3,) or not pbc.any() or not np.isfinite(cell).all() \
            or abs(np.linalg.det(cell)) < 1e-12:  # fmt: skip
        return None
    return cell, pbc


def write_trajectories(
    path: str | os.PathLike,
    trajectories: Mapping[str, Mapping],
    attrs: Mapping[str, object] | None = None,
) -> None:
    """Write ``{name: {"positions": ..., "velocities": ..., "accelerations": ..., "species":
    ..., "dt": ...}}`` atomically; only ``positions`` is required.

    Arrays are stored chunked by frames (about 256 KiB a chunk) so that windowed reads
    touch only the frames they need. The file is validated before it replaces ``path``.

    Examples
    --------
    >>> import tempfile
    >>> t = np.linspace(0, 1, 11)
    >>> line = np.stack([t, 0 * t, 0 * t], axis=-1)[:, None, :]
    >>> path = f"{tempfile.mkdtemp()}/line.h5"
    >>> write_trajectories(path, {"line": {"positions": line, "dt": 0.1}})
    >>> batch = next(load_trajectories(path).iter_batches())
    >>> batch.velocities[0, 0].round(12)
    array([1., 0., 0.])
    """
    if not trajectories:
        raise DataError(f"{path}: nothing to write; give at least one trajectory.")
    allowed = {"positions", *OPTIONAL_ARRAYS, *PER_PARTICLE, "species", "dt"}
    with atomic_hdf5(path, attrs) as handle:
        group = handle.create_group("trajectories")
        for name, fields in trajectories.items():
            unknown = set(fields) - allowed
            if unknown or "positions" not in fields:
                raise DataError(
                    f"trajectory '{name}' needs 'positions' and may hold only "
                    f"{sorted(allowed)}; got {sorted(fields)}."
                )
            member = group.create_group(name)
            for key in ("positions", *OPTIONAL_ARRAYS):
                if key in fields:
                    values = np.asarray(fields[key], dtype=np.float64)
                    member.create_dataset(key, data=values, chunks=_chunk_shape(values.shape))
            if "species" in fields:
                member.create_dataset("species", data=species_for_writing(fields["species"]))
            for key in PER_PARTICLE:
                if fields.get(key) is not None:
                    member.create_dataset(key, data=np.asarray(fields[key], dtype=np.float64))
            if fields.get("dt") is not None:
                member.attrs["dt"] = float(fields["dt"])
        handle.flush()
        inspect_file(handle, path)


def _chunk_shape(shape: tuple[int, ...]) -> tuple[int, ...] | bool | None:
    """HDF5 chunks of whole frames, about 256 KiB each; h5py's choice for odd shapes."""
    if 0 in shape:
        return None  # HDF5 cannot chunk an empty array; the reader will refuse it anyway
    if len(shape) != 3:
        return True
    frames = max(1, min(shape[0], (256 << 10) // (shape[1] * shape[2] * 8)))
    return (frames, shape[1], shape[2])
