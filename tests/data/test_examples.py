"""The paper's examples: cube symmetries, Boris pusher physics, example files."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from symbreak.data import (
    EXAMPLES,
    DataError,
    cube,
    cube_to_cube,
    cube_to_prism,
    cube_to_random,
    load_dataset,
    make_example,
    simulate_lorentz,
)

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"


def signed_permutations() -> list[np.ndarray]:
    """The 48 matrices of the cube's full symmetry group O_h."""
    matrices = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            matrix = np.zeros((3, 3))
            matrix[range(3), perm] = signs
            matrices.append(matrix)
    return matrices


def preserves(points: np.ndarray, matrix: np.ndarray) -> bool:
    """Does ``matrix`` map the point set (about its centroid) onto itself?"""
    centred = points - points.mean(axis=0)
    moved = centred @ matrix.T
    distances = np.linalg.norm(moved[:, None] - centred[None], axis=-1)
    return bool(np.all(distances.min(axis=1) < 1e-9))


def random_rotation(rng) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q * np.sign(np.linalg.det(q))


def test_cube_vertices_and_full_symmetry():
    vertices = cube()
    assert vertices.shape == (8, 3) and vertices.dtype == np.float64
    assert {tuple(v) for v in vertices} == set(itertools.product((-1.0, 1.0), repeat=3))
    assert all(preserves(vertices, m) for m in signed_permutations())
    source, target = cube_to_cube()["cube_to_cube"]
    np.testing.assert_array_equal(source, target)


def test_prism_keeps_exactly_d4h_about_z():
    source, target = cube_to_prism()["cube_to_prism"]
    np.testing.assert_array_equal(target, source * [0.5, 0.5, 2.0])
    kept = [m for m in signed_permutations() if preserves(target, m)]
    assert len(kept) == 16  # |D4h|
    assert all(abs(m[2, 2]) == 1 for m in kept)  # every kept operation fixes the z axis


def test_random_shape_has_no_symmetry_left():
    for seed in (0, 1):
        source, target = cube_to_random(seed)["cube_to_random"]
        np.testing.assert_array_equal(source, cube())
        kept = [m for m in signed_permutations() if preserves(target, m)]
        assert len(kept) == 1 and np.array_equal(kept[0], np.eye(3))
    a = cube_to_random(0)["cube_to_random"][1]
    np.testing.assert_array_equal(a, cube_to_random(0)["cube_to_random"][1])
    assert not np.array_equal(a, cube_to_random(1)["cube_to_random"][1])


def test_lorentz_without_e_conserves_speed():
    run = simulate_lorentz(E=[0, 0, 0], B=[0.3, -1.2, 0.7], n_particles=4, n_steps=1000, dt=0.1)
    speed = np.linalg.norm(run["velocities"], axis=-1)
    np.testing.assert_allclose(speed, np.broadcast_to(speed[0], speed.shape), rtol=0, atol=1e-12)


def test_lorentz_without_b_accelerates_linearly():
    E = np.array([0.5, -1.0, 2.0])
    dt, n_steps = 0.1, 200
    run = simulate_lorentz(E=E, B=[0, 0, 0], n_particles=3, n_steps=n_steps, dt=dt, q_over_m=2.0)
    t = np.arange(n_steps + 1)[:, None, None] * dt
    np.testing.assert_allclose(run["velocities"], run["velocities"][0] + 2.0 * E * t, atol=1e-12)


def test_lorentz_stores_exact_accelerations():
    E, B = np.array([1.0, 0, 0]), np.array([0, 1.0, 0])
    run = simulate_lorentz(E=E, B=B, n_particles=5, n_steps=50)
    assert run["positions"].shape == run["velocities"].shape == (51, 5, 3)
    np.testing.assert_array_equal(run["accelerations"], E + np.cross(run["velocities"], B))


def test_boris_gyrates_by_its_known_angle_in_random_orientation():
    # In pure B, Boris rotates v about B by exactly 2 arctan(|B| dt / 2) per step.
    rng = np.random.default_rng(7)
    rotation = random_rotation(rng)
    B, dt, n_steps = rotation @ [0, 0, 1.5], 0.2, 40
    run = simulate_lorentz(E=[0, 0, 0], B=B, n_particles=2, n_steps=n_steps, dt=dt)
    angle = 2 * np.arctan(1.5 * dt / 2) * n_steps
    # v about B rotates by -angle (the charge gyrates clockwise seen along B, for q > 0).
    c, s = np.cos(-angle), np.sin(-angle)
    about_z = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    expected = run["velocities"][0] @ (rotation @ about_z @ rotation.T).T
    np.testing.assert_allclose(run["velocities"][-1], expected, atol=1e-11)


def test_crossed_fields_drift_at_e_cross_b_over_b_squared():
    E, B = np.array([1.0, 0, 0]), np.array([0, 2.0, 0])
    period = 2 * np.pi / 2.0
    dt = period / 200
    run = simulate_lorentz(E=E, B=B, n_particles=3, n_steps=200 * 20, dt=dt)
    # Over whole gyration periods the velocity averages to the drift plus the (constant)
    # component along B.
    along_b = run["velocities"][0] @ B[:, None] * B / 4
    mean_velocity = run["velocities"][1:].mean(axis=0)
    np.testing.assert_allclose(mean_velocity, np.cross(E, B) / 4 + along_b, atol=2e-3)


def test_make_example_writes_every_registered_file(tmp_path):
    from symbreak.data.published import CASES

    paper = {"cube_to_cube", "cube_to_prism", "cube_to_random", "lorentz"}
    assert set(EXAMPLES) == paper | set(CASES)  # published clusters: tests/data/test_published
    for name in paper:
        params = {"n_steps": 20, "n_particles": 2} if name == "lorentz" else {}
        make_example(name, tmp_path / f"{name}.h5", **params)
        dataset = load_dataset(tmp_path / f"{name}.h5")
        assert dataset.task == ("trajectories" if name == "lorentz" else "pairs")
        with h5py.File(tmp_path / f"{name}.h5") as handle:
            assert handle.attrs["example"] == name
            json.loads(handle.attrs["example_params"])


def test_the_examples_are_the_names_the_cli_offers():
    """The CLI lists conventions.EXAMPLE_NAMES (it cannot import h5py for --help)."""
    from symbreak.conventions import EXAMPLE_NAMES, PUBLISHED_EXAMPLES
    from symbreak.data.published import CASES

    assert tuple(EXAMPLES) == EXAMPLE_NAMES
    assert tuple(CASES) == PUBLISHED_EXAMPLES


def test_make_example_refuses_unknown_names_and_parameters(tmp_path):
    with pytest.raises(DataError, match="unknown example 'sphere'"):
        make_example("sphere", tmp_path / "x.h5")
    with pytest.raises(DataError, match="seed applies only to cube_to_random and lorentz"):
        make_example("cube_to_prism", tmp_path / "x.h5", seed=3)
    with pytest.raises(DataError, match="charge is no parameter; example 'lorentz' takes E, B"):
        make_example("lorentz", tmp_path / "x.h5", charge=3)
    assert list(tmp_path.iterdir()) == []


def test_sample_files_match_their_generators():
    for name, generator in [("cube_to_cube", cube_to_cube), ("cube_to_prism", cube_to_prism),
                            ("cube_to_random", cube_to_random)]:
        (pair,) = load_dataset(SAMPLE_DATA / f"{name}.h5").pairs
        source, target = generator()[name]
        np.testing.assert_array_equal(pair.source, source)
        np.testing.assert_array_equal(pair.target, target)
    lorentz = load_dataset(SAMPLE_DATA / "lorentz.h5")
    (info,) = lorentz.trajectories
    assert (info.n_frames, info.n_particles, info.derives) == (1001, 10, False)
    batch = next(lorentz.iter_batches(frames_per_batch=64))
    np.testing.assert_allclose(
        batch.accelerations, [1.0, 0, 0] + np.cross(batch.velocities, [0, 1.0, 0]), atol=1e-15
    )
