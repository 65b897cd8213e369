"""A cube -> prism sweep fitted once per session on local Ray (2 workers), for the tests that
read a sweep: stability, explain and render."""

from __future__ import annotations

import pytest

from symbreak.sweep import SweepGrid, ray_available

needs_ray = pytest.mark.skipif(not ray_available(), reason='needs Ray: pip install "ray>=2"')

#: 2 x 2 x 2 = 8 fits: l_relaxed, λ and seed all vary.
PRISM_GRID = SweepGrid({"l_relaxed": [2, 4], "reg_strength": [1e-4, 1e-2], "seed": [0, 1]},
                       {"epochs": 40})  # fmt: skip


@pytest.fixture(scope="session")
def prism_sweep(tmp_path_factory, sample_path):
    from symbreak.sweep import run_sweep

    out = tmp_path_factory.mktemp("sweeps") / "prism"
    run_sweep(sample_path("cube_to_prism"), out, PRISM_GRID, workers=2)
    return out
