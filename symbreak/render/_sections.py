"""Each section kind's pictures: what ``symbreak render`` draws for the sections a report holds.

:func:`symbreak.render.render_run` never asks which kind a run is. For every section of the
report (:class:`symbreak.contract.Section`) it asks the picture renderer registered here
under the section's key for its jobs, ``(file name, description, draw(path))``, nothing
drawn yet. A section without a renderer gets no picture (its table is in ``explain``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from symbreak.contract import Section
from symbreak.render._fields import field_panels, render_vectors
from symbreak.render._sphere_signal import split_relaxed_weights
from symbreak.render._structures import render_structures

if TYPE_CHECKING:
    from symbreak.report import Report


@dataclass
class PictureContext:
    """What a picture renderer may use besides its section: the run (network, history), the
    report, and the user's choices. ``notes`` collects sentences for the index."""

    run: Any
    report: Report | None
    fmt: str
    size: tuple[int, int]
    resolution: int
    elements: str
    layers: list[int]
    activity: dict | None
    notes: list[str] = field(default_factory=list)


#: Section key -> renderer(section, context) -> [(file name, description, draw(path))].
PICTURE_RENDERERS: dict[str, Callable[[Section, PictureContext], list[tuple]]] = {}


def picture_renderer(key: str):
    """Register the decorated ``f(section, context) -> jobs`` for sections of ``key``."""
    def register(function):
        PICTURE_RENDERERS[key] = function
        return function
    return register


def section_jobs(section: Section, context: PictureContext) -> list[tuple]:
    """The pictures of ``section`` (none where its key has no renderer)."""
    render = PICTURE_RENDERERS.get(section.key)
    return [] if render is None else render(section, context)


_STRUCTURES_TEXT = (
    "Source (left) and target (right) of pair {pair}, with the symmetry elements of the "
    "residual group {group}: rotation axes labelled by order, mirror planes as circles (their "
    "rims)."
)
_FIELDS_TEXT = (
    "The polar and axial fields read out of the fitted network (black, long, thin) beside "
    "each layer's active 1o and 1e relaxed weights (coloured, shorter): directions only, "
    "norms in the legend. A weight's sign is a gauge, so only its axis is compared."
)


@picture_renderer("structures")
def structures_jobs(section: Section, context: PictureContext) -> list[tuple]:
    """Source and target of the first pair with the residual group's symmetry elements; for a
    crystal, its source cell with bonds and the cell's edges (a periodic cell cut as a cluster
    with point-group elements would mislead)."""
    data, report = section.data, context.report
    if data.get("cell") is not None:
        return [_crystal_job(data, context)]
    group = report.residual_group.name if report is not None else "unknown"
    symmetry_elements = report.symmetry_elements if report is not None else []
    centre = report.centre if report is not None else None
    if report is None:
        context.notes.append("structures drawn without symmetry elements (no report)")
    if data["count"] > 1:
        context.notes.append(f"structures.{context.fmt} shows the first of {data['count']} "
                             f"pairs ({data['pair']})")  # fmt: skip
    names = list(dict.fromkeys(data["species"]))
    species = [names.index(name) for name in data["species"]]
    draw = partial(render_structures, data["source"], data["target"], species, names,
                   symmetry_elements, group, size=context.size, pair_name=data["pair"],
                   centre=centre, view=context.elements)  # fmt: skip
    text = _STRUCTURES_TEXT.format(pair=data["pair"], group=group)
    return [(f"structures.{context.fmt}", text, draw)]


def _crystal_job(data, context: PictureContext) -> tuple:
    """The first pair's source crystal with bonds and its cell (render/_modes.py)."""
    from symbreak.render._modes import render_crystal

    draw = partial(render_crystal, data["source"], list(data["species"]), data["cell"],
                   size=context.size, title=f"{data['pair']}: the source crystal")  # fmt: skip
    return (f"crystal.{context.fmt}", f"The source crystal of pair {data['pair']}: atoms, "
            "bonds (unlike neighbours) and the cell's edges.", draw)


_MODES_TEXT = (
    "The symmetry modes of pair {pair} ({parent} -> {child}): the parent in the child's cell, "
    "one panel per mode of 0.01 A or more, each atom's arrow its displacement in that mode "
    "times the exaggeration stated on the picture (the same for every panel)."
)


@picture_renderer("modes")
def modes_jobs(section: Section, context: PictureContext) -> list[tuple]:
    """One panel per symmetry mode of the first crystal pair, arrows on the parent's atoms
    in the child's cell (render/_modes.py, as ``symbreak modes --render`` draws them)."""
    from symbreak.render._modes import render_modes

    drawable = [pair for pair in section.data["pairs"]
                if pair.get("picture") and pair["picture"]["displacements"]]  # fmt: skip
    if not drawable:
        return []
    pair, picture = drawable[0], drawable[0]["picture"]
    if len(drawable) > 1:
        context.notes.append(f"modes.{context.fmt} shows the first of {len(drawable)} crystal "
                             f"pairs ({pair['name']})")  # fmt: skip
    modes = [dict(entry) for entry in picture["displacements"]]
    fields = [np.asarray(entry["displacement"], dtype=np.float64) for entry in modes]
    title = (f"{pair['parent']['symbol']} -> {pair['child']['symbol']}; total "
             f"{pair['total_amplitude']:.4f} Å")  # fmt: skip
    draw = partial(render_modes, modes, fields,
                   np.asarray(picture["positions"], dtype=np.float64), list(picture["species"]),
                   size=context.size, title=title,
                   cell=np.asarray(picture["cell"], dtype=np.float64))  # fmt: skip
    text = _MODES_TEXT.format(pair=pair["name"], parent=pair["parent"]["symbol"],
                              child=pair["child"]["symbol"])  # fmt: skip
    return [(f"modes.{context.fmt}", text, draw)]


@picture_renderer("fields")
def fields_jobs(section: Section, context: PictureContext) -> list[tuple]:
    """The fields read out of the network beside each layer's 1o and 1e relaxed weights."""
    weights = context.run.network.relaxed_weights()
    irreps = context.run.network.irreps_relaxed
    copies = [split_relaxed_weights(weights[k].numpy(), irreps)[0] for k in context.layers]
    inactive = set()
    if context.activity is not None:  # (layer, irrep) of the 1o/1e weights called inactive
        inactive = {(k, irrep) for k in context.layers for irrep in ("1o", "1e")
                    if context.activity.get(k, {}).get(0, {}).get(irrep) is False}  # fmt: skip
    panels = field_panels(section.to_dict(), copies, context.layers, inactive)
    return [(f"fields.{context.fmt}", _FIELDS_TEXT,
             partial(render_vectors, panels, size=context.size))]  # fmt: skip


__all__ = ["PICTURE_RENDERERS", "PictureContext", "picture_renderer", "section_jobs"]
