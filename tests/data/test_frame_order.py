"""Trajectories whose frames list the particles in another order are refused in one sentence.

Ground truth: the re-ordering the test itself applies to a simulated trajectory.
"""

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.data import load_dataset, make_example
from symbreak.errors import DataError


def _reordered_copy(source, out, first_frame: int, seed: int = 0):
    with h5py.File(source) as old, h5py.File(out, "w") as new:
        for name, group in old["trajectories"].items():
            copy = new.require_group("trajectories").create_group(name)
            for key, value in group.attrs.items():
                copy.attrs[key] = value
            positions = group["positions"][()]
            order = np.random.default_rng(seed).permutation(positions.shape[1])
            positions[first_frame:] = positions[first_frame:, order]
            copy["positions"] = positions
            for key in group:
                if key not in ("positions", "velocities", "accelerations"):
                    copy[key] = group[key][()]


@pytest.mark.parametrize("first_frame", [1, 57])
def test_reordered_frames_are_refused(tmp_path, first_frame):
    make_example("lorentz", tmp_path / "lorentz.h5")
    load_dataset(tmp_path / "lorentz.h5")  # the simulation itself is accepted
    _reordered_copy(tmp_path / "lorentz.h5", tmp_path / "shuffled.h5", first_frame)
    with pytest.raises(DataError, match=f"frame {first_frame} lists the particles in another"):
        load_dataset(tmp_path / "shuffled.h5")
    result = CliRunner().invoke(app, ["fit", str(tmp_path / "shuffled.h5"), "--out",
                                      str(tmp_path / "run")])  # fmt: skip
    assert result.exit_code == 2 and "dump_modify sort id" in " ".join(result.output.split())
    assert not (tmp_path / "run").exists()
