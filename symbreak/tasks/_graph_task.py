"""What the graph kinds share: one fixed graph and per-node targets, fitted by mean square.

Pairs, crystals and trajectories each hold ``graph`` (a :class:`~symbreak.model.Graph` whose
geometry does not change during a fit) and ``targets`` (one row per node). :class:`GraphTask`
answers, from those two, the members of the task contract that do not depend on the kind:
the network's radial range, the size of one evaluation, the data's own mean square, and the
node loss

.. math:: L(\\theta) = \\frac{1}{N d} \\sum_{i=1}^{N} \\|f_\\theta(i) - y_i\\|^2,

with the edge features (harmonics and length embedding) computed once per network and
cached, since the graph is fixed. It also reads back the structure tolerance a run recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import torch

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.model import Graph, RelaxedNetwork


class GraphTask:
    """Base of the tasks fitted on one fixed graph; a kind sets ``graph`` and ``targets``.

    Kinds override what differs (:meth:`network_geometry` for trajectories, whose radial range
    is their cutoff; :meth:`fit_loss` for crystals, whose strain belongs to the cell).
    """

    graph: Graph
    targets: torch.Tensor

    streaming = False
    minibatch_rows = None
    #: The structure tolerance of a run that recorded none (written before it was recorded).
    default_tolerance: float = DEFAULT_SYMMETRY_TOLERANCE
    #: (network, its edge features on :attr:`graph`), kept between evaluations of one fit.
    _edge_cache: tuple | None = None

    def network_geometry(self) -> dict:
        """Radial range (the longest edge, 5 % more) and the mean neighbour count's root."""
        lengths = self.graph.edge_vec.norm(dim=1)
        max_radius = float(lengths.max()) * 1.05 if len(lengths) else 1.0
        mean_neighbours = len(lengths) / max(len(self.graph.node_features), 1)
        return {"max_radius": max_radius, "neighbour_norm": max(mean_neighbours, 1.0) ** 0.5}

    def size(self) -> int:
        """Nodes plus edges of one evaluation of :meth:`fit_loss`."""
        return len(self.graph.node_features) + len(self.graph.edge_vec)

    def cached_edge_features(self, network: RelaxedNetwork):
        """``network``'s edge features on :attr:`graph`, computed once per network.

        The edge harmonics and length embedding depend on the geometry alone, which a fit
        does not change; recomputing them at every evaluation would repeat the same work.
        """
        if self._edge_cache is None or self._edge_cache[0] is not network:
            with torch.no_grad():
                self._edge_cache = (network, network.edge_features(self.graph))
        return self._edge_cache[1]

    def node_mse(self, network: RelaxedNetwork) -> torch.Tensor:
        """Mean squared error of the network's node outputs against :attr:`targets`."""
        prediction = network(self.graph, self.cached_edge_features(network))
        return (prediction - self.targets).pow(2).mean()

    def node_least_squares(self, network: RelaxedNetwork) -> tuple[torch.Tensor, torch.Tensor]:
        """The residuals r (node outputs minus :attr:`targets`, flattened; :meth:`node_mse` is
        their mean square) and their Jacobian in the network's output weight W, exact because
        the outputs are linear in W (:meth:`~symbreak.model.RelaxedNetwork.output_weight_jacobian`):
        ``r + J @ Δ.reshape(-1)`` are the residuals after ``W += Δ``. Both detached."""
        features = self.cached_edge_features(network)
        outputs, jacobian = network.output_weight_jacobian(self.graph, features)
        return (outputs - self.targets).reshape(-1), jacobian

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """The node loss (:meth:`node_mse`)."""
        return self.node_mse(network)

    def data_loss(self) -> float:
        """The fit loss of a network that predicts zero: the data's own mean square."""
        return float(self.targets.pow(2).mean())

    def loss_resolution(self) -> float | None:
        """Structures are exact to their coordinates' rounding: no statistical error."""
        return None

    def minibatches(self, epoch: int, batch_size: int) -> Iterator[tuple[Graph, torch.Tensor]]:
        """The whole graph as one batch: a fixed graph fits in memory, so it never streams."""
        yield self.graph, self.targets

    @classmethod
    def run_tolerance(cls, config: Mapping) -> float:
        """The structure tolerance a run's fit used, read from its ``config.json``
        (``preparation.symmetry_tolerance.tolerance``: chosen from the data or given), else
        :attr:`default_tolerance`."""
        chosen = (config.get("preparation") or {}).get("symmetry_tolerance") or {}
        return float(chosen.get("tolerance", cls.default_tolerance))


__all__ = ["GraphTask"]
