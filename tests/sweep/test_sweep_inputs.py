"""`symbreak sweep` takes exactly what `symbreak fit` takes: structure pairs (CIF, POSCAR,
extxyz, xyz) and trajectory files, not only HDF5."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.pipeline import open_run
from symbreak.sweep import read_sweep
from symbreak.sweep._worker import fit_point
from tests.sweep.conftest import needs_ray

pytest.importorskip("ase")

runner = CliRunner()


def cluster_pair(folder):
    """A square stretched along x, as two xyz files."""
    from ase import Atoms
    from ase.io import write

    square = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]])
    write(folder / "parent.xyz", Atoms("C4", positions=square))
    write(folder / "child.xyz", Atoms("C4", positions=square * [1.5, 1, 1]))
    return folder / "parent.xyz", folder / "child.xyz"


def trajectory(folder):
    """Three particles in uniform motion, five frames, extxyz without a time."""
    from ase import Atoms
    from ase.io import write

    start = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    frames = [Atoms("C3", positions=start + k * np.array([0.1, 0.0, 0.0])) for k in range(5)]
    write(folder / "motion.extxyz", frames, format="extxyz")
    return folder / "motion.extxyz"


@needs_ray
def test_a_sweep_over_a_structure_pair(tmp_path):
    parent, child = cluster_pair(tmp_path)
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(parent), str(child), "--out", str(out), "-q",
                                 "--seeds", "1", "--l-relaxed", "1", "--reg-strength", "1e-3",
                                 "--epochs", "2", "--workers", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    state = read_sweep(out)
    assert state.data == f"{parent.resolve()} + {child.resolve()}"
    (point,) = state.points
    run = open_run(out / point)
    assert run.kind == "pairs" and run.task.dataset.pairs[0].n_points == 4
    assert json.loads((out / point / "config.json").read_text())["input"]["path"] == str(
        parent.resolve())


def test_a_sweep_point_on_a_trajectory_file_reads_it_as_fit_does(tmp_path):
    """The worker (run by Ray, here called directly) reads the extxyz with the sweep's --dt."""
    motion = trajectory(tmp_path)
    outcome = fit_point([str(motion)], str(tmp_path / "point"), {"epochs": 2, "l_relaxed": 1},
                        1, str(tmp_path / "running"), dt=0.5)  # fmt: skip
    assert outcome["status"] == "done", outcome
    assert open_run(tmp_path / "point").kind == "trajectories"
    refused = fit_point([str(motion)], str(tmp_path / "other"), {"epochs": 2}, 1,
                        str(tmp_path / "running"))  # fmt: skip
    assert refused["status"] == "failed" and "--dt" in refused["error"]


def test_sweep_refuses_what_fit_refuses_in_one_sentence(tmp_path):
    parent, _ = cluster_pair(tmp_path)
    (tmp_path / "three.xyz").write_text("3\n\nC 0 0 0\nC 1 0 0\nC 0 1 0\n")
    result = runner.invoke(app, ["sweep", str(parent), str(tmp_path / "three.xyz"), "--out",
                                 str(tmp_path / "sweep"), "--seeds", "1"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and "atoms" in result.output
    assert "not an HDF5 file" not in result.output
