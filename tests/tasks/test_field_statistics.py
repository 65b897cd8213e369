"""The data's own fields with error bars, on molecular dynamics run here (tests/tasks/md.py:
ASE's Lennard-Jones forces, Boris/Langevin steps).

Ground truth: the field each run was made with (direction drawn from the seed), the drag
coefficient of its thermostat, and the charge-to-mass ratios of its species. The group of the
fields alone is the answer: C∞v about E or g, C∞ for E ∥ B, O(3) with none, whatever the
interactions, drag and noise.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")

from symbreak.data import load_trajectories, write_trajectories  # noqa: E402
from symbreak.tasks.trajectory_preparation import prepare  # noqa: E402

from . import md  # noqa: E402


def _prepared(tmp_path, x, v, dt, species=None, name="run"):
    fields = {"positions": x, "velocities": v, "dt": dt}
    if species is not None:
        fields["species"] = species
    write_trajectories(tmp_path / f"{name}.h5", {name: fields})
    return prepare(load_trajectories(tmp_path / f"{name}.h5"))


def _cos(vector, axis) -> float:
    return float(abs(vector @ axis) / np.linalg.norm(vector) / np.linalg.norm(axis))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_weak_field_on_a_dense_cluster_is_detected_along_it(tmp_path, seed):
    # typical acceleration ~20 from the neighbours, E = 0.05: the frames' mean acceleration
    # holds no interaction at all (Newton's third law), so E stands far above its error
    rng = np.random.default_rng(seed)
    axis = md.random_direction(rng)
    x, v, dt = md.run(n=20, density=0.9, frames=150, ratio=np.ones(20), E=0.05 * axis,
                      seed=seed)  # fmt: skip
    prepared = _prepared(tmp_path, x, v, dt)
    statistics = prepared.statistics
    E, _, _ = statistics.common_fields()
    assert statistics.group().name == "Cinfv" and _cos(E, axis) > 0.999
    assert np.linalg.norm(E) == pytest.approx(0.05, rel=0.02)
    # the neighbours' forces dwarf the field (mean square per component, uniform fields alone)
    assert prepared.interactions.losses["uniform"] > 100 * 0.05**2


def test_a_dense_cluster_without_a_field_keeps_everything(tmp_path):
    x, v, dt = md.run(n=20, density=0.9, frames=150, seed=3)
    prepared = _prepared(tmp_path, x, v, dt)
    assert prepared.statistics.group().name == "O3"
    assert prepared.interactions is not None  # the neighbours are measured, and break nothing


@pytest.mark.parametrize("gravity", [True, False])
def test_a_langevin_run_gives_the_fields_group_and_measures_drag(tmp_path, gravity):
    # at terminal speed the mean acceleration is zero: ordinary least squares reads no field
    # and no drag (<a.v> = 0 in a stationary Langevin run); the lagged instrument reads both
    rng = np.random.default_rng(5)
    axis = md.random_direction(rng)
    x, v, dt = md.run(n=16, density=0.02, frames=300, every=5, gamma=1.0, temperature=1.0,
                      gravity=2.0 * axis if gravity else None, seed=5)  # fmt: skip
    statistics = _prepared(tmp_path, x, v, dt).statistics
    assert statistics.drag[0] == pytest.approx(1.0, abs=5 * statistics.drag_error[0] + 0.1)
    if gravity:
        E, _, _ = statistics.common_fields()
        assert statistics.group().name == "Cinfv" and _cos(E, axis) > 0.999
    else:
        assert statistics.group().name == "O3"
    assert "stochastic scatter left" in statistics.describe()


def test_opposite_charges_in_parallel_fields_neither_cancel_nor_look_like_nothing(tmp_path):
    rng = np.random.default_rng(7)
    axis = md.random_direction(rng)
    ratio = np.r_[np.full(8, 1.0), np.full(8, -0.25)]  # q/m: +1/1 and -1/4
    mass = np.r_[np.ones(8), np.full(8, 4.0)]
    x, v, dt = md.run(n=16, density=0.01, frames=200, ratio=ratio, mass=mass, E=axis,
                      B=2.0 * axis, temperature=1.0, seed=7)  # fmt: skip
    species = ["A"] * 8 + ["B"] * 8
    statistics = _prepared(tmp_path, x, v, dt, species).statistics
    E, B, couplings = statistics.common_fields()
    assert statistics.group().name == "Cinf"
    assert _cos(E, axis) > 0.999 and _cos(B, axis) > 0.999
    assert couplings[0] * couplings[1] < 0  # opposite signs, not an average of zero
    assert couplings[1] / couplings[0] == pytest.approx(-0.25, rel=0.1)
    # B is read as B with the same coupling as E: |B|/|E| = 2 for each species
    assert np.linalg.norm(B) / np.linalg.norm(E) == pytest.approx(2.0, rel=0.05)
