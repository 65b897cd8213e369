"""Pictures of relaxed weights: a layer's spherical signal and one surface per irrep."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyvista as pv

from symbreak.conventions import irrep_meaning
from symbreak.render._scene import (
    add_cartesian_axes,
    add_label,
    add_note,
    add_title,
    font_size,
    new_plotter,
    save,
    set_view,
)
from symbreak.render._sphere_signal import (
    parity_parts,
    signal_peak,
    signal_surface,
    split_relaxed_weights,
)

#: Diverging colour map centred at 0: red f > 0, blue f < 0, white f = 0.
SIGNAL_COLOURMAP = "RdBu_r"

#: Weights below this fraction of the figure's largest signal are drawn as "zero".
ZERO_FRACTION = 1e-9


def draw_signal(plotter: pv.Plotter, coefficients: Mapping[str, np.ndarray], scale: float,
                resolution: int, bar_title: str) -> bool:  # fmt: skip
    """Draw :math:`|f|` coloured by :math:`f` in the active panel; ``False`` if f is zero.

    A zero signal (nothing but ``0e``) draws a plain grey unit sphere with the note
    "no symmetry breaking": the layer is exactly equivariant.
    """
    peak = signal_peak(coefficients, resolution)
    zero = peak <= ZERO_FRACTION * max(scale, 1e-300) or peak == 0.0
    if zero:
        sphere = signal_surface({}, resolution).scale(0.5, inplace=False)
        plotter.add_mesh(sphere, color="#b3b6b7", opacity=0.5, smooth_shading=True)
        add_label(plotter, (0.0, 0.0, -0.75), "zero: no symmetry breaking", "#555555", 20)
    else:
        surface = signal_surface(coefficients, resolution, scale=scale)
        plotter.add_mesh(
            surface, scalars="f", cmap=SIGNAL_COLOURMAP, clim=(-peak, peak), smooth_shading=True,
            ambient=0.35, diffuse=0.7, specular=0.15,
            scalar_bar_args={"title": bar_title, "n_labels": 3, "fmt": "%.2g", "color": "black",
                             "title_font_size": font_size(plotter, 22),
                             "label_font_size": font_size(plotter, 20),
                             "position_x": 0.25, "position_y": 0.08, "width": 0.5},
        )  # fmt: skip
    add_cartesian_axes(plotter, 1.25)
    set_view(plotter, 1.45)
    return not zero


def _norm_text(coefficients: Mapping[str, np.ndarray]) -> str:
    norm = float(np.sqrt(sum(np.sum(np.square(v)) for v in coefficients.values())))
    return f"norm {norm:.3g}"


def render_layer_signal(theta, irreps, layer: int, path: Path, size: tuple[int, int],
                        resolution: int = 96) -> Path:  # fmt: skip
    """``layer{k}_signal``: the even- and odd-parity parts of one layer's signal, side by side.

    One row per multiplicity copy. Both panels share one radius scale (the larger peak),
    so a small odd part looks small; each panel's colours span its own :math:`\\pm\\max|f|`.
    """
    copies = [parity_parts(c) for c in split_relaxed_weights(theta, irreps)]
    scale = max(signal_peak(part, resolution) for c in copies for part in c.values())
    plotter = new_plotter(size, shape=(len(copies), 2))
    for row, parts in enumerate(copies):
        for col, parity in enumerate(("even", "odd")):
            plotter.subplot(row, col)
            coefficients = parts[parity]
            copy = f" copy {row}" if len(copies) > 1 else ""
            bar = f"f {parity}{copy}, layer {layer}"
            draw_signal(plotter, coefficients, scale, resolution, bar)
            add_title(plotter, f"layer {layer}{copy}, {parity} irreps ({_norm_text(coefficients)})")
    return save(plotter, path)


def render_irrep(vector, irrep: str, layer: int, path: Path, size: tuple[int, int],
                 resolution: int = 96, caption: str = "") -> Path:  # fmt: skip
    """``layer{k}_{irrep}``: the surface of one irrep's weights, :math:`Y_l \\cdot \\theta_l`."""
    coefficients = {irrep: np.asarray(vector, dtype=np.float64)}
    plotter = new_plotter(size)
    draw_signal(plotter, coefficients, signal_peak(coefficients, resolution), resolution,
                f"f ({irrep})")  # fmt: skip
    norm = _norm_text(coefficients)
    add_title(plotter, f"layer {layer}, {irrep} ({norm})")  # the meaning goes in the note
    add_note(plotter, caption or irrep_meaning(irrep))
    return save(plotter, path)
