"""Interactive HTML for the 3-D views: one self-contained page, WebGL, no downloads.

Why not ``pyvista.Plotter.export_html``: in pyvista 0.49 it is deprecated and needs
``trame-pyvista``, which pulls in about twenty packages (trame, aiohttp, wslink, ...) for
one export. This writer instead reads the plotter's actors (triangles, lines, per-point
colours exactly as vtk mapped them, opacity) and the labels recorded by
:mod:`symbreak.render._scene`, and writes them with ~100 lines of WebGL into a page that
works offline in any browser: drag to rotate, wheel to zoom, one canvas per panel.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy

from symbreak.render._webgl_page import PAGE


def _rgba(actor, mesh: pv.PolyData) -> np.ndarray:
    """Per-point RGBA in 0..1: the mapper's own colour mapping, or the actor's flat colour."""
    mapper = actor.GetMapper()
    colours = None
    if mapper.GetScalarVisibility() and mesh.active_scalars is not None:
        mapped = mapper.MapScalars(mesh, 1.0)
        if mapped is not None and mapped.GetNumberOfTuples() == mesh.n_points:
            colours = vtk_to_numpy(mapped).astype(float) / 255.0
            if colours.shape[1] == 3:
                colours = np.column_stack([colours, np.ones(len(colours))])
    if colours is None:
        rgb = np.asarray(actor.GetProperty().GetColor(), dtype=float)
        colours = np.tile(np.append(rgb, 1.0), (mesh.n_points, 1))
    colours[:, 3] *= actor.GetProperty().GetOpacity()
    return colours


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


def scene_data(plotter: pv.Plotter) -> list[dict]:
    """One dict per panel: geometry, labels, title and the camera to start from."""
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
        slot = text.get(index, {"title": "", "labels": []})
        panels.append({
            "geometry": geometry,
            "title": slot["title"],
            "labels": [{"position": p, "text": t, "colour": c} for p, t, c in slot["labels"]],
            "camera": {"position": list(camera.position), "focus": list(camera.focal_point),
                       "up": list(camera.up), "angle": float(camera.view_angle)},
        })  # fmt: skip
    return panels


def write_html(plotter: pv.Plotter, path: Path, title: str | None = None) -> Path:
    """Write the plotter's scene as a self-contained interactive page at ``path``."""
    path = Path(path)
    width, height = plotter.window_size
    rows, cols = plotter.shape
    data = {
        "panels": scene_data(plotter),
        "panelSize": [int(width / cols), int(height / rows)],
        "columns": cols,
    }
    page = PAGE
    page = page.replace("__TITLE__", title or path.stem)
    page = page.replace("__SCENE__", json.dumps(data, separators=(",", ":")))
    path.write_text(page, encoding="utf-8")
    return path
