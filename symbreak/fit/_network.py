"""The network a fit starts from."""

from __future__ import annotations

import torch

from symbreak.fit._options import FitOptions
from symbreak.model import RelaxedNetwork


def build_network(task, options: FitOptions) -> RelaxedNetwork:
    """The network for a task, seeded; its constructor arguments are in ``network.config``."""
    config = dict(
        irreps_in=task.irreps_in,
        irreps_out=task.irreps_out,
        l_relaxed=options.l_relaxed,
        multiplicity=options.multiplicity,
        layers=options.layers or task.default_layers,
        hidden_mul=options.hidden_mul,
        hidden_l=options.hidden_l,
        **task.network_geometry(),
    )
    torch.manual_seed(options.seed)
    network = RelaxedNetwork(**config)
    network.config = config
    return network
