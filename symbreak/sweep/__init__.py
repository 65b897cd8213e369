"""Sweeps: many fits of one input over seeds and hyper-parameters, run on Ray, and how stable
their answer is (``symbreak sweep``, ``symbreak explain SWEEP``; docs/sweep.md).

Importing this package imports neither Ray nor torch.

>>> from symbreak.sweep import SweepGrid
>>> len(SweepGrid({"l_relaxed": [2, 4, 6], "reg_strength": [1e-4, 1e-3], "seed": [0, 1]}).points())
12
"""

from symbreak.sweep._display import print_failures, summary_sentence, sweep_progress
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
from symbreak.sweep._rich import print_domains, print_stability
from symbreak.sweep._stability import Stability, analyse_sweep, run_domains

__all__ = [
    "INSTALL_HINT",
    "SWEEPABLE",
    "SWEEP_FILE",
    "SWEEP_SCHEMA",
    "RayMissingError",
    "Stability",
    "SweepGrid",
    "SweepPoint",
    "SweepProgress",
    "SweepState",
    "analyse_sweep",
    "available_cores",
    "grid_from_options",
    "is_finished",
    "open_sweep",
    "parse_axis",
    "print_domains",
    "print_failures",
    "print_stability",
    "ray_available",
    "read_sweep",
    "run_domains",
    "run_sweep",
    "summary_sentence",
    "sweep_progress",
]
