"""Shared fixtures of the trajectories tests: small simulations and one fitted sample run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from symbreak.data import make_example
from symbreak.trainer import FitOptions

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "lorentz.h5"

#: One relaxed convolution is the exact linear-response model a = E + M v (docs/trajectories.md);
#: l_relaxed = 1 holds every irrep uniform fields can need, and keeps the tests fast.
FAST = dict(layers=1, l_relaxed=1)


@pytest.fixture(autouse=True)
def one_thread():
    """Two torch threads on a busy two-core machine make each small matmul 100x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def simulate(tmp_path_factory):
    """``simulate(E, B, n_steps=200, seed=0)`` -> path of a 10-particle Lorentz file."""

    def write(E, B, n_steps=200, seed=0):
        path = tmp_path_factory.mktemp("lorentz") / "lorentz.h5"
        E, B = (np.asarray(v, dtype=float).tolist() for v in (E, B))
        make_example("lorentz", path, E=E, B=B, n_steps=n_steps, seed=seed)
        return path

    return write


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The sample lorentz.h5 (E = x, B = y) fitted once through the whole pipeline."""
    from symbreak.pipeline import fit_file

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        path, result = fit_file(
            SAMPLE,
            tmp_path_factory.mktemp("runs") / "lorentz",
            FitOptions.from_flat(layers=1),
        )
    finally:
        torch.set_num_threads(threads)
    return path, result
