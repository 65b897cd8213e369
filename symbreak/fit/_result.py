"""What a fit returns: its history rows and the fitted network."""

from __future__ import annotations

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
