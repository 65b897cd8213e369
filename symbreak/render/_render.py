"""``render_run``: every picture of a fitted run, with stable names, and an index.

Reads the report (``report.json``, or :func:`symbreak.report.build_report` when the run has
none) for everything that is science: which irreps are active, the residual group and its
symmetry elements, the fields of a trajectory run. Reads the run for the rest: structures,
history, relaxed weights.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from symbreak.render._fields import field_panels, render_vectors
from symbreak.render._index import write_index
from symbreak.render._signal_views import render_irrep, render_layer_signal
from symbreak.render._sphere_signal import split_relaxed_weights
from symbreak.render._structures import render_structures
from symbreak.render._training import render_training

FORMATS = ("png", "html")

#: (width, height) of each picture: wide, because most views are two panels side by side.
DEFAULT_SIZE = (1200, 600)


class RenderError(ValueError):
    """Rendering options symbreak cannot honour; the message is one sentence for the user."""


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


def run_report(run) -> tuple[dict, str | None]:
    """The run's report dict and, if it could not be had, a note saying why."""
    saved = run.report()
    if saved is not None:
        return saved, None
    try:
        from symbreak.report import build_report
    except ImportError:
        return {}, "no report.json and no symbreak.report: active irreps and groups not drawn"
    return build_report(run).to_dict(), None


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
               size: tuple[int, int] = DEFAULT_SIZE, report: dict | None = None,
               resolution: int = 96) -> Rendering:  # fmt: skip
    """Draw the pictures of a loaded run into the folder ``out`` and write its index.

    Parameters
    ----------
    run
        A :class:`symbreak.run.Run`.
    fmt
        ``"png"`` pictures, or ``"html"`` interactive pages for the 3-D views (the training
        curve stays a PNG).
    layer
        Draw only this layer's relaxed weights (structures and training are drawn anyway).
    size
        (width, height) in pixels of each picture.
    report
        The report dict; by default :func:`run_report`.
    resolution
        Points around the equator of the sphere meshes.
    """
    if fmt not in FORMATS:
        raise RenderError(f"--format must be png or html, not {fmt!r}.")
    layers = _layers(run, layer)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RenderError(f"{out} is a file; --out must be a folder.")
    out.mkdir(parents=True, exist_ok=True)
    rendering = Rendering(out)
    if report is None:
        report, note = run_report(run)
        if note:
            rendering.notes.append(note)
    weights = run.network.relaxed_weights()
    irreps = run.network.irreps_relaxed

    def add(name: str, description: str) -> Path:
        rendering.files.append(RenderedFile(name, description))
        return out / name

    for k in layers:
        name = f"layer{k}_signal.{fmt}"
        render_layer_signal(weights[k].numpy(), irreps, k, add(name, _SIGNAL_TEXT.format(k=k)),
                            size, resolution)  # fmt: skip
        _render_active_irreps(report, k, weights[k].numpy(), irreps, fmt, size, resolution, add)
    if run.pairs is not None and run.pairs.pairs:
        _render_pairs(run, report, fmt, size, add, rendering)
    if report.get("fields"):
        copies = [split_relaxed_weights(weights[k].numpy(), irreps)[0] for k in layers]
        render_vectors(field_panels(report["fields"], copies), add(f"fields.{fmt}", _FIELDS_TEXT),
                       size)  # fmt: skip
    if run.history:
        render_training(run.history, add("training.png", _TRAINING_TEXT), size,
                        f"training of {run.path.name}")  # fmt: skip
    rendering.index = write_index(out, rendering.files, rendering.notes, report)
    return rendering


_SIGNAL_TEXT = (
    "Relaxed weights of layer {k} as a spherical signal f(u) = Σ Y_l(u)·θ_l without the 0e "
    "part: radius |f|, colour the signed value; even-parity irreps left, odd right."
)
_IRREP_TEXT = "Layer {k}, active irrep {irrep}{copy}: {meaning}"
_STRUCTURES_TEXT = (
    "Source (left) and target (right) of pair {pair}, with the symmetry elements of the "
    "residual group {group}: rotation axes labelled by order, mirror planes as discs."
)
_FIELDS_TEXT = (
    "The data's polar and axial fields (black) beside each layer's 1o and 1e relaxed "
    "weights, as unit arrows; norms in brackets."
)
_TRAINING_TEXT = "Total, fit and regularisation loss per epoch (log scale)."


def _render_active_irreps(report, k, theta, irreps, fmt, size, resolution, add) -> None:
    copies = split_relaxed_weights(theta, irreps)
    for row in report.get("irreps", []):
        if row.get("layer") != k or not row.get("active"):
            continue
        irrep, copy = row["irrep"], int(row.get("copy", 0))
        suffix = f"_copy{copy}" if len(copies) > 1 else ""
        vector = copies[copy].get(irrep, row.get("vector"))
        text = row.get("interpretation") or ""
        name = f"layer{k}_{irrep}{suffix}.{fmt}"
        which = f" (copy {copy})" if suffix else ""
        meaning = text or "no interpretation given"
        description = _IRREP_TEXT.format(k=k, irrep=irrep, copy=which, meaning=meaning)
        render_irrep(vector, irrep, k, add(name, description), size, resolution, text[:90])


def _render_pairs(run, report, fmt, size, add, rendering) -> None:
    pair = run.pairs.pairs[0]
    group = report.get("residual_point_group", "unknown")
    elements = report.get("symmetry_elements", [])
    if not report:
        rendering.notes.append("structures drawn without symmetry elements (no report)")
    if len(run.pairs.pairs) > 1:
        rendering.notes.append(
            f"structures.{fmt} shows the first of {len(run.pairs.pairs)} pairs ({pair.name})"
        )
    name = f"structures.{fmt}"
    render_structures(pair.source, pair.target, pair.species, run.pairs.species_names, elements,
                      group, add(name, _STRUCTURES_TEXT.format(pair=pair.name, group=group)),
                      size, pair.name, report.get("centre"))  # fmt: skip
