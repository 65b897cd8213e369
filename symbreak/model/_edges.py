"""What the network sees of an edge: the harmonics of its direction, an embedding of its length.

Both are e3nn's, written in torch without importing e3nn (see :mod:`._irreps`): the harmonics
are ``o3.spherical_harmonics(..., normalize=True, normalization="component")``, built from the
monomial coefficients of :mod:`symbreak.symmetry._harmonic_table`; the embedding is
``soft_one_hot_linspace(..., basis="gaussian", cutoff=False)``. The tests compare both to e3nn.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import torch

from symbreak.symmetry import harmonic_coefficients, monomial_exponents


@cache
def _component_coefficients(l: int) -> np.ndarray:
    """(2l+1, k) monomial coefficients in *component* normalisation: :math:`|Y_l|^2 = 2l+1`.

    The table holds the integral normalisation (:math:`\\int Y_l^2 = 1` on the unit sphere);
    the component one is :math:`\\sqrt{4\\pi}` times larger.
    """
    return harmonic_coefficients(l) * math.sqrt(4 * math.pi)


def edge_harmonics(l_max: int, vectors: torch.Tensor) -> torch.Tensor:
    """:math:`Y_0 \\oplus \\dots \\oplus Y_{l_{max}}` of the directions of ``vectors`` (n, 3).

    Shape (n, (l_max + 1)^2), e3nn's basis and order; differentiable in ``vectors``.

    >>> y = edge_harmonics(1, torch.tensor([[0.0, 0.0, 2.0]], dtype=torch.float64))
    >>> [round(v, 6) for v in y[0].tolist()]
    [1.0, 0.0, 0.0, 1.732051]
    """
    unit = vectors / vectors.norm(dim=-1, keepdim=True)
    powers = [torch.ones_like(unit)]
    for _ in range(l_max):
        powers.append(powers[-1] * unit)
    power = torch.stack(powers, dim=-1)  # (n, 3, l_max + 1)
    blocks = []
    for l in range(l_max + 1):
        e = torch.as_tensor(monomial_exponents(l))
        monomials = power[:, 0, e[:, 0]] * power[:, 1, e[:, 1]] * power[:, 2, e[:, 2]]
        blocks.append(monomials @ torch.as_tensor(_component_coefficients(l), dtype=unit.dtype).T)
    return torch.cat(blocks, dim=-1)


def gaussian_embedding(lengths: torch.Tensor, max_radius: float, number: int) -> torch.Tensor:
    """``number`` Gaussians :math:`e^{-((r - r_k)/\\Delta)^2} / 1.12` at even :math:`r_k` in
    [0, ``max_radius``], spacing :math:`\\Delta`; shape (n, number)."""
    centres = torch.linspace(0.0, max_radius, number, dtype=lengths.dtype, device=lengths.device)
    step = centres[1] - centres[0]
    diff = (lengths[..., None] - centres) / step
    return diff.pow(2).neg().exp().div(1.12)
