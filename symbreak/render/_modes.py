"""``modes`` and ``crystal``: a crystal with bonds, and one panel per symmetry mode with arrows.

Both take plain data (Cartesian positions, symbols, lattice vectors; per mode its record of
``symbreak modes --json`` and its displacement field), so that a report section, the
``modes`` command or a script can draw them. The arrows of a mode are its displacements
times one ``exaggeration`` shared by every panel, stated in the picture: a mode of 0.01 A
beside one of 1 A stays small, as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyvista as pv

from symbreak.render._scene import add_legend_lines, add_note, add_title, new_plotter, save
from symbreak.render._scene import set_view as _set_view
from symbreak.render._structures import species_colours

#: Bonds join unlike atoms closer than this many times the shortest unlike distance.
BOND_REACH = 1.25

#: The automatic exaggeration makes the longest arrow this fraction of the shortest bond.
ARROW_FRACTION = 0.8

#: Arrow colour (crimson, drawn unlit: apart from the shaded tab10 species colours).
ARROW_COLOUR = "#c2185b"


def bonds(positions: np.ndarray, symbols: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of unlike atoms within :data:`BOND_REACH` of the shortest unlike distance.

    >>> bonds(np.array([[0.0, 0, 0], [2.0, 0, 0], [4.0, 0, 0], [9.0, 0, 0]]), "ABAB")
    [(0, 1), (1, 2)]
    """
    positions = np.asarray(positions, float)
    labels = np.asarray(list(symbols))
    distance = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    unlike = labels[:, None] != labels[None]
    if not unlike.any():
        return []
    shortest = distance[unlike].min()
    close = unlike & (distance < BOND_REACH * shortest)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(close)))]


def auto_exaggeration(positions, symbols, fields: Sequence[np.ndarray]) -> float:
    """The factor that draws the largest displacement of any mode as :data:`ARROW_FRACTION`
    of the shortest bond (1 when nothing moves)."""
    largest = max((float(np.linalg.norm(f, axis=1).max()) for f in fields), default=0.0)
    pairs = bonds(positions, symbols)
    positions = np.asarray(positions, float)
    shortest = min((np.linalg.norm(positions[i] - positions[j]) for i, j in pairs), default=1.0)
    return ARROW_FRACTION * shortest / largest if largest > 0 else 1.0


def arrow_lines(positions, field, exaggeration: float, radius: float = 0.0,
                minimum: float = 1e-6) -> pv.PolyData:  # fmt: skip
    """One segment per moving atom: exaggeration x its displacement, starting on the surface
    of its ball (``radius``) so that short arrows are not hidden inside it."""
    positions, field = np.asarray(positions, float), np.asarray(field, float)
    lengths = np.linalg.norm(field, axis=1)
    moving = lengths > minimum
    starts = positions[moving] + radius * field[moving] / lengths[moving, None]
    ends = starts + exaggeration * field[moving]
    n = len(starts)
    lines = np.column_stack([np.full(n, 2), np.arange(n), np.arange(n) + n]).ravel()
    return pv.PolyData(np.concatenate([starts, ends]), lines=lines if n else None)


def _draw_crystal(plotter, positions, symbols, names, colours, radius, cell=None, origin=None):
    positions = np.asarray(positions, float)
    pairs = bonds(positions, symbols)
    if pairs:
        first, second = np.array(pairs).T
        points = np.concatenate([positions[first], positions[second]])
        n = len(pairs)
        lines = np.column_stack([np.full(n, 2), np.arange(n), np.arange(n) + n]).ravel()
        plotter.add_mesh(pv.PolyData(points, lines=lines), color="#9a9a9a", line_width=3)
    for name, colour in zip(names, colours):
        chosen = positions[np.asarray(symbols) == name]
        sphere = pv.Sphere(radius=radius, theta_resolution=14, phi_resolution=14)  # small HTML
        balls = pv.PolyData(chosen).glyph(geom=sphere, scale=False, orient=False)
        plotter.add_mesh(balls, color=colour, smooth_shading=True, specular=0.3)
    if cell is not None:
        _draw_cell(plotter, np.asarray(cell, float), np.zeros(3) if origin is None else origin)


def _draw_cell(plotter, cell: np.ndarray, origin) -> None:
    """The edges of the cell spanned by the rows of ``cell`` from ``origin``, thin."""
    corners = [origin + np.array(c) @ cell for c in np.ndindex(2, 2, 2)]
    for a in range(8):
        for b in range(a + 1, 8):
            if bin(a ^ b).count("1") == 1:
                plotter.add_mesh(pv.Line(corners[a], corners[b]), color="#bbbbbb", line_width=1)


def _draw_arrows(plotter, positions, field, exaggeration: float, radius: float) -> None:
    lines = arrow_lines(positions, field, exaggeration, radius)
    if lines.n_lines == 0:
        return
    plotter.add_mesh(lines, color=ARROW_COLOUR, line_width=5, lighting=False)
    n = lines.n_points // 2
    tips = pv.PolyData(lines.points[n:])
    tips["direction"] = lines.points[n:] - lines.points[:n]
    cone = pv.Cone(radius=0.6 * radius, height=1.6 * radius, resolution=12,
                   center=(-0.8 * radius, 0, 0))  # its tip at the arrow's end
    plotter.add_mesh(tips.glyph(geom=cone, orient="direction", scale=False), color=ARROW_COLOUR,
                     lighting=False)


def _frame(positions, cell, radius: float) -> tuple[np.ndarray, float]:
    """Centre and radius of what a panel shows: the atoms and, when given, the cell."""
    points = np.asarray(positions, float)
    if cell is not None:
        points = np.concatenate([points, np.array(list(np.ndindex(2, 2, 2))) @ cell])
    centre = 0.5 * (points.min(axis=0) + points.max(axis=0))
    return centre, float(np.linalg.norm(points - centre, axis=1).max()) + 2 * radius


def _panel_shape(n: int) -> tuple[int, int]:
    cols = int(np.ceil(np.sqrt(n)))
    return int(np.ceil(n / cols)), cols


def _radius(positions) -> float:
    positions = np.asarray(positions, float)
    if len(positions) < 2:
        return 0.3
    distance = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    distance[np.diag_indices(len(positions))] = np.inf
    return 0.14 * float(distance.min())  # small enough to leave the arrows visible


def render_modes(modes: Sequence[dict], fields: Sequence[np.ndarray], positions, symbols,
                 path: Path, size: tuple[int, int] = (1200, 900), exaggeration: float | None = None,
                 title: str = "", cell=None) -> tuple[Path, float]:  # fmt: skip
    """One panel per mode: the parent's atoms and bonds, each atom's arrow its displacement in
    that mode times ``exaggeration`` (by default :func:`auto_exaggeration`).

    ``modes`` are records with ``label``, ``k`` and ``amplitude`` (A); ``fields`` the matching
    (N, 3) Cartesian displacements of the N atoms at ``positions``. Returns the file (.png or
    .html) and the exaggeration used.
    """
    positions = np.asarray(positions, float)
    fields = [np.asarray(f, float) for f in fields]
    if exaggeration is None:
        exaggeration = auto_exaggeration(positions, symbols, fields)
    names = list(dict.fromkeys(symbols))
    colours = species_colours(len(names))
    radius = _radius(positions)
    centre, extent = _frame(positions, cell, radius)
    shape = _panel_shape(max(len(modes), 1))
    plotter = new_plotter(size, shape=shape)
    for index, (mode, field) in enumerate(zip(modes, fields)):
        plotter.subplot(*divmod(index, shape[1]))
        _draw_crystal(plotter, positions, symbols, names, colours, radius, cell)
        _draw_arrows(plotter, positions, field, exaggeration, radius)
        add_title(plotter, f"{mode['label']}  k = {mode['k']}  {mode['amplitude']:.4f} Å", 13)
        if index == 0:
            add_legend_lines(plotter, list(zip(names, colours)), 12)
        _set_view(plotter, extent, centre)
    plotter.subplot(*divmod(len(modes) - 1, shape[1]))
    caption = title.replace("; ", "\n")
    add_note(plotter, f"{caption}\narrows: displacement × {exaggeration:.3g}".strip(), 15)
    return save(plotter, path), exaggeration


def render_crystal(positions, symbols, cell, path: Path, size: tuple[int, int] = (900, 900),
                   title: str = "") -> Path:  # fmt: skip
    """The crystal: atoms in their species' colours, bonds, the cell's edges."""
    positions = np.asarray(positions, float)
    names = list(dict.fromkeys(symbols))  # the order (and colours) of render_modes
    colours = species_colours(len(names))
    radius = _radius(positions)
    plotter = new_plotter(size)
    _draw_crystal(plotter, positions, symbols, names, colours, radius, cell)
    centre, extent = _frame(positions, cell, radius)
    add_legend_lines(plotter, list(zip(names, colours)))
    if title:
        add_title(plotter, title)
    _set_view(plotter, extent, centre)
    return save(plotter, path)


#: Modes drawn by :func:`write_mode_pictures`: those of at least this amplitude (A), at most
#: :data:`MOST_PANELS` of them.
LEAST_DRAWN = 0.01
MOST_PANELS = 9


def write_mode_pictures(out, modes: Sequence[dict], fields, positions, symbols, cell,
                        exaggeration: float | None = None, title: str = "",
                        size: tuple[int, int] = (1500, 1100)) -> list[Path]:  # fmt: skip
    """``structure.png`` (the parent in the cell the modes live on), ``modes.png`` and
    ``modes.html`` (one panel per mode of at least :data:`LEAST_DRAWN` A) into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [k for k, m in enumerate(modes) if m["amplitude"] >= LEAST_DRAWN][:MOST_PANELS]
    chosen = chosen or list(range(min(1, len(modes))))
    groups = title.split(";")[0]
    written = [render_crystal(positions, symbols, cell, out / "structure.png",
                              title=f"the parent of {groups}" if groups else "")]  # fmt: skip
    if chosen:
        drawn = [modes[k] for k in chosen]
        arrows = [fields[k] for k in chosen]
        png, used = render_modes(drawn, arrows, positions, symbols, out / "modes.png", size,
                                 exaggeration, title, cell)  # fmt: skip
        html, _ = render_modes(drawn, arrows, positions, symbols, out / "modes.html", size, used,
                               title, cell)  # fmt: skip
        written += [png, html]
    return written


__all__ = ["arrow_lines", "auto_exaggeration", "bonds", "render_crystal", "render_modes",
           "write_mode_pictures"]  # fmt: skip
