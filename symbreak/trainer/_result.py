"""What a fit records while it runs (:class:`Progress`) and what it returns (:class:`FitResult`)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from symbreak.model import RelaxedNetwork


@dataclass
class HistoryRow:
    epoch: int
    loss: float
    fit_loss: float
    reg_loss: float
    seconds: float


@dataclass
class FitResult:
    """What a fit learned (trailing underscore: learned state) and how it went."""

    network_: RelaxedNetwork
    history_: list[HistoryRow]
    initial_loss_: float
    loss_: float
    epochs_: int
    seconds_: float
    converged_: bool
    interrupted_: bool = False
    network_config_: dict = field(default_factory=dict)


class Progress:
    """The trainer's record of a fit while a strategy runs it.

    The strategy advances :attr:`epoch`, adds one history row per epoch (or optimiser step)
    with :meth:`record`, passes it on with :meth:`announce`, and calls :meth:`keep` on each
    state worth returning to; Ctrl-C returns the network to the last state kept.
    """

    def __init__(self, network: RelaxedNetwork, epochs: int,
                 on_epoch: Callable[[HistoryRow], None] | None = None) -> None:  # fmt: skip
        self.network, self.epochs, self.on_epoch = network, epochs, on_epoch
        self.history: list[HistoryRow] = []
        self.epoch = 0
        self.start = time.perf_counter()
        self.kept = copy.deepcopy(network.state_dict())

    def out_of_epochs(self) -> bool:
        return self.epoch >= self.epochs

    def epochs_left(self) -> int:
        return self.epochs - self.epoch

    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def record(self, loss: float, fit_loss: float, reg_loss: float) -> HistoryRow:
        """Add the history row of the current epoch."""
        row = HistoryRow(self.epoch, loss, fit_loss, reg_loss, self.seconds())
        self.history.append(row)
        return row

    def announce(self, row: HistoryRow) -> None:
        """Pass a row to the caller's ``on_epoch`` (a progress bar; it may raise Ctrl-C)."""
        if self.on_epoch is not None:
            self.on_epoch(row)

    def keep(self) -> None:
        """Remember the network's current state as the one to return to."""
        self.kept = copy.deepcopy(self.network.state_dict())

    def restore(self) -> None:
        """Return the network to the last state kept."""
        self.network.load_state_dict(self.kept)
