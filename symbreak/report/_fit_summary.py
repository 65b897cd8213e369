"""How a fit went, in one value: the fit summary of ``config.json`` and ``report.json``.

One source for its keys: :func:`symbreak.pipeline.fit_summary` writes it into the run's
``config.json`` (with the kind's ``task.data_checks()`` beside it), the
report reads it back and saves the documented keys (:data:`REPORT_FIT_KEYS`, docs/report.md),
and the verdict judges the fit from it before any group.

>>> summary = FitSummary.from_dict({"loss": 1e-6, "initial_loss": 0.5, "epochs": 16,
...                                 "seconds": 2.0, "converged": True, "obstacles": []})
>>> summary.relative_loss, summary.obstacles
(2e-06, ())
>>> sorted(summary.to_dict()) == sorted(REPORT_FIT_KEYS)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the report reads fits; the fit never imports the report
    from symbreak.trainer import FitResult

from symbreak.contract import CHECK_KEYS, frozen_json, plain_json

#: The fit summary's keys in ``report.json`` (docs/report.md), in their order there.
REPORT_FIT_KEYS = ("loss", "initial_loss", "relative_loss", "epochs", "seconds", "converged",
                   "interrupted")  # fmt: skip


@dataclass(frozen=True)
class FitSummary:
    """The fit of a run: final and initial loss, epochs, time, how it stopped; and the data
    checks the verdict names a misfit's cause with (``None`` where not made).

    Attributes
    ----------
    loss, initial_loss : the fit loss of the fitted network and at initialisation.
    relative_loss : ``loss / initial_loss`` (0 when the initial loss is 0).
    epochs, seconds : how long the fit ran.
    converged : it stopped on its convergence test, not at the epoch cap.
    interrupted : it was stopped by the user (Ctrl-C); the weights are unfinished.
    obstacles, noise_floor, data_problems, data_notes : the kind's data checks, in the
        generic terms of :data:`symbreak.contract.CHECK_KEYS` (``None``: not made).
    """

    loss: float
    initial_loss: float
    relative_loss: float
    epochs: int
    seconds: float
    converged: bool
    interrupted: bool = False
    obstacles: tuple[Mapping[str, Any], ...] | None = None
    noise_floor: Mapping[str, Any] | None = None
    data_problems: tuple[Mapping[str, Any], ...] | None = None
    data_notes: tuple[str, ...] | None = None

    @classmethod
    def from_result(cls, result: FitResult) -> FitSummary:
        """The summary of a :class:`symbreak.trainer.FitResult` (no data checks)."""
        return cls(
            loss=result.loss_, initial_loss=result.initial_loss_,
            relative_loss=_relative(result.loss_, result.initial_loss_), epochs=result.epochs_,
            seconds=result.seconds_, converged=result.converged_,
            interrupted=result.interrupted_,
        )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FitSummary:
        """The summary ``config.json``'s ``fit`` (data checks included) or ``report.json``'s
        ``fit`` describes. ``relative_loss`` is derived where it is missing; a fit that does not
        say otherwise converged and was not interrupted. Raises KeyError without the losses or
        the epochs."""
        loss, initial = data["loss"], data["initial_loss"]
        relative = data.get("relative_loss")
        checks = {key: frozen_json(data.get(key)) for key in CHECK_KEYS}
        return cls(
            loss=loss, initial_loss=initial,
            relative_loss=_relative(loss, initial) if relative is None else relative,
            epochs=data["epochs"], seconds=data.get("seconds", 0.0),
            converged=data.get("converged", True), interrupted=data.get("interrupted", False),
            **checks,
        )  # fmt: skip

    def to_dict(self) -> dict:
        """``report.json``'s ``fit``: the keys of :data:`REPORT_FIT_KEYS`, nothing else."""
        return {key: getattr(self, key) for key in REPORT_FIT_KEYS}

    def to_config(self) -> dict:
        """``config.json``'s ``fit``: :meth:`to_dict` and the data checks that were made,
        the mapping :func:`symbreak.report._verdict.fit_problems` reads."""
        checks = {key: plain_json(getattr(self, key)) for key in CHECK_KEYS
                  if getattr(self, key) is not None}  # fmt: skip
        return self.to_dict() | checks


def _relative(loss: float, initial_loss: float) -> float:
    return loss / initial_loss if initial_loss else 0.0
