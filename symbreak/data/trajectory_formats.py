"""MD trajectories in the formats people have, streamed into symbreak's trajectories schema.

- extxyz, ASE ``.traj``, LAMMPS dump (``lammps-dump-text``) and anything else ``ase.io.iread``
  knows, frame by frame: ASE is already how symbreak reads structures (one reader stack, the
  field's convention), and ``iread`` streams. MDAnalysis would add a large dependency for
  formats ASE already reads.
- H5MD (``/particles/<group>/position/value``, ``box/edges``) directly with h5py, in windows of
  frames: it is HDF5, and h5py is already a dependency.

Frames are written as they are read (``frames_per_chunk`` at a time), so a file larger than
memory converts. Periodic positions are unwrapped (each frame continues the previous one by the
minimum image), so that finite differences do not see jumps across the cell.

Masses and charges are kept when the file states them (LAMMPS ``mass`` and ``q`` columns,
extxyz ``masses`` and ``initial_charges``, H5MD ``mass`` and ``charge``): the masses give the
total force, in which every pair interaction cancels.

Velocities come from the file when it has them (ASE's ``get_velocities()``, in ASE's units, or
H5MD's ``velocity/value``); otherwise they are derived by the trajectories reader from
positions and ``dt``. ``dt`` comes from the file (extxyz/``.traj`` ``time`` info of the first
two frames; H5MD ``position/time``) or from ``--dt``; with neither, one sentence and exit 2.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from symbreak.data.structures import _short, check_file, require_ase
from symbreak.errors import DataError
from symbreak.symmetry import minimum_image

#: Frames gathered before each write (64 KiB - 1 MiB of positions for 10 - 1000 atoms).
FRAMES_PER_CHUNK = 2048
#: At most this many atom rows a chunk (6 MiB of float64 positions): 2048 frames of 1,000
#: atoms held ~150 MiB while a chunk was stacked and unwrapped.
ROWS_PER_CHUNK = 2**18


def _chunks(frames: Iterator, atoms_of) -> Iterator[list]:
    """Lists of consecutive frames, as many as :data:`FRAMES_PER_CHUNK` and
    :data:`ROWS_PER_CHUNK` allow for the first frame's atom count (``atoms_of(frame)``)."""
    first = next(frames, None)
    if first is None:
        return
    size = max(1, min(FRAMES_PER_CHUNK, ROWS_PER_CHUNK // max(1, atoms_of(first))))
    frames = itertools.chain([first], frames)
    while chunk := list(itertools.islice(frames, size)):
        yield chunk


def is_h5md(path: str | os.PathLike) -> bool:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            return "h5md" in handle and "particles" in handle
    except OSError:
        return False


#: Compressed files ASE would read through a seeking decompressor, by suffix.
_COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "lzma"}


def _ase_frames(path: Path, format: str | None) -> Iterator:  # noqa: A002
    """ASE's frames of ``path``. A compressed file is first decompressed, streaming, into a
    temporary file: ASE's extxyz reader seeks back to each frame, and a seek in a gzip
    stream re-reads it from the start (499 frames of 20 atoms: 2.6 s through gzip, 0.09 s
    decompressed first)."""
    io = require_ase()
    compression = _COMPRESSED.get(Path(path).suffix.lower())
    if compression is not None:
        yield from _decompressed_frames(Path(path), compression, format)
        return
    try:
        yield from io.iread(path, index=":", format=format)
    except Exception as error:  # ASE's readers raise anything
        raise DataError(f"{path}: ASE cannot read it as a trajectory ({_short(error)}).") from None


def _decompressed_frames(path: Path, compression: str, format: str | None) -> Iterator:  # noqa: A002
    import importlib
    import shutil
    import tempfile

    opener = importlib.import_module(compression).open
    inner = Path(path.stem).suffix or ".extxyz"  # x.extxyz.gz -> .extxyz: ASE's format guess
    with tempfile.TemporaryDirectory(prefix="symbreak-") as folder:
        plain = Path(folder) / f"frames{inner}"
        try:
            with opener(path, "rb") as source, open(plain, "wb") as target:
                shutil.copyfileobj(source, target, 2**20)
        except Exception as error:  # OSError, EOFError, zlib.error, lzma.LZMAError, ...
            raise DataError(f"{path}: cannot decompress it ({_short(error)}).") from None
        try:
            yield from require_ase().iread(plain, index=":", format=format)
        except Exception as error:  # ASE's readers raise anything
            raise DataError(f"{path}: ASE cannot read it as a trajectory "
                            f"({_short(error)}).") from None  # fmt: skip


def count_frames_at_least(path: str | os.PathLike, limit: int, format: str | None = None) -> int:  # noqa: A002
    """How many frames the file has, counting no further than ``limit`` (reads only those)."""
    from symbreak.data.trajectory_lammps import is_lammps_dump, iter_lammps_frames

    if is_h5md(path):
        return limit
    if is_lammps_dump(path):
        return sum(1 for _ in itertools.islice(iter_lammps_frames(path), limit))
    return sum(1 for _ in itertools.islice(_ase_frames(Path(path), format), limit))


class _Writer:
    """Appends frames to resizable datasets of one trajectory group."""

    def __init__(self, group, n_atoms: int, with_velocities: bool) -> None:
        shape, chunk = (
            (0, n_atoms, 3),
            (max(1, min(FRAMES_PER_CHUNK, 2**15 // n_atoms)), n_atoms, 3),
        )
        keys = ["positions"] + (["velocities"] if with_velocities else [])
        self.datasets = {
            key: group.create_dataset(
                key, shape=shape, maxshape=(None, n_atoms, 3), chunks=chunk, dtype="f8"
            )
            for key in keys
        }
        self.frames = 0

    def append(self, arrays: dict) -> None:
        count = len(arrays["positions"])
        for key, dataset in self.datasets.items():
            dataset.resize(self.frames + count, axis=0)
            dataset[self.frames :] = arrays[key]
        self.frames += count


def _unwrap(positions: np.ndarray, previous: np.ndarray | None, cell, pbc) -> np.ndarray:
    """Continue ``previous`` by the minimum image of each atom's step, along periodic axes."""
    if previous is None or cell is None or not np.any(pbc):
        return positions
    step = np.linalg.solve(cell.T, (positions - previous).T).T
    step[:, pbc] = minimum_image(step[:, pbc])
    return previous + step @ cell


def _stream_ase(path: Path, format: str | None) -> Iterator[tuple[dict, dict]]:  # noqa: A002
    """(meta, arrays) per chunk; meta (first chunk only) holds symbols, cell, pbc, times."""
    previous, meta = None, {}
    for chunk in _chunks(iter(_ase_frames(path, format)), len):
        if not meta:
            first = chunk[0]
            cell = np.asarray(first.cell, dtype=np.float64)
            meta = {
                "symbols": first.get_chemical_symbols(),
                "cell": cell if np.any(cell != 0) else None,
                "pbc": np.asarray(first.pbc),
                "times": [a.info.get("time") for a in chunk[:2]],
                "velocities": first.has("momenta"),
                # only masses the file states: ASE's element defaults are not the run's
                "masses": first.get_masses() if first.has("masses") else None,
                "charges": first.get_initial_charges() if first.has("initial_charges")
                else None,
            }  # fmt: skip
        positions, velocities = [], []
        for k, atoms in enumerate(chunk):
            if atoms.get_chemical_symbols() != meta["symbols"]:
                raise DataError(f"{path}: frame {k} has other atoms than the first frame.")
            previous = _unwrap(
                np.asarray(atoms.positions, float), previous, meta["cell"], meta["pbc"]
            )
            positions.append(previous)
            if meta["velocities"]:
                velocities.append(atoms.get_velocities())
        arrays = {"positions": np.stack(positions)}
        if meta["velocities"]:
            arrays["velocities"] = np.stack(velocities)
        yield meta, arrays


def _stream_h5md(path: Path) -> Iterator[tuple[dict, dict]]:
    import h5py

    with h5py.File(path, "r") as handle:
        groups = list(handle["particles"])
        if len(groups) != 1:
            raise DataError(f"{path}: holds {len(groups)} particle groups; symbreak reads one.")
        particles = handle["particles"][groups[0]]
        if "position" not in particles or "value" not in particles["position"]:
            raise DataError(f"{path}: H5MD particles/{groups[0]} has no position/value.")
        position = particles["position"]
        values = position["value"]
        time = position.get("time")
        times = None
        if time is not None:
            time = np.asarray(time[()] if time.shape == () else time[:2], dtype=float)
            times = [0.0, float(time)] if time.ndim == 0 else time.tolist()
        edges = particles.get("box/edges")
        cell = None
        if edges is not None:
            edges = edges["value"][0] if isinstance(edges, h5py.Group) else edges[()]
            edges = np.asarray(edges, dtype=float)
            cell = np.diag(edges) if edges.ndim == 1 else edges
        species = particles.get("species")
        symbols = None
        if species is not None:
            species = species["value"][0] if isinstance(species, h5py.Group) else species[()]
            symbols = [str(s) for s in np.asarray(species).tolist()]
        velocity = particles.get("velocity/value")
        fixed = {key: _fixed_per_particle(particles.get(name), values.shape[1])
                 for key, name in (("masses", "mass"), ("charges", "charge"))}  # fmt: skip
        meta = {
            **fixed,
            "symbols": symbols or ["X"] * values.shape[1],
            "cell": cell,
            "pbc": np.full(3, cell is not None),
            "times": times,
            "velocities": velocity is not None,
        }
        previous = None
        for start in range(0, values.shape[0], FRAMES_PER_CHUNK):
            block = np.asarray(values[start : start + FRAMES_PER_CHUNK], dtype=float)
            unwrapped = []
            for frame in block:
                previous = _unwrap(frame, previous, cell, meta["pbc"])
                unwrapped.append(previous)
            arrays = {"positions": np.stack(unwrapped)}
            if velocity is not None:
                arrays["velocities"] = np.asarray(velocity[start : start + FRAMES_PER_CHUNK], float)
            yield meta, arrays


def _fixed_per_particle(item, n: int) -> np.ndarray | None:
    """An H5MD ``mass``/``charge`` element that does not change in time, as (N,) floats
    (a scalar is every particle's); None when absent or time-dependent."""
    import h5py

    if item is None or isinstance(item, h5py.Group):
        return None
    values = np.asarray(item[()], dtype=np.float64)
    if values.ndim == 0:
        return np.full(n, float(values))
    return values if values.shape == (n,) else None


def _stream_lammps(path: Path) -> Iterator[tuple[dict, dict]]:
    """(meta, arrays) per chunk of a LAMMPS text dump; wrapped coordinates are unwrapped."""
    from symbreak.data.trajectory_lammps import iter_lammps_frames

    previous, meta = None, {}
    for chunk in _chunks(iter(iter_lammps_frames(path)), lambda frame: len(frame.positions)):
        if not meta:
            first = chunk[0]
            meta = {"symbols": first.species, "cell": first.cell, "pbc": first.pbc,
                    "times": None, "velocities": first.velocities is not None,
                    "masses": first.masses, "charges": first.charges}  # fmt: skip
        positions = []
        for frame in chunk:
            if frame.species != meta["symbols"]:
                raise DataError(f"{path}: frame at step {frame.step} has other atoms than the "
                                "first frame.")  # fmt: skip
            if frame.unwrapped:
                previous = frame.positions
            else:
                previous = _unwrap(frame.positions, previous, frame.cell, frame.pbc)
            positions.append(previous)
            if meta["velocities"] and frame.velocities is None:
                raise DataError(f"{path}: frame at step {frame.step} has no velocities.")
        arrays = {"positions": np.stack(positions)}
        if meta["velocities"]:
            arrays["velocities"] = np.stack([frame.velocities for frame in chunk])
        yield meta, arrays


#: The trapezoidal rule must hold to this relative misfit for an inferred frame interval.
INTERVAL_MISFIT = 0.05


def _time_step(meta: dict, dt: float | None, path, arrays: dict | None = None) -> tuple[float, str]:
    """The interval between frames and where it came from (one sentence)."""
    from symbreak.data._trajectory_schema import check_time_step

    if dt is not None:
        dt = check_time_step(dt, "--dt")
        return dt, f"dt {dt:g} from --dt."
    times = meta.get("times") or []
    numeric = len(times) == 2 and np.asarray(times, dtype=object).size == 2 and all(
        isinstance(t, (int, float, np.integer, np.floating)) and not isinstance(t, bool)
        for t in times)  # fmt: skip
    if numeric and times[1] > times[0]:
        step = check_time_step(times[1] - times[0], f"{path}: the time step of its frames")
        return step, "dt from the file's frame times."
    if arrays is not None and "velocities" in arrays and len(arrays["positions"]) >= 2:
        from symbreak.data.trajectory_lammps import frame_interval

        interval, misfit = frame_interval(arrays["positions"], arrays["velocities"])
        if interval > 0 and misfit < INTERVAL_MISFIT:
            interval = check_time_step(interval, f"{path}: the inferred frame interval")
            return interval, (f"dt {interval:.6g} inferred from the positions and velocities "
                              f"(x(t+dt) - x(t) = dt (v(t) + v(t+dt))/2 holds to "
                              f"{misfit:.1e}); pass --dt to set it.")  # fmt: skip
        raise DataError(f"{path}: the file gives no time step, and its positions and velocities "
                        f"do not fix one (the trapezoidal rule misses by {misfit:.1e}); pass "
                        "--dt (in the time unit of its velocities).")  # fmt: skip
    raise DataError(
        f"{path}: the file gives no time step; pass --dt (in the time unit of its velocities)."
    )


def convert_trajectory(
    path: str | os.PathLike,
    out: str | os.PathLike,
    dt: float | None = None,
    format: str | None = None,
) -> dict:  # noqa: A002
    """Stream a trajectory file into ``out`` (``/trajectories/<stem>``); returns a summary.

    The output is written under a temporary name and renamed when complete, so a failure
    (unreadable frame, no time step) leaves nothing behind.
    """
    from symbreak.data._hdf5 import atomic_hdf5
    from symbreak.data._species import species_for_writing

    path = check_file(path)
    from symbreak.data.trajectory_lammps import is_lammps_dump

    if is_h5md(path):
        stream = _stream_h5md(path)
    elif is_lammps_dump(path):
        stream = _stream_lammps(path)
    else:
        stream = _stream_ase(path, format)
    name = "".join(c if c.isalnum() or c in "_.-" else "_" for c in path.stem) or "trajectory"
    with atomic_hdf5(out, {"converted_from": str(path)}) as handle:
        group = handle.create_group(f"trajectories/{name}")
        writer = None
        for meta, arrays in stream:
            if writer is None:
                group.attrs["dt"], group.attrs["dt_note"] = _time_step(meta, dt, path, arrays)
                writer = _Writer(group, arrays["positions"].shape[1], "velocities" in arrays)
                group.create_dataset("species", data=species_for_writing(meta["symbols"]))
                for key in ("masses", "charges"):
                    if meta.get(key) is not None:
                        group.create_dataset(key, data=np.asarray(meta[key], dtype=np.float64))
                if meta["cell"] is not None:
                    group.create_dataset("cell", data=meta["cell"])
                    group.create_dataset("pbc", data=np.asarray(meta["pbc"], dtype=bool))
            writer.append(arrays)
        if writer is None or writer.frames < 3:
            raise DataError(f"{path}: a trajectory needs at least 3 frames.")
        summary = {
            "name": name,
            "frames": writer.frames,
            "atoms": writer.datasets["positions"].shape[1],
            "dt": float(group.attrs["dt"]),
            "velocities_from_file": "velocities" in writer.datasets,
            "dt_note": str(group.attrs["dt_note"]),
        }
    return summary


__all__ = ["FRAMES_PER_CHUNK", "convert_trajectory", "count_frames_at_least", "is_h5md"]
