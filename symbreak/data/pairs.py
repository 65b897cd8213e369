"""Point-cloud pairs: a structure before and after a deformation.

HDF5 layout (``docs/data_format.md``)::

    /pairs/<name>/source    float (N, 3)  positions before
    /pairs/<name>/target    float (N, 3)  positions after; row i of source becomes row i
    /pairs/<name>/species   (N,) ints or strings, optional node types
    /pairs/<name>/source_cell, target_cell   float (3, 3), optional lattice vectors as rows
    /pairs/<name>/pbc       bool (3,), optional periodicity along each cell vector

Several pairs per file are fitted together; they share one species vocabulary.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import h5py
import numpy as np

from symbreak.data._hdf5 import (
    atomic_hdf5,
    check_finite,
    check_vectors,
    file_sha256,
    open_hdf5,
    require_dataset,
    require_group,
)
from symbreak.data._species import (
    build_vocabulary,
    encode_species,
    read_species,
    species_for_writing,
)
from symbreak.errors import DataError

#: Two source points closer than this fraction of the cloud's size count as one point.
COINCIDENCE_TOLERANCE = 1e-8

_PAIRS_HINT = (
    "a pairs file stores /pairs/<name>/source and /pairs/<name>/target arrays of shape (N, 3); "
    "the other option is /trajectories/<name>/positions of shape (T, N, 3)."
)


@dataclass(frozen=True)
class StructurePair:
    """One structure before (``source``) and after (``target``) a deformation.

    Attributes
    ----------
    name : str
        The pair's group name in the file.
    source, target : numpy.ndarray
        ``(N, 3)`` float64 positions; row i of ``source`` moves to row i of ``target``.
    species : numpy.ndarray
        ``(N,)`` int64 indices into :attr:`PairDataset.species_names`.
    source_cell, target_cell : numpy.ndarray or None
        ``(3, 3)`` lattice vectors (rows) of the two structures, when the file gives them.
    pbc : numpy.ndarray or None
        ``(3,)`` bool, periodicity along each cell vector; ``None`` for a finite cluster.
    """

    name: str
    source: np.ndarray
    target: np.ndarray
    species: np.ndarray
    source_cell: np.ndarray | None = None
    target_cell: np.ndarray | None = None
    pbc: np.ndarray | None = None

    @property
    def n_points(self) -> int:
        """Number of points N."""
        return int(self.source.shape[0])

    @property
    def displacement(self) -> np.ndarray:
        """``target - source``, the deformation field sampled at the source points."""
        return self.target - self.source

    @property
    def periodic(self) -> bool:
        """True when the pair is a crystal: periodic along at least one cell vector."""
        return self.pbc is not None and bool(np.any(self.pbc))


@dataclass(frozen=True)
class PairDataset:
    """Every pair of one file, with the species vocabulary they share.

    Attributes
    ----------
    pairs : tuple of StructurePair
        In the file's (alphabetical) group order.
    species_names : tuple of str
        Sorted vocabulary; ``("X",)`` when no pair has species.
    path, sha256 : str or None
        Where the data came from and the SHA-256 of the file bytes (None in memory).
    """

    pairs: tuple[StructurePair, ...]
    species_names: tuple[str, ...]
    path: str | None
    sha256: str | None
    task: ClassVar[str] = "pairs"

    @property
    def n_species(self) -> int:
        """Size of the species vocabulary."""
        return len(self.species_names)

    @property
    def n_points(self) -> int:
        """Total number of points over all pairs."""
        return sum(pair.n_points for pair in self.pairs)

    @property
    def periodic(self) -> bool:
        """True when any pair is periodic (a crystal pair; ``symbreak.tasks.crystals``)."""
        return any(pair.periodic for pair in self.pairs)


def check_distinct_points(points: np.ndarray, where: str) -> None:
    """Refuse two points closer than ``COINCIDENCE_TOLERANCE`` times the bounding-box diagonal.

    Coincident nodes have no direction between them, so the edge's spherical
    harmonics, and with them the symmetry analysis, are undefined.

    >>> check_distinct_points(np.eye(3), "example")
    """
    from symbreak.symmetry import close_pair  # numpy; scipy only for big sets

    if len(points) < 2:
        raise DataError(f"{where}: holds {len(points)} point(s); a pair needs at least two.")
    size = float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))
    close = close_pair(points, COINCIDENCE_TOLERANCE * size) if size > 0 else (0, 1)
    if close is not None:
        i, j = close
        raise DataError(
            f"{where}: 'source' points {i} and {j} coincide; every point must be distinct."
        )


def _read_pair_arrays(group: h5py.Group, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Source and target of one pair as float64, with shape and value checks."""
    arrays = []
    for key in ("source", "target"):
        dataset = require_dataset(group, key, where)
        check_vectors(dataset.shape, 2, key, where)
        values = np.asarray(dataset[()], dtype=np.float64)
        check_finite(values, key, where)
        arrays.append(values)
    source, target = arrays
    if source.shape[0] != target.shape[0]:
        raise DataError(
            f"{where}: 'source' has {source.shape[0]} points but 'target' has {target.shape[0]}."
        )
    if source.shape[0] < 2:
        raise DataError(f"{where}: has {source.shape[0]} point(s); a pair needs at least 2.")
    check_distinct_points(source, where)
    return source, target


def load_pairs(path: str | os.PathLike) -> PairDataset:
    """Read and validate every pair of a symbreak pairs file.

    Raises
    ------
    DataError
        With one sentence naming the file and the offending pair or array.
    """
    with open_hdf5(path) as handle:
        group = require_group(handle, "pairs", path, _PAIRS_HINT)
        raw = []
        for name in sorted(group):
            member = group[name]
            where = f"{path}: pair '{name}'"
            if not isinstance(member, h5py.Group):
                raise DataError(f"{where} must be a group holding 'source' and 'target'.")
            source, target = _read_pair_arrays(member, where)
            labels = read_species(member, source.shape[0], where)
            raw.append((name, source, target, labels, _read_lattice(member, where)))
    vocabulary = build_vocabulary(labels for *_, labels, _ in raw)
    pairs = tuple(
        StructurePair(name, source, target, encode_species(labels, vocabulary, len(source)),
                      **lattice)  # fmt: skip
        for name, source, target, labels, lattice in raw
    )
    return PairDataset(pairs, vocabulary, str(path), file_sha256(path))


def _read_lattice(group: h5py.Group, where: str) -> dict:
    """``source_cell``, ``target_cell`` and ``pbc`` of one pair, those the file stores.

    A cell is (3, 3) with lattice vectors as rows (ASE's convention); ``pbc`` is (3,) booleans.
    A periodic direction needs a cell whose vectors span space, or images are undefined.
    """
    lattice: dict = {}
    for key in ("source_cell", "target_cell"):
        if key in group:
            dataset = require_dataset(group, key, where)
            if dataset.shape != (3, 3):
                raise DataError(f"{where}: '{key}' has shape {dataset.shape}, expected (3, 3).")
            cell = np.asarray(dataset[()], dtype=np.float64)
            check_finite(cell, key, where)
            lattice[key] = cell
    if "pbc" in group:
        dataset = group["pbc"]
        if not isinstance(dataset, h5py.Dataset) or dataset.shape != (3,):
            raise DataError(f"{where}: 'pbc' must be a dataset of shape (3,), one flag per axis.")
        if dataset.dtype.kind not in "biu":
            raise DataError(f"{where}: 'pbc' must hold booleans, not {dataset.dtype} values.")
        pbc = np.asarray(dataset[()]).astype(bool)
        if pbc.any():
            for key in ("source_cell", "target_cell"):
                if key not in lattice:
                    raise DataError(f"{where}: 'pbc' is set but '{key}' is missing.")
                cell = lattice[key]
                if abs(np.linalg.det(cell)) <= 1e-9 * np.prod(np.linalg.norm(cell, axis=1)):
                    raise DataError(f"{where}: '{key}' is singular; its rows must span space.")
        lattice["pbc"] = pbc
    return lattice


_LATTICE_KEYS = ("source_cell", "target_cell", "pbc")


def write_pairs(
    path: str | os.PathLike,
    pairs: Mapping[str, Sequence | StructurePair],
    attrs: Mapping[str, object] | None = None,
    species_names: Sequence[str] | None = None,
) -> None:
    """Write ``{name: (source, target)}`` or ``{name: (source, target, species)}`` atomically.

    A value may also be a :class:`StructurePair` (its ``species`` are indices into
    ``species_names``); its cells and ``pbc`` are written too. ``attrs`` become file
    attributes (the examples record their name and parameters).

    The file is checked by reading it back with :func:`load_pairs` before it replaces
    ``path``, so a written file is always a valid one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> square = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]])
    >>> write_pairs(f"{folder}/square.h5", {"stretch": (square, square * [2, 1, 1], ["C"] * 4)})
    >>> load_pairs(f"{folder}/square.h5").pairs[0].target[2]
    array([2., 1., 0.])
    """
    if not pairs:
        raise DataError(f"{path}: nothing to write; give at least one pair.")
    with atomic_hdf5(path, attrs) as handle:
        group = handle.create_group("pairs")
        for name, arrays in pairs.items():
            if isinstance(arrays, StructurePair):
                _write_structure_pair(group, name, arrays, species_names)
                continue
            if len(arrays) not in (2, 3):
                raise DataError(
                    f"pair '{name}' must be (source, target) or (source, target, species)."
                )
            member = group.create_group(name)
            member.create_dataset("source", data=np.asarray(arrays[0], dtype=np.float64))
            member.create_dataset("target", data=np.asarray(arrays[1], dtype=np.float64))
            if len(arrays) == 3:
                member.create_dataset("species", data=species_for_writing(arrays[2]))
        handle.flush()
        _validate_open_file(handle, path)


def _write_structure_pair(group: h5py.Group, name: str, pair: StructurePair,
                          species_names: Sequence[str] | None) -> None:  # fmt: skip
    member = group.create_group(name)
    member.create_dataset("source", data=np.asarray(pair.source, dtype=np.float64))
    member.create_dataset("target", data=np.asarray(pair.target, dtype=np.float64))
    if species_names is not None:
        labels = [species_names[int(s)] for s in pair.species]
        member.create_dataset("species", data=species_for_writing(labels))
    for key in _LATTICE_KEYS:
        value = getattr(pair, key)
        if value is not None:
            member.create_dataset(key, data=np.asarray(value, dtype=bool if key == "pbc" else
                                                       np.float64))  # fmt: skip


def _validate_open_file(handle: h5py.File, path: str | os.PathLike) -> None:
    """Run the reader's checks on the file being written, before it is renamed into place."""
    group = handle["pairs"]
    for name in group:
        where = f"{path}: pair '{name}'"
        source, _ = _read_pair_arrays(group[name], where)
        read_species(group[name], source.shape[0], where)
        _read_lattice(group[name], where)
