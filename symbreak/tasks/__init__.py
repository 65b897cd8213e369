"""Learning tasks: how a dataset becomes network inputs, targets, a loss and a data group."""

from symbreak.tasks.pairs import PairsTask, node_mse

__all__ = ["PairsTask", "node_mse"]
