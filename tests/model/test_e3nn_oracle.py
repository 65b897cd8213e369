"""The model's own tables and layers equal e3nn's: e3nn is the oracle, symbreak no longer
imports it. Equal to 1e-12 in float64 (or exactly, for the parameters' layout), so networks
saved with e3nn's tables load and predict the same."""

import numpy as np
import pytest
import torch
from e3nn import io, nn, o3
from e3nn import math as e3nn_math

from symbreak.model import (
    Irreps,
    edge_harmonics,
    gaussian_embedding,
    representation_matrix,
)
from symbreak.model._clebsch_gordan import wigner_3j
from symbreak.model._layers import SECOND_MOMENT_SCALE, Gate, RadialMLP
from symbreak.symmetry import irreps_to_symmetric, symmetric_to_irreps


@pytest.fixture(autouse=True)
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def orthogonal(seed: int, improper: bool) -> torch.Tensor:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    q = q * np.sign(np.linalg.det(q))
    return torch.as_tensor(-q if improper else q)


def test_wigner_3j_equals_e3nn_for_every_triple_up_to_l5():
    for l1 in range(6):
        for l2 in range(6):
            for l3 in range(abs(l1 - l2), l1 + l2 + 1):
                ours = wigner_3j(l1, l2, l3)
                theirs = o3.wigner_3j(l1, l2, l3, dtype=torch.float64).numpy()
                assert np.abs(ours - theirs).max() < 1e-12, (l1, l2, l3)


def test_wigner_3j_refuses_a_forbidden_triple():
    with pytest.raises(ValueError, match="not in the product"):
        wigner_3j(1, 1, 3)


@pytest.mark.parametrize("l_max", [2, 4])
def test_edge_harmonics_equal_e3nn_and_their_gradient_too(l_max):
    vectors = torch.as_tensor(np.random.default_rng(l_max).normal(size=(40, 3)) * 3.0)
    ours_in = vectors.clone().requires_grad_(True)
    theirs_in = vectors.clone().requires_grad_(True)
    ours = edge_harmonics(l_max, ours_in)
    theirs = o3.spherical_harmonics(
        o3.Irreps.spherical_harmonics(l_max), theirs_in, normalize=True, normalization="component"
    )
    assert (ours - theirs).abs().max() < 1e-12
    weights = torch.randn(ours.shape[1])
    (ours @ weights).sum().backward()
    (theirs @ weights).sum().backward()
    assert (ours_in.grad - theirs_in.grad).abs().max() < 1e-11


def test_gaussian_embedding_equals_soft_one_hot_linspace():
    lengths = torch.linspace(0.0, 5.0, 37)
    theirs = e3nn_math.soft_one_hot_linspace(lengths, 0.0, 4.0, 8, basis="gaussian", cutoff=False)
    assert (gaussian_embedding(lengths, 4.0, 8) - theirs).abs().max() < 1e-14


@pytest.mark.parametrize("improper", [False, True])
def test_representation_matrix_equals_d_from_matrix(improper):
    irreps = "2x0e + 0o + 1o + 2x1e + 2e + 2o + 3o + 4e"
    matrix = orthogonal(7, improper)
    theirs = o3.Irreps(irreps).D_from_matrix(matrix)
    assert (representation_matrix(irreps, matrix) - theirs).abs().max() < 1e-12


def test_irreps_bookkeeping_matches_e3nn():
    text = "3x0e + 0o+2x1o + 1x1e + 4x2e + 1x3o"
    ours, theirs = Irreps(text), o3.Irreps(text)
    assert str(ours) == str(theirs) and ours.dim == theirs.dim
    assert ours.num_irreps == theirs.num_irreps and ours.slices() == theirs.slices()
    assert str(ours.sort()[0]) == str(theirs.sort().irreps)
    assert ours.sort()[1] == theirs.sort().inv
    assert str((ours + ours).simplify()) == str((theirs + theirs).simplify())
    assert str(Irreps.spherical_harmonics(3)) == str(o3.Irreps.spherical_harmonics(3))
    a, b = o3.Irrep("2o"), o3.Irrep("1e")
    assert [str(ir) for ir in Irreps("2o")[0].ir * Irreps("1e")[0].ir] == [str(i) for i in a * b]


def test_activation_scales_are_e3nn_normalize2mom():
    for name, function in [("silu", torch.nn.functional.silu), ("tanh", torch.tanh),
                           ("sigmoid", torch.sigmoid)]:  # fmt: skip
        assert SECOND_MOMENT_SCALE[name] == e3nn_math.normalize2mom(function).cst


def test_gate_equals_e3nn_gate_and_shares_its_state_dict():
    scalars, gates, gated = "4x0e + 3x0o", "6x0e", "2x1e + 2x1o + 2x2e"
    ours = Gate(scalars, gates, gated)
    theirs = nn.Gate(scalars, [torch.nn.functional.silu, torch.tanh], gates, [torch.sigmoid], gated)
    assert str(ours.irreps_in) == str(theirs.irreps_in)
    assert str(ours.irreps_out) == str(theirs.irreps_out)
    x = torch.randn(11, theirs.irreps_in.dim)
    assert (ours(x) - theirs(x)).abs().max() < 1e-12
    mine, e3nn_state = ours.state_dict(), theirs.state_dict()
    assert {k: v.shape for k, v in mine.items()} == {k: v.shape for k, v in e3nn_state.items()}
    ours.load_state_dict(e3nn_state)


def test_radial_mlp_equals_fully_connected_net_with_the_same_weights():
    theirs = nn.FullyConnectedNet([8, 16, 30], torch.nn.functional.silu)
    ours = RadialMLP([8, 16, 30])
    ours.load_state_dict(theirs.state_dict())  # same names and shapes
    x = torch.randn(13, 8)
    assert (ours(x) - theirs(x)).abs().max() < 1e-12


def test_symmetric_tensor_basis_equals_cartesian_tensor():
    basis = io.CartesianTensor("ij=ji")
    m = np.random.default_rng(3).normal(size=(4, 3, 3))
    m = m + m.transpose(0, 2, 1)
    theirs = basis.from_cartesian(torch.as_tensor(m)).numpy()
    assert np.abs(symmetric_to_irreps(m) - theirs).max() < 1e-12
    assert np.abs(irreps_to_symmetric(theirs) - m).max() < 1e-12


def test_pair_signal_equals_with_peaks_at():
    from symbreak.tasks.pairs import _signal_of

    vectors = np.random.default_rng(5).normal(size=(6, 3))
    tensor = io.SphericalTensor(2, 1, -1)
    theirs = torch.stack([tensor.with_peaks_at(torch.as_tensor(v)[None]) for v in vectors])
    assert (_signal_of(vectors, torch.float64) - theirs).abs().max() < 1e-12
    assert not _signal_of(np.zeros((1, 3)), torch.float64).any()  # no peak, no NaN
