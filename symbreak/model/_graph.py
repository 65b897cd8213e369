"""Graphs over point clouds: which nodes talk to which."""

from __future__ import annotations

import numpy as np
import torch

from symbreak.model._network import Graph


def radius_edges(positions: np.ndarray, cutoff: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Directed edges (src, dst) between distinct points closer than ``cutoff`` (all pairs if None).

    >>> src, dst = radius_edges(np.eye(3), None)
    >>> len(src)
    6
    """
    positions = np.asarray(positions, dtype=np.float64)
    distance = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=-1)
    connected = ~np.eye(len(positions), dtype=bool)
    if cutoff is not None:
        connected &= distance < cutoff
    dst, src = np.nonzero(connected)
    return src, dst


def point_cloud_graph(
    positions: np.ndarray,
    node_features: np.ndarray,
    cutoff: float | None = None,
    dtype: torch.dtype = torch.float64,
) -> Graph:
    """The graph of one point cloud: edge vectors :math:`x_j - x_i` to the neighbours of i."""
    src, dst = radius_edges(positions, cutoff)
    positions = torch.as_tensor(np.asarray(positions), dtype=dtype)
    return Graph(
        node_features=torch.as_tensor(np.asarray(node_features), dtype=dtype),
        edge_src=torch.as_tensor(src, dtype=torch.int64),
        edge_dst=torch.as_tensor(dst, dtype=torch.int64),
        edge_vec=positions[src] - positions[dst],
    )


def batch_graphs(graphs: list[Graph]) -> Graph:
    """Disjoint union of graphs: one big graph whose node indices are offset per part."""
    offsets = np.cumsum([0] + [len(g.node_features) for g in graphs[:-1]])
    return Graph(
        node_features=torch.cat([g.node_features for g in graphs]),
        edge_src=torch.cat([g.edge_src + int(o) for g, o in zip(graphs, offsets)]),
        edge_dst=torch.cat([g.edge_dst + int(o) for g, o in zip(graphs, offsets)]),
        edge_vec=torch.cat([g.edge_vec for g in graphs]),
    )
