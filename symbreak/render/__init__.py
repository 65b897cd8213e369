"""Pictures of a fitted run: pyvista (off-screen) surfaces and structures, matplotlib curves.

Reads a report, never re-derives science: active irreps, groups and symmetry elements come
from the :class:`symbreak.report.Report` (``report.json``); structures, history and relaxed
weights from the run.
See ``docs/render.md``.

>>> from symbreak.render import parse_size
>>> parse_size("200x100")
(200, 100)
"""

from symbreak.render._elements import draw_symmetry_elements
from symbreak.render._fields import Arrow, VectorPanel, field_panels, render_vectors
from symbreak.render._index import write_index
from symbreak.render._modes import render_crystal, render_modes, write_mode_pictures
from symbreak.render._render import (
    DEFAULT_SIZE,
    FORMATS,
    RenderedFile,
    RenderError,
    Rendering,
    parse_size,
    render_run,
    run_report,
)
from symbreak.render._scene import configure_offscreen, new_plotter
from symbreak.render._signal_views import draw_signal, render_irrep, render_layer_signal
from symbreak.render._sphere_signal import (
    parity_parts,
    signal_surface,
    sphere_signal,
    split_relaxed_weights,
)
from symbreak.render._structures import render_structures
from symbreak.render._sweep import render_sweep
from symbreak.render._training import render_training
from symbreak.render._webgl import write_html

__all__ = [
    "DEFAULT_SIZE",
    "FORMATS",
    "Arrow",
    "RenderError",
    "RenderedFile",
    "Rendering",
    "VectorPanel",
    "configure_offscreen",
    "draw_signal",
    "draw_symmetry_elements",
    "field_panels",
    "new_plotter",
    "parity_parts",
    "parse_size",
    "render_irrep",
    "render_layer_signal",
    "render_run",
    "render_structures",
    "render_training",
    "render_vectors",
    "run_report",
    "signal_surface",
    "sphere_signal",
    "split_relaxed_weights",
    "render_crystal",
    "render_modes",
    "render_sweep",
    "write_html",
    "write_mode_pictures",
    "write_index",
]
