"""Dispatch on the top-level group: detect_schema and load_dataset."""

from __future__ import annotations

import numpy as np
import pytest

from symbreak.data import (
    DataError,
    PairDataset,
    TrajectoryDataset,
    detect_schema,
    load_dataset,
    write_pairs,
    write_trajectories,
)

from .test_pairs import SQUARE, write_raw


def test_each_kind_is_detected_and_loaded(tmp_path):
    write_pairs(tmp_path / "p.h5", {"a": (SQUARE, SQUARE)})
    write_trajectories(tmp_path / "t.h5", {"a": {"positions": np.ones((4, 1, 3)), "dt": 1.0}})
    assert detect_schema(tmp_path / "p.h5") == "pairs"
    assert detect_schema(str(tmp_path / "t.h5")) == "trajectories"
    assert isinstance(load_dataset(tmp_path / "p.h5"), PairDataset)
    assert isinstance(load_dataset(tmp_path / "t.h5"), TrajectoryDataset)


def test_neither_or_both_groups(tmp_path):
    neither = write_raw(tmp_path / "neither.h5", {"points": SQUARE})
    with pytest.raises(DataError, match="neither a /pairs nor a /trajectories"):
        detect_schema(neither)
    both = write_raw(tmp_path / "both.h5", {"pairs/a/source": SQUARE,
                                            "trajectories/a/positions": SQUARE[None]})
    with pytest.raises(DataError, match="both /pairs and /trajectories"):
        load_dataset(both)


def test_unreadable_files_raise_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        detect_schema(tmp_path / "absent.h5")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="not an HDF5 file"):
        load_dataset(tmp_path / "notes.txt")
