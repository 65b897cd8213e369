"""Shared fixtures: sample data fitted once per test session."""

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="session")
def sample_path():
    return lambda name: SAMPLES / f"{name}.h5"


@pytest.fixture(scope="session")
def fitted_run(tmp_path_factory, sample_path):
    """``fitted_run(name)``: a run directory of a sample, fitted with the defaults once."""
    from symbreak.pipeline import fit_file
    from symbreak.trainer import FitOptions

    runs: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in runs:
            out = tmp_path_factory.mktemp("runs") / name
            fit_file(sample_path(name), out, FitOptions())
            runs[name] = out
        return runs[name]

    return get
