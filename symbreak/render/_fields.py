"""``fields``: arrows for the data's polar and axial fields beside the relaxed weights' vectors.

For trajectory runs the report carries ``"fields": {"polar": [...], "axial": [...]}`` (the
fields that drive the motion, Cartesian); the ``1o`` and ``1e`` relaxed weights of each layer
are vectors in the same frame (e3nn's l = 1 basis is (x, y, z)). Drawing both as arrows of
unit length from the origin shows whether the network found the fields' directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyvista as pv

from symbreak.render._scene import (
    add_cartesian_axes,
    add_label,
    add_note,
    add_title,
    new_plotter,
    save,
)
from symbreak.render._scene import set_view as _set_view


@dataclass
class Arrow:
    """One labelled vector; drawn with unit length, its norm is given in the label."""

    label: str
    vector: Sequence[float]
    colour: str = "#2e4053"


@dataclass
class VectorPanel:
    """A panel of arrows from the origin, e.g. the polar field beside the 1o weights."""

    title: str
    arrows: list[Arrow] = field(default_factory=list)


def as_vectors(value) -> list[np.ndarray]:
    """A field entry as a list of 3-vectors: ``[x, y, z]`` or ``[[x, y, z], ...]``.

    >>> [v.tolist() for v in as_vectors([1, 0, 0])]
    [[1.0, 0.0, 0.0]]
    """
    array = np.asarray(value if value is not None else [], dtype=float)
    if array.size == 0:
        return []
    return list(array.reshape(-1, 3))


def draw_vectors(plotter: pv.Plotter, arrows: Sequence[Arrow]) -> None:
    """Unit arrows from the origin in the active panel, labelled at their tips.

    Zero vectors have no direction: they are listed in a note ("layer 0 1o = 0") instead.
    """
    zeros = []
    for k, arrow in enumerate(arrows):
        vector = np.asarray(arrow.vector, dtype=float)
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            zeros.append(f"{arrow.label} = 0")
            continue
        direction = vector / norm
        shape = pv.Arrow(start=(0.0, 0.0, 0.0), direction=direction, scale=1.0,
                         tip_length=0.18, tip_radius=0.05, shaft_radius=0.018)  # fmt: skip
        plotter.add_mesh(shape, color=arrow.colour, smooth_shading=True)
        # Parallel arrows (the point of the picture) would stack their labels: step each down.
        where = 1.1 * direction - np.array([0.0, 0.0, 0.16 * k])
        add_label(plotter, where, f"{arrow.label} ({norm:.3g})", arrow.colour, 20)
    if zeros:
        add_note(plotter, "\n".join(zeros), 14)


def render_vectors(panels: Sequence[VectorPanel], path: Path, size: tuple[int, int]) -> Path:
    """Panels of arrows side by side, each with Cartesian axes."""
    plotter = new_plotter(size, shape=(1, len(panels)))
    for col, panel in enumerate(panels):
        plotter.subplot(0, col)
        draw_vectors(plotter, panel.arrows)
        add_cartesian_axes(plotter, 1.3)
        add_title(plotter, panel.title)
        _set_view(plotter, 1.9)
    return save(plotter, path)


#: Colours: data fields dark, relaxed weights of layer k from a qualitative palette.
FIELD_COLOUR = "#17202a"
LAYER_COLOURS = ("#c0392b", "#2471a3", "#27ae60", "#8e44ad", "#d68910")


def field_panels(fields: dict, weights_by_layer: Sequence[dict]) -> list[VectorPanel]:
    """The polar panel (field vs each layer's ``1o``) and axial panel (vs ``1e``).

    ``weights_by_layer[k]`` maps irrep names to e3nn vectors (only ``1o``/``1e`` are used).
    """
    panels = []
    for kind, irrep, name in (("polar", "1o", "E"), ("axial", "1e", "B")):
        arrows = [Arrow(f"{kind} {name if len(as_vectors(fields.get(kind))) == 1 else k}",
                        v, FIELD_COLOUR)
                  for k, v in enumerate(as_vectors(fields.get(kind)))]  # fmt: skip
        for layer, weights in enumerate(weights_by_layer):
            if irrep in weights:
                colour = LAYER_COLOURS[layer % len(LAYER_COLOURS)]
                arrows.append(Arrow(f"layer {layer} {irrep}", weights[irrep], colour))
        panels.append(VectorPanel(f"{kind} field vs {irrep} weights", arrows))
    return panels
