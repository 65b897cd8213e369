"""A run directory with known relaxed weights (no fit needed), and a hand-made Report for it.

The run holds the cube -> prism pair and a two-layer network whose layer-1 relaxed weights are
set by hand to 0e = 1 and 2e = (0, 0, 1, 0, 0) (m = 0 about e3nn's y axis): render draws weights,
it does not judge them, so a fitted optimum is not needed and the tests stay fast.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from symbreak.data import load_pairs
from symbreak.model import RelaxedNetwork
from symbreak.pipeline import open_run
from symbreak.report import FitSummary, IrrepRow, Report, ReportGroups
from symbreak.run import write_run
from symbreak.symmetry import named_group
from symbreak.tasks import PairsTask
from symbreak.tasks.data_symmetry import structures_section
from symbreak.trainer import FitOptions

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
NETWORK = {"irreps_in": "1x0e", "irreps_out": "1x1o", "l_relaxed": 2, "multiplicity": 1,
           "layers": 2, "hidden_mul": 4, "hidden_l": 1, "max_radius": 3.7,
           "neighbour_norm": 2.6}  # fmt: skip


@pytest.fixture(scope="session")
def prism_run_path(tmp_path_factory) -> Path:
    network = RelaxedNetwork(**NETWORK)
    with torch.no_grad():
        theta = network.convolutions[1].relaxed_weights
        block = network.irreps_relaxed.slices()[4]  # 0e 0o 1e 1o 2e: the 2e block
        theta[block] = torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0], dtype=theta.dtype)
    history = [{"epoch": k + 1, "loss": 10.0 ** -k, "fit_loss": 10.0 ** -k,
                "reg_loss": 1e-3, "seconds": 0.1 * k} for k in range(5)]  # fmt: skip
    options = FitOptions.from_flat(l_relaxed=2, hidden_mul=4, hidden_l=1).to_dict()
    config = {"task": "pairs", "input": {"path": "cube_to_prism.h5", "sha256": ""},
              "options": options, "network": NETWORK,
              "fit": {"loss": 1e-4, "initial_loss": 1.0, "relative_loss": 1e-4, "epochs": 5,
                      "seconds": 0.4, "converged": True, "interrupted": False}}  # fmt: skip
    dataset = load_pairs(SAMPLES / "cube_to_prism.h5")
    out = tmp_path_factory.mktemp("render") / "prism"
    return write_run(out, config, network, history, PairsTask(dataset).write_data)


@pytest.fixture(scope="session")
def _loaded_run(prism_run_path):
    return open_run(prism_run_path)


@pytest.fixture()
def prism_run(_loaded_run):
    """The loaded run; a shallow copy, so a test may change it."""
    return dataclasses.replace(_loaded_run)


@pytest.fixture()
def prism_report() -> Report:
    """The report render reads, written by hand (D4h, 2e active in layer 1)."""
    return hand_made_report()


def _row(irrep: str, active: bool, interpretation: str, vector=(0.0, 0.0, 1.0, 0.0, 0.0)):
    size = float(np.linalg.norm(vector)) if active else 0.0
    return IrrepRow(layer=1, irrep=irrep, copy=0, vector=tuple(vector), norm=size,
                    breaking_norm=size, relative_norm=size, relative_breaking_norm=size,
                    loss_zeroed=None, significant=active, active=active,
                    interpretation=interpretation, needed=active)  # fmt: skip


def hand_made_report(**changes) -> Report:
    """:func:`prism_report`, for fixtures of wider scope; ``changes`` replace its fields."""
    d4h = named_group("D4h")
    report = Report(
        task="pairs",
        groups=ReportGroups(input=named_group("Oh"), target=d4h, data=d4h, relaxed_weights=d4h,
                            residual=d4h),
        rows=(_row("2e", True, "symmetric traceless tensor, principal axis y"),
              _row("1o", False, "", (0.0, 0.0, 0.0))),
        predicted_irreps=("2e", "4e"), consistent=True, verdict="Consistent.",
        fit=FitSummary(loss=1e-4, initial_loss=1.0, relative_loss=1e-4, epochs=5, seconds=0.4,
                       converged=True),
        l_relaxed=2, threshold=1e-3, tolerance=1e-2,
        sections=[structures_section(load_pairs(SAMPLES / "cube_to_prism.h5"))],
    )  # fmt: skip
    return dataclasses.replace(report, **changes)
