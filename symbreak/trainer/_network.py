"""The network a fit starts from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from symbreak.model import RelaxedNetwork
from symbreak.options import FitOptions

if TYPE_CHECKING:
    from symbreak.contract import Task


def build_network(task: Task, options: FitOptions) -> RelaxedNetwork:
    """The network for a task, seeded; its constructor arguments are in ``network.config``."""
    config = dict(
        irreps_in=task.irreps_in,
        irreps_out=task.irreps_out,
        l_relaxed=options.model.l_relaxed,
        multiplicity=options.model.multiplicity,
        layers=options.model.layers or task.default_layers,
        hidden_mul=options.model.hidden_mul,
        hidden_l=options.model.hidden_l,
        **task.network_geometry(),
    )
    torch.manual_seed(options.optimiser.seed)
    network = RelaxedNetwork(**config)
    network.config = config
    return network
