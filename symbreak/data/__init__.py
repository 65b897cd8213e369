"""HDF5 input: point-cloud pairs and trajectories, their validation, and example data.

A file holds either ``/pairs`` (structures before and after a deformation) or
``/trajectories`` (particle motion); :func:`load_dataset` reads whichever it finds.
The layouts are described in ``docs/data_format.md``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from symbreak.errors import DataError

if TYPE_CHECKING:  # the names below load on first use (see __getattr__)
    from symbreak.data._hdf5 import SCHEMA_VERSION, check_replaceable
    from symbreak.data._shapes import cube
    from symbreak.data._species import atomic_number
    from symbreak.data.examples import (
        EXAMPLES,
        cube_to_cube,
        cube_to_prism,
        cube_to_random,
        make_example,
        simulate_lorentz,
    )
    from symbreak.data.pairs import PairDataset, StructurePair, load_pairs, write_pairs
    from symbreak.data.trajectories import (
        FrameBatch,
        ParticleSamples,
        TrajectoryDataset,
        TrajectoryInfo,
        load_trajectories,
        write_trajectories,
    )

#: Exported name -> its module. Loaded on first use, so that the structure readers and the
#: crystal mapping (``symbreak modes``) start without h5py: 0.1-0.25 s of a 0.7 s command.
_LAZY = {
    **dict.fromkeys(("SCHEMA_VERSION", "check_replaceable", "open_hdf5"), "symbreak.data._hdf5"),
    "cube": "symbreak.data._shapes",
    "atomic_number": "symbreak.data._species",
    **dict.fromkeys(("EXAMPLES", "cube_to_cube", "cube_to_prism", "cube_to_random",
                     "make_example", "simulate_lorentz"), "symbreak.data.examples"),
    **dict.fromkeys(("PairDataset", "StructurePair", "load_pairs", "write_pairs"),
                    "symbreak.data.pairs"),
    **dict.fromkeys(("FrameBatch", "ParticleSamples", "TrajectoryDataset", "TrajectoryInfo",
                     "load_trajectories", "write_trajectories"), "symbreak.data.trajectories"),
}  # fmt: skip


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    try:  # a submodule (symbreak.data.pairs) reached as an attribute
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


#: The layouts of symbreak's HDF5 input, by the name of their top-level group (docs/data_format.md).
SCHEMA_GROUPS = ("pairs", "trajectories")


def detect_schema(path: str | os.PathLike) -> str:
    """``"pairs"`` or ``"trajectories"``: the top-level group the file holds.

    Raises
    ------
    DataError
        When the file is unreadable, holds both groups, or holds neither.
    """
    from symbreak.data._hdf5 import open_hdf5

    with open_hdf5(path) as handle:
        found = [group for group in SCHEMA_GROUPS if group in handle]
    if len(found) == 1:
        return found[0]
    if not found:
        raise DataError(
            f"{path}: has neither a /pairs nor a /trajectories group; see docs/data_format.md "
            "for the two layouts symbreak reads."
        )
    raise DataError(f"{path}: holds both /pairs and /trajectories; keep one kind of data per file.")


def load_dataset(path: str | os.PathLike) -> PairDataset | TrajectoryDataset:
    """Load a file as a :class:`PairDataset` or a :class:`TrajectoryDataset`, as it holds."""
    from symbreak.data.pairs import load_pairs
    from symbreak.data.trajectories import load_trajectories

    loaders = {"pairs": load_pairs, "trajectories": load_trajectories}
    return loaders[detect_schema(path)](path)


__all__ = [
    "EXAMPLES",
    "SCHEMA_VERSION",
    "SCHEMA_GROUPS",
    "DataError",
    "FrameBatch",
    "PairDataset",
    "ParticleSamples",
    "StructurePair",
    "TrajectoryDataset",
    "TrajectoryInfo",
    "atomic_number",
    "check_replaceable",
    "cube",
    "cube_to_cube",
    "cube_to_prism",
    "cube_to_random",
    "detect_schema",
    "load_dataset",
    "load_pairs",
    "load_trajectories",
    "make_example",
    "simulate_lorentz",
    "write_pairs",
    "write_trajectories",
]
