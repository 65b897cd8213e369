"""Symmetry elements drawn in 3-D: axes labelled by order, mirror planes as rims, centre.

The elements come as the report's JSON dicts (``PointGroup.symmetry_elements()``); nothing
here computes a group. Groups with many elements (Oh: 13 axes and 9 planes) can be drawn as
*classes*: one representative line per axis order and one disc per kind of mirror (named by
the rotation axis along its normal), each labelled with its count.

Kinds drawn: ``rotation`` (order n or ``"inf"``), ``rotoreflection`` (only where no
rotation shares its axis), ``mirror``, ``inversion``, and for continuous groups
``rotation_family`` (the C2 axes perpendicular to an axis), ``mirror_family`` (the planes
containing an axis), ``all_rotations`` and ``all_mirrors``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyvista as pv

from symbreak.render._scene import VIEW_DIRECTION, add_label, placed_labels, screen_xy

#: How ``structures`` draws the elements: each one, one per class, or classes when many.
ELEMENT_VIEWS = ("auto", "all", "classes")
#: ``auto`` draws classes when the axes and mirror planes together exceed this count
#: (D4h's 5 axes and 5 planes stay readable; Td's 13, Oh's 22 and D6h's 14 do not).
MAX_ELEMENTS_DRAWN = 10

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


#: Width of one character of an element label, as a fraction of the elements' radius (the
#: labels are drawn at 18 pt in panels where the radius spans about 200 pixels).
CHARACTER_WIDTH = 0.05


def _label_extent(anchor, text: str, radius: float) -> list[np.ndarray]:
    """Points across a label on the picture: it starts at its anchor and runs to the right."""
    start = screen_xy(anchor)
    width = CHARACTER_WIDTH * radius * max(len(text), 1)
    return [start + np.array([f * width, 0.0]) for f in (0.0, 0.5, 1.0)]


def _free_spot(plotter, candidates, text: str, radius: float) -> np.ndarray:
    """The first of ``candidates`` (3-D anchors) whose label keeps a sixth of ``radius`` from
    every label already drawn, else the roomiest: the x axis and a C2 along it, two C2 axes
    seen nearly end-on, or a mirror's label and the y label wrote over each other otherwise."""
    placed = [point for anchor, other in placed_labels(plotter)
              for point in _label_extent(anchor, other, radius)]  # fmt: skip

    def room(anchor) -> float:
        return min((float(np.linalg.norm(a - b)) for a in _label_extent(anchor, text, radius)
                    for b in placed), default=np.inf)  # fmt: skip

    for anchor in candidates:
        if room(anchor) >= radius / 6:
            return anchor
    return max(candidates, key=room)


def _axis_label_spots(centre, u, radius) -> list[np.ndarray]:
    """Beyond either end of the axis ``u``, at three distances."""
    return [centre + f * radius * side * u for f in (1.07, 1.2, 0.8) for side in (1, -1)]


def _rim_label_spots(centre, normal, radius) -> list[np.ndarray]:
    """Around the rim of a mirror's circle, from the lower right as seen, every 30 degrees."""
    n = _unit(normal)
    first = _label_side(n)
    second = np.cross(n, first)
    return [centre + radius * (np.cos(a) * first + np.sin(a) * second)
            for a in np.radians(np.arange(0, 360, 30))]  # fmt: skip


def _draw_axis(plotter, centre, axis, radius, text, colour, dashed=False) -> None:
    u = _unit(axis)
    line = pv.Line(centre - radius * u, centre + radius * u, resolution=24 if dashed else 1)
    if dashed:  # keep every other segment
        line = line.extract_cells(np.arange(0, line.n_cells, 2)).extract_surface()
    plotter.add_mesh(line, color=colour, line_width=4)
    add_label(plotter, _free_spot(plotter, _axis_label_spots(centre, u, radius), text, radius),
              text, colour, 18)  # fmt: skip


def _draw_disc(plotter, centre, normal, radius, opacity=0.0) -> None:
    """A mirror plane as its rim: a circle of ``radius`` in the plane. Filled discs, even
    translucent, hid the atoms behind them (five for D4h turned the cloud grey); a fill is
    drawn only when ``opacity`` asks for one."""
    if opacity > 0:
        disc = pv.Disc(center=centre, inner=0.0, outer=radius, normal=_unit(normal), c_res=72)
        plotter.add_mesh(disc, color=MIRROR_COLOUR, opacity=opacity, show_edges=False)
    rim = pv.Circle(radius=radius, resolution=96)
    rim = rim.extract_feature_edges(boundary_edges=True, feature_edges=False, manifold_edges=False)
    rim = _align(rim, _unit(normal), centre)
    plotter.add_mesh(rim, color=MIRROR_COLOUR, line_width=2.5, opacity=0.9)


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

    Axes are lines labelled ``C4``, ``S6``, ``C∞`` (each label where it collides least);
    mirrors the rims of discs of ``radius``; the inversion centre a small black ball.
    """
    centre = np.asarray(centre, dtype=float)
    rotation_axes = [_unit(e["axis"]) for e in elements if e["kind"] == "rotation"]
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
            _draw_disc(plotter, centre, element["normal"], 0.92 * radius)
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
            _draw_disc(plotter, centre, normal, 0.92 * radius)
        add_label(plotter, centre + 0.92 * radius * np.cross(u, first), "∞ σv", MIRROR_COLOUR, 18)
        return "∞ σv"
    if kind in ("all_rotations", "all_mirrors"):
        if kind == "all_rotations":
            shell = pv.Sphere(radius=radius, center=centre, theta_resolution=24, phi_resolution=12)
            plotter.add_mesh(shell, style="wireframe", color=OTHER_COLOUR, opacity=0.3)
            add_label(plotter, centre + radius * _unit([1, 1, 1]), "every axis", OTHER_COLOUR, 18)
        return "every axis" if kind == "all_rotations" else "every plane"
    return kind


def element_words(elements: Sequence[dict]) -> list[str]:
    """One word per element for the summary line, as :func:`draw_symmetry_elements` returns.

    >>> element_words([{"kind": "rotation", "order": 4, "axis": [0, 0, 1]}, {"kind": "inversion"}])
    ['C4', 'i']
    """
    words = []
    for e in elements:
        kind = e["kind"]
        if kind in ("rotation", "rotoreflection"):
            words.append(f"{'C' if kind == 'rotation' else 'S'}{order_text(e['order'])}")
        else:
            words.append({"mirror": "σ", "inversion": "i", "rotation_family": "∞ C2",
                          "mirror_family": "∞ σv", "all_rotations": "every axis",
                          "all_mirrors": "every plane"}.get(kind, kind))  # fmt: skip
    return words


def element_view(elements: Sequence[dict], view: str = "auto") -> str:
    """``"all"`` or ``"classes"``: what ``view`` means for these elements.

    >>> element_view([{"kind": "mirror", "normal": [0, 0, 1]}])
    'all'
    """
    if view != "auto":
        return view
    drawn = sum(e["kind"] in ("rotation", "mirror") for e in elements)
    return "classes" if drawn > MAX_ELEMENTS_DRAWN else "all"


def element_classes(elements: Sequence[dict]) -> list[tuple[str, list[dict]]]:
    """Finite elements grouped for drawing: ``[(label, [elements...]), ...]``.

    Rotation axes by order (highest first), rotoreflection axes that share no rotation's axis
    by order, mirrors by the order of the rotation axis along their normal. This groups what
    looks alike; it is not a conjugacy-class computation (D4h's two kinds of C2 share a class).

    >>> z = {"kind": "rotation", "order": 4, "axis": [0, 0, 1]}
    >>> x = {"kind": "rotation", "order": 2, "axis": [1, 0, 0]}
    >>> h = {"kind": "mirror", "normal": [0, 0, 1]}
    >>> [(label, len(members)) for label, members in element_classes([x, z, h])]
    [('C4', 1), ('C2', 1), ('σ ⊥ C4', 1)]
    """
    rotations = [e for e in elements if e["kind"] == "rotation"]
    axes = [(_unit(e["axis"]), e["order"]) for e in rotations]

    def along(vector) -> str:
        u = _unit(vector)
        orders = [order for a, order in axes if abs(float(np.dot(u, a))) > 1 - 1e-6]
        return f" ⊥ C{order_text(orders[0])}" if orders else ""

    def rank(order) -> float:
        return np.inf if order == "inf" else float(order)

    classes: dict[str, list[dict]] = {}
    for e in sorted(rotations, key=lambda e: -rank(e["order"])):
        classes.setdefault(f"C{order_text(e['order'])}", []).append(e)
    for e in elements:
        if e["kind"] == "rotoreflection" and not along(e["axis"]):
            classes.setdefault(f"S{e['order']}", []).append(e)
    mirrors = [e for e in elements if e["kind"] == "mirror"]
    for e in sorted(mirrors, key=lambda e: along(e["normal"]) == ""):
        classes.setdefault("σ" + along(e["normal"]), []).append(e)
    return list(classes.items())


def _representative(members: Sequence[dict], key: str, drawn: list[np.ndarray]) -> dict:
    """The member that is seen best: axes across the line of sight, discs facing it, and
    each away from the ones already drawn (so two classes' lines do not cross at a glance).
    The first disc is the most nearly horizontal one (a σh where there is one).
    """
    view = _unit(VIEW_DIRECTION)

    def crowding(e) -> float:
        u = _unit(e[key])
        if key == "normal" and not drawn:
            return 1.0 - abs(u[2])
        along_view = abs(float(np.dot(u, view)))
        near = max((abs(float(np.dot(u, d))) for d in drawn), default=0.0)
        return (along_view if key == "axis" else 1.0 - along_view) + 0.5 * near

    return min(members, key=crowding)


def _label_side(normal) -> np.ndarray:
    """A rim point of a disc, to the lower right as seen (axis labels sit at the top ends)."""
    view = _unit(VIEW_DIRECTION)
    right = _unit(np.cross([0.0, 0.0, 1.0], view))
    want = _unit(right - 0.6 * np.array([0.0, 0.0, 1.0]))
    n = _unit(normal)
    in_plane = want - float(np.dot(want, n)) * n
    if np.linalg.norm(in_plane) < 1e-9:
        return _perpendicular(n)
    return _unit(in_plane)


def draw_element_classes(plotter: pv.Plotter, elements: Sequence[dict], centre,
                         radius: float) -> list[str]:  # fmt: skip
    """One representative per :func:`element_classes` class, labelled ``C3 ×4``; the legend.

    Inversion and continuous elements are drawn as in :func:`draw_symmetry_elements`.
    Returns one line per class, e.g. ``"C3 ×4"``, for the picture's legend.
    """
    centre = np.asarray(centre, dtype=float)
    legend, drawn_axes, drawn_normals = [], [], []
    for label, members in element_classes(elements):
        text = label if len(members) == 1 else f"{label} ×{len(members)}"
        legend.append(text)
        if members[0]["kind"] == "mirror":
            chosen = _representative(members, "normal", drawn_normals)
            drawn_normals.append(_unit(chosen["normal"]))
            _draw_disc(plotter, centre, chosen["normal"], 0.92 * radius)
            spots = _rim_label_spots(centre, chosen["normal"], 0.92 * radius)
            add_label(plotter, _free_spot(plotter, spots, text, radius), text, MIRROR_COLOUR, 18)
            continue
        chosen = _representative(members, "axis", drawn_axes)
        drawn_axes.append(_unit(chosen["axis"]))
        if chosen["kind"] == "rotation":
            colour = AXIS_ORDER_COLOURS.get(chosen["order"], OTHER_COLOUR)
            _draw_axis(plotter, centre, chosen["axis"], radius, text, colour)
        else:
            _draw_axis(plotter, centre, chosen["axis"], radius, text, OTHER_COLOUR, True)
    for element in elements:
        if element["kind"] == "inversion":
            plotter.add_mesh(pv.Sphere(radius=0.035 * radius, center=centre), color="black")
        elif element["kind"] not in ("rotation", "rotoreflection", "mirror"):
            _draw_continuous(plotter, element, centre, radius)
    return legend
