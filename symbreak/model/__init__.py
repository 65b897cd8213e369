"""Relaxed E(3)-equivariant networks in torch, in e3nn's conventions (e3nn itself is only a
test oracle). Knows nothing of files."""

from symbreak.model._convolution import RelaxedConvolution, relaxed_weight_irreps
from symbreak.model._dtype import default_dtype, representation_matrix
from symbreak.model._edges import edge_harmonics, gaussian_embedding
from symbreak.model._graph import batch_graphs, point_cloud_graph, radius_edges
from symbreak.model._irreps import Irrep, Irreps
from symbreak.model._network import Graph, RelaxedBlock, RelaxedNetwork

__all__ = [
    "Graph",
    "Irrep",
    "Irreps",
    "RelaxedBlock",
    "RelaxedConvolution",
    "RelaxedNetwork",
    "batch_graphs",
    "default_dtype",
    "edge_harmonics",
    "gaussian_embedding",
    "point_cloud_graph",
    "radius_edges",
    "relaxed_weight_irreps",
    "representation_matrix",
]
