"""A run directory with known relaxed weights (no fit needed), and a hand-made report for it.

The run holds the cube -> prism pair and a two-layer network whose layer-1 relaxed weights are
set by hand to 0e = 1 and 2e = (0, 0, 1, 0, 0) (m = 0 about e3nn's y axis): render draws weights,
it does not judge them, so a fitted optimum is not needed and the tests stay fast.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch

from symbreak.data import load_pairs
from symbreak.fit import FitOptions
from symbreak.model import RelaxedNetwork
from symbreak.pipeline import pairs_data_writer
from symbreak.run import load_run, write_run
from symbreak.symmetry import named_group

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
    return write_run(out, config, network, history, pairs_data_writer(dataset))


@pytest.fixture(scope="session")
def _loaded_run(prism_run_path):
    return load_run(prism_run_path)


@pytest.fixture()
def prism_run(_loaded_run):
    """The loaded run; a shallow copy, so a test may drop its pairs."""
    return dataclasses.replace(_loaded_run)


@pytest.fixture()
def prism_report() -> dict:
    """The documented report keys render reads, written by hand (D4h, 2e active in layer 1)."""
    return hand_made_report()


def hand_made_report() -> dict:
    """:func:`prism_report`'s dict, for fixtures of wider scope."""
    return {
        "schema": 1,
        "task": "pairs",
        "residual_point_group": "D4h",
        "data_point_group": "D4h",
        "input_point_group": "Oh",
        "activated_irreps": ["2e"],
        "symmetry_elements": named_group("D4h").symmetry_elements(),
        "irreps": [
            {"layer": 1, "irrep": "2e", "copy": 0, "active": True,
             "interpretation": "symmetric traceless tensor, principal axis y"},
            {"layer": 1, "irrep": "1o", "copy": 0, "active": False, "interpretation": ""},
        ],  # fmt: skip
    }
