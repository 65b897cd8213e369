"""Interactive HTML for the 3-D views: one self-contained page, WebGL, no downloads.

Why not ``pyvista.Plotter.export_html``: in pyvista 0.49 it is deprecated and needs
``trame-pyvista``, which pulls in about twenty packages (trame, aiohttp, wslink, ...) for
one export. This writer instead reads the plotter's actors (triangles, lines, per-point
colours exactly as vtk mapped them, opacity) and the labels recorded by
:mod:`symbreak.render._scene`, and writes them with ~100 lines of WebGL into a page that
works offline in any browser: drag to rotate, wheel to zoom, one canvas per panel.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import matplotlib.colors
import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy

from symbreak.render._webgl_page import PAGE

#: Least opacity of a translucent surface on the page (mirror discs), see _actor_geometry.
MIN_PAGE_OPACITY = 0.22
#: Samples of a colour map for the page's colour bar (a CSS gradient).
BAR_SAMPLES = 11


def _rgba(actor, mesh: pv.PolyData) -> np.ndarray:
    """Per-point RGBA in 0..1: the actor's colour map applied to its scalars, or its flat colour.

    The scalars are the mapper's named array (pyvista names it; the mesh need not mark it
    active), looked up in the mapper's own table over its range, as vtk does for the PNG.
    """
    mapper = actor.GetMapper()
    colours = None
    values = _mapped_scalars(mapper, mesh)
    if values is not None:
        lut = mapper.GetLookupTable()
        table = vtk_to_numpy(lut.GetTable()).astype(float) / 255.0
        low, high = mapper.GetScalarRange()
        position = (values - low) / (high - low) if high > low else np.full(len(values), 0.5)
        rows = np.clip((position * len(table)).astype(int), 0, len(table) - 1)
        colours = table[rows].copy()
    if colours is None:
        rgb = np.asarray(actor.GetProperty().GetColor(), dtype=float)
        colours = np.tile(np.append(rgb, 1.0), (mesh.n_points, 1))
    colours[:, 3] *= actor.GetProperty().GetOpacity()
    return colours


def _mapped_scalars(mapper, mesh: pv.PolyData) -> np.ndarray | None:
    """The point scalars the mapper colours by (one component), or ``None`` for a flat colour."""
    if not mapper.GetScalarVisibility() or mapper.GetLookupTable() is None:
        return None
    name = mapper.GetArrayName()
    if name and name in mesh.point_data:
        values = np.asarray(mesh.point_data[name], dtype=float)
    elif mesh.active_scalars is not None and mesh.active_scalars_info.association.name == "POINT":
        values = np.asarray(mesh.active_scalars, dtype=float)
    else:
        return None
    if values.ndim != 1 or len(values) != mesh.n_points:
        return None
    return values


def _round(array: np.ndarray, digits: int = 4) -> list:
    return np.round(np.asarray(array, dtype=float), digits).ravel().tolist()


def _actor_geometry(actor) -> dict | None:
    """Triangles and line segments of one 3-D actor, or ``None`` for text and empty actors."""
    mapper = actor.GetMapper() if hasattr(actor, "GetMapper") else None
    if mapper is None or not actor.GetVisibility() or mapper.GetInput() is None:
        return None
    mesh = pv.wrap(mapper.GetInput())
    if not isinstance(mesh, pv.PolyData):
        mesh = mesh.extract_surface()
    if mesh.n_points == 0:
        return None
    mesh = mesh.copy()
    mesh.point_data["_rgba"] = _rgba(actor, mesh)
    out: dict = {"opacity": float(actor.GetProperty().GetOpacity())}
    if mesh.faces.size and out["opacity"] < 1.0:
        # vtk shades translucent discs darker than this page's simple lighting does; at the
        # PNG's 0.06-0.13 a mirror disc vanishes on the page's white, so it gets a floor.
        lift = max(out["opacity"], MIN_PAGE_OPACITY) / out["opacity"]
        mesh.point_data["_rgba"][:, 3] = np.minimum(1.0, mesh.point_data["_rgba"][:, 3] * lift)
        out["opacity"] = max(out["opacity"], MIN_PAGE_OPACITY)
    if mesh.faces.size:
        surface = mesh.triangulate().compute_normals(
            split_vertices=False, auto_orient_normals=False, consistent_normals=False
        )  # fmt: skip
        out["triangles"] = {
            "position": _round(surface.points),
            "normal": _round(surface.point_data["Normals"], 3),
            "colour": _round(surface.point_data["_rgba"], 3),
            "index": surface.faces.reshape(-1, 4)[:, 1:].ravel().tolist(),
        }
    if mesh.lines.size:
        segments = []
        cells = mesh.lines
        k = 0
        while k < len(cells):
            n = cells[k]
            ids = cells[k + 1 : k + 1 + n]
            segments += [i for a, b in zip(ids[:-1], ids[1:]) for i in (a, b)]
            k += n + 1
        out["lines"] = {
            "position": _round(mesh.points),
            "colour": _round(mesh.point_data["_rgba"], 3),
            "index": [int(i) for i in segments],
        }
    return out if len(out) > 1 else None


def _colourbar(bar: dict | None) -> dict | None:
    """The recorded colour bar with its colour map sampled as CSS colours, for a gradient."""
    if not bar:
        return None
    cmap = matplotlib.colormaps[bar["cmap"]]
    colours = [matplotlib.colors.to_hex(cmap(x)) for x in np.linspace(0.0, 1.0, BAR_SAMPLES)]
    return {"title": bar["title"], "limits": bar["limits"], "colours": colours}


def scene_data(plotter: pv.Plotter) -> list[dict]:
    """One dict per panel: geometry, labels, title, colour bar, legend, notes and the camera."""
    panels = []
    text = getattr(plotter, "_symbreak_text", {})
    for index, renderer in enumerate(plotter.renderers):
        geometry = []
        actors = renderer.GetActors()
        actors.InitTraversal()
        for _ in range(actors.GetNumberOfItems()):
            item = _actor_geometry(actors.GetNextActor())
            if item is not None:
                geometry.append(item)
        camera = renderer.camera
        slot = text.get(index, {})
        panels.append({
            "geometry": geometry,
            "title": slot.get("title", ""),
            "labels": [{"position": p, "text": t, "colour": c}
                       for p, t, c in slot.get("labels", [])],
            "notes": list(slot.get("notes", [])),
            "legend": [list(entry) for entry in slot.get("legend", [])],
            "colourbar": _colourbar(slot.get("colourbar")),
            "camera": {"position": list(camera.position), "focus": list(camera.focal_point),
                       "up": list(camera.up), "angle": float(camera.view_angle)},
        })  # fmt: skip
    return panels


def write_html(plotter: pv.Plotter, path: Path, title: str | None = None, caption: str = "",
               group: str = "") -> Path:  # fmt: skip
    """Write the plotter's scene as a self-contained interactive page at ``path``.

    ``caption`` (what the picture shows) and ``group`` (the report's groups) are lines of
    text above and below the panels; :func:`set_page_text` fills them in later.
    """
    path = Path(path)
    width, height = plotter.window_size
    rows, cols = plotter.shape
    data = {
        "panels": scene_data(plotter),
        "panelSize": [int(width / cols), int(height / rows)],
        "columns": cols,
    }
    # JSON inside <script>: "</" would end the script early.
    scene = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    page = PAGE.replace("__TITLE__", html.escape(title or path.stem))
    page = page.replace("__SCENE__", scene)
    path.write_text(page, encoding="utf-8")
    set_page_text(path, caption, group)
    return path


def set_page_text(path: Path, caption: str = "", group: str = "") -> None:
    """Put ``caption`` and ``group`` (plain text) into a page written by :func:`write_html`."""
    path = Path(path)
    page = path.read_text(encoding="utf-8")
    for key, value in (("caption", caption), ("group", group)):
        start = page.index(f'<p class="{key}" id="{key}">') + len(f'<p class="{key}" id="{key}">')
        end = page.index("</p>", start)
        page = page[:start] + html.escape(value) + page[end:]
    path.write_text(page, encoding="utf-8")
