"""Fitted sample runs, shared by the report tests: each dataset is fitted once per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symbreak.data import load_pairs, write_pairs
from symbreak.pipeline import fit_file, open_run
from symbreak.trainer import FitOptions

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"

#: A fixed improper element of O(3) (det -1) and a translation: the "user's other frame".
_RNG = np.random.default_rng(7)
FRAME = -np.linalg.qr(_RNG.normal(size=(3, 3)))[0]
FRAME = FRAME if np.linalg.det(FRAME) < 0 else -FRAME
SHIFT = np.array([3.0, -1.5, 0.25])


def rotate_pairs(source_path: Path, out: Path, frame: np.ndarray, shift: np.ndarray) -> Path:
    """Copy of a pair file with every position mapped x -> frame @ x + shift."""
    dataset = load_pairs(source_path)
    pairs = {
        pair.name: (pair.source @ frame.T + shift, pair.target @ frame.T + shift,
                    [dataset.species_names[s] for s in pair.species])
        for pair in dataset.pairs
    }  # fmt: skip
    write_pairs(out, pairs)
    return out


@pytest.fixture(scope="session")
def fitted(tmp_path_factory):
    """``fitted(name, rotated=False)`` -> loaded run of a sample dataset, fitted once."""
    folder = tmp_path_factory.mktemp("report_runs")
    cache: dict = {}

    def get(name: str, rotated: bool = False, **options):
        key = (name, rotated, tuple(sorted(options.items())))
        if key not in cache:
            data = SAMPLES / f"{name}.h5"
            label = f"{name}_{'rotated' if rotated else 'plain'}_{len(cache)}"
            if rotated:
                data = rotate_pairs(data, folder / f"{label}.h5", FRAME, SHIFT)
            path, _ = fit_file(data, folder / label, FitOptions.from_flat(**options))
            cache[key] = open_run(path)
        return cache[key]

    return get
