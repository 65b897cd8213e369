"""The sweep grid and folder: points, option lists, and which points a rerun keeps (no Ray)."""

from __future__ import annotations

import json

import pytest

from symbreak.errors import RunError
from symbreak.sweep import SweepGrid, grid_from_options, open_sweep, read_sweep
from symbreak.sweep._grid import write_sweep


def _fake_run(folder):
    folder.mkdir(parents=True)
    for name in ("config.json", "model.pt", "history.csv"):
        (folder / name).write_text("{}")


def test_points_are_the_product_with_seeds_fastest():
    grid = SweepGrid({"seed": [0, 1], "reg_strength": [1e-4, 1e-3], "l_relaxed": [2, 4, 6]})
    points = grid.points()
    assert len(points) == 12 and len({p.name for p in points}) == 12
    assert list(grid.axes) == ["l_relaxed", "reg_strength", "seed"]  # table order
    assert [p.values["seed"] for p in points[:4]] == [0, 1, 0, 1]
    assert points[0].name == "l2_lambda0.0001_seed0"


def test_single_values_are_fixed_and_seeds_always_vary():
    grid = grid_from_options({"l_relaxed": "4", "reg_strength": "1e-4,1e-2", "epochs": "7"}, 3)
    assert grid.axes == {"reg_strength": [1e-4, 1e-2], "seed": [0, 1, 2]}
    assert grid.fixed == {"l_relaxed": 4, "epochs": 7}
    assert grid.hyper_parameters == ["reg_strength"]


@pytest.mark.parametrize(("lists", "message"), [
    ({"l_relaxed": "2,x"}, "comma-separated list of int"),
    ({"reg_strength": "-1"}, "--reg-strength must be"),
    ({"reg": "lasso"}, "--reg must be one of"),
    ({"l_relaxed": "2,2"}, "lists a value twice"),
])  # fmt: skip
def test_bad_lists_are_one_sentence(lists, message):
    with pytest.raises(ValueError, match=message):
        grid_from_options(lists, 2)


def test_rerun_keeps_finished_points_and_refuses_another_sweep(tmp_path, sample_path):
    data = sample_path("cube_to_prism")
    grid = SweepGrid({"l_relaxed": [2, 4], "seed": [0, 1]})
    out = tmp_path / "sweep"
    state = open_sweep(out, data, grid)
    assert all(p["status"] == "pending" for p in state.points.values())
    out.mkdir()
    write_sweep(out, state)
    _fake_run(out / "l4_seed1")
    (out / "l2_seed0").mkdir()  # a folder without a complete run is not finished
    again = open_sweep(out, data, grid)
    assert {n for n, p in again.points.items() if p["status"] == "done"} == {"l4_seed1"}
    with pytest.raises(RunError, match="another sweep"):
        open_sweep(out, data, SweepGrid({"l_relaxed": [2, 6], "seed": [0, 1]}))
    assert read_sweep(out).grid.to_dict() == grid.to_dict()


def test_a_folder_that_is_not_a_sweep_is_refused(tmp_path, sample_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RunError, match="not a sweep"):
        open_sweep(tmp_path, sample_path("cube_to_prism"), SweepGrid({"seed": [0]}))
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "sweep.json").write_text("{not json")
    with pytest.raises(RunError, match="corrupt"):
        read_sweep(tmp_path / "x")


def test_sweep_json_lists_every_point(tmp_path, sample_path):
    grid = SweepGrid({"l_relaxed": [2, 4], "seed": [0]}, {"epochs": 3})
    state = open_sweep(tmp_path, sample_path("cube_to_prism"), grid)
    write_sweep(tmp_path, state)
    saved = json.loads((tmp_path / "sweep.json").read_text())
    assert saved["axes"] == {"l_relaxed": [2, 4], "seed": [0]}
    assert saved["fixed"] == {"epochs": 3}
    assert [p["name"] for p in saved["points"]] == ["l2_seed0", "l4_seed0"]
