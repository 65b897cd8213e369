"""``render_run``: every picture of a fitted run, with stable names, and an index.

Reads the :class:`~symbreak.report.Report` (``report.json`` when it is current, else
:func:`symbreak.report.build_report`) for everything that is science: which irreps are active,
the residual group and its symmetry elements, the fields of a trajectory run. Reads the run for
the rest: structures, history, relaxed weights.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from symbreak.conventions import DEFAULT_RENDER_SIZE, RENDER_FORMATS, VECTOR_FORMATS
from symbreak.errors import RenderError
from symbreak.render._elements import ELEMENT_VIEWS
from symbreak.render._fields import field_panels, render_vectors
from symbreak.render._index import report_summary, write_index
from symbreak.render._manifest import finish_folder, prepare_folder
from symbreak.render._signal_views import render_irrep, render_layer_signal
from symbreak.render._sphere_signal import split_relaxed_weights
from symbreak.render._structures import render_structures
from symbreak.render._training import render_training
from symbreak.render._webgl import set_page_text

if TYPE_CHECKING:
    from symbreak.report import Report

FORMATS = RENDER_FORMATS

#: (width, height) of each picture: wide, because most views are two panels side by side.
DEFAULT_SIZE = DEFAULT_RENDER_SIZE


@dataclass
class RenderedFile:
    """One file written by :func:`render_run` and what it shows."""

    name: str
    description: str


@dataclass
class Rendering:
    """What :func:`render_run` wrote into ``out``; ``index`` lists and explains every file."""

    out: Path
    files: list[RenderedFile] = field(default_factory=list)
    index: Path | None = None
    notes: list[str] = field(default_factory=list)
    #: Files of an earlier rendering into ``out`` that this one removed.
    removed: list[str] = field(default_factory=list)
    #: Files in ``out`` that symbreak render did not write (kept, and listed in the index).
    others: list[str] = field(default_factory=list)


def parse_size(text: str) -> tuple[int, int]:
    """``"800x600"`` -> ``(800, 600)`` (width, height in pixels).

    >>> parse_size("640x480")
    (640, 480)
    """
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise RenderError(
            f"--size must be WIDTHxHEIGHT in pixels such as 800x800, not {text!r}."
        ) from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise RenderError(f"--size {text} is out of range: each side must be 16 to 8192 pixels.")
    return width, height


def run_report(run) -> tuple[Report | None, str | None]:
    """The run's :class:`~symbreak.report.Report` and, if it could not be had, a note saying why.

    The saved ``report.json`` when this version of symbreak wrote it and it reads back
    (:func:`symbreak.report.saved_report`); otherwise the report is built from the run.
    """
    try:
        from symbreak.report import build_report, saved_report
    except ImportError:
        return None, "no symbreak.report: active irreps and groups not drawn"
    return saved_report(run.path) or build_report(run), None


def _layers(run, layer: int | None) -> list[int]:
    count = len(run.network.convolutions)
    if layer is None:
        return list(range(count))
    if not 0 <= layer < count:
        raise RenderError(
            f"--layer {layer} is out of range: this run has {count} layer"
            f"{'s' if count > 1 else ''} (0 to {count - 1})."
        )
    return [layer]


def render_run(run, out: str | os.PathLike, fmt: str = "png", layer: int | None = None,
               size: tuple[int, int] = DEFAULT_SIZE, report: Report | None = None,
               resolution: int = 96, elements: str = "auto") -> Rendering:  # fmt: skip
    """Draw the pictures of a loaded run into the folder ``out`` and write its index.

    Files a previous rendering wrote into ``out`` and this one does not are removed (see
    :mod:`symbreak.render._manifest`); any other file is kept, listed in the index, and
    never overwritten: a name in the way raises :class:`RenderError` before drawing.

    Parameters
    ----------
    run
        A :class:`symbreak.run.Run`.
    fmt
        ``"png"`` pictures, ``"svg"`` or ``"pdf"`` vector graphics for papers (every picture),
        or ``"html"`` interactive pages for the 3-D views (the training curve stays a PNG).
    layer
        Draw only this layer's relaxed weights (structures and training are drawn anyway).
    size
        (width, height) in pixels of each picture.
    report
        The :class:`~symbreak.report.Report`; by default :func:`run_report`.
    resolution
        Points around the equator of the sphere meshes.
    elements
        Symmetry elements in ``structures``: ``"all"``, ``"classes"`` (one of each kind with
        its count) or ``"auto"`` (classes for groups of many elements, such as Oh).
    """
    if fmt not in FORMATS:
        raise RenderError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    if elements not in ELEMENT_VIEWS:
        raise RenderError(f"elements must be one of {', '.join(ELEMENT_VIEWS)}, not {elements!r}.")
    layers = _layers(run, layer)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RenderError(f"{out} is a file; --out must be a folder.")
    rendering = Rendering(out)
    if report is None:
        report, note = run_report(run)
        if note:
            rendering.notes.append(note)
    jobs = _plan(run, report, layers, fmt, size, resolution, elements, rendering.notes)
    out.mkdir(parents=True, exist_ok=True)
    try:
        rendering.removed = prepare_folder(out, [name for name, _, _ in jobs] + ["index.html"])
    except FileExistsError as error:
        them = "them" if "," in str(error) else "it"
        raise RenderError(
            f"{out} already holds {error} that symbreak render did not write; move {them} "
            "or choose another --out."
        ) from None
    for name, description, draw in jobs:
        draw(out / name)
        if name.endswith(".html"):  # the page says what the index says, and the groups
            set_page_text(out / name, description, report_summary(report))
        rendering.files.append(RenderedFile(name, description))
    rendering.others = finish_folder(out, [f.name for f in rendering.files] + ["index.html"])
    rendering.index = write_index(out, rendering.files, rendering.notes, report,
                                  rendering.others)  # fmt: skip
    return rendering


def _plan(run, report, layers, fmt, size, resolution, elements, notes) -> list[tuple]:
    """Every file to draw, in order: ``(name, description, draw(path))``, nothing drawn yet."""
    weights = run.network.relaxed_weights()
    irreps = run.network.irreps_relaxed
    activity = active_irreps(report)
    jobs: list[tuple] = []
    for k in layers:
        theta = weights[k].numpy()
        jobs.append((f"layer{k}_signal.{fmt}", _SIGNAL_TEXT.format(k=k),
                     partial(render_layer_signal, theta, irreps, k, size=size,
                             resolution=resolution, active=activity.get(k, {}) if activity
                             is not None else None)))  # fmt: skip
        jobs += _active_irrep_jobs(report, k, theta, irreps, fmt, size, resolution)
    if run.pairs is not None and run.pairs.pairs:
        jobs.append(_pairs_job(run, report, fmt, size, elements, notes))
        if run.pairs.pairs[0].source_cell is not None:  # a crystal: its structure too
            jobs.append(_crystal_job(run, fmt, size))
    if report is not None and report.fields:
        copies = [split_relaxed_weights(weights[k].numpy(), irreps)[0] for k in layers]
        inactive = _inactive_vectors(activity, layers)
        panels = field_panels(report.fields, copies, layers, inactive)
        jobs.append((f"fields.{fmt}", _FIELDS_TEXT,
                     partial(render_vectors, panels, size=size)))  # fmt: skip
    if run.history:
        curve = fmt if fmt in VECTOR_FORMATS else "png"  # html: a picture, not a 3-D page
        jobs.append((f"training.{curve}", _TRAINING_TEXT,
                     partial(render_training, run.history, size=size,
                             title=f"training of {run.path.name}")))  # fmt: skip
    return jobs


def active_irreps(report: Report | None) -> dict[int, dict[int, dict[str, bool]]] | None:
    """The report's activity flags as ``{layer: {copy: {irrep: active}}}``.

    ``None`` without a report or irrep rows (then nothing is known to be inactive and every
    irrep is drawn).
    """
    if report is None or not report.rows:
        return None
    flags: dict[int, dict[int, dict[str, bool]]] = {}
    for row in report.rows:
        flags.setdefault(row.layer, {}).setdefault(row.copy, {})[row.irrep] = row.active
    return flags


def _inactive_vectors(activity, layers) -> set[tuple[int, str]]:
    """``(layer, irrep)`` of the 1o/1e weights the report calls inactive (copy 0)."""
    if activity is None:
        return set()
    return {(k, irrep) for k in layers for irrep in ("1o", "1e")
            if activity.get(k, {}).get(0, {}).get(irrep) is False}  # fmt: skip


_SIGNAL_TEXT = (
    "The active relaxed weights of layer {k} (the report's flags) as a spherical signal "
    "f(u) = Σ Y_l(u)·θ_l without the 0e part: radius |f|, colour the signed value; "
    "even-parity irreps left, odd right; inactive irreps are named, not drawn."
)
_IRREP_TEXT = "Layer {k}, active irrep {irrep}{copy}: {meaning}"
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
_TRAINING_TEXT = (
    "Total loss, fit loss and penalty at each step the fit recorded (log scale; the x label "
    "says how often); the penalty is solid where it was part of the loss, dotted where it "
    "was only logged."
)


def _active_irrep_jobs(report: Report | None, k, theta, irreps, fmt, size,
                       resolution) -> list[tuple]:  # fmt: skip
    copies = split_relaxed_weights(theta, irreps)
    jobs = []
    for row in report.rows if report is not None else ():
        if row.layer != k or not row.active:
            continue
        irrep, copy = row.irrep, row.copy
        suffix = f"_copy{copy}" if len(copies) > 1 else ""
        vector = copies[copy].get(irrep, row.vector)
        text = row.interpretation
        which = f" (copy {copy})" if suffix else ""
        meaning = text or "no interpretation given"
        description = _IRREP_TEXT.format(k=k, irrep=irrep, copy=which, meaning=meaning)
        draw = partial(render_irrep, vector, irrep, k, size=size, resolution=resolution,
                       caption=text[:90])  # fmt: skip
        jobs.append((f"layer{k}_{irrep}{suffix}.{fmt}", description, draw))
    return jobs


def _pairs_job(run, report: Report | None, fmt, size, elements, notes) -> tuple:
    pair = run.pairs.pairs[0]
    group = report.residual_group.name if report is not None else "unknown"
    symmetry_elements = report.symmetry_elements if report is not None else []
    centre = report.centre if report is not None else None
    if report is None:
        notes.append("structures drawn without symmetry elements (no report)")
    if len(run.pairs.pairs) > 1:
        notes.append(
            f"structures.{fmt} shows the first of {len(run.pairs.pairs)} pairs ({pair.name})"
        )
    draw = partial(render_structures, pair.source, pair.target, pair.species,
                   run.pairs.species_names, symmetry_elements, group,
                   size=size, pair_name=pair.name, centre=centre,
                   view=elements)  # fmt: skip
    return (f"structures.{fmt}", _STRUCTURES_TEXT.format(pair=pair.name, group=group), draw)


def _crystal_job(run, fmt, size) -> tuple:
    """The first pair's source crystal with bonds and its cell (render/_modes.py)."""
    from symbreak.render._modes import render_crystal

    pair = run.pairs.pairs[0]
    symbols = [run.pairs.species_names[int(k)] for k in pair.species]
    draw = partial(render_crystal, pair.source, symbols, pair.source_cell, size=size,
                   title=f"{pair.name}: the source crystal")  # fmt: skip
    return (f"crystal.{fmt}", f"The source crystal of pair {pair.name}: atoms, bonds (unlike "
            "neighbours) and the cell's edges.", draw)
