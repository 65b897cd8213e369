"""Sweeps: many fits of one input over seeds and hyper-parameters, run on Ray, and how stable
their answer is (``symbreak sweep``, ``symbreak explain SWEEP``; docs/sweep.md).

Importing this package imports neither Ray nor torch.

>>> from symbreak.sweep import SweepGrid
>>> len(SweepGrid({"l_relaxed": [2, 4, 6], "reg_strength": [1e-4, 1e-3], "seed": [0, 1]}).points())
12
"""

from symbreak.sweep._grid import (
    SWEEP_FILE,
    SWEEP_SCHEMA,
    SWEEPABLE,
    SweepGrid,
    SweepPoint,
    SweepState,
    grid_from_options,
    is_finished,
    open_sweep,
    parse_axis,
    read_sweep,
)
from symbreak.sweep._ray import (
    INSTALL_HINT,
    RayMissingError,
    SweepProgress,
    available_cores,
    ray_available,
    run_sweep,
)

__all__ = [
    "INSTALL_HINT",
    "SWEEPABLE",
    "SWEEP_FILE",
    "SWEEP_SCHEMA",
    "RayMissingError",
    "SweepGrid",
    "SweepPoint",
    "SweepProgress",
    "SweepState",
    "available_cores",
    "grid_from_options",
    "is_finished",
    "open_sweep",
    "parse_axis",
    "ray_available",
    "read_sweep",
    "run_sweep",
]
