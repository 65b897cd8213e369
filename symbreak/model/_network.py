"""A stack of relaxed convolutions with gated non-linearities between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch

from symbreak.model._convolution import RelaxedConvolution
from symbreak.model._dtype import default_dtype, representation_matrix
from symbreak.model._edges import edge_harmonics, gaussian_embedding
from symbreak.model._irreps import Irreps
from symbreak.model._layers import Gate


@dataclass
class Graph:
    """Node features and the fixed geometry of the edges, precomputed once per dataset.

    ``edge_vec[k]`` points from the receiving node ``edge_dst[k]`` to the sending node
    ``edge_src[k]``: :math:`r_{ij} = x_j - x_i` for the message from j to i.
    """

    node_features: torch.Tensor  # (n_nodes, irreps_in.dim)
    edge_src: torch.Tensor  # (n_edges,) int64
    edge_dst: torch.Tensor  # (n_edges,) int64
    edge_vec: torch.Tensor  # (n_edges, 3)

    def to(self, dtype: torch.dtype) -> Graph:
        return Graph(
            self.node_features.to(dtype), self.edge_src, self.edge_dst, self.edge_vec.to(dtype)
        )

    def transformed(self, rotation: torch.Tensor, irreps_in: Irreps) -> Graph:
        """The same graph with positions and features acted on by an O(3) element."""
        D = representation_matrix(irreps_in, rotation).to(self.node_features.dtype)
        return Graph(
            self.node_features @ D.T,
            self.edge_src,
            self.edge_dst,
            self.edge_vec @ rotation.to(self.edge_vec.dtype).T,
        )


@dataclass(frozen=True)
class RelaxedBlock:
    """One copy of one irrep in one layer's relaxed weights: ``θ[start:stop]`` of that layer.

    The fit's group lasso switches blocks on and off; the report measures each one.
    """

    layer: int
    irrep: str
    copy: int
    start: int
    stop: int

    @property
    def where(self) -> slice:
        """The block's slice of its layer's θ."""
        return slice(self.start, self.stop)

    @property
    def invariant(self) -> bool:
        """The scalar 0e block: O(3)-invariant, so it breaks nothing and is never penalised."""
        return self.irrep == "0e"


def hidden_irreps(mul: int, l_max: int) -> tuple[Irreps, Irreps, Irreps]:
    """Scalars, gates and gated irreps of a hidden layer with ``mul`` channels up to ``l_max``."""
    scalars = Irreps(f"{mul}x0e + {mul}x0o")
    gated = Irreps([(mul, (l, p)) for l in range(1, l_max + 1) for p in (1, -1)])
    gates = Irreps(f"{gated.num_irreps}x0e")
    return scalars, gates, gated


class RelaxedNetwork(torch.nn.Module):
    """Relaxed E(3)NN: ``layers`` relaxed convolutions, gated in between.

    Parameters
    ----------
    irreps_in, irreps_out
        Node input features and node outputs.
    l_relaxed, multiplicity
        Relaxed weights of each layer: ``multiplicity`` copies of every irrep up to ``l_relaxed``.
    layers
        Number of relaxed convolutions (each has its own relaxed weights).
    hidden_mul, hidden_l
        Channels per irrep and highest l of the hidden features.
    l_sh
        Highest l of the edge spherical harmonics.
    max_radius, num_basis, radial_neurons
        Edge-length embedding (Gaussian basis on [0, max_radius]) and radial MLP width.
    neighbour_norm
        Messages are summed and divided by this number (about the mean neighbour count).
    """

    def __init__(
        self,
        irreps_in: str,
        irreps_out: str,
        l_relaxed: int = 4,
        multiplicity: int = 1,
        layers: int = 2,
        hidden_mul: int = 8,
        hidden_l: int = 2,
        l_sh: int = 2,
        max_radius: float = 4.0,
        num_basis: int = 8,
        radial_neurons: int = 16,
        neighbour_norm: float = 1.0,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        # New parameters and buffers follow the default dtype: build them in `dtype` directly.
        with default_dtype(dtype):
            self._build_layers(
                irreps_in, irreps_out, l_relaxed, multiplicity, layers, hidden_mul, hidden_l, l_sh,
                max_radius, num_basis, radial_neurons, neighbour_norm,
            )  # fmt: skip

    def _build_layers(
        self, irreps_in, irreps_out, l_relaxed, multiplicity, layers, hidden_mul, hidden_l, l_sh,
        max_radius, num_basis, radial_neurons, neighbour_norm,
    ) -> None:  # fmt: skip
        if layers < 1:
            raise ValueError("a relaxed network needs at least one layer")
        self.irreps_in = Irreps(irreps_in)
        self.irreps_out = Irreps(irreps_out)
        self.irreps_sh = Irreps.spherical_harmonics(l_sh)
        self.max_radius = max_radius
        self.num_basis = num_basis
        self.neighbour_norm = neighbour_norm
        l_filter = 2 * max(hidden_l, l_sh)

        def convolution(irreps_in: Irreps, irreps_out: Irreps) -> RelaxedConvolution:
            return RelaxedConvolution(
                irreps_in,
                irreps_out,
                self.irreps_sh,
                l_relaxed,
                multiplicity,
                num_basis,
                radial_neurons,
                l_filter,
            )

        self.convolutions = torch.nn.ModuleList()
        self.gates = torch.nn.ModuleList()
        irreps = self.irreps_in
        scalars, gates, gated = hidden_irreps(hidden_mul, hidden_l)
        for _ in range(layers - 1):
            gate = Gate(scalars, gates, gated)
            self.convolutions.append(convolution(irreps, gate.irreps_in))
            self.gates.append(gate)
            irreps = gate.irreps_out
        self.convolutions.append(convolution(irreps, self.irreps_out))

    @property
    def irreps_relaxed(self) -> Irreps:
        return self.convolutions[0].irreps_relaxed

    def relaxed_weights(self) -> list[torch.Tensor]:
        """The relaxed weights θ of each layer, in e3nn's basis (detached copies)."""
        return [conv.relaxed_weights.detach().clone() for conv in self.convolutions]

    def relaxed_blocks(self) -> Iterator[RelaxedBlock]:
        """Every block of every layer's θ, layer by layer in the conventional irrep order.

        >>> net = RelaxedNetwork("1x0e", "1x1o", l_relaxed=1, layers=1)
        >>> [(b.irrep, b.start, b.stop) for b in net.relaxed_blocks()]
        [('0e', 0, 1), ('0o', 1, 2), ('1e', 2, 5), ('1o', 5, 8)]
        """
        for layer, conv in enumerate(self.convolutions):
            for (mul, ir), part in zip(conv.irreps_relaxed, conv.irreps_relaxed.slices()):
                for copy in range(mul):
                    start = part.start + copy * ir.dim
                    yield RelaxedBlock(layer, str(ir), copy, start, start + ir.dim)

    def edge_features(self, graph: Graph) -> tuple[torch.Tensor, torch.Tensor]:
        """Spherical harmonics of the edge directions and the embedding of their lengths."""
        sh = edge_harmonics(self.irreps_sh.lmax, graph.edge_vec)
        length = graph.edge_vec.norm(dim=1)
        embedding = gaussian_embedding(length, self.max_radius, self.num_basis)
        return sh, embedding.mul(self.num_basis**0.5)

    def output_weight_jacobian(
        self, graph: Graph, edge_features: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The node outputs (as :meth:`forward`, detached), and their Jacobian in W, the last
        layer's radial output weight (:attr:`output_weight`): shape (nodes * irreps_out.dim,
        W.numel()), rows node-major as in ``outputs.reshape(-1)``.

        The node outputs are exactly linear in W (see
        :meth:`RelaxedConvolution.output_weight_jacobian`), so for any change Δ they
        move by this matrix times ``Δ.reshape(-1)``: the fit in W alone is a linear
        least-squares problem.
        """
        sh, embedding = edge_features if edge_features is not None else self.edge_features(graph)
        x = graph.node_features
        with torch.no_grad():
            for conv, gate in zip(self.convolutions[:-1], self.gates):
                x = conv(x, graph.edge_src, graph.edge_dst, sh, embedding, self.neighbour_norm)
                x = gate(x)
        last = self.convolutions[-1]
        outputs, jacobian = last.output_weight_jacobian(x, graph.edge_src, graph.edge_dst, sh,
                                                        embedding, self.neighbour_norm)  # fmt: skip
        return outputs, jacobian.reshape(-1, jacobian.shape[-1])

    @property
    def output_weight(self) -> torch.nn.Parameter:
        """The last layer's radial output weight, in which the node outputs are linear."""
        return self.convolutions[-1].radial.output_layer.weight

    def forward(
        self, graph: Graph, edge_features: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> torch.Tensor:
        """Node outputs. Pass precomputed :meth:`edge_features` when the geometry is fixed."""
        sh, embedding = edge_features if edge_features is not None else self.edge_features(graph)
        x = graph.node_features
        for k, conv in enumerate(self.convolutions):
            x = conv(x, graph.edge_src, graph.edge_dst, sh, embedding, self.neighbour_norm)
            if k < len(self.gates):
                x = self.gates[k](x)
        return x
