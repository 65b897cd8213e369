"""``fields``: arrows for the polar and axial fields beside the relaxed weights' vectors.

For trajectory runs the report carries ``"fields": {"polar": [...], "axial": [...]}`` (the
fields that drive the motion as read out of the fitted network, Cartesian); the ``1o`` and
``1e`` relaxed weights of each layer are vectors in the same frame (e3nn's l = 1 basis is
(x, y, z)). Drawing both as arrows from the origin shows whether the network found the
fields' directions (their axes: the sign of a learned weight is a gauge, see
:data:`SIGN_NOTE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyvista as pv

from symbreak.render._scene import (
    add_cartesian_axes,
    add_legend_lines,
    add_note,
    add_title,
    new_plotter,
    save,
)
from symbreak.render._scene import set_view as _set_view


@dataclass
class Arrow:
    """One vector, drawn from the origin with ``length`` (not its norm, given in the legend).

    The data's fields are long thin arrows and the layers' weights shorter thick ones, so
    that parallel arrows (the point of the picture) stay visible one beside the other.
    """

    label: str
    vector: Sequence[float]
    colour: str = "#2e4053"
    length: float = 1.0
    shaft_radius: float = 0.018


@dataclass
class VectorPanel:
    """A panel of arrows from the origin, e.g. the polar field beside the 1o weights.

    ``notes`` are lines printed under the panel (inactive weights, the sign convention).
    """

    title: str
    arrows: list[Arrow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def as_vectors(value) -> list[np.ndarray]:
    """A field entry as a list of 3-vectors: ``[x, y, z]`` or ``[[x, y, z], ...]``.

    >>> [v.tolist() for v in as_vectors([1, 0, 0])]
    [[1.0, 0.0, 0.0]]
    """
    array = np.asarray(value if value is not None else [], dtype=float)
    if array.size == 0:
        return []
    return list(array.reshape(-1, 3))


def draw_vectors(plotter: pv.Plotter, arrows: Sequence[Arrow], notes: Sequence[str] = ()) -> None:
    """Arrows from the origin in the active panel, named in a legend under the title.

    No label sits at an arrow's tip, where the head would run through it. Zero vectors have
    no direction: they are listed in the note ("layer 0 1o = 0") with ``notes``.
    """
    zeros, legend = [], []
    for arrow in arrows:
        vector = np.asarray(arrow.vector, dtype=float)
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            zeros.append(f"{arrow.label} = 0")
            continue
        # pv.Arrow scales the whole unit arrow: divide, so heads and shafts keep their size.
        r, length = arrow.shaft_radius, arrow.length
        shape = pv.Arrow(start=(0.0, 0.0, 0.0), direction=vector / norm, scale=length,
                         tip_length=0.18 / length, tip_radius=2.8 * r / length,
                         shaft_radius=r / length)  # fmt: skip
        plotter.add_mesh(shape, color=arrow.colour, smooth_shading=True)
        legend.append((f"{arrow.label} (norm {norm:.3g})", arrow.colour))
    add_legend_lines(plotter, legend)
    lines = [*zeros, *notes]
    if lines:
        add_note(plotter, "\n".join(lines), 13)


def render_vectors(panels: Sequence[VectorPanel], path: Path, size: tuple[int, int]) -> Path:
    """Panels of arrows side by side, each with Cartesian axes."""
    plotter = new_plotter(size, shape=(1, len(panels)))
    for col, panel in enumerate(panels):
        plotter.subplot(0, col)
        draw_vectors(plotter, panel.arrows, panel.notes)
        add_cartesian_axes(plotter, 1.3)
        add_title(plotter, panel.title)
        _set_view(plotter, 1.9)
    return save(plotter, path)


#: Colours: data fields dark, relaxed weights of layer k from a qualitative palette.
FIELD_COLOUR = "#17202a"
LAYER_COLOURS = ("#c0392b", "#2471a3", "#27ae60", "#8e44ad", "#d68910")

#: Why a weight may point against its field: said under the panel when one does.
SIGN_NOTE = ("{which} points against {name}: the sign of a learned weight is a gauge (the "
             "network's sign\nconvention, or a negative charge), so only its axis is learned.")


def field_panels(fields: dict, weights_by_layer: Sequence[dict],
                 layers: Sequence[int] | None = None,
                 inactive: set[tuple[int, str]] = frozenset()) -> list[VectorPanel]:  # fmt: skip
    """The polar panel (field vs each layer's ``1o``) and axial panel (vs ``1e``).

    ``weights_by_layer[k]`` maps irrep names to e3nn vectors (only ``1o``/``1e`` are used),
    for the layer numbers ``layers`` (by default 0, 1, ...). ``(layer, irrep)`` pairs in
    ``inactive`` (the report's flags) are not drawn: a weight of 1e-6 has no direction
    worth an arrow; the note names them. A field listed in the report's ``fields["negligible"]``
    is likewise named, not drawn.
    """
    layers = list(range(len(weights_by_layer))) if layers is None else list(layers)
    negligible = set(fields.get("negligible") or ())
    panels = []
    for kind, irrep, name in (("polar", "1o", "E"), ("axial", "1e", "B")):
        vectors = as_vectors(fields.get(kind))
        panel = VectorPanel(f"{kind} field vs {irrep} weights")
        for k, v in enumerate(vectors):
            label = f"{kind} {name if len(vectors) == 1 else k}"
            if kind in negligible:
                panel.notes.append(f"{label}: negligible (norm {np.linalg.norm(v):.3g}), not drawn")
            else:
                panel.arrows.append(Arrow(label, v, FIELD_COLOUR, 1.0, 0.012))
        drawn_field = vectors[0] if vectors and kind not in negligible else None
        for position, (layer, weights) in enumerate(zip(layers, weights_by_layer)):
            if irrep not in weights:
                continue
            label = f"layer {layer} {irrep}"
            vector = np.asarray(weights[irrep], dtype=float)
            if (layer, irrep) in inactive:
                panel.notes.append(f"{label}: inactive (norm {np.linalg.norm(vector):.3g}), "
                                   "not drawn")  # fmt: skip
                continue
            colour = LAYER_COLOURS[position % len(LAYER_COLOURS)]
            panel.arrows.append(Arrow(label, vector, colour, max(0.5, 0.8 - 0.1 * position), 0.03))
            if drawn_field is not None and float(np.dot(vector, drawn_field)) < 0:
                panel.notes.append(SIGN_NOTE.format(which=label, name=name))
        panels.append(panel)
    return panels
