"""Off-screen pyvista plotters with a common look, labels that survive HTML export, saving.

Every 3-D picture is drawn on a :class:`pyvista.Plotter` made by :func:`new_plotter`. Text
is added through :func:`add_label` and :func:`add_title`, which also remember it on the
plotter so that the self-contained HTML writer (:mod:`symbreak.render._webgl`) can show it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pyvista as pv

#: Where every 3-D view looks from (towards its centre); z is up.
VIEW_DIRECTION = (1.0, 0.75, 0.55)

#: Colours of the Cartesian axes drawn in every 3-D view (x, y, z), the usual RGB triad.
AXIS_COLOURS = ("#c0392b", "#27ae60", "#2471a3")

_configured = False


def unicode_font() -> str:
    """Path of DejaVu Sans (shipped with matplotlib): vtk's own fonts lack σ, ∞ and ‖."""
    from matplotlib import font_manager

    return font_manager.findfont("DejaVu Sans")


def configure_offscreen() -> None:
    """Render without a window; quiet vtk's harmless "bad X server" warning when headless.

    Called once before the first plotter. Without a display vtk falls back to OSMesa/EGL.
    """
    global _configured
    if _configured:
        return
    headless = sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
    if headless:
        pv.OFF_SCREEN = True
        from vtkmodules.vtkCommonCore import vtkLogger

        vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)
    _configured = True


def new_plotter(size: tuple[int, int], shape: tuple[int, int] = (1, 1)) -> pv.Plotter:
    """An off-screen plotter of ``size`` = (width, height) pixels on a white background."""
    configure_offscreen()
    plotter = pv.Plotter(off_screen=True, window_size=list(size), shape=shape, border=False)
    plotter.set_background("white")
    plotter._symbreak_text = {}  # renderer index -> what _text_slot holds, for the HTML page
    return plotter


def _text_slot(plotter: pv.Plotter) -> dict:
    index = next(i for i, r in enumerate(plotter.renderers) if r is plotter.renderer)
    return plotter._symbreak_text.setdefault(
        index, {"title": "", "labels": [], "notes": [], "legend": [], "colourbar": None}
    )


def font_size(plotter: pv.Plotter, base: float) -> int:
    """``base`` points for an 800 x 800 panel, scaled with the panel's geometric-mean side."""
    rows, cols = plotter.shape
    side = np.sqrt(plotter.window_size[0] / cols * plotter.window_size[1] / rows)
    return max(6, int(round(base * side / 800)))


def add_note(plotter: pv.Plotter, text: str, base_size: float = 14) -> None:
    """Small text in the lower-left corner of the active panel (a caption or a summary)."""
    plotter.add_text(text, position="lower_left", font_size=font_size(plotter, base_size),
                     color="black", font_file=unicode_font())  # fmt: skip
    _text_slot(plotter)["notes"].append(text)


def add_centred_text(plotter: pv.Plotter, text: str, height: float = 0.3,
                     base_size: float = 13) -> None:  # fmt: skip
    """Text centred across the active panel at ``height`` (a fraction of it, from the bottom):
    a statement about the whole panel, such as a signal that is zero everywhere."""
    actor = plotter.add_text(text, position=(0.5, height), viewport=True, color="#444444",
                             font_size=font_size(plotter, base_size), font_file=unicode_font())
    actor.GetTextProperty().SetJustificationToCentered()
    _text_slot(plotter)["notes"].append(text)


def add_legend_entries(plotter: pv.Plotter, entries) -> None:
    """Record ``(text, colour)`` legend entries of the active panel for the HTML page.

    (The PNG's own legend is pyvista's; this keeps the same entries for the page.)
    """
    _text_slot(plotter)["legend"] += [(str(t), str(c)) for t, c in entries]


def add_legend_lines(plotter: pv.Plotter, entries, base_size: float = 14) -> None:
    """``(text, colour)`` lines in the upper-left corner of the active panel, under its title.

    Used instead of labels at 3-D anchors where a label would sit on the geometry it names
    (an arrow's head runs through a label placed at its tip).
    """
    size = font_size(plotter, base_size)
    rows = plotter.shape[0]
    step = 2.2 * size / (plotter.window_size[1] / rows)  # line height in panel fractions
    for k, (text, colour) in enumerate(entries):
        plotter.add_text(f"■ {text}", position=(0.02, 0.90 - step * (k + 1)), viewport=True,
                         font_size=size, color=colour, font_file=unicode_font())  # fmt: skip
    add_legend_entries(plotter, entries)


def record_colourbar(plotter: pv.Plotter, title: str, cmap: str, limits) -> None:
    """Record the active panel's colour bar (title, colour map name, limits) for the page."""
    _text_slot(plotter)["colourbar"] = {"title": title, "cmap": cmap,
                                        "limits": [float(v) for v in limits]}  # fmt: skip


def add_title(plotter: pv.Plotter, text: str, base_size: float = 15) -> None:
    """A title at the top of the active panel."""
    plotter.add_text(text, position="upper_edge", font_size=font_size(plotter, base_size),
                     color="black", font_file=unicode_font())  # fmt: skip
    _text_slot(plotter)["title"] = text


def add_label(plotter: pv.Plotter, point, text: str, colour: str = "black",
              base_size: float = 22) -> None:  # fmt: skip
    """Text anchored at a 3-D point of the active panel, always drawn on top."""
    plotter.add_point_labels(
        np.asarray([point], dtype=float), [text], show_points=False, shape=None,
        font_size=font_size(plotter, base_size), text_color=colour, always_visible=True,
        bold=True, font_file=unicode_font(),
    )  # fmt: skip
    _text_slot(plotter)["labels"].append(([float(c) for c in point], text, colour))


def label_points(plotter: pv.Plotter) -> list[np.ndarray]:
    """The 3-D anchors of the labels already on the active panel (to place the next apart)."""
    return [np.asarray(point, dtype=float) for point, _, _ in _text_slot(plotter)["labels"]]


def placed_labels(plotter: pv.Plotter) -> list[tuple[np.ndarray, str]]:
    """``(anchor, text)`` of the labels already on the active panel."""
    return [(np.asarray(point, dtype=float), text)
            for point, text, _ in _text_slot(plotter)["labels"]]  # fmt: skip


def screen_xy(point) -> np.ndarray:
    """Where ``point`` lands across and up the picture, seen along :data:`VIEW_DIRECTION`
    (an orthographic approximation of the camera: enough to keep labels apart)."""
    view = np.asarray(VIEW_DIRECTION, dtype=float)
    view /= np.linalg.norm(view)
    right = np.cross([0.0, 0.0, 1.0], view)
    right /= np.linalg.norm(right)
    up = np.cross(view, right)
    point = np.asarray(point, dtype=float)
    return np.array([float(point @ right), float(point @ up)])


def add_cartesian_axes(plotter: pv.Plotter, length: float) -> None:
    """Thin x, y, z axes from ``-length`` to ``+length`` through the origin, tips labelled."""
    for k, (name, colour) in enumerate(zip("xyz", AXIS_COLOURS)):
        tip = np.zeros(3)
        tip[k] = length
        plotter.add_mesh(pv.Line(-tip, tip), color=colour, line_width=2)
        add_label(plotter, 1.08 * tip, name, colour)


def set_view(plotter: pv.Plotter, radius: float, centre=(0.0, 0.0, 0.0)) -> None:
    """An oblique view from (+x, +y, +z) of the active panel that frames a ball of ``radius``.

    The distance grows for panels narrower than tall, so nothing is clipped sideways.
    """
    centre = np.asarray(centre, dtype=float)
    rows, cols = plotter.shape
    aspect = (plotter.window_size[0] / cols) / (plotter.window_size[1] / rows)
    view_angle = 30.0
    distance = 1.15 * radius / np.sin(np.radians(view_angle / 2)) / min(1.0, aspect)
    direction = np.array(VIEW_DIRECTION)
    plotter.camera_position = [
        tuple(centre + distance * direction / np.linalg.norm(direction)),
        tuple(centre),
        (0.0, 0.0, 1.0),
    ]
    plotter.camera.view_angle = view_angle


def save(plotter: pv.Plotter, path: Path) -> Path:
    """Write ``path`` and close the plotter: .png a screenshot, .svg or .pdf vector graphics
    (vtk's GL2PS export: lines and text stay sharp at any size), .html an interactive page."""
    path = Path(path)
    try:
        if path.suffix == ".html":
            from symbreak.render._webgl import write_html

            write_html(plotter, path)
        elif path.suffix in (".svg", ".pdf"):
            plotter.render()
            plotter.save_graphic(str(path), raster=False, painter=True)
        else:
            plotter.screenshot(str(path))
    finally:
        plotter.close()
    return path
