"""``training``: the loss, fit loss and penalty at each recorded step (matplotlib, log scale).

The history holds one row per optimiser step (an L-BFGS step runs up to four epochs), so the
points are marked and the x label says how often they were recorded. The penalty is drawn
solid where it was part of the descended loss (``loss = fit_loss + reg_loss``) and dotted
where it was only logged (the group lasso's screen, a refit without it): read off the rows,
not assumed. Where the total loss equals the fit loss, one line says so instead of one line
hiding the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Relative difference below which two losses of a row count as the same number.
SAME = 1e-9


def _column(history: Sequence[dict], key: str) -> np.ndarray:
    return np.array([row.get(key, np.nan) for row in history], dtype=float)


def penalty_in_loss(history: Sequence[dict]) -> np.ndarray:
    """Per row, whether the penalty was part of the loss: ``loss = fit_loss + reg_loss``
    while ``reg_loss > 0`` (a logged-only penalty leaves ``loss = fit_loss``).

    >>> penalty_in_loss([{"loss": 1.5, "fit_loss": 1.0, "reg_loss": 0.5},
    ...                  {"loss": 1.0, "fit_loss": 1.0, "reg_loss": 0.5}]).tolist()
    [True, False]
    """
    loss, fit, reg = (_column(history, key) for key in ("loss", "fit_loss", "reg_loss"))
    scale = np.maximum(np.abs(loss), np.finfo(float).tiny)
    return (reg > 0) & (np.abs(loss - fit - reg) <= SAME * scale)


def recording_note(epochs: np.ndarray) -> str:
    """How often the history was recorded, for the x label.

    >>> recording_note(np.array([4.0, 8.0, 12.0]))
    'epoch (a point every 4 epochs: one per optimiser step)'
    >>> recording_note(np.array([1.0, 2.0, 3.0]))
    'epoch (a point per epoch)'
    """
    steps = np.unique(np.diff(epochs)) if len(epochs) > 1 else np.array([])
    if len(steps) == 1 and steps[0] == 1:
        return "epoch (a point per epoch)"
    if len(steps) == 1:
        return f"epoch (a point every {steps[0]:g} epochs: one per optimiser step)"
    return "epoch (a point per optimiser step, each of one or more epochs)"


def render_training(history: Sequence[dict], path: Path, size: tuple[int, int],
                    title: str = "training") -> Path:  # fmt: skip
    """Plot the history rows (``epoch``, ``loss``, ``fit_loss``, ``reg_loss``) to ``path``
    (PNG, or SVG/PDF by its suffix).

    Non-positive values cannot be drawn on a log axis and are left out (a zero penalty
    before any weight switched on, for instance).
    """
    dpi = 100
    figure, axes = plt.subplots(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    try:
        epochs = _column(history, "epoch")
        loss, fit, reg = (_column(history, key) for key in ("loss", "fit_loss", "reg_loss"))
        style = {"marker": "o", "markersize": 3.5, "linewidth": 1.6}
        same = np.abs(loss - fit) <= SAME * np.maximum(np.abs(loss), np.finfo(float).tiny)
        if np.all(same | ~np.isfinite(loss)):
            _plot(axes, epochs, fit, "total loss = fit loss (MSE relative to the start; the "
                  "penalty is not in it)", "#1f77b4", **style)  # fmt: skip
        else:
            _plot(axes, epochs, fit, "fit loss (MSE relative to the start)", "#ff7f0e", **style)
            _plot(axes, epochs, loss, "total loss (fit + penalty)", "#1f77b4", zorder=3,
                  linestyle=(0, (5, 3)), **style)  # fmt: skip
        applied = penalty_in_loss(history)
        _plot(axes, epochs, np.where(applied, reg, np.nan), "penalty λ R, in the loss",
              "#2ca02c", **style)  # fmt: skip
        _plot(axes, epochs, np.where(applied, np.nan, reg), "penalty λ R, only logged (not in "
              "the loss)", "#2ca02c", linestyle=":", marker="o", markersize=2.5, linewidth=1.2,
              alpha=0.7)  # fmt: skip
        axes.set_yscale("log")
        axes.set_xlabel(recording_note(epochs))
        axes.set_ylabel("loss")
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        if axes.lines:
            axes.legend(frameon=False)
        else:
            axes.text(0.5, 0.5, "no history", transform=axes.transAxes, ha="center")
        figure.tight_layout()
        figure.savefig(path, dpi=dpi)
    finally:
        plt.close(figure)
    return Path(path)


def _plot(axes, epochs: np.ndarray, values: np.ndarray, label: str, colour: str,
          **style) -> None:  # fmt: skip
    shown = values > 0  # NaN and non-positive values cannot be drawn on a log axis
    if shown.any():
        drawn = np.where(shown, values, np.nan)  # gaps stay gaps
        axes.plot(epochs, drawn, label=label, color=colour, **style)
