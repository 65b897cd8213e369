"""Any input symbreak fits, as one dataset: our HDF5, or structure files that ASE reads.

- ``load_input([data.h5])``: the HDF5 schema of ``docs/data_format.md``, as before;
- ``load_input([parent, child])``: two structure files (CIF, POSCAR, extxyz, xyz, ``.traj``);
- ``load_input([two_frames.extxyz])``: one file with exactly two frames, parent then child.

Crystals (both structures periodic) are related by :func:`~symbreak.data.cells.map_cells`
(supercell, origin shift, atom matching); clusters must hold the same atoms, in any order
(their correspondence is found in :mod:`symbreak.data.matching` when the task is prepared).
:func:`convert` writes what was read as our HDF5, so a user sees exactly what symbreak fits.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from symbreak.data._species import build_vocabulary, encode_species
from symbreak.data.cells import DEFAULT_MATCH_TOLERANCE, CellMapping, map_cells
from symbreak.data.pairs import PairDataset, StructurePair, check_distinct_points, write_pairs
from symbreak.data.structures import Structure, check_file, read_one_structure, read_structures
from symbreak.errors import DataError

#: Name of the file attribute holding each crystal pair's mapping as JSON.
MAPPING_ATTRIBUTE = "cell_mappings"


def is_hdf5(path: str | os.PathLike) -> bool:
    """True for an existing HDF5 file (our schema); structure files are everything else."""
    import h5py

    path = Path(path)
    return path.is_file() and path.stat().st_size > 0 and h5py.is_hdf5(path)


def _hdf5_by_name(path: str | os.PathLike) -> bool:
    """The name says HDF5 (.h5, .hdf5, .hdf): such a file is never handed to ASE."""
    return Path(path).suffix.lower() in (".h5", ".hdf5", ".hdf")


def pair_name(parent: str, child: str) -> str:
    """An HDF5-safe group name from two file names.

    >>> pair_name("data/BaTiO3_cubic.cif", "BaTiO3 P4mm.cif")
    'BaTiO3_cubic_to_BaTiO3_P4mm'
    """
    stems = [
        re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(p).stem).strip("_") or "structure"
        for p in (parent, child)
    ]
    return stems[0] if stems[0] == stems[1] else f"{stems[0]}_to_{stems[1]}"


def structure_pair(
    parent: Structure, child: Structure, name: str, tolerance: float = DEFAULT_MATCH_TOLERANCE
) -> tuple[dict, CellMapping | None]:
    """The arrays of one pair (``source``, ``target``, ``symbols`` and, for crystals, cells and
    ``pbc``) and the crystal mapping (None for clusters)."""
    if parent.periodic != child.periodic:
        periodic, finite = (parent, child) if parent.periodic else (child, parent)
        raise DataError(
            f"{periodic.where} is a periodic crystal but {finite.where} is not; give two "
            "crystals or two clusters."
        )
    if parent.periodic:
        mapping = map_cells(parent, child, tolerance)
        arrays = {
            "source": mapping.source,
            "target": mapping.target,
            "symbols": mapping.symbols,
            "source_cell": mapping.source_cell,
            "target_cell": mapping.target_cell,
            "pbc": np.ones(3, dtype=bool),
        }
        return arrays, mapping
    if parent.n_atoms != child.n_atoms:
        raise DataError(
            f"{parent.where} has {parent.n_atoms} atoms but {child.where} has {child.n_atoms}; "
            "a cluster pair needs the same atoms in both."
        )
    if sorted(parent.symbols) != sorted(child.symbols):
        raise DataError(
            f"{parent.where} holds {_formula(parent.symbols)} but {child.where} holds "
            f"{_formula(child.symbols)}; a cluster pair needs the same atoms in both."
        )
    check_distinct_points(parent.positions, parent.where)
    # the atoms of one species are matched to the source later (symbreak.data.matching); here
    # the child's rows are only brought into the parent's species order, stably
    rows = _species_alignment(parent.symbols, child.symbols)
    return {"source": parent.positions, "target": child.positions[rows],
            "symbols": parent.symbols}, None  # fmt: skip


def _formula(symbols: Sequence[str]) -> str:
    """``'C1 H4'`` for methane's symbols: each species and its count, sorted."""
    names = sorted(set(symbols))
    return " ".join(f"{name}{list(symbols).count(name)}" for name in names)


def _species_alignment(parent: Sequence[str], child: Sequence[str]) -> np.ndarray:
    """Rows of the child, in order, that give the parent's species sequence; the k-th atom of a
    species in the child takes the place of the k-th atom of that species in the parent.

    >>> _species_alignment(["O", "H", "H"], ["H", "O", "H"]).tolist()
    [1, 0, 2]
    """
    queues = {name: [i for i, s in enumerate(child) if s == name] for name in set(child)}
    return np.array([queues[name].pop(0) for name in parent], dtype=np.int64)


def _two_structures(paths: Sequence[str | os.PathLike]) -> tuple[Structure, Structure, str]:
    if len(paths) == 2:
        parent, child = (read_one_structure(p) for p in paths)
        return parent, child, pair_name(str(paths[0]), str(paths[1]))
    frames = read_structures(paths[0])
    if len(frames) != 2:
        raise DataError(
            f"{paths[0]}: holds {len(frames)} structure(s); a pair is one file with exactly two "
            "frames (parent, then child) or two files."
        )
    return frames[0], frames[1], pair_name(str(paths[0]), str(paths[0]))


def _files_sha256(paths: Sequence[str | os.PathLike]) -> str:
    from symbreak.data._hdf5 import file_sha256

    return hashlib.sha256("".join(file_sha256(p) for p in paths).encode()).hexdigest()


def read_structure_pair(
    paths: Sequence[str | os.PathLike], tolerance: float = DEFAULT_MATCH_TOLERANCE
) -> tuple[PairDataset, dict]:
    """A :class:`PairDataset` of one pair from structure files, and the mappings by pair name
    (``{name: CellMapping.to_dict()}``; empty for clusters)."""
    if len(paths) not in (1, 2):
        raise DataError(f"give one file with two frames or two files, not {len(paths)} files.")
    parent, child, name = _two_structures(paths)
    return pair_of_structures(parent, child, name, " + ".join(str(p) for p in paths),
                              _files_sha256(paths), tolerance)  # fmt: skip


def pair_of_structures(parent: Structure, child: Structure, name: str, where: str | None = None,
                       sha256: str | None = None, tolerance: float = DEFAULT_MATCH_TOLERANCE
                       ) -> tuple[PairDataset, dict]:  # fmt: skip
    """A :class:`PairDataset` of one pair from two structures in memory (crystals mapped onto
    each other, clusters' species aligned), and the mappings by pair name."""
    arrays, mapping = structure_pair(parent, child, name, tolerance)
    vocabulary = build_vocabulary([arrays["symbols"]])
    pair = StructurePair(
        name,
        np.asarray(arrays["source"], float),
        np.asarray(arrays["target"], float),
        encode_species(arrays["symbols"], vocabulary, len(arrays["symbols"])),
        source_cell=arrays.get("source_cell"),
        target_cell=arrays.get("target_cell"),
        pbc=arrays.get("pbc"),
    )
    dataset = PairDataset((pair,), vocabulary, where, sha256)
    return dataset, ({name: mapping.to_dict()} if mapping is not None else {})


def is_trajectory(paths: Sequence[str | os.PathLike]) -> bool:
    """One H5MD file, or one structure file with three frames or more (read no further)."""
    from symbreak.data.trajectory_formats import count_frames_at_least, is_h5md

    if len(paths) != 1 or _hdf5_by_name(paths[0]) and not is_hdf5(paths[0]):
        return False
    if is_hdf5(paths[0]):
        return is_h5md(paths[0])
    return count_frames_at_least(paths[0], 3) == 3


def load_input(paths: Sequence[str | os.PathLike], dt: float | None = None):
    """The dataset that ``symbreak fit`` fits: HDF5 as documented, structure files, or a
    trajectory file (streamed into a temporary HDF5 file that lives as long as the process)."""
    from symbreak.data import load_dataset

    paths = list(paths)
    for path in paths:
        check_file(path)
    if is_trajectory(paths):
        return load_dataset(_temporary_trajectory(paths[0], dt))
    if len(paths) == 1 and (is_hdf5(paths[0]) or _hdf5_by_name(paths[0])):
        return load_dataset(paths[0])  # a damaged .h5 gets the HDF5 reader's sentence
    if any(is_hdf5(p) for p in paths):
        raise DataError("an HDF5 file is fitted alone; give structure files as PARENT CHILD.")
    return read_structure_pair(paths)[0]


def _temporary_trajectory(path, dt: float | None) -> Path:
    import atexit
    import shutil
    import tempfile

    from symbreak.data.trajectory_formats import convert_trajectory

    folder = Path(tempfile.mkdtemp(prefix="symbreak-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    out = folder / (Path(path).stem + ".h5")
    convert_trajectory(path, out, dt)
    return out


def convert_any(paths: Sequence[str | os.PathLike], out: str | os.PathLike,
                dt: float | None = None) -> list[str]:  # fmt: skip
    """:func:`convert` for pairs, or the streamed trajectory conversion; what to tell the user."""
    paths = list(paths)
    for path in paths:
        check_file(path)
        if Path(path).resolve() == Path(out).resolve():
            raise DataError(f"{out} is also an input; choose another --out.")
    if is_trajectory(paths):
        from symbreak.data.trajectory_formats import convert_trajectory

        done = convert_trajectory(paths[0], out, dt)
        source = "from the file" if done["velocities_from_file"] else "to be derived"
        return [f"trajectory '{done['name']}': {done['frames']} frames of {done['atoms']} "
                f"atoms, dt {done['dt']:g}, velocities {source}.", done["dt_note"]]  # fmt: skip
    dataset, mappings = convert(paths, out)
    pair = dataset.pairs[0]
    kind = "crystal pair" if pair.periodic else "cluster pair"
    lines = [f"{kind} '{pair.name}', {pair.n_points} atoms."]
    if pair.name in mappings:
        from symbreak.data.cells import mapping_sentence

        lines.append(mapping_sentence(mappings[pair.name]))
    return lines


def convert(
    paths: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    tolerance: float = DEFAULT_MATCH_TOLERANCE,
) -> tuple[PairDataset, dict]:
    """Write the pair read from ``paths`` (see :func:`read_structure_pair`) as our HDF5 file.

    The crystal mapping goes into the file attribute ``cell_mappings`` (JSON). The file is
    written atomically and checked by reading it back, so a failure leaves nothing behind.
    Returns the dataset and the mappings (:func:`read_structure_pair`).
    """
    import json

    paths = list(paths)
    for path in paths:
        check_file(path)
        if Path(path).resolve() == Path(out).resolve():
            raise DataError(f"{out} is also an input; choose another --out.")
    dataset, mappings = read_structure_pair(paths, tolerance)
    attrs = {"converted_from": json.dumps([str(p) for p in paths])}
    if mappings:
        attrs[MAPPING_ATTRIBUTE] = json.dumps(mappings)
    write_pairs(
        out,
        {pair.name: pair for pair in dataset.pairs},
        attrs=attrs,
        species_names=dataset.species_names,
    )
    return dataset, mappings


__all__ = [
    "MAPPING_ATTRIBUTE",
    "convert",
    "convert_any",
    "is_trajectory",
    "is_hdf5",
    "load_input",
    "pair_name",
    "read_structure_pair",
    "structure_pair",
]
