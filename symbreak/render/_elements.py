"""Symmetry elements drawn in 3-D: axes labelled by order, translucent mirror discs, centre.

The elements come as the report's JSON dicts (``PointGroup.symmetry_elements()``); nothing
here computes a group. Kinds drawn: ``rotation`` (order n or ``"inf"``), ``rotoreflection``
(only where no rotation shares its axis), ``mirror``, ``inversion``, and for continuous groups
``rotation_family`` (the C2 axes perpendicular to an axis), ``mirror_family`` (the planes
containing an axis), ``all_rotations`` and ``all_mirrors``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyvista as pv

from symbreak.render._scene import add_label

#: Colour of a rotation axis by its order (higher orders stand out); others use the last.
AXIS_ORDER_COLOURS = {2: "#7d3c98", 3: "#d35400", 4: "#1e8449", 6: "#b03a2e", "inf": "#1a5276"}
MIRROR_COLOUR = "#5dade2"
OTHER_COLOUR = "#566573"


def order_text(order) -> str:
    """``4`` -> ``'4'``, ``'inf'`` -> ``'∞'``."""
    return "∞" if order == "inf" else str(order)


def _unit(vector) -> np.ndarray:
    v = np.asarray(vector, dtype=float)
    return v / np.linalg.norm(v)


def _draw_axis(plotter, centre, axis, radius, text, colour, dashed=False) -> None:
    u = _unit(axis)
    line = pv.Line(centre - radius * u, centre + radius * u, resolution=24 if dashed else 1)
    if dashed:  # keep every other segment
        line = line.extract_cells(np.arange(0, line.n_cells, 2)).extract_surface()
    plotter.add_mesh(line, color=colour, line_width=4)
    add_label(plotter, centre + 1.07 * radius * u, text, colour, 18)


def _draw_disc(plotter, centre, normal, radius, opacity=0.13) -> None:
    disc = pv.Disc(center=centre, inner=0.0, outer=radius, normal=_unit(normal), c_res=72)
    plotter.add_mesh(disc, color=MIRROR_COLOUR, opacity=opacity, show_edges=False)
    rim = pv.Circle(radius=radius, resolution=96)
    rim = rim.extract_feature_edges(boundary_edges=True, feature_edges=False, manifold_edges=False)
    rim = _align(rim, _unit(normal), centre)
    plotter.add_mesh(rim, color=MIRROR_COLOUR, line_width=1.5, opacity=0.6)


def _align(mesh: pv.DataSet, normal: np.ndarray, centre) -> pv.DataSet:
    """Rotate a mesh built around the z axis so that z goes to ``normal``, then move it."""
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(z, normal)
    angle = np.degrees(np.arctan2(np.linalg.norm(axis), float(np.dot(z, normal))))
    if np.linalg.norm(axis) > 1e-12:
        mesh = mesh.rotate_vector(axis, angle, point=(0.0, 0.0, 0.0), inplace=False)
    elif normal[2] < 0:
        mesh = mesh.rotate_x(180.0, point=(0.0, 0.0, 0.0), inplace=False)
    return mesh.translate(np.asarray(centre, dtype=float), inplace=False)


def _perpendicular(u: np.ndarray) -> np.ndarray:
    helper = np.eye(3)[int(np.argmin(np.abs(u)))]
    return _unit(np.cross(u, helper))


def draw_symmetry_elements(plotter: pv.Plotter, elements: Sequence[dict], centre,
                           radius: float) -> list[str]:  # fmt: skip
    """Draw ``elements`` about ``centre`` within ``radius``; returns one legend word per element.

    Axes are lines labelled ``C4``, ``S6``, ``C∞``; mirrors translucent discs of ``radius``;
    the inversion centre a small black ball.
    """
    centre = np.asarray(centre, dtype=float)
    rotation_axes = [_unit(e["axis"]) for e in elements if e["kind"] == "rotation"]
    # Many overlapping discs (Oh has nine) would turn the picture grey: share the opacity.
    mirrors = sum(e["kind"] == "mirror" for e in elements)
    opacity = min(0.13, 0.5 / max(mirrors, 1))
    words = []
    for element in elements:
        kind = element["kind"]
        if kind == "rotation":
            order = element["order"]
            colour = AXIS_ORDER_COLOURS.get(order, OTHER_COLOUR)
            _draw_axis(plotter, centre, element["axis"], radius, f"C{order_text(order)}", colour)
            words.append(f"C{order_text(order)}")
        elif kind == "rotoreflection":
            u = _unit(element["axis"])
            if not any(abs(float(np.dot(u, a))) > 1 - 1e-6 for a in rotation_axes):
                _draw_axis(plotter, centre, u, radius, f"S{element['order']}", OTHER_COLOUR, True)
            words.append(f"S{element['order']}")
        elif kind == "mirror":
            _draw_disc(plotter, centre, element["normal"], 0.92 * radius, opacity)
            words.append("σ")
        elif kind == "inversion":
            ball = pv.Sphere(radius=0.035 * radius, center=centre)
            plotter.add_mesh(ball, color="black")
            words.append("i")
        else:
            words.append(_draw_continuous(plotter, element, centre, radius))
    return words


def _draw_continuous(plotter, element: dict, centre, radius: float) -> str:
    kind = element["kind"]
    if kind == "rotation_family":  # every C2 axis perpendicular to the main axis
        u = _unit(element["perpendicular_to"])
        ring = _align(pv.Circle(radius=radius, resolution=96).extract_feature_edges(
            boundary_edges=True, feature_edges=False, manifold_edges=False), u, centre)  # fmt: skip
        plotter.add_mesh(ring, color=AXIS_ORDER_COLOURS[2], line_width=3)
        add_label(plotter, centre + radius * _perpendicular(u), "∞ C2 ⊥", AXIS_ORDER_COLOURS[2], 18)
        return "∞ C2"
    if kind == "mirror_family":  # every plane containing the axis: draw two of them
        u = _unit(element["containing_axis"])
        first = _perpendicular(u)
        for normal in (first, np.cross(u, first)):
            _draw_disc(plotter, centre, normal, 0.92 * radius, opacity=0.08)
        add_label(plotter, centre + 0.92 * radius * np.cross(u, first), "∞ σv", MIRROR_COLOUR, 18)
        return "∞ σv"
    if kind in ("all_rotations", "all_mirrors"):
        if kind == "all_rotations":
            shell = pv.Sphere(radius=radius, center=centre, theta_resolution=24, phi_resolution=12)
            plotter.add_mesh(shell, style="wireframe", color=OTHER_COLOUR, opacity=0.3)
            add_label(plotter, centre + radius * _unit([1, 1, 1]), "every axis", OTHER_COLOUR, 18)
        return "every axis" if kind == "all_rotations" else "every plane"
    return kind
