"""``structures``: source and target point clouds with the residual group's symmetry elements."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pyvista as pv

from symbreak.conventions import pretty_group_name
from symbreak.render._elements import (
    draw_element_classes,
    draw_symmetry_elements,
    element_view,
    element_words,
)
from symbreak.render._scene import (
    add_cartesian_axes,
    add_legend_lines,
    add_note,
    add_title,
    new_plotter,
    save,
)
from symbreak.render._scene import set_view as _set_view


def species_colours(n: int) -> list[str]:
    """``n`` distinguishable colours (matplotlib's tab10, cycled), one per species."""
    palette = matplotlib.colormaps["tab10"]
    return [matplotlib.colors.to_hex(palette(k % 10)) for k in range(n)]


def ball_radius(points: np.ndarray) -> float:
    """0.15 of the smallest distance between two points: small enough to see the axes."""
    points = np.asarray(points, dtype=float)
    if len(points) < 2:
        return 0.1
    gaps = np.linalg.norm(points[:, None] - points[None], axis=-1)
    gaps[np.diag_indices(len(points))] = np.inf
    return 0.15 * float(np.min(gaps)) or 0.1


def _draw_cloud(plotter, points, species, names, colours, radius, opacity=1.0):
    for k in range(len(names)):
        chosen = points[np.asarray(species) == k]
        if len(chosen) == 0:
            continue
        balls = pv.PolyData(chosen).glyph(geom=pv.Sphere(radius=radius), scale=False, orient=False)
        plotter.add_mesh(balls, color=colours[k], opacity=opacity, smooth_shading=True,
                         specular=0.3)  # fmt: skip


def _displacements(source, target) -> pv.PolyData:
    moved = np.linalg.norm(target - source, axis=1) > 1e-12
    points = np.concatenate([source[moved], target[moved]])
    n = int(moved.sum())
    lines = np.column_stack([np.full(n, 2), np.arange(n), np.arange(n) + n]).ravel()
    return pv.PolyData(points, lines=lines)


def render_structures(source, target, species: Sequence[int], species_names: Sequence[str],
                      elements: Sequence[dict], group_name: str, path: Path,
                      size: tuple[int, int], pair_name: str = "",
                      centre=None, view: str = "auto") -> Path:  # fmt: skip
    """Source (left) and target (right) with the symmetry elements of ``group_name``.

    The elements are drawn about ``centre`` (the report's, by default the source centroid)
    in both panels; the target panel also shows the source as faint balls and each point's
    displacement as a line. ``view`` is ``"all"`` (every element), ``"classes"`` (one of each
    kind, labelled with its count, see :func:`~symbreak.render._elements.element_classes`)
    or ``"auto"`` (classes for groups with many elements).
    """
    source = np.asarray(source, dtype=float)
    target = np.asarray(target, dtype=float)
    centre = source.mean(axis=0) if centre is None else np.asarray(centre, dtype=float)
    extent = float(np.max(np.linalg.norm(np.concatenate([source, target]) - centre, axis=1)))
    extent = extent or 1.0
    radius = ball_radius(source)
    colours = species_colours(len(species_names))
    plotter = new_plotter(size, shape=(1, 2))
    classes = element_view(elements, view) == "classes"
    legend: list[str] = []
    for col, (name, points) in enumerate((("source", source), ("target", target))):
        plotter.subplot(0, col)
        if col == 1:
            _draw_cloud(plotter, source, species, species_names, colours, radius, 0.18)
            moves = _displacements(source, target)
            if moves.n_points:
                plotter.add_mesh(moves, color="#333333", line_width=2)
        _draw_cloud(plotter, points, species, species_names, colours, radius)
        add_cartesian_axes_at(plotter, centre, 1.55 * extent)  # first: element labels avoid x, y, z
        if classes:
            legend = draw_element_classes(plotter, elements, centre, 1.3 * extent)
        else:
            draw_symmetry_elements(plotter, elements, centre, 1.3 * extent)
        if col == 0 and len(species_names) > 1:  # species, in their colours, under the title
            add_legend_lines(plotter, list(zip(species_names, colours)))
        title = f"{name}{f' ({pair_name})' if pair_name and col == 0 else ''}"
        add_title(plotter, title)
        _set_view(plotter, 1.8 * extent, centre)
    plotter.subplot(0, 0)
    counts = _count_words(element_words(elements))
    summary = f"residual group {pretty_group_name(group_name)}: {counts}"
    if classes:
        summary += "\none of each kind drawn: " + ", ".join(legend)
    add_note(plotter, summary)
    return save(plotter, path)


def add_cartesian_axes_at(plotter, centre, length: float) -> None:
    """Cartesian axes (:func:`add_cartesian_axes`) moved to ``centre``."""
    if np.allclose(centre, 0.0):
        add_cartesian_axes(plotter, length)
        return
    from symbreak.render._scene import AXIS_COLOURS, add_label

    for k, (name, colour) in enumerate(zip("xyz", AXIS_COLOURS)):
        tip = np.zeros(3)
        tip[k] = length
        plotter.add_mesh(pv.Line(centre - tip, centre + tip), color=colour, line_width=2)
        add_label(plotter, centre + 1.08 * tip, name, colour)


def _count_words(words: Sequence[str]) -> str:
    """``['C4', 'C2', 'C2', 'i']`` -> ``'C4, 2 C2, i'`` (identity only: ``'E only'``).

    >>> _count_words(["C4", "C2", "C2", "σ", "i"])
    'C4, 2 C2, σ, i'
    """
    if not words:
        return "identity only"
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return ", ".join(word if n == 1 else f"{n} {word}" for word, n in counts.items())
