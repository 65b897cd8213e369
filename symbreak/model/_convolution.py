"""The relaxed equivariant convolution (Hofgard et al., arXiv 2407.20471, section 4).

A standard E(3)NN convolution sends the neighbour features :math:`x_j` through a tensor
product with the spherical harmonics of the edge direction,

.. math:: m_{ij} = x_j \\otimes_{w(|r_{ij}|)} Y(\\hat r_{ij}).

The relaxed convolution first combines a learnable vector :math:`\\theta` (the *relaxed
weights*, one vector per O(3) irrep up to ``l_relaxed``, both parities, shared by every
edge and channel) with the harmonics,

.. math:: m_{ij} = x_j \\otimes_{w(|r_{ij}|)} \\left(\\theta \\otimes Y(\\hat r_{ij})\\right),

so that the layer is equivariant when :math:`\\theta` transforms with the input, and
therefore exactly E(3)-equivariant while :math:`\\theta` holds only its ``0e`` part.
A self-interaction :math:`x_i \\otimes \\theta` (the same construction with the
zero-length edge, whose only harmonic is the constant) lets isolated nodes, such as
a single particle in a field, feel the relaxed weights too.
"""

from __future__ import annotations

import torch

from symbreak.conventions import relaxed_irreps
from symbreak.model._irreps import Irrep, Irreps
from symbreak.model._layers import RadialMLP
from symbreak.model._tensor_product import WeightedTensorProduct


def relaxed_weight_irreps(l_relaxed: int, multiplicity: int = 1) -> Irreps:
    """Irreps of one layer's relaxed weights: ``multiplicity`` copies of each irrep.

    >>> relaxed_weight_irreps(1, 2)
    2x0e+2x0o+2x1e+2x1o
    """
    return Irreps([(multiplicity, (l, p)) for l, p in relaxed_irreps(l_relaxed)])


class RelaxedConvolution(torch.nn.Module):
    """One relaxed convolution: messages filtered by θ ⊗ Y, plus self-interaction.

    Parameters
    ----------
    irreps_in, irreps_out
        Node features before and after the layer.
    irreps_sh
        Spherical harmonics of the edge directions (``Irreps.spherical_harmonics(l)``).
    l_relaxed, multiplicity
        The relaxed weights hold ``multiplicity`` copies of each irrep up to ``l_relaxed``.
    num_basis, radial_neurons
        Size of the edge-length embedding and of the hidden layer of the radial MLP.
    l_filter
        Highest l kept in :math:`\\theta \\otimes Y` (higher ones cannot reach the output).
    """

    def __init__(
        self,
        irreps_in: Irreps,
        irreps_out: Irreps,
        irreps_sh: Irreps,
        l_relaxed: int,
        multiplicity: int,
        num_basis: int,
        radial_neurons: int,
        l_filter: int,
    ) -> None:
        super().__init__()
        self.irreps_in = Irreps(irreps_in)
        self.irreps_out = Irreps(irreps_out)
        self.irreps_relaxed = relaxed_weight_irreps(l_relaxed, multiplicity)

        self.relaxed_weights = torch.nn.Parameter(self._equivariant_start())
        # One channel per irrep type keeps the message tensor product small: its cost grows
        # with the number of (input, filter, output) paths, not with the filter's dimension.
        irreps_filter = Irreps([(1, (l, p)) for l in range(l_filter + 1) for p in (1, -1)])
        self.filter_tp = WeightedTensorProduct(irreps_sh, self.irreps_relaxed, irreps_filter)
        self.message_tp = WeightedTensorProduct(
            self.irreps_in, irreps_filter, self.irreps_out, shared_weights=False
        )
        self.radial = RadialMLP([num_basis, radial_neurons, self.message_tp.weight_numel])
        self.self_tp = WeightedTensorProduct(self.irreps_in, self.irreps_relaxed, self.irreps_out)

    def _equivariant_start(self) -> torch.Tensor:
        """θ with every ``0e`` entry 1 and everything else 0: the network starts equivariant."""
        start = torch.zeros(self.irreps_relaxed.dim)
        for mul_ir, block in zip(self.irreps_relaxed, self.irreps_relaxed.slices()):
            if mul_ir.ir == Irrep(0, 1):
                start[block] = 1.0
        return start

    def forward(
        self,
        features: torch.Tensor,
        edge_src: torch.Tensor,
        edge_dst: torch.Tensor,
        edge_sh: torch.Tensor,
        edge_embedding: torch.Tensor,
        neighbour_norm: float,
    ) -> torch.Tensor:
        theta = self.relaxed_weights.to(features.dtype)
        out = self.self_tp(features, theta)
        if edge_src.numel() == 0:
            return out
        edge_filter = self.filter_tp(edge_sh, theta)
        messages = self.message_tp(features[edge_src], edge_filter, self.radial(edge_embedding))
        aggregated = torch.zeros(
            features.shape[0], messages.shape[1], dtype=messages.dtype, device=messages.device
        )
        aggregated.index_add_(0, edge_dst, messages)
        return out + aggregated / neighbour_norm

    def output_weight_jacobian(
        self,
        features: torch.Tensor,
        edge_src: torch.Tensor,
        edge_dst: torch.Tensor,
        edge_sh: torch.Tensor,
        edge_embedding: torch.Tensor,
        neighbour_norm: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """This layer's output (as :meth:`forward`, detached) and its Jacobian in the radial
        MLP's output weight W, shape (nodes, irreps_out.dim, W.numel()).

        The per-edge path weights are :math:`R_e = h_e W / \\sqrt{n}` (``h_e`` the radial MLP's
        last hidden layer, n its width) and each message is linear in them, so the output is
        exactly linear in W:

        .. math:: \\frac{\\partial y_{ik}}{\\partial W_{ab}} = \\frac{1}{\\sqrt{n}\\,\\nu}
                  \\sum_{e \\to i} h_{ea}\\, \\frac{\\partial m_{ek}}{\\partial R_{eb}},

        with ν the neighbour normalisation. One backward pass through the message product per
        output component gives every edge's :math:`\\partial m_{ek}/\\partial R_e` at once
        (each message depends on its own edge's weights only).
        """
        weight = self.radial.output_layer.weight
        nodes, out_dim = features.shape[0], self.irreps_out.dim
        with torch.no_grad():
            theta = self.relaxed_weights.to(features.dtype)
            out = self.self_tp(features, theta)
        if edge_src.numel() == 0:
            return out, features.new_zeros(nodes, out_dim, weight.numel())
        with torch.no_grad():
            edge_filter = self.filter_tp(edge_sh, theta)
            hidden = self.radial.hidden(edge_embedding) / weight.shape[0] ** 0.5
            path_weights = hidden @ weight
        path_weights.requires_grad_(True)
        with torch.enable_grad():
            messages = self.message_tp(features[edge_src].detach(), edge_filter, path_weights)
            slopes = [torch.autograd.grad(messages[:, k].sum(), path_weights, retain_graph=True)[0]
                      for k in range(out_dim)]  # fmt: skip
        # summed into the receiving node one (component, hidden unit) at a time, so that no
        # (edges, components, hidden, paths) product is ever held
        jacobian = features.new_zeros(nodes, out_dim, *weight.shape)
        for k, slope in enumerate(slopes):
            for a in range(weight.shape[0]):
                jacobian[:, k, a].index_add_(0, edge_dst, hidden[:, a, None] * slope)
        aggregated = out.new_zeros(out.shape).index_add_(0, edge_dst, messages.detach())
        jacobian = jacobian.reshape(nodes, out_dim, -1) / neighbour_norm
        return out + aggregated / neighbour_norm, jacobian
