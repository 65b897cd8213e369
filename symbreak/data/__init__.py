"""HDF5 input: point-cloud pairs and trajectories, their validation, and example data.

A file holds either ``/pairs`` (structures before and after a deformation) or
``/trajectories`` (particle motion); :func:`load_dataset` reads whichever it finds.
The layouts are described in ``docs/data_format.md``.
"""

from __future__ import annotations

import os

from symbreak.data._hdf5 import SCHEMA_VERSION, open_hdf5
from symbreak.data._shapes import cube
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
from symbreak.errors import DataError

#: The layouts of symbreak's HDF5 input, by the name of their top-level group (docs/data_format.md).
SCHEMA_GROUPS = ("pairs", "trajectories")


def detect_schema(path: str | os.PathLike) -> str:
    """``"pairs"`` or ``"trajectories"``: the top-level group the file holds.

    Raises
    ------
    DataError
        When the file is unreadable, holds both groups, or holds neither.
    """
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
