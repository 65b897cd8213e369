"""``training``: the loss, fit loss and regularisation loss per epoch (matplotlib, log scale)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: History columns drawn, with the legend text of each.
CURVES = (
    ("loss", "total loss"),
    ("fit_loss", "fit loss (MSE relative to the start)"),
    ("reg_loss", "penalty on the relaxed weights (λ R; off in the final refit)"),
)


def render_training(history: Sequence[dict], path: Path, size: tuple[int, int],
                    title: str = "training") -> Path:  # fmt: skip
    """Plot the history rows (``epoch``, ``loss``, ``fit_loss``, ``reg_loss``) to ``path``.

    Non-positive values cannot be drawn on a log axis and are left out (a zero
    regularisation before any weight switched on, for instance).
    """
    dpi = 100
    figure, axes = plt.subplots(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    try:
        epochs = np.array([row["epoch"] for row in history], dtype=float)
        for key, label in CURVES:
            values = np.array([row.get(key, np.nan) for row in history], dtype=float)
            shown = values > 0
            if shown.any():
                axes.plot(epochs[shown], values[shown], label=label, linewidth=1.6)
        axes.set_yscale("log")
        axes.set_xlabel("epoch")
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
