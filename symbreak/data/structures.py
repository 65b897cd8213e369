"""Structures in the formats people already have (CIF, POSCAR, extxyz, xyz, ASE ``.traj``, ...).

ASE's readers are the field's convention: every code that writes crystal or MD files is
tested against them, they know the dozens of dialects (CIF loops and symmetry operations,
VASP 4 and 5 POSCARs, extxyz's key=value comment lines), and they are already a dependency
of the published catalogue. symbreak therefore parses nothing itself: it asks ASE for
``Atoms`` and turns each into a :class:`Structure`, and turns every failure into one
sentence (:class:`~symbreak.errors.DataError`).

ASE is optional (``pip install symbreak[crystals]``); it is imported only when such a file
is read.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symbreak.conventions import MAX_MAGNITUDE
from symbreak.errors import DataError


@dataclass(frozen=True)
class Structure:
    """One structure: atoms, and the lattice when it is a crystal.

    Attributes
    ----------
    positions : (N, 3) float64 Cartesian positions.
    symbols : tuple of str, one chemical symbol (or type label) per atom.
    cell : (3, 3) float64 or None, lattice vectors as rows; None when the file gives none.
    pbc : (3,) bool, periodicity along each cell vector (all False without a cell).
    where : str, the file (and frame) it came from, for messages.
    """

    positions: np.ndarray
    symbols: tuple[str, ...]
    cell: np.ndarray | None
    pbc: np.ndarray
    where: str

    @property
    def n_atoms(self) -> int:
        return len(self.symbols)

    @property
    def periodic(self) -> bool:
        return self.cell is not None and bool(self.pbc.any())

    @property
    def fractional(self) -> np.ndarray:
        """Fractional coordinates (only for periodic structures)."""
        return np.linalg.solve(self.cell.T, self.positions.T).T

    @classmethod
    def from_atoms(cls, atoms, where: str) -> Structure:
        """From an ASE ``Atoms``; a zero cell counts as none."""
        return cls.from_arrays(atoms.positions, tuple(atoms.get_chemical_symbols()), atoms.cell,
                               atoms.pbc, where)  # fmt: skip

    @classmethod
    def from_arrays(cls, positions, symbols: tuple[str, ...], cell, pbc, where: str) -> Structure:
        """From Cartesian positions, symbols, lattice vectors as rows and periodicity, checked
        as every structure read is (finite, not too large, a cell with thickness, one atom per
        site); a zero cell counts as none."""
        cell = np.asarray(cell, dtype=np.float64)
        pbc = np.asarray(pbc, dtype=bool)
        has_cell = bool(np.any(cell != 0))
        if has_cell and not np.all(np.isfinite(cell)):
            raise DataError(f"{where}: its cell holds NaN or Inf.")
        with np.errstate(all="ignore"):
            singular = abs(np.linalg.det(cell)) <= 1e-9 * np.prod(np.linalg.norm(cell, axis=1))
        if pbc.any() and singular:
            raise DataError(f"{where}: is periodic but its cell is singular or missing.")
        positions = np.asarray(positions, dtype=np.float64)
        if not np.all(np.isfinite(positions)):
            raise DataError(f"{where}: holds NaN or Inf positions.")
        largest = max(float(np.abs(positions).max(initial=0.0)), float(np.abs(cell).max()))
        if largest > MAX_MAGNITUDE:
            raise DataError(
                f"{where}: holds a coordinate of {largest:.3g}, beyond the largest magnitude "
                f"symbreak accepts ({MAX_MAGNITUDE:.0e}); check the file's numbers and unit."
            )
        if pbc.any() and has_cell:
            _check_cell_thickness(cell, where)
            _check_distinct_sites(positions, cell, where)
        return cls(
            positions,
            tuple(symbols),
            cell if has_cell else None,
            pbc if has_cell else np.zeros(3, bool),
            where,
        )


#: Thinnest cell accepted, in the file's length unit (Angstrom for CIF and POSCAR): the
#: periodic neighbour list fails below about 1e-8, and no crystal is thinner than an atom.
MIN_CELL_HEIGHT = 1e-3

#: Two sites of a crystal closer than this fraction of its thinnest cell height are one site.
SITE_COINCIDENCE = 1e-8


def _cell_heights(cell: np.ndarray) -> np.ndarray:
    """Distance between opposite faces of the cell, for each lattice vector (computed on the
    cell scaled to unit size, so that a cell of 1e-100 neither underflows nor overflows)."""
    scale = float(np.abs(cell).max())
    if not scale > 0:
        return np.zeros(3)
    unit = cell / scale
    volume = abs(np.linalg.det(unit))
    faces = [np.linalg.norm(np.cross(unit[j], unit[k])) for j, k in ((1, 2), (2, 0), (0, 1))]
    return scale * volume / np.maximum(faces, np.finfo(float).tiny)


def _check_cell_thickness(cell: np.ndarray, where: str) -> None:
    heights = _cell_heights(cell)
    if heights.min() < MIN_CELL_HEIGHT:
        raise DataError(
            f"{where}: its cell is only {heights.min():.3g} thick (below {MIN_CELL_HEIGHT:g} "
            "in the file's length unit, Angstrom for CIF and POSCAR): a tiny or flat cell "
            "holds no crystal; check the cell lengths and angles."
        )


def _check_distinct_sites(positions: np.ndarray, cell: np.ndarray, where: str) -> None:
    """Refuse two atoms at one spot, counting periodic images (the minimum image of a
    difference that is a lattice vector is zero, whatever the cell's shape)."""
    fractional = np.linalg.solve(cell.T, positions.T).T
    limit = SITE_COINCIDENCE * _cell_heights(cell).min()
    for start in range(0, len(fractional), 512):  # bounded memory for large cells
        block = fractional[start : start + 512, None, :] - fractional[None, :, :]
        block -= np.round(block)
        distance = np.linalg.norm(block @ cell, axis=-1)
        rows = np.arange(len(distance))
        distance[rows, rows + start] = np.inf
        close = np.argwhere(distance < limit)
        if len(close):
            i, j = sorted((int(close[0, 0]) + start, int(close[0, 1])))
            raise DataError(
                f"{where}: atoms {i} and {j} sit at one spot (periodic images included); "
                "every atom must have its own site."
            )


_CIF_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


def _check_cif_cell(path: Path) -> None:
    """Refuse a CIF whose cell lengths are not positive or whose angles are not strictly
    between 0 and 180 degrees: ASE builds some cell from them all the same."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return  # ASE's read says why
    for match in re.finditer(rf"^\s*_cell_(length|angle)_(\w+)\s+{_CIF_NUMBER}", text, re.M):
        kind, axis, value = match.group(1), match.group(2), float(match.group(3))
        if kind == "length" and not value > 0:
            raise DataError(f"{path}: _cell_length_{axis} is {value:g}; a cell length must be "
                            "positive.")  # fmt: skip
        if kind == "angle" and not 0 < value < 180:
            raise DataError(f"{path}: _cell_angle_{axis} is {value:g}; a cell angle must lie "
                            "strictly between 0 and 180 degrees.")  # fmt: skip


def require_ase():
    """``ase.io``, or a DataError that says how to install it."""
    try:
        import ase.io
    except ImportError:
        raise DataError(
            "reading structure files needs ASE; install it with `pip install symbreak[crystals]`."
        ) from None
    return ase.io


def check_file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file.")
    if not path.is_file():
        raise DataError(f"{path}: is not a file.")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes).")
    return path


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_structures(path: str | os.PathLike, format: str | None = None) -> list[Structure]:  # noqa: A002
    """Every structure (frame, CIF data block) in a file, read by ASE.

    ``format`` is ASE's format name; by default ASE guesses it from the name and content.

    Raises
    ------
    DataError
        One sentence when the file is missing, ASE cannot read it, or it holds no atoms.
    """
    path = check_file(path)
    io = require_ase()
    if (format or path.suffix.lower().lstrip(".")) == "cif":
        _check_cif_cell(path)
    # numpy and ASE warn (overflow, a cell they cannot parse) on damaged files before they
    # fail or return nonsense: the checks below say what is wrong in one sentence instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frames = io.read(path, index=":", format=format)
        except Exception as error:  # ASE's readers raise anything, ValueError to StopIteration
            raise DataError(
                f"{path}: ASE cannot read it as a structure file ({_short(error)})."
            ) from None
        if not isinstance(frames, list):
            frames = [frames]
        if not frames:
            raise DataError(f"{path}: holds no structure.")
        structures = []
        for k, atoms in enumerate(frames):
            where = str(path) if len(frames) == 1 else f"{path} (frame {k})"
            if len(atoms) == 0:
                raise DataError(f"{where}: holds no atoms.")
            structures.append(Structure.from_atoms(atoms, where))
    return structures


def read_one_structure(path: str | os.PathLike, format: str | None = None) -> Structure:  # noqa: A002
    """The single structure of a file; a file with several frames is refused."""
    structures = read_structures(path, format)
    if len(structures) != 1:
        raise DataError(
            f"{path}: holds {len(structures)} structures; give one structure per file, or one "
            "file with exactly two frames (parent and child)."
        )
    return structures[0]


__all__ = ["Structure", "check_file", "read_one_structure", "read_structures", "require_ase"]
