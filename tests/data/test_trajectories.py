"""Trajectories: windowed reading, finite-difference derivatives, sampling, errors."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from symbreak.data import DataError, _trajectory_schema, load_trajectories, write_trajectories

from .test_pairs import write_raw


def helix(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x = (sin t, cos t, t/2) for two particles, with analytic v and a."""
    one = np.stack([np.sin(t), np.cos(t), t / 2], axis=-1)
    v = np.stack([np.cos(t), -np.sin(t), 0.5 + 0 * t], axis=-1)
    a = np.stack([-np.sin(t), -np.cos(t), 0 * t], axis=-1)
    offset = np.array([[0.0, 0, 0], [3, 0, 0]])
    return one[:, None] + offset, np.repeat(v[:, None], 2, 1), np.repeat(a[:, None], 2, 1)


def test_derived_velocity_and_acceleration_are_second_order(tmp_path):
    errors = []
    for dt in (0.02, 0.01):
        t = np.arange(0, 2 * np.pi, dt)
        x, v, a = helix(t)
        path = tmp_path / f"helix_{dt}.h5"
        write_trajectories(path, {"helix": {"positions": x, "dt": dt}})
        dataset = load_trajectories(path)
        info = dataset.trajectories[0]
        assert info.n_frames == len(t) - 2 and info.first_frame == 1 and info.derives
        batches = list(dataset.iter_batches(frames_per_batch=100))
        velocities = np.concatenate([b.velocities for b in batches])
        accelerations = np.concatenate([b.accelerations for b in batches])
        np.testing.assert_array_equal(np.concatenate([b.positions for b in batches]), x[1:-1])
        errors.append(
            (np.abs(velocities - v[1:-1]).max(), np.abs(accelerations - a[1:-1]).max())
        )
        # Leading error terms: x'''dt^2/6 for v and x''''dt^2/12 for a, with |x'''|,|x''''| <= 1.
        assert errors[-1][0] <= dt**2 / 6 * 1.01 and errors[-1][1] <= dt**2 / 12 * 1.01
    # Halving dt divides both errors by four: second order, not first.
    ratios = np.array(errors[0]) / np.array(errors[1])
    np.testing.assert_allclose(ratios, 4, rtol=0.02)


def test_stored_arrays_are_used_and_no_frame_dropped(tmp_path):
    t = np.linspace(0, 1, 50)
    x, v, a = helix(t)
    path = tmp_path / "stored.h5"
    write_trajectories(path, {"h": {"positions": x, "velocities": v, "accelerations": a}})
    dataset = load_trajectories(path)
    info = dataset.trajectories[0]
    assert (info.n_frames, info.n_particles, info.dt, info.derives) == (50, 2, None, False)
    assert dataset.n_samples == 100
    (batch,) = dataset.iter_batches()
    np.testing.assert_array_equal(batch.velocities, v)
    np.testing.assert_array_equal(batch.accelerations, a)


def test_stored_velocity_with_derived_acceleration(tmp_path):
    t = np.arange(0, 1, 0.01)
    x, v, a = helix(t)
    path = tmp_path / "half.h5"
    write_trajectories(path, {"h": {"positions": x, "velocities": v, "dt": 0.01}})
    (batch,) = load_trajectories(path).iter_batches()
    np.testing.assert_array_equal(batch.velocities, v[1:-1])
    np.testing.assert_allclose(batch.accelerations, a[1:-1], atol=1e-4)


def test_batches_are_bounded_and_reads_are_windowed(tmp_path, monkeypatch):
    n_frames, window = 5000, 256
    x = np.random.default_rng(0).normal(size=(n_frames, 3, 3))
    path = tmp_path / "long.h5"
    write_trajectories(path, {"long": {"positions": x, "dt": 0.1}})
    dataset = load_trajectories(path)
    largest_read = []
    original = h5py.Dataset.__getitem__

    def spy(self, key):
        values = original(self, key)
        largest_read.append(np.shape(values)[0] if np.ndim(values) == 3 else 0)
        return values

    monkeypatch.setattr(h5py.Dataset, "__getitem__", spy)
    sizes = [batch.n_frames for batch in dataset.iter_batches(frames_per_batch=window)]
    assert max(sizes) == window and sum(sizes) == n_frames - 2
    assert len(largest_read) == len(sizes)
    assert max(largest_read) <= window + 2  # one neighbour frame each side, never the whole file


def test_validation_reads_in_chunks(tmp_path, monkeypatch):
    x = np.random.default_rng(0).normal(size=(400, 2, 3))
    path = tmp_path / "chunked.h5"
    write_trajectories(path, {"t": {"positions": x, "dt": 1.0}})
    monkeypatch.setattr(_trajectory_schema, "READ_BLOCK_BYTES", 2 * 3 * 8 * 64)  # 64 frames
    reads = []
    original = h5py.Dataset.__getitem__
    monkeypatch.setattr(
        h5py.Dataset, "__getitem__", lambda self, key: reads.append(key) or original(self, key)
    )
    load_trajectories(path)
    frame_reads = [key for key in reads if isinstance(key, slice)]
    assert len(frame_reads) == 7 and all(k.stop - k.start <= 64 for k in frame_reads)


def test_shuffle_is_a_seeded_permutation_of_the_chunks(tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "two.h5"
    write_trajectories(
        path,
        {
            "a": {"positions": rng.normal(size=(40, 2, 3)), "dt": 1.0},
            "b": {"positions": rng.normal(size=(30, 4, 3)), "dt": 1.0},
        },
    )
    dataset = load_trajectories(path)

    def keys(**kwargs):
        return [(b.trajectory, b.positions[0, 0, 0]) for b in dataset.iter_batches(8, **kwargs)]

    ordered, shuffled = keys(), keys(shuffle=True, seed=3)
    assert shuffled == keys(shuffle=True, seed=3)
    assert shuffled != ordered and sorted(shuffled) == sorted(ordered)
    assert shuffled != keys(shuffle=True, seed=4)


def test_sample_matches_frames_and_is_deterministic(tmp_path):
    rng = np.random.default_rng(5)
    x = {"a": rng.normal(size=(60, 3, 3)), "b": rng.normal(size=(20, 5, 3))}
    v = {"a": rng.normal(size=(60, 3, 3)), "b": rng.normal(size=(20, 5, 3))}
    path = tmp_path / "sample.h5"
    write_trajectories(
        path,
        {
            "a": {"positions": x["a"], "velocities": v["a"], "dt": 0.5, "species": ["H", "O", "H"]},
            "b": {"positions": x["b"], "velocities": v["b"], "dt": 0.5},
        },
    )
    dataset = load_trajectories(path)
    assert dataset.n_samples == 58 * 3 + 18 * 5
    samples = dataset.sample(100, seed=1)
    assert samples.n_samples == 100 and samples.positions.shape == (100, 3)
    flat = set(zip(samples.trajectory, samples.frame, samples.particle, strict=True))
    assert len(flat) == 100  # drawn without replacement
    for i in range(samples.n_samples):
        name = "ab"[samples.trajectory[i]]
        frame = samples.frame[i] + 1  # derived accelerations drop frame 0
        np.testing.assert_array_equal(samples.positions[i], x[name][frame, samples.particle[i]])
        np.testing.assert_array_equal(samples.velocities[i], v[name][frame, samples.particle[i]])
    names = np.array(dataset.species_names)[samples.species]
    assert set(names[samples.trajectory == 1]) == {"X"}
    np.testing.assert_array_equal(dataset.sample(100, seed=1).positions, samples.positions)
    assert dataset.sample(10**6).n_samples == dataset.n_samples


def invalid_trajectories():
    x = np.zeros((5, 2, 3)) + np.arange(2)[:, None]
    good = {"trajectories/a/positions": x}
    return [
        ("no group", {"pairs/a/source": x[0]}, {}, r"no /trajectories group.*/pairs"),
        ("empty group", {"trajectories": None}, {}, r"/trajectories group is empty"),
        ("no positions", {"trajectories/a/velocities": x}, {}, r"'a' has no 'positions'"),
        ("shape", {"trajectories/a/positions": x[0]}, {"dt": 1.0},
         r"'positions' has shape \(2, 3\), expected \(T, N, 3\)"),
        ("inconsistent T", {**good, "trajectories/a/velocities": x[:4]}, {"dt": 1.0},
         r"'velocities' has shape \(4, 2, 3\).*T and N must agree"),
        ("inconsistent N", {**good, "trajectories/a/accelerations": x[:, :1]}, {"dt": 1.0},
         r"'accelerations' has shape \(5, 1, 3\)"),
        ("species", {**good, "trajectories/a/species": np.arange(3)}, {"dt": 1.0},
         r"'species' has shape \(3,\), expected \(2,\)"),
        ("dt missing", good, {}, r"no 'dt' attribute"),
        ("dt zero", good, {"dt": 0.0}, r"'dt' must be a positive number"),
        ("dt negative", good, {"dt": -0.1}, r"'dt' must be a positive number"),
        ("too short", {"trajectories/a/positions": x[:2]}, {"dt": 1.0},
         r"2 frame\(s\).*at least 3"),
        ("nan", {"trajectories/a/positions": np.where(x == 1, np.nan, x)}, {"dt": 1.0},
         r"'positions' contains NaN"),
        ("inf", {**good, "trajectories/a/velocities": np.where(x == 1, -np.inf, x)}, {"dt": 1.0},
         r"'velocities' contains Inf"),
        ("text", {"trajectories/a/positions": np.array([b"x"] * 3)}, {}, r"not numeric"),
    ]


@pytest.mark.parametrize(
    "case, arrays, group_attrs, pattern",
    invalid_trajectories(),
    ids=[c[0] for c in invalid_trajectories()],
)
def test_invalid_trajectories(tmp_path, case, arrays, group_attrs, pattern):
    path = write_raw(tmp_path / "bad.h5", arrays)
    with h5py.File(path, "a") as handle:
        if group_attrs:
            handle["trajectories/a"].attrs.update(group_attrs)
    with pytest.raises(DataError, match=pattern) as caught:
        load_trajectories(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_nan_in_a_late_chunk_is_found_with_its_frame(tmp_path, monkeypatch):
    x = np.random.default_rng(0).normal(size=(300, 2, 3))
    x[250, 1, 2] = np.nan
    path = write_raw(tmp_path / "late.h5", {"trajectories/a/positions": x})
    with h5py.File(path, "a") as handle:
        handle["trajectories/a"].attrs["dt"] = 1.0
    monkeypatch.setattr(_trajectory_schema, "READ_BLOCK_BYTES", 2 * 3 * 8 * 64)
    with pytest.raises(DataError, match=r"NaN \(first at index \(250, 1, 2\)\)"):
        load_trajectories(path)


def test_stored_arrays_need_no_dt_and_one_frame_suffices(tmp_path):
    x = np.ones((1, 1, 3))
    path = tmp_path / "one.h5"
    write_trajectories(path, {"a": {"positions": x, "velocities": x, "accelerations": x}})
    assert load_trajectories(path).n_samples == 1


def test_write_refuses_unknown_keys_and_keeps_old_file(tmp_path):
    path = tmp_path / "t.h5"
    with pytest.raises(DataError, match="needs 'positions'"):
        write_trajectories(path, {"a": {"position": np.zeros((3, 1, 3))}})
    with pytest.raises(DataError, match="no 'dt' attribute"):
        write_trajectories(path, {"a": {"positions": np.zeros((3, 1, 3))}})
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_written_datasets_are_chunked_by_frames(tmp_path):
    path = tmp_path / "t.h5"
    write_trajectories(path, {"a": {"positions": np.zeros((5000, 10, 3)), "dt": 1.0}})
    with h5py.File(path) as handle:
        chunks = handle["trajectories/a/positions"].chunks
    assert chunks[1:] == (10, 3) and 1 < chunks[0] < 5000


@pytest.mark.parametrize("dt", [1e-200, 1e-90, 1e-9])
def test_derived_values_beyond_float_range_are_refused(tmp_path, dt):
    x = np.random.default_rng(0).normal(size=(5, 2, 3))
    path = write_raw(tmp_path / "tiny_dt.h5", {"trajectories/a/positions": x})
    with h5py.File(path, "a") as handle:
        handle["trajectories/a"].attrs["dt"] = dt
    # below 1e-100 dt**2 leaves float64's normal range: refused as a time step
    match = "outside 1e-100" if dt < 1e-100 else r"derived from 'positions' with dt = .* check dt"
    with pytest.raises(DataError, match=match):
        load_trajectories(path)


def test_a_declared_but_unwritten_huge_trajectory_is_not_read(tmp_path):
    import time

    path = tmp_path / "declared.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("trajectories/a/positions", shape=(10**4, 10**6, 3), dtype="<f8",
                              chunks=True)  # fmt: skip
        handle["trajectories/a"].attrs["dt"] = 0.1
    start = time.perf_counter()
    info = load_trajectories(path).trajectories[0]
    assert info.n_particles == 10**6 and time.perf_counter() - start < 5
    with h5py.File(path, "a") as handle:  # a NaN fill value is caught without reading either
        handle.create_dataset("trajectories/b/positions", shape=(10, 4, 3), dtype="<f8",
                              fillvalue=np.nan)  # fmt: skip
        handle["trajectories/b"].attrs["dt"] = 0.1
    with pytest.raises(DataError, match="trajectory 'b'.*NaN"):
        load_trajectories(path)
