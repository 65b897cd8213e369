"""The weighted tensor product: equivariance, bilinearity, and the selection rules."""

import numpy as np
import pytest
import torch
from e3nn import o3

from symbreak.model import default_dtype, representation_matrix
from symbreak.model._tensor_product import WeightedTensorProduct


@pytest.fixture
def product():
    torch.manual_seed(0)
    with default_dtype(torch.float64):
        return WeightedTensorProduct(
            "2x0e + 3x1o + 1x2e + 1x1e", "1x0e + 1x1o + 2x2e + 1x3o", "2x0e + 2x1o + 1x2o + 1x3e"
        )


def random_rotation(seed: int) -> torch.Tensor:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return torch.as_tensor(q * np.sign(np.linalg.det(q)))


@pytest.mark.parametrize("improper", [False, True])
@pytest.mark.parametrize("shared_second_input", [False, True])
def test_product_is_equivariant(product, improper, shared_second_input):
    x1 = product.irreps_in1.randn(5, -1, dtype=torch.float64)
    shape = (-1,) if shared_second_input else (5, -1)
    x2 = product.irreps_in2.randn(*shape, dtype=torch.float64)
    R = random_rotation(1) * (-1 if improper else 1)
    D1, D2, Dout = (
        representation_matrix(irreps, R)
        for irreps in (product.irreps_in1, product.irreps_in2, product.irreps_out)
    )
    out = product(x1, x2)
    moved = product(x1 @ D1.T, x2 @ D2.T)
    assert out.shape == (5, product.irreps_out.dim)
    assert float((moved - out @ Dout.T).abs().max()) < 1e-12
    assert float(out.abs().max()) > 1e-3


def test_product_is_bilinear_and_per_sample_weights_match_shared(product):
    x1 = product.irreps_in1.randn(4, -1, dtype=torch.float64)
    y, z = (product.irreps_in2.randn(4, -1, dtype=torch.float64) for _ in range(2))
    assert torch.allclose(product(x1, 2 * y + z), 2 * product(x1, y) + product(x1, z))
    per_sample = product.weight.detach().expand(4, -1)
    assert torch.allclose(product(x1, y, per_sample), product(x1, y))


def test_only_parity_allowed_paths_exist():
    product = WeightedTensorProduct("1x1o", "1x1o", "1x0e + 1x0o + 1x1e + 1x1o + 1x2e")
    reached = {str(product.irreps_out[p.out].ir) for p in product.paths}
    assert reached == {"0e", "1e", "2e"}  # 1o x 1o has even parity only
    x = product.irreps_in1.randn(3, -1)
    out = product(x, x)
    odd = [s for (_, ir), s in zip(product.irreps_out, product.irreps_out.slices()) if ir.p == -1]
    assert all(float(out[:, s].abs().max()) == 0.0 for s in odd)


def test_dot_product_path_matches_the_euclidean_dot_product():
    """1o x 1o -> 0e with unit weight is x·y / sqrt(3) (component normalisation)."""
    product = WeightedTensorProduct("1x1o", "1x1o", "1x0e").double()
    product.weight.data.fill_(1.0)
    x, y = torch.randn(6, 3, dtype=torch.float64), torch.randn(6, 3, dtype=torch.float64)
    expected = (x * y).sum(dim=1, keepdim=True) / np.sqrt(3)
    assert torch.allclose(product(x, y), expected)
    assert o3.Irreps("1x1o").dim == 3


def test_weights_first_order_gives_the_same_values_and_gradients():
    """Contracting per-sample weights before the Clebsch-Gordan products is the same map."""
    from symbreak.model._tensor_product import WeightedTensorProduct

    tp = WeightedTensorProduct(
        "4x0e+4x0o+4x1e+4x1o+4x2e", "1x0e+1x1o+1x2e+1x3o", "1x1o+1x2e", shared_weights=False
    ).double()
    assert tp.weights_first
    generator = torch.Generator().manual_seed(0)
    inputs = [torch.randn(7, n, generator=generator, dtype=torch.float64, requires_grad=True)
              for n in (tp.irreps_in1.dim, tp.irreps_in2.dim, tp.weight_numel)]  # fmt: skip
    results = []
    for order in (True, False):
        tp.weights_first = order
        out = tp(*inputs)
        grads = torch.autograd.grad(out.pow(3).sum(), inputs)
        results.append((out, grads))
    (a, grads_a), (b, grads_b) = results
    assert torch.allclose(a, b, atol=1e-13)
    assert all(torch.allclose(x, y, atol=1e-12) for x, y in zip(grads_a, grads_b))
