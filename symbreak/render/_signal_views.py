"""Pictures of relaxed weights: a layer's spherical signal and one surface per irrep."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyvista as pv

from symbreak.conventions import irrep_meaning
from symbreak.render._scene import (
    add_cartesian_axes,
    add_centred_text,
    add_note,
    add_title,
    font_size,
    new_plotter,
    record_colourbar,
    save,
    set_view,
    unicode_font,
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

#: Radius of the dot that marks a zero signal at the origin (the axes run to 1.25).
ZERO_DOT = 0.03


def draw_signal(plotter: pv.Plotter, coefficients: Mapping[str, np.ndarray], scale: float,
                resolution: int, bar_title: str,
                zero_label: str = "f = 0 everywhere: no symmetry breaking") -> bool:  # fmt: skip
    """Draw :math:`|f|` coloured by :math:`f` in the active panel; ``False`` if f is zero.

    A zero signal (nothing but ``0e``) has radius :math:`|f| = 0` in every direction: it is
    drawn as what it is, a point at the origin, with the note ``zero_label`` (the layer is
    exactly equivariant). A grey sphere of finite size read as a non-zero isotropic signal.
    """
    peak = signal_peak(coefficients, resolution)
    zero = peak <= ZERO_FRACTION * max(scale, 1e-300) or peak == 0.0
    if zero:
        plotter.add_mesh(pv.Sphere(radius=ZERO_DOT, center=(0.0, 0.0, 0.0)), color="black")
        add_centred_text(plotter, zero_label, height=0.3)
    else:
        surface = signal_surface(coefficients, resolution, scale=scale)
        plotter.add_mesh(
            surface, scalars="f", cmap=SIGNAL_COLOURMAP, clim=(-peak, peak), smooth_shading=True,
            ambient=0.35, diffuse=0.7, specular=0.15,
            scalar_bar_args={"title": bar_title, "n_labels": 3, "fmt": "%.2g", "color": "black",
                             "label_font_size": font_size(plotter, 20),
                             "unconstrained_font_size": True, "position_x": 0.25,
                             "position_y": BAR_BOTTOM, "width": 0.5, "height": 0.06},
        )  # fmt: skip
        _caption_below_bar(plotter, bar_title)
        record_colourbar(plotter, bar_title, SIGNAL_COLOURMAP, (-peak, peak))
    add_cartesian_axes(plotter, 1.25)
    set_view(plotter, 1.45)
    return not zero


#: Bottom of the colour bar in the panel (fraction of its height); its ticks are above it and
#: its title below, so the title cannot run into the "0" tick (vtk puts both above).
BAR_BOTTOM = 0.125


def _caption_below_bar(plotter: pv.Plotter, title: str) -> None:
    bar = plotter.scalar_bars[title]
    bar.SetTitle("")  # the key stays (pyvista finds bars by title); the text goes below
    text = plotter.add_text(f"{title}: red > 0, blue < 0", position=(0.5, BAR_BOTTOM - 0.06),
                            viewport=True, font_size=font_size(plotter, 12), color="black",
                            font_file=unicode_font())  # fmt: skip
    text.GetTextProperty().SetJustificationToCentered()


def split_by_activity(coefficients: Mapping[str, np.ndarray], active: Mapping[str, bool] | None
                      ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:  # fmt: skip
    """``(drawn, inactive)``: the irreps the report calls active, and the others.

    ``active`` is the report's flags for one copy (``None``: no report, everything drawn). An
    irrep the report does not list is drawn, and so is ``0e`` (never drawn by the signal).

    >>> split_by_activity({"2e": [1.0], "4e": [1e-4]}, {"2e": True, "4e": False})
    ({'2e': [1.0]}, {'4e': [0.0001]})
    """
    if active is None:
        return dict(coefficients), {}
    drawn = {k: v for k, v in coefficients.items() if active.get(k, True)}
    return drawn, {k: v for k, v in coefficients.items() if k not in drawn}


def _inactive_text(inactive: Mapping[str, np.ndarray]) -> str:
    """``"inactive, not drawn: 4e (norm 0.000207)"``, leaving out exact zeros."""
    parts = [f"{name} (norm {float(np.linalg.norm(v)):.3g})" for name, v in inactive.items()
             if np.any(np.asarray(v) != 0)]  # fmt: skip
    return "inactive, not drawn: " + ", ".join(parts) if parts else ""


def _norm_text(coefficients: Mapping[str, np.ndarray]) -> str:
    norm = float(np.sqrt(sum(np.sum(np.square(v)) for v in coefficients.values())))
    return f"norm {norm:.3g}"


def render_layer_signal(theta, irreps, layer: int, path: Path, size: tuple[int, int],
                        resolution: int = 96,
                        active: Mapping[int, Mapping[str, bool]] | None = None
                        ) -> Path:  # fmt: skip
    """``layer{k}_signal``: the even- and odd-parity parts of one layer's signal, side by side.

    One row per multiplicity copy. Both panels share one radius scale (the larger peak),
    so a small odd part looks small; each panel's colours span its own :math:`\\pm\\max|f|`.
    ``active`` is the report's activity flags of this layer, ``{copy: {irrep: bool}}``: an
    inactive irrep is left out of the surface and named, with its norm, under the panel
    (``None``: no report, every irrep is drawn).
    """
    split = [split_by_activity(c, None if active is None else active.get(k, {}))
             for k, c in enumerate(split_relaxed_weights(theta, irreps))]  # fmt: skip
    copies = [(parity_parts(drawn), parity_parts(inactive)) for drawn, inactive in split]
    scale = max(signal_peak(part, resolution) for c, _ in copies for part in c.values())
    plotter = new_plotter(size, shape=(len(copies), 2))
    for row, (parts, inactive) in enumerate(copies):
        for col, parity in enumerate(("even", "odd")):
            plotter.subplot(row, col)
            coefficients = parts[parity]
            copy = f" copy {row}" if len(copies) > 1 else ""
            bar = f"f {parity}{copy}, layer {layer}"
            note = _inactive_text(inactive[parity])
            zero = ("no active irrep: no symmetry breaking" if note
                    else "f = 0 everywhere: no symmetry breaking")  # fmt: skip
            draw_signal(plotter, coefficients, scale, resolution, bar, zero)
            add_title(plotter, f"layer {layer}{copy}, {parity} irreps ({_norm_text(coefficients)})")
            if note:
                add_note(plotter, note, 13)
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
