"""Memory of the preparation before a trajectories fit: the rows held at once stay bounded
however many frames the file has (a dump of 1,000 particles x 1,000 frames once held twice
the rows of one of 300 frames, because the stride restarted in every read window)."""

from __future__ import annotations

import numpy as np
import pytest

from symbreak.data import load_trajectories, write_trajectories
from symbreak.tasks.trajectory_preparation import _frames_per_read, whole_frames


@pytest.mark.parametrize("frames", [500, 1500])
def test_whole_frames_keep_every_strideth_frame_of_the_run_not_of_each_window(tmp_path, frames):
    n, limit = 200, 2000
    rng = np.random.default_rng(0)
    positions = rng.normal(size=(frames, n, 3))
    write_trajectories(tmp_path / "run.h5", {"run": {
        "positions": positions, "velocities": positions, "accelerations": positions}})
    dataset = load_trajectories(tmp_path / "run.h5")
    stride = int(np.ceil(frames * n / limit))
    assert stride > _frames_per_read(dataset)  # windows shorter than the stride: the hard case
    rows = whole_frames(dataset, limit=limit)
    kept = np.unique(rows["frame_key"])
    assert len(rows["positions"]) <= limit + n
    np.testing.assert_array_equal(kept, np.arange(0, frames, stride))
    # the rows are those frames, whole and in order
    np.testing.assert_array_equal(rows["positions"], positions[kept].reshape(-1, 3))
