"""Relaxed E(3)-equivariant networks (torch + e3nn). Knows nothing of files."""

from symbreak.model._convolution import RelaxedConvolution, relaxed_weight_irreps
from symbreak.model._dtype import default_dtype, representation_matrix
from symbreak.model._graph import batch_graphs, point_cloud_graph, radius_edges
from symbreak.model._network import Graph, RelaxedBlock, RelaxedNetwork

__all__ = [
    "Graph",
    "RelaxedBlock",
    "RelaxedConvolution",
    "RelaxedNetwork",
    "batch_graphs",
    "default_dtype",
    "point_cloud_graph",
    "radius_edges",
    "relaxed_weight_irreps",
    "representation_matrix",
]
