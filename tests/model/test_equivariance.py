"""Equivariance of the relaxed network: exact at initialisation, and only under θ's stabiliser."""

import numpy as np
import pytest
import torch

from symbreak.model import RelaxedNetwork, default_dtype, point_cloud_graph, representation_matrix


def random_o3(rng: np.random.Generator, improper: bool) -> torch.Tensor:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    return torch.as_tensor(-q if improper else q)


def rotation_about(axis, angle) -> torch.Tensor:
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return torch.as_tensor(np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k)


@pytest.fixture(scope="module")
def cloud():
    rng = np.random.default_rng(1)
    positions = rng.normal(size=(7, 3))
    features = rng.normal(size=(7, 2))  # two scalar species-like channels
    return point_cloud_graph(positions, features)


def equivariance_error(network: RelaxedNetwork, graph, R: torch.Tensor) -> float:
    with torch.no_grad():
        out = network(graph)
        moved = network(graph.transformed(R, network.irreps_in))
    D_out = representation_matrix(network.irreps_out, R)
    return float((moved - out @ D_out.T).abs().max())


@pytest.mark.parametrize("irreps_out", ["1x1o", "1x0e+1x1o+1x2e", "2x1e+1x0o"])
def test_network_at_initialisation_is_exactly_o3_equivariant(cloud, irreps_out):
    torch.manual_seed(0)
    network = RelaxedNetwork("2x0e", irreps_out, l_relaxed=3, layers=2)
    rng = np.random.default_rng(2)
    errors = [equivariance_error(network, cloud, random_o3(rng, k % 2 == 1)) for k in range(20)]
    assert max(errors) < 1e-9
    # The check can fail: a network whose output is not transformed back is not equivariant.
    assert float(network(cloud).abs().max()) > 1e-3


def test_relaxed_weights_and_input_transformed_together_give_equivariance(cloud):
    torch.manual_seed(3)
    network = RelaxedNetwork("2x0e", "1x1o+1x2e", l_relaxed=2, multiplicity=2)
    for conv in network.convolutions:
        conv.relaxed_weights.data = conv.irreps_relaxed.randn(-1, dtype=torch.float64)
    thetas = [c.relaxed_weights.detach().clone() for c in network.convolutions]
    R = random_o3(np.random.default_rng(4), improper=True)
    with torch.no_grad():
        out = network(cloud)
        for conv, theta in zip(network.convolutions, thetas):
            conv.relaxed_weights.data = theta @ representation_matrix(conv.irreps_relaxed, R).T
        moved = network(cloud.transformed(R, network.irreps_in))
    assert float((moved - out @ representation_matrix(network.irreps_out, R).T).abs().max()) < 1e-9


def test_a_2e_relaxed_weight_keeps_only_the_rotations_that_fix_it(cloud):
    """θ = the 2e harmonic with m = 0 (e3nn's m = 0 axis is y): symmetric about y only."""
    torch.manual_seed(5)
    network = RelaxedNetwork("2x0e", "1x1o", l_relaxed=2, layers=2)
    irreps = network.irreps_relaxed
    block = irreps.slices()[[str(ir) for _, ir in irreps].index("2e")]
    for conv in network.convolutions:
        conv.relaxed_weights.data[block.start + 2] = 0.8  # m = 0 component of 2e
    fixing = [rotation_about([0, 1, 0], 0.7), rotation_about([1, 0, 0], np.pi), -torch.eye(3)]
    breaking = [rotation_about([1, 0, 0], 0.7), rotation_about([1, 1, 0], 0.3)]
    for R in fixing:
        assert equivariance_error(network, cloud, R.to(torch.float64)) < 1e-9
    for R in breaking:
        assert equivariance_error(network, cloud, R.to(torch.float64)) > 1e-4


def test_network_builds_its_tables_in_float64_whatever_the_default():
    with default_dtype(torch.float32):
        network = RelaxedNetwork("1x0e", "1x1o", l_relaxed=1)
    assert all(p.dtype == torch.float64 for p in network.parameters())
