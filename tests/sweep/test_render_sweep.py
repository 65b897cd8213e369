"""``symbreak render SWEEP``: the heat map's cells carry the planted groups, the sphere the axes."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from symbreak.cli import app
from tests.sweep.conftest import needs_ray


def _stability(groups_at_lambda: dict) -> dict:
    """A stability dict with one group per λ (2 seeds each) and a 2e axis along z."""
    table = [{"values": {"reg_strength": lam}, "groups": {g: 2}}
             for lam, g in groups_at_lambda.items()]  # fmt: skip
    return {
        "axes": {"reg_strength": list(groups_at_lambda), "seed": [0, 1]},
        "residual_groups": table, "stable": False,
        "consensus": {"group": "D4h", "agree": 2, "runs": 4},
        "directions": {"2e layer 0": [{"run": "a", "values": {}, "axis": [0.0, 0.0, 1.0]}]},
        "direction_spread_degrees": {"2e layer 0": 0.0},
    }  # fmt: skip


def test_the_heat_map_colours_each_setting_by_its_group(tmp_path):
    import matplotlib.image

    from symbreak.render._sweep import render_stability_map

    path = render_stability_map(_stability({1e-4: "D4h", 1e-2: "Oh"}), tmp_path / "s.png",
                                (800, 400))  # fmt: skip
    image = matplotlib.image.imread(path)[..., :3]
    # sample the two cells a little above their centre text: they differ in colour
    height, width = image.shape[:2]
    left = image[int(0.3 * height), int(0.3 * width)]
    right = image[int(0.3 * height), int(0.6 * width)]
    assert not np.allclose(left, right, atol=0.05)
    same = render_stability_map(_stability({1e-4: "D4h", 1e-2: "D4h"}), tmp_path / "t.png",
                                (800, 400))  # fmt: skip
    image = matplotlib.image.imread(same)[..., :3]
    assert np.allclose(image[int(0.3 * height), int(0.3 * width)],
                       image[int(0.3 * height), int(0.6 * width)], atol=0.02)  # fmt: skip


@needs_ray
def test_render_sweep_writes_both_pictures(prism_sweep, tmp_path):
    result = CliRunner().invoke(app, ["render", str(prism_sweep), "--out", str(tmp_path / "p"),
                                      "--size", "600x400"])  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("stability.png", "directions.png"):
        assert (tmp_path / "p" / name).stat().st_size > 10_000
