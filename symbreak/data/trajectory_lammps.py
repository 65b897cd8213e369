r"""LAMMPS text dumps (``dump custom``/``dump atom``), plain or gzipped, read frame by frame.

A frame is ``ITEM: TIMESTEP``, ``ITEM: NUMBER OF ATOMS``, ``ITEM: BOX BOUNDS`` (orthogonal,
or triclinic with ``xy xz yz``) and ``ITEM: ATOMS`` with named columns. Positions are taken,
in order of preference, from unwrapped (``xu``), wrapped with image flags (``x`` + ``ix``),
scaled unwrapped (``xsu``), scaled with image flags (``xs`` + ``ix``), wrapped (``x``) or
scaled (``xs``) columns; the last two are unwrapped later, by the minimum image along the
periodic axes (:func:`symbreak.data.trajectory_formats._unwrap`). Scaled coordinates use each
frame's own box (a shrink-wrapped box changes every frame). Rows are sorted by ``id``.
``type`` (or ``element``) names the species, ``mass`` and ``q`` are kept when present.

The dump stores timestep numbers, not times: the interval between frames comes from the
positions and velocities (:func:`frame_interval`) or from ``--dt``.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symbreak.errors import DataError

_COORDINATES = (("xu", "yu", "zu"), ("x", "y", "z"), ("xsu", "ysu", "zsu"), ("xs", "ys", "zs"))


@dataclass(frozen=True)
class LammpsFrame:
    """One dump frame; arrays sorted by atom id.

    Attributes
    ----------
    step : int
        LAMMPS timestep number.
    cell : (3, 3) array
        Box vectors as rows (triclinic tilts included).
    pbc : (3,) bool
        Periodic axes (``pp`` bounds; ``f``, ``s`` and ``m`` are not).
    positions : (N, 3) array
        Cartesian; unwrapped when the dump says how (``unwrapped``).
    unwrapped : bool
        False for wrapped coordinates without image flags (the minimum image must unwrap them).
    velocities, masses, charges : arrays or None
        ``(N, 3)``, ``(N,)``, ``(N,)`` when the dump has the columns.
    species : list of str
        ``type1``... from ``type``, or the ``element`` column.
    """

    step: int
    cell: np.ndarray
    pbc: np.ndarray
    positions: np.ndarray
    unwrapped: bool
    velocities: np.ndarray | None
    masses: np.ndarray | None
    charges: np.ndarray | None
    species: list[str]


def _open(path: Path):
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt")
    return open(path)


def is_lammps_dump(path: str | os.PathLike) -> bool:
    """Whether the file (plain or gzipped) starts as a LAMMPS text dump does."""
    try:
        with _open(Path(path)) as handle:
            return handle.readline().strip() == "ITEM: TIMESTEP"
    except (OSError, UnicodeDecodeError, EOFError, zlib.error):
        return False


def _box(lines: list[str], header: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Origin, cell rows and periodic axes of ``ITEM: BOX BOUNDS`` (LAMMPS Howto triclinic)."""
    flags = header.split()[3:]
    bounds = np.array([[float(v) for v in line.split()] for line in lines])
    pbc = np.array([flag == "pp" for flag in flags[-3:]]) if len(flags) >= 3 else np.ones(3, bool)
    xy = xz = yz = 0.0
    if bounds.shape[1] == 3:
        xy, xz, yz = bounds[:, 2]
        lo, hi = bounds[:, 0].copy(), bounds[:, 1].copy()
        # the dump gives the bounding box of the tilted cell; recover the cell's own bounds
        lo[0] -= min(0.0, xy, xz, xy + xz)
        hi[0] -= max(0.0, xy, xz, xy + xz)
        lo[1] -= min(0.0, yz)
        hi[1] -= max(0.0, yz)
    else:
        lo, hi = bounds[:, 0], bounds[:, 1]
    length = hi - lo
    cell = np.array([[length[0], 0, 0], [xy, length[1], 0], [xz, yz, length[2]]])
    return lo, cell, pbc


def iter_lammps_frames(path: str | os.PathLike) -> Iterator[LammpsFrame]:
    """The frames of a text dump, one at a time (a gzipped file is streamed too)."""
    path = Path(path)
    with _open(path) as handle:
        while True:
            line = handle.readline()
            if not line:
                return
            if line.strip() != "ITEM: TIMESTEP":
                raise DataError(f"{path}: expected 'ITEM: TIMESTEP', found '{line.strip()[:40]}'.")
            try:
                step = int(handle.readline())
                handle.readline()  # ITEM: NUMBER OF ATOMS
                n = int(handle.readline())
                box_header = handle.readline()
                box_lines = [handle.readline() for _ in range(3)]
                columns = handle.readline().split()[2:]
                # split the block at once: np.loadtxt took 4 s for 30k rows
                tokens = "".join(handle.readline() for _ in range(n)).split()
                if len(tokens) != n * len(columns):
                    raise ValueError(f"{len(tokens)} values for {n} atoms x {len(columns)} "
                                     "columns")  # fmt: skip
                table = np.array(tokens, dtype=str).reshape(n, len(columns))
                yield _frame(step, box_header, box_lines, columns, table)
            except (ValueError, IndexError) as error:
                raise DataError(f"{path}: a damaged frame after timestep line "
                                f"'{line.strip()}' ({error}).") from None  # fmt: skip


def _frame(step, box_header, box_lines, columns, table) -> LammpsFrame:
    index = {name: k for k, name in enumerate(columns)}
    if "id" in index:
        table = table[np.argsort(table[:, index["id"]].astype(np.int64), kind="stable")]

    def numbers(*names):
        return table[:, [index[name] for name in names]].astype(np.float64)

    origin, cell, pbc = _box(box_lines, box_header)
    names = next((names for names in _COORDINATES if all(n in index for n in names)), None)
    if names is None:
        raise ValueError(f"no coordinates among the columns {columns}")
    positions = numbers(*names)
    if names[0].startswith("xs"):
        positions = positions @ cell + origin
    images = all(name in index for name in ("ix", "iy", "iz"))
    if names[0] in ("x", "xs") and images:
        positions = positions + numbers("ix", "iy", "iz") @ cell
    unwrapped = names[0] in ("xu", "xsu") or images or not np.any(pbc)
    velocities = numbers("vx", "vy", "vz") if "vx" in index else None
    species = (
        list(table[:, index["element"]]) if "element" in index
        else [f"type{t}" for t in table[:, index["type"]]] if "type" in index
        else ["X"] * len(table)
    )  # fmt: skip
    return LammpsFrame(
        step, cell, pbc, positions, unwrapped, velocities,
        numbers("mass")[:, 0] if "mass" in index else None,
        numbers("q")[:, 0] if "q" in index else None, species,
    )  # fmt: skip


def frame_interval(positions: np.ndarray, velocities: np.ndarray) -> tuple[float, float]:
    r"""The time between frames, from unwrapped positions ``(T, N, 3)`` and velocities.

    By the trapezoidal rule :math:`x_{t+1} - x_t \approx \Delta t\,(v_t + v_{t+1})/2`, so
    least squares gives :math:`\Delta t = \sum \delta x \cdot \bar v / \sum |\bar v|^2`.
    The second number is the relative rms misfit of that rule (small when frames are close
    enough for finite differences: about :math:`(\omega \Delta t)^2 / 12`).

    >>> t = np.arange(5)[:, None, None] * 0.1
    >>> x = np.concatenate([np.sin(t), np.cos(t), t], axis=2)
    >>> v = np.concatenate([np.cos(t), -np.sin(t), 1 + 0 * t], axis=2)
    >>> round(frame_interval(x, v)[0], 4)
    0.1
    """
    step = np.diff(positions, axis=0)
    mean_velocity = (velocities[1:] + velocities[:-1]) / 2
    norm = float(np.sum(mean_velocity**2))
    if len(step) == 0 or norm == 0:
        return float("nan"), float("inf")
    interval = float(np.sum(step * mean_velocity)) / norm
    misfit = np.sqrt(np.sum((step - interval * mean_velocity) ** 2) / np.sum(step**2))
    return interval, float(misfit)


def read_lammps_dump(path: str | os.PathLike):
    """All frames of a (small) dump, with ``to_atoms()`` for ASE (used by the test set)."""
    frames = list(iter_lammps_frames(path))

    class Frames(list):
        def to_atoms(self):
            from ase import Atoms

            first = np.stack([f.positions for f in self[:2]])
            interval = (
                frame_interval(first, np.stack([f.velocities for f in self[:2]]))[0]
                if self[0].velocities is not None and len(self) > 1 else 1.0
            )  # fmt: skip
            for k, frame in enumerate(self):
                symbols = [_symbol(s) for s in frame.species]
                atoms = Atoms(symbols, positions=frame.positions, cell=frame.cell,
                              pbc=frame.pbc)
                if np.any(frame.pbc):
                    atoms.wrap()  # as a periodic code writes them: the reader must unwrap
                if frame.masses is not None:
                    atoms.set_masses(frame.masses)
                if frame.velocities is not None:
                    atoms.set_velocities(frame.velocities)
                atoms.info["time"] = k * round(interval, 10)
                yield atoms

    return Frames(frames)


def _symbol(species: str) -> str:
    """type1 -> H, type2 -> He...: ASE needs element symbols."""
    from ase.data import chemical_symbols

    if species.startswith("type") and species[4:].isdigit():
        return chemical_symbols[int(species[4:])]
    return species


__all__ = ["LammpsFrame", "frame_interval", "is_lammps_dump", "iter_lammps_frames",
           "read_lammps_dump"]  # fmt: skip
