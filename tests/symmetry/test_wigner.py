import numpy as np
import pytest
import torch
from e3nn import o3
from scipy.linalg import expm

from symbreak.symmetry import so3_generators, spherical_harmonics, wigner_D

from .helpers import random_orthogonal


def test_l1_is_the_matrix_itself_with_parity():
    for seed in range(3):
        r = random_orthogonal(seed)
        assert np.allclose(wigner_D("1o", r), r, atol=1e-13)
        assert np.allclose(wigner_D("1o", -r), -r, atol=1e-13)
        assert np.allclose(wigner_D("1e", -r), r, atol=1e-13)


@pytest.mark.parametrize("irrep", ["0o", "1e", "2o", "3e", "6o"])
def test_agrees_with_e3nn(irrep):
    matrices = np.array([random_orthogonal(s, improper=s % 2 == 1) for s in range(4)])
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        reference = o3.Irrep(irrep).D_from_matrix(torch.from_numpy(matrices)).numpy()
    finally:
        torch.set_default_dtype(previous)
    assert np.allclose(wigner_D(irrep, matrices), reference, atol=1e-9)


@pytest.mark.parametrize("l", [2, 5, 8])
def test_representation_identities(l):
    a, b = random_orthogonal(1), random_orthogonal(2, improper=True)
    name = f"{l}o"
    da, db = wigner_D(name, a), wigner_D(name, b)
    assert np.allclose(wigner_D(name, a @ b), da @ db, atol=1e-11)
    assert np.allclose(da @ da.T, np.eye(2 * l + 1), atol=1e-11)
    points = np.random.default_rng(l).normal(size=(5, 3))
    assert np.allclose(spherical_harmonics(l, points @ a.T), spherical_harmonics(l, points) @ da.T)


@pytest.mark.parametrize("l", [1, 3, 6])
def test_generators_exponentiate_to_wigner_matrices(l):
    k = so3_generators(1)
    generators = so3_generators(l)
    for axis in range(3):
        assert np.allclose(expm(0.4 * generators[axis]), wigner_D(f"{l}e", expm(0.4 * k[axis])),
                           atol=1e-12)  # fmt: skip
    # commutation relation [L_x, L_y] = L_z
    lx, ly, lz = generators
    assert np.allclose(lx @ ly - ly @ lx, lz, atol=1e-12)
