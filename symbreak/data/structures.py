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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
        cell = np.asarray(atoms.cell, dtype=np.float64)
        pbc = np.asarray(atoms.pbc, dtype=bool)
        has_cell = bool(np.any(cell != 0))
        if pbc.any() and abs(np.linalg.det(cell)) <= 1e-9 * np.prod(np.linalg.norm(cell, axis=1)):
            raise DataError(f"{where}: is periodic but its cell is singular or missing.")
        positions = np.asarray(atoms.positions, dtype=np.float64)
        if not np.all(np.isfinite(positions)):
            raise DataError(f"{where}: holds NaN or Inf positions.")
        return cls(
            positions,
            tuple(atoms.get_chemical_symbols()),
            cell if has_cell else None,
            pbc if has_cell else np.zeros(3, bool),
            where,
        )


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
    try:
        frames = io.read(path, index=":", format=format)
    except Exception as error:  # ASE's readers raise anything from ValueError to StopIteration
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
