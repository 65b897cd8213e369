"""The trajectories task end to end: fitted fields against the simulated truth."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.contract import sections_of
from symbreak.data import load_dataset, simulate_lorentz, write_trajectories
from symbreak.tasks.fields import field_group, field_vectors, fitted_fields
from symbreak.tasks.trajectories import TrajectoryTask, _edges_within_frames
from symbreak.trainer import FitOptions, fit

from .conftest import FAST


def fit_fields(path, **options):
    options = FitOptions.from_flat(**{**FAST, **options})
    task = TrajectoryTask.from_dataset(
        load_dataset(path), options.trajectories, options.optimiser.seed
    )
    result = fit(task, options)
    fields = fitted_fields(result.network_, task)
    vectors = field_vectors(fields, task.acceleration_scale, task.velocity_scale)
    return result, fields, field_group(vectors)


def assert_recovered(found, truth):
    truth = np.asarray(truth, dtype=float)
    cosine = found @ truth / (np.linalg.norm(found) * np.linalg.norm(truth))
    assert cosine >= 0.999
    assert np.linalg.norm(found) == pytest.approx(np.linalg.norm(truth), rel=0.02)


def test_sample_fields_and_residual_group(sample_run):
    from symbreak.pipeline import open_run
    from symbreak.tasks import task_for_run

    run = open_run(sample_run[0])
    task = task_for_run(run)
    fields = fitted_fields(run.network, task)
    assert_recovered(fields.polar, [1, 0, 0])
    assert_recovered(fields.axial, [0, 1, 0])
    group = field_group(field_vectors(fields, task.acceleration_scale, task.velocity_scale))
    assert group.name == "Cs"
    (mirror,) = group.symmetry_elements()
    np.testing.assert_allclose(np.abs(mirror["normal"]), [0, 1, 0], atol=1e-3)


def test_perpendicular_fields_in_a_random_frame(simulate):
    R = Rotation.random(random_state=3).as_matrix()
    E, B = R @ [0.8, 0, 0], R @ [0, 1.3, 0]
    _, fields, group = fit_fields(simulate(E, B))
    assert_recovered(fields.polar, E)
    assert_recovered(fields.axial, B)
    assert group.name == "Cs"


def test_fields_at_40_degrees_leave_nothing(simulate):
    angle = np.radians(40)
    R = Rotation.random(random_state=4).as_matrix()
    E, B = R @ [1, 0, 0], R @ [np.cos(angle), np.sin(angle), 0]
    _, fields, group = fit_fields(simulate(E, B))
    assert_recovered(fields.polar, E)
    assert_recovered(fields.axial, B)
    assert group.name == "C1"


@pytest.mark.parametrize(
    ("E", "B", "name"), [([0, 0, 0.5], [0, 0, 0], "Cinfv"), ([0, 0, 0], [0.6, 0.8, 0], "Cinfh")]
)
def test_a_single_field_leaves_a_continuous_group_about_it(simulate, E, B, name):
    _, fields, group = fit_fields(simulate(E, B))
    truth, zero = (E, fields.axial) if name == "Cinfv" else (B, fields.polar)
    assert_recovered(fields.polar if name == "Cinfv" else fields.axial, truth)
    assert np.linalg.norm(zero) < 1e-5 * np.linalg.norm(truth)  # the unneeded field is absent
    assert group.name == name
    assert abs(np.dot(group.axis, truth) / np.linalg.norm(truth)) == pytest.approx(1, abs=1e-6)


def test_an_equivariant_network_cannot_fit_uniform_fields(simulate):
    path = simulate([1, 0, 0], [0, 1, 0])
    relaxed, _, _ = fit_fields(path)
    frozen, fields, _ = fit_fields(path, relaxed=False)
    assert relaxed.loss_ / relaxed.initial_loss_ < 1e-8
    assert frozen.loss_ / frozen.initial_loss_ > 0.5  # it can only return a multiple of v
    assert np.all(fields.polar == 0) and np.all(fields.axial == 0)


def test_scaling_is_isotropic_and_undone(tmp_path):
    # A length unit 1000x smaller: x, v, a scale by 1000, so E does and B (1/time) does not.
    E, B, unit = np.array([0.3, 0, 0.4]), np.array([0, 0, 0.9]), 1000.0
    run = simulate_lorentz(E, B, n_steps=200)
    scaled = {key: run[key] * unit for key in ("positions", "velocities", "accelerations")}
    write_trajectories(tmp_path / "mm.h5", {"mm": scaled})
    _, fields, _ = fit_fields(tmp_path / "mm.h5")
    assert_recovered(fields.polar, unit * E)
    assert_recovered(fields.axial, B)


def test_stored_samples_rebuild_the_same_task(sample_run, tmp_path):
    from symbreak.pipeline import open_run
    from symbreak.tasks import task_for_run

    path, result = sample_run
    run = open_run(path)
    task = task_for_run(run)
    assert task.irreps_in == "1x0e + 1x1o" and len(task.targets) == 4096
    assert run.task.evaluation["frame_key"].shape == (4096,)
    # The network reproduces the stored accelerations it was fitted to.
    assert float(task.fit_loss(run.network)) <= 1e-8 * result.initial_loss_


def test_edges_join_close_particles_of_the_same_frame_only():
    rng = np.random.default_rng(0)
    positions = rng.uniform(0, 2, size=(60, 3))
    frame_key = rng.integers(0, 5, size=60)
    src, dst = _edges_within_frames(positions, frame_key, cutoff=0.9)
    found = set(zip(src.tolist(), dst.tolist()))
    expected = {
        (j, i)
        for i in range(60)
        for j in range(60)
        if i != j
        and frame_key[i] == frame_key[j]
        and np.linalg.norm(positions[i] - positions[j]) < 0.9
    }
    assert found == expected and len(found) > 0


def test_a_cutoff_gives_messages_between_interacting_particles(tmp_path):
    # Two particles pulled toward each other by a spring: a_i = k (x_j - x_i).
    rng = np.random.default_rng(5)
    x = rng.normal(scale=0.3, size=(50, 2, 3))
    a = 2.0 * (x[:, ::-1] - x)
    v = rng.normal(size=x.shape)
    path = tmp_path / "spring.h5"
    write_trajectories(path, {"s": {"positions": x, "velocities": v, "accelerations": a}})
    options = FitOptions.from_flat(layers=1, l_relaxed=1, cutoff=5.0, epochs=60)
    task = TrajectoryTask.from_dataset(
        load_dataset(path), options.trajectories, options.optimiser.seed
    )
    assert task.graph.edge_src.numel() == 2 * 50
    assert task.network_geometry() == {"max_radius": 5.0, "neighbour_norm": 1.0}
    result = fit(task, options)
    assert result.loss_ < 0.1 * result.initial_loss_


def test_report_carries_the_fields_and_the_residual_group(sample_run):
    from symbreak.pipeline import open_run

    report = open_run(sample_run[0]).report()
    fields = report["fields"]
    assert_recovered(np.array(fields["polar"]), [1, 0, 0])
    assert_recovered(np.array(fields["axial"]), [0, 1, 0])
    assert fields["group"] == "Cs" and "normal to B" in fields["description"]
    assert fields["symmetric_fraction"] < 1e-4
    assert report["consistent"]


def test_report_names_the_groups_of_free_particles(sample_run):
    """The trajectories' own wording reaches the report and its table: no target structure."""
    from rich.console import Console

    from symbreak.pipeline import open_run
    from symbreak.report import Report, build_report, print_report

    report = build_report(open_run(sample_run[0]))
    assert report.group_labels["target"] is None
    assert Report.from_dict(report.to_dict()).group_labels == report.group_labels
    console = Console(record=True, width=200)
    print_report(report, console)
    text = console.export_text()
    assert "input (free particles)" in text and "target structure" not in text


def test_a_field_the_data_do_not_hold_is_named_negligible(simulate):
    """Gravity alone (E only): B read out of the network is rounding, so the report lists it
    as negligible and render names it instead of drawing an arrow of noise."""
    path = simulate([0, 0, -1.0], [0, 0, 0])
    options = FitOptions.from_flat(**FAST)
    task = TrajectoryTask.from_dataset(
        load_dataset(path), options.trajectories, options.optimiser.seed
    )
    result = fit(task, options)
    summary = sections_of(task.data_symmetry(0.01, result.network_).sections, "fields").data
    assert list(summary["negligible"]) == ["axial"]
    assert np.linalg.norm(summary["polar"]) == pytest.approx(1.0, rel=0.02)


def test_noisy_positions_in_a_random_frame_give_an_honest_consistent_report(simulate, tmp_path):
    """E ⊥ B turned into a random frame, positions only with 1e-3 of noise (velocities and
    accelerations are derived, so the accelerations scatter by ~8 % of the loss): the data's
    fields are read at their own precision (Cs, not C1), the verdict is consistent, and the
    misfit is named as the data's scatter, not as a network lacking capacity."""
    import h5py
    from scipy.spatial.transform import Rotation

    from symbreak.data import write_trajectories
    from symbreak.pipeline import fit_file, open_run
    from symbreak.report import build_report

    source = simulate([1.0, 0, 0], [0, 1.0, 0])
    with h5py.File(source) as handle:
        (group,) = handle["trajectories"].values()
        positions, dt = group["positions"][()], float(group.attrs["dt"])
    rng = np.random.default_rng(2)
    turn = Rotation.random(random_state=rng).as_matrix()
    noisy = positions @ turn.T + rng.normal(size=positions.shape) * 1e-3
    path = tmp_path / "noisy.h5"
    write_trajectories(path, {"charges": {"positions": noisy, "dt": dt}})
    run_path, _ = fit_file(path, tmp_path / "run", FitOptions.from_flat(**FAST), analyse=False)
    report = build_report(open_run(run_path))
    assert report.residual_group.name == report.groups["data"].name == "Cs"
    assert report.consistent and "Noisy data" in report.verdict and "Underfit" not in report.verdict
    (mirror,) = report.residual_group.symmetry_elements()
    normal = turn @ [0, 1.0, 0]  # the mirror is normal to B, turned with the frame
    assert abs(abs(np.dot(mirror["normal"], normal)) - 1) < 1e-3


def test_a_field_within_its_noise_is_not_detected(simulate, tmp_path):
    """Gravity alone from noisy positions: the network reads a B of 1e-4 out of the noise;
    within 5 standard errors of the data's estimate it is not detected, so the fields keep
    C∞v and render names B instead of drawing it."""
    import h5py

    from symbreak.data import write_trajectories

    with h5py.File(simulate([0, 0, -1.0], [0, 0, 0])) as handle:
        (group,) = handle["trajectories"].values()
        positions, dt = group["positions"][()], float(group.attrs["dt"])
    noisy = positions + np.random.default_rng(4).normal(size=positions.shape) * 1e-3
    write_trajectories(tmp_path / "g.h5", {"g": {"positions": noisy, "dt": dt}})
    options = FitOptions.from_flat(**FAST)
    task = TrajectoryTask.from_dataset(load_dataset(tmp_path / "g.h5"), options.trajectories)
    result = fit(task, options)
    summary = sections_of(task.data_symmetry(0.01, result.network_).sections, "fields").data
    assert list(summary["negligible"]) == ["axial"] and summary["group"] == "Cinfv"
