"""Learning tasks: how a dataset becomes network inputs, targets and a loss.

A task knows the irreps the network reads and writes, and evaluates the fit loss of a
network on its data. The training loop (:mod:`symbreak.fit`) sees nothing else.

*Pairs* (structure before -> after): every point is a node with its species one-hot as
scalar features; the geometry of the source structure gives the edges. The target is,
per node, either

- ``displacement``: the vector :math:`x'_i - x_i` (``1o``), or
- ``signal``: the target position :math:`x'_i - \\bar x` (about the source centroid)
  as a spherical signal up to l = 2 with a peak at that position (the paper's choice;
  e3nn's ``SphericalTensor.with_peaks_at``).

Displacement is the default: it is linear in the positions, so a correct model fits it
to rounding error, and on ``cube_to_prism`` it reaches a relative loss of 1e-10 where the
signal target stops near 1e-7 (docs/fitting.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from symbreak.conventions import PAIR_TARGETS
from symbreak.data import PairDataset
from symbreak.model import Graph, RelaxedNetwork, batch_graphs, default_dtype, point_cloud_graph
from symbreak.tasks.data_symmetry import DataSymmetry, pairs_symmetry


def _signal_of(vectors: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    """Spherical signal (l <= 2) with one peak per row at that vector, e3nn basis."""
    from e3nn import io  # e3nn.io pulls in scipy.signal (0.5 s): only for this target

    with default_dtype(torch.float64):
        tensor = io.SphericalTensor(2, 1, -1)
        rows = [tensor.with_peaks_at(torch.as_tensor(v)[None]) for v in vectors]
    return torch.stack(rows).to(dtype)


@dataclass
class PairsTask:
    """Fit the deformation of point-cloud pairs, all pairs together as one batch.

    Parameters
    ----------
    dataset
        The pairs; each is centred on its source centroid.
    target
        ``"displacement"`` or ``"signal"`` (see the module docstring).
    cutoff
        Edges join points closer than this (source geometry); ``None`` joins all pairs.
    """

    dataset: PairDataset
    target: str = "displacement"
    cutoff: float | None = None
    dtype: torch.dtype = torch.float64

    name = "pairs"
    #: Two layers: messages from neighbours of neighbours, as in the paper.
    default_layers = 2

    def __post_init__(self) -> None:
        if self.target not in PAIR_TARGETS:
            raise ValueError(f"target must be one of {PAIR_TARGETS}, not {self.target!r}")
        graphs, targets = [], []
        for pair in self.dataset.pairs:
            centre = pair.source.mean(axis=0)
            source, target = pair.source - centre, pair.target - centre
            one_hot = np.eye(self.dataset.n_species)[pair.species]
            graphs.append(point_cloud_graph(source, one_hot, self.cutoff, self.dtype))
            if self.target == "displacement":
                targets.append(torch.as_tensor(target - source, dtype=self.dtype))
            else:
                targets.append(_signal_of(target, self.dtype))
        self.graph: Graph = batch_graphs(graphs)
        self.targets = torch.cat(targets)
        self._edge_cache: tuple | None = None

    @property
    def irreps_in(self) -> str:
        return f"{self.dataset.n_species}x0e"

    @property
    def irreps_out(self) -> str:
        return "1x1o" if self.target == "displacement" else "1x0e+1x1o+1x2e"

    def network_geometry(self) -> dict:
        """Radial range and neighbour normalisation suited to this data."""
        lengths = self.graph.edge_vec.norm(dim=1)
        max_radius = float(lengths.max()) * 1.05 if len(lengths) else 1.0
        mean_neighbours = len(lengths) / max(len(self.graph.node_features), 1)
        return {"max_radius": max_radius, "neighbour_norm": max(mean_neighbours, 1.0) ** 0.5}

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """Mean squared error of the network's node outputs against the targets."""
        return node_mse(self, network)

    def data_symmetry(self, tolerance: float) -> DataSymmetry:
        """Input, target and transformation groups of the pairs at ``tolerance`` (a length)."""
        return pairs_symmetry(self.dataset, tolerance)


def node_mse(task, network: RelaxedNetwork) -> torch.Tensor:
    """Mean squared error on ``task.graph`` and ``task.targets``, whose geometry is fixed.

    The edge harmonics and length embedding do not change during a fit: they are computed
    once per network and kept in ``task._edge_cache``.
    """
    if task._edge_cache is None or task._edge_cache[0] is not network:
        with torch.no_grad():
            task._edge_cache = (network, network.edge_features(task.graph))
    prediction = network(task.graph, task._edge_cache[1])
    return (prediction - task.targets).pow(2).mean()
