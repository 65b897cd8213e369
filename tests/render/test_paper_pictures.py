"""Pictures fit for a paper: mirror planes that hide no atoms, labels that do not sit on each
other, a training curve that says what was recorded, a zero signal drawn as zero, and vector
output (SVG, PDF)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import pyvista as pv

from symbreak.render import render_run
from symbreak.render._elements import draw_element_classes, draw_symmetry_elements
from symbreak.render._scene import label_points, new_plotter, screen_xy
from symbreak.render._signal_views import ZERO_DOT, draw_signal
from symbreak.render._structures import add_cartesian_axes_at
from symbreak.render._training import penalty_in_loss, render_training
from symbreak.symmetry import named_group


def _rows(loss, fit, reg, every=4):
    return [{"epoch": every * (k + 1), "loss": a, "fit_loss": b, "reg_loss": c, "seconds": 0.1}
            for k, (a, b, c) in enumerate(zip(loss, fit, reg))]  # fmt: skip


def _svg_text(path) -> str:
    """The SVG's source, where the legend and axis words stand as text (see the fixture)."""
    return path.read_text()


@pytest.fixture
def svg_text_as_text():
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, to read it back
        yield


def test_group_lasso_history_draws_one_loss_line_and_a_dotted_penalty(tmp_path,
                                                                      svg_text_as_text):
    """Group lasso: the penalty is only logged, so loss = fit loss at every row."""
    fit = [1e-1, 1e-5, 1e-9]
    history = _rows(fit, fit, [2e-3, 2e-3, 2e-3])
    assert penalty_in_loss(history).tolist() == [False] * 3
    text = _svg_text(render_training(history, tmp_path / "t.svg", (600, 300)))
    assert "total loss = fit loss" in text and "total loss (fit + penalty)" not in text
    assert "only logged" in text and "λ R, in the loss" not in text
    assert "a point every 4 epochs" in text and "per epoch)" not in text


def test_a_penalty_in_the_loss_then_switched_off_is_drawn_as_it_was(tmp_path, svg_text_as_text):
    """l2 with a refit: loss = fit + penalty for two rows, then loss = fit loss."""
    fit, reg = [1e-1, 1e-3, 1e-4, 1e-6], [1e-2, 1e-2, 1e-2, 1e-2]
    loss = [fit[0] + reg[0], fit[1] + reg[1], fit[2], fit[3]]
    history = _rows(loss, fit, reg, every=1)
    assert penalty_in_loss(history).tolist() == [True, True, False, False]
    text = _svg_text(render_training(history, tmp_path / "t.svg", (600, 300)))
    assert "total loss (fit + penalty)" in text and "fit loss (MSE" in text
    assert "λ R, in the loss" in text and "only logged" in text
    assert "a point per epoch" in text


def _surfaces(plotter):
    """``(actor, mesh)`` of every drawn surface (polygons) of the active panel."""
    found = []
    for actor in plotter.renderer.actors.values():
        mapper = actor.GetMapper() if hasattr(actor, "GetMapper") else None
        data = mapper.GetInput() if mapper is not None and hasattr(mapper, "GetInput") else None
        if data is not None and data.GetNumberOfPoints() and data.GetNumberOfPolys():
            found.append((actor, pv.wrap(data)))
    return found


def test_mirror_planes_are_rims_that_hide_nothing():
    plotter = new_plotter((400, 400))
    try:
        elements = named_group("D4h").symmetry_elements()
        draw_symmetry_elements(plotter, elements, np.zeros(3), 1.0)
        draw_element_classes(plotter, named_group("Oh").symmetry_elements(), np.zeros(3), 1.0)
        see_through = [a for a, _ in _surfaces(plotter) if a.GetProperty().GetOpacity() < 1]
        assert see_through == []
    finally:
        plotter.close()


@pytest.mark.parametrize("group", ["D4h", "D2h", "D6h", "C2v"])
def test_axis_labels_keep_apart_from_each_other_and_from_x_y_z(group):
    """The C2 along x wrote over the x label, and D4h's two C2 near x over each other."""
    plotter = new_plotter((800, 800))
    try:
        extent = 1.0
        add_cartesian_axes_at(plotter, np.zeros(3), 1.55 * extent)
        draw_symmetry_elements(plotter, named_group(group).symmetry_elements(), np.zeros(3),
                               1.3 * extent)  # fmt: skip
        points = [screen_xy(p) for p in label_points(plotter)]
        gaps = [float(np.linalg.norm(a - b)) for a, b in itertools.combinations(points, 2)]
        assert min(gaps) >= 1.3 * extent / 6, min(gaps)
    finally:
        plotter.close()


def test_a_zero_signal_is_a_point_not_a_sphere():
    plotter = new_plotter((300, 300))
    try:
        assert draw_signal(plotter, {"1o": np.zeros(3)}, 1.0, 24, "f odd") is False
        sizes = [float(np.ptp(mesh.points, axis=0).max()) for _, mesh in _surfaces(plotter)]
        assert sizes and max(sizes) <= 2.05 * ZERO_DOT  # the dot only: no surface of size
    finally:
        plotter.close()


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_vector_output_for_papers(tmp_path, prism_run, prism_report, fmt):
    rendering = render_run(prism_run, tmp_path, fmt=fmt, report=prism_report, size=(320, 160),
                           resolution=24)  # fmt: skip
    names = sorted(f.name for f in rendering.files)
    assert names and all(name.endswith(f".{fmt}") for name in names), names
    assert f"training.{fmt}" in names and f"structures.{fmt}" in names
    for name in names:
        head = (tmp_path / name).read_bytes()[:200]
        assert head.startswith(b"%PDF") if fmt == "pdf" else b"<svg" in head, name
    if fmt == "svg":  # vector: the curve as paths, the 3-D view's labels as text
        assert len(re.findall(r"<path", (tmp_path / "training.svg").read_text())) > 10
        labels = re.findall(r"<text[^>]*>([^<]*)", (tmp_path / "structures.svg").read_text())
        assert {"x", "y", "z", "C4"} <= {label.strip() for label in labels}
