"""Node types ("species"): labels in a file, integer indices in memory.

A file may store species as integers (atomic numbers, type ids) or as strings
(bytes or str in HDF5). symbreak reads them as text labels, builds one sorted
vocabulary shared by every pair or trajectory of the file, and hands the model
indices into it. Members without species get the label ``"X"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from symbreak.errors import DataError

if TYPE_CHECKING:
    import h5py

#: Label of nodes whose file gives no species.
DEFAULT_SPECIES = "X"

#: Chemical symbols in order of atomic number (Z = index + 1).
_ELEMENTS = (
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga",
    "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd",
    "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm",
    "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os",
    "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa",
    "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg",
    "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
)


def atomic_number(label: str) -> int | None:
    """The atomic number of a chemical symbol, or None for any other label.

    >>> atomic_number("Ti"), atomic_number("X"), atomic_number("type1")
    (22, None, None)
    """
    return _ELEMENTS.index(label) + 1 if label in _ELEMENTS else None


def species_sort_key(label: str) -> tuple[int, int, str]:
    """Integers in numeric order first (so ``"2" < "10"``), then other labels alphabetically.

    >>> sorted(["10", "O", "2", "H"], key=species_sort_key)
    ['2', '10', 'H', 'O']
    """
    if re.fullmatch(r"-?[0-9]+", label):
        return (0, int(label), "")
    return (1, 0, label)


def species_labels(values: np.ndarray, n_nodes: int, where: str) -> list[str]:
    """Turn a stored species array into ``n_nodes`` text labels, or raise :class:`DataError`."""
    values = np.asarray(values)
    if values.ndim != 1 or values.shape[0] != n_nodes:
        raise DataError(
            f"{where}: 'species' has shape {values.shape}, expected ({n_nodes},), one per point."
        )
    if values.dtype.kind in "iu":
        return [str(int(v)) for v in values]
    if values.dtype.kind == "S" or values.dtype.kind == "O" or values.dtype.kind == "U":
        labels = [v.decode() if isinstance(v, bytes) else str(v) for v in values.tolist()]
        if any(not label.strip() for label in labels):
            raise DataError(f"{where}: 'species' contains an empty label.")
        return [label.strip() for label in labels]
    raise DataError(
        f"{where}: 'species' must hold integers or strings, not {values.dtype} values."
    )


def read_species(group: h5py.Group, n_nodes: int, where: str) -> list[str] | None:
    """Species labels of one member group, or None when it has no ``species`` dataset."""
    import h5py  # here, so that reading a CIF does not load h5py

    if "species" not in group:
        return None
    dataset = group["species"]
    if not isinstance(dataset, h5py.Dataset):
        raise DataError(f"{where}: 'species' must be a dataset, not a group.")
    if dataset.shape != (n_nodes,):  # checked before reading: a declared shape may be huge
        raise DataError(
            f"{where}: 'species' has shape {dataset.shape}, expected ({n_nodes},), one per point."
        )
    try:
        values = dataset.asstr()[()] if h5py.check_string_dtype(dataset.dtype) else dataset[()]
    except (UnicodeDecodeError, TypeError, ValueError, OSError) as error:
        raise DataError(
            f"{where}: 'species' cannot be read as labels ({type(error).__name__})."
        ) from None
    return species_labels(np.asarray(values), n_nodes, where)


def build_vocabulary(label_lists: Iterable[Sequence[str] | None]) -> tuple[str, ...]:
    """Sorted vocabulary of every label; ``("X",)`` when no member has species.

    >>> build_vocabulary([["O", "H", "H"], None])
    ('H', 'O', 'X')
    >>> build_vocabulary([None])
    ('X',)
    """
    labels: set[str] = set()
    for label_list in label_lists:
        labels.update(label_list if label_list is not None else [DEFAULT_SPECIES])
    return tuple(sorted(labels, key=species_sort_key))


def encode_species(
    labels: Sequence[str] | None, vocabulary: Sequence[str], n_nodes: int
) -> np.ndarray:
    """Indices of ``labels`` in ``vocabulary`` as int64; the index of ``"X"`` when absent."""
    index = {label: i for i, label in enumerate(vocabulary)}
    if labels is None:
        return np.full(n_nodes, index[DEFAULT_SPECIES], dtype=np.int64)
    return np.array([index[label] for label in labels], dtype=np.int64)


def species_for_writing(values: Sequence | np.ndarray) -> np.ndarray:
    """A species array as HDF5 can store it: int64, or UTF-8 variable-length strings."""
    import h5py

    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind in "SUO":
        labels = [v.decode() if isinstance(v, bytes) else str(v) for v in array.tolist()]
        return np.array(labels, dtype=h5py.string_dtype("utf-8"))
    raise DataError(f"species must be integers or strings, not {array.dtype} values.")
