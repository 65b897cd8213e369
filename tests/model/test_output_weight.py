"""The node outputs are exactly linear in the last layer's radial output weight, and
``output_weight_jacobian`` is that linear map (checked against the outputs themselves)."""

import pytest
import torch

from symbreak.model import RelaxedNetwork, point_cloud_graph


@pytest.mark.parametrize("irreps_out", ["1x1o", "1x0e+1x1o+1x2e"])
def test_output_weight_jacobian_is_the_exact_change_of_the_outputs(irreps_out):
    torch.manual_seed(0)
    network = RelaxedNetwork("2x0e", irreps_out, layers=2, hidden_mul=4, max_radius=4.0,
                             neighbour_norm=2.0)  # fmt: skip
    with torch.no_grad():  # relaxed weights away from the equivariant start
        for conv in network.convolutions:
            conv.relaxed_weights.add_(0.5 * torch.randn_like(conv.relaxed_weights))
    positions = torch.randn(7, 3, dtype=torch.float64).numpy()
    one_hot = torch.eye(2, dtype=torch.float64)[[0, 1, 1, 0, 1, 0, 0]].numpy()
    graph = point_cloud_graph(positions, one_hot, None, torch.float64)
    outputs, jacobian = network.output_weight_jacobian(graph)
    before = network(graph).detach().reshape(-1)
    assert torch.allclose(outputs.reshape(-1), before, atol=1e-13)
    change = torch.randn_like(network.output_weight)
    with torch.no_grad():
        network.output_weight.add_(change)
    after = network(graph).detach().reshape(-1)
    assert jacobian.shape == (before.numel(), change.numel())
    assert float((after - before).abs().max()) > 1e-2  # the outputs did move
    assert torch.allclose(after - before, jacobian @ change.reshape(-1), atol=1e-12)
