"""Streaming fits: mini-batches read from HDF5 a window at a time, and still find the fields."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from symbreak.data import _trajectory_schema, load_dataset
from symbreak.tasks.fields import fitted_fields
from symbreak.trainer import FitOptions, fit

from .conftest import FAST


@pytest.fixture(scope="module")
def long_file(simulate):
    return simulate([1, 0, 0], [0, 1, 0], n_steps=2000)  # 20 010 samples


def test_streaming_fit_reads_windows_and_recovers_the_fields(long_file, monkeypatch):
    from symbreak.tasks.trajectories import TrajectoryTask

    monkeypatch.setattr(_trajectory_schema, "READ_BLOCK_BYTES", 10 * 3 * 8 * 256)  # 256 frames
    frames_read = []
    original = h5py.Dataset.__getitem__

    def spy(self, key):
        values = original(self, key)
        frames_read.append(np.shape(values)[0] if np.ndim(values) == 3 else 0)
        return values

    monkeypatch.setattr(h5py.Dataset, "__getitem__", spy)
    options = FitOptions.from_flat(**FAST, epochs=8)
    task = TrajectoryTask.from_dataset(
        load_dataset(long_file), options.trajectories, options.optimiser.seed, max_in_memory=0,
        minibatch_rows=256,
    )
    assert task.streaming and len(task.targets) == 4096  # only the evaluation rows in memory
    result = fit(task, options)

    assert len(result.history_) == 8 and result.network_config_["layers"] == 1
    assert max(frames_read) <= 32 * 256 // 10 < 2001  # never the whole trajectory at once
    assert sum(frames_read) >= 8 * 2001  # but every epoch saw every frame
    fields = fitted_fields(result.network_, task)
    for found, truth in ((fields.polar, [1, 0, 0]), (fields.axial, [0, 1, 0])):
        assert found @ truth / np.linalg.norm(found) >= 0.999
        assert np.linalg.norm(found) == pytest.approx(1, rel=0.02)
    theta = result.network_.relaxed_weights()[0].numpy()
    assert theta[1] == 0.0  # 0o (a pseudoscalar) is not needed: exactly zero, by the lasso


def test_streaming_baseline_stays_high(long_file):
    from symbreak.tasks.trajectories import TrajectoryTask

    options = FitOptions.from_flat(**FAST, epochs=2, relaxed=False)
    task = TrajectoryTask.from_dataset(
        load_dataset(long_file), options.trajectories, options.optimiser.seed, max_in_memory=0,
        minibatch_rows=1024,
    )
    result = fit(task, options)
    assert result.loss_ > 0.5 * result.initial_loss_
