"""The spherical signal of relaxed weights against analytic harmonics and equivariance."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from e3nn import o3

from symbreak.model import representation_matrix
from symbreak.render import parity_parts, signal_surface, sphere_signal, split_relaxed_weights


def unit_points(n: int, seed: int = 0) -> np.ndarray:
    points = np.random.default_rng(seed).normal(size=(n, 3))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_polar_vector_signal_is_sqrt3_times_projection():
    # Component-normalised Y_1(u) = sqrt(3) (x, y, z) in e3nn's l = 1 basis.
    v = np.array([0.3, -1.2, 0.5])
    u = unit_points(50)
    assert np.allclose(sphere_signal({"1o": v}, u), np.sqrt(3) * u @ v, atol=1e-12)


def test_m0_quadrupole_is_symmetric_about_y():
    # e3nn's m = 0 axis is y: the 2e vector (0, 0, 1, 0, 0) is invariant under rotations about y.
    theta = {"2e": np.array([0.0, 0.0, 1.0, 0.0, 0.0])}
    u = unit_points(40, seed=1)
    c, s = np.cos(0.7), np.sin(0.7)
    about_y = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    f = sphere_signal(theta, u)
    assert np.allclose(sphere_signal(theta, u @ about_y.T), f, atol=1e-12)
    assert np.ptp(f) > 1.0  # and it is not constant


@pytest.mark.parametrize("irrep", ["1o", "2e", "3o", "4e"])
def test_signal_is_equivariant(irrep):
    # f_{D(R) θ}(R u) = f_θ(u) for a proper rotation R.
    rotation = o3.rand_matrix(dtype=torch.float64)
    theta = np.random.default_rng(2).normal(size=o3.Irrep(irrep).dim)
    D = representation_matrix(o3.Irreps(irrep), rotation).numpy()
    u = unit_points(30, seed=3)
    moved = sphere_signal({irrep: D @ theta}, u @ rotation.numpy().T)
    assert np.allclose(moved, sphere_signal({irrep: theta}, u), atol=1e-10)


def test_split_follows_multiplicity_and_order():
    irreps = o3.Irreps("2x0e + 2x1o")
    copies = split_relaxed_weights(np.arange(8.0), irreps)
    assert [sorted(c) for c in copies] == [["0e", "1o"], ["0e", "1o"]]
    assert copies[1]["0e"].tolist() == [1.0]
    assert copies[0]["1o"].tolist() == [2.0, 3.0, 4.0]
    assert copies[1]["1o"].tolist() == [5.0, 6.0, 7.0]


def test_parity_parts_drop_only_the_scalar():
    parts = parity_parts({"0e": [1.0], "0o": [2.0], "1e": [0, 0, 1], "1o": [1, 0, 0]})
    assert sorted(parts["even"]) == ["1e"]
    assert sorted(parts["odd"]) == ["0o", "1o"]


def test_surface_radius_is_normalised_absolute_signal():
    surface = signal_surface({"1o": np.array([0.0, 0.0, 2.0])}, resolution=24)
    radii = np.linalg.norm(surface.points, axis=1)
    assert radii.max() == pytest.approx(1.0)
    f = surface.point_data["f"]
    assert np.allclose(radii, np.abs(f) / np.abs(f).max())


def test_zero_signal_is_the_unit_sphere():
    surface = signal_surface({}, resolution=16)
    assert np.allclose(np.linalg.norm(surface.points, axis=1), 1.0)
    assert not np.any(surface.point_data["f"])
