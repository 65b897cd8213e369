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


def test_the_total_force_reads_E_exactly_where_the_masses_are_given(tmp_path):
    # two species (masses 1 and 4, charges +1 and -0.5: total charge 4) colliding between
    # frames (every 10 steps): the species' means carry the collisions between species, the
    # total force sum(m a) = Q E carries none (Newton's third law)
    rng = np.random.default_rng(11)
    axis = md.random_direction(rng)
    mass = np.r_[np.ones(8), np.full(8, 4.0)]
    charge = np.r_[np.full(8, 1.0), np.full(8, -0.5)]
    x, v, dt = md.run(n=16, density=0.3, frames=200, every=10, ratio=charge / mass, mass=mass,
                      E=axis, temperature=1.0, seed=11)  # fmt: skip
    species = ["A"] * 8 + ["B"] * 8
    fields = {"positions": x, "velocities": v, "dt": dt, "species": species}
    write_trajectories(tmp_path / "bare.h5", {"run": fields})
    write_trajectories(tmp_path / "massive.h5", {"run": {**fields, "masses": mass,
                                                          "charges": charge}})  # fmt: skip
    bare = prepare(load_trajectories(tmp_path / "bare.h5")).statistics
    massive = prepare(load_trajectories(tmp_path / "massive.h5")).statistics
    assert bare.estimator("polar") == "species" and bare.total_force is None
    assert massive.estimator("polar") == "total force"
    assert massive.total_force == pytest.approx(np.sum(charge) * axis, rel=1e-3)
    E, error = massive.combined("polar")
    assert _cos(E, axis) > 1 - 1e-9 and error < 1e-6 * np.linalg.norm(E)
    assert massive.group().name == "Cinfv"
    assert "from the total force" in massive.describe()
    # the species' means scatter with the collisions: their own error is far larger
    E_bare, error_bare = bare.combined("polar")
    assert error_bare > 1e3 * error and _cos(E_bare, axis) < _cos(E, axis)


def test_uniform_force_reads_the_drag_on_the_total_momentum():
    # F(t) = F0 - gamma P(t) + noise independent of P one frame earlier: a Langevin total
    from symbreak.tasks.momentum_balance import MomentumSums, jackknife_force

    rng = np.random.default_rng(3)
    F0, gamma, h, frames = np.array([0.3, -0.2, 0.9]), 0.7, 0.05, 40_000
    momentum = np.zeros((frames, 3))
    for t in range(1, frames):
        momentum[t] = momentum[t - 1] + h * (F0 - gamma * momentum[t - 1]) \
            + np.sqrt(h) * rng.normal(size=3)  # fmt: skip
    force = (momentum[2:] - momentum[:-2]) / (2 * h)
    sums = MomentumSums(20)
    block = np.arange(frames - 2) * 20 // (frames - 2)
    one = np.ones(1)
    sums.add(block, one, momentum[1:-1, None], force[:, None], momentum[:-2, None])
    value, error, drag = jackknife_force(sums)
    assert drag == pytest.approx(gamma, rel=0.15)
    assert np.linalg.norm(value - F0) < 4 * error + 0.02


def test_weights_by_scatter_read_a_field_as_precisely_as_generalised_least_squares():
    # half the particles of every frame scatter 20x more (in contact: collisions the frames
    # do not resolve); weighting by 1/sigma^2 makes the error of E that of generalised least
    # squares, sqrt(3 / sum(w)), ten times below the plain mean's, and uniform weights change
    # nothing
    from types import SimpleNamespace

    from symbreak.tasks.field_statistics import field_statistics

    rng = np.random.default_rng(4)
    frames, n, E = 400, 20, np.array([0.2, -0.1, 0.3])
    sigma = np.where(rng.random((frames, n)) < 0.5, 10.0, 0.5)
    v = np.zeros((frames, n, 3))  # slowly turning velocities: the one a frame earlier is the
    v[0] = rng.normal(size=(n, 3))  # instrument for J (field_statistics._response)
    for t in range(1, frames):
        v[t] = 0.95 * v[t - 1] + np.sqrt(1 - 0.95**2) * rng.normal(size=(n, 3))
    a = E + sigma[..., None] * rng.normal(size=(frames, n, 3))
    species = np.zeros(n, dtype=np.int64)

    def statistics(weights):
        batch = SimpleNamespace(velocities=v, accelerations=a, species=species, weights=weights)
        return field_statistics([batch], ("X",), frames)

    weighted, uniform = statistics(1 / sigma**2), statistics(np.ones((frames, n)))
    plain = field_statistics([SimpleNamespace(velocities=v, accelerations=a, species=species)],
                             ("X",), frames)  # fmt: skip
    expected = np.sqrt(3 / np.sum(1 / sigma[1:] ** 2))  # the first frame has no earlier one
    assert weighted.polar_error[0] == pytest.approx(expected, rel=0.35)
    assert plain.polar_error[0] > 5 * expected
    assert np.linalg.norm(weighted.polar[0] - E) < 4 * weighted.polar_error[0]
    np.testing.assert_array_equal(uniform.polar, plain.polar)
    # the report says which reading it used: the weighted one here, the plain one otherwise
    assert weighted.weighted_polar.tolist() == [1.0]
    assert "weighted by the inverse" in weighted.describe()
    assert "weighted" not in uniform.describe() and "weighted" not in plain.describe()
    assert type(weighted).from_dict(weighted.to_dict()).weighted_polar.tolist() == [1.0]
