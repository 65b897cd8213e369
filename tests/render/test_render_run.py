"""render_run and ``symbreak render``: file names, index, layers, HTML, errors."""

from __future__ import annotations

import json
import re

import matplotlib.image
import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.contract import FieldsSection
from symbreak.render import RenderError, parse_size, render_run
from tests.render.conftest import hand_made_report

SIZE = (160, 120)


def test_png_files_index_and_sizes(tmp_path, prism_run, prism_report):
    rendering = render_run(prism_run, tmp_path, size=SIZE, report=prism_report, resolution=16)
    names = [f.name for f in rendering.files]
    assert names == ["layer0_signal.png", "layer1_signal.png", "layer1_2e.png",
                     "structures.png", "training.png"]  # fmt: skip
    for name in names:
        image = matplotlib.image.imread(tmp_path / name)
        assert image.shape[:2] == (SIZE[1], SIZE[0])
    index = (tmp_path / "index.html").read_text()
    assert rendering.index == tmp_path / "index.html"
    assert sorted(set(re.findall(r'href="([^"]+)"', index))) == sorted(names)
    assert "D4h" in index


def test_one_layer(tmp_path, prism_run, prism_report):
    rendering = render_run(prism_run, tmp_path, layer=0, size=SIZE, report=prism_report,
                           resolution=16)  # fmt: skip
    names = {f.name for f in rendering.files}
    assert "layer0_signal.png" in names
    assert not any(name.startswith("layer1") for name in names)


def test_fields_of_a_trajectory_report(tmp_path, prism_run):
    fields = FieldsSection({"polar": [1.0, 0.0, 0.0], "axial": [0.0, 1.0, 0.0]})
    report = hand_made_report(sections=[fields])  # as for a trajectory run: no structures
    rendering = render_run(prism_run, tmp_path, layer=1, size=SIZE, report=report, resolution=16)
    names = [f.name for f in rendering.files]
    assert "fields.png" in names and "structures.png" not in names


def test_html_is_self_contained_and_holds_the_scene(tmp_path, prism_run, prism_report):
    rendering = render_run(prism_run, tmp_path, fmt="html", layer=1, size=SIZE,
                           report=prism_report, resolution=12)  # fmt: skip
    names = [f.name for f in rendering.files]
    assert names == ["layer1_signal.html", "layer1_2e.html", "structures.html", "training.png"]
    page = (tmp_path / "layer1_signal.html").read_text()
    assert "http" not in page.split("<script>")[1]  # nothing fetched from the network
    scene = json.loads(re.search(r"const SCENE = (\{.*?\});\n", page).group(1))
    assert len(scene["panels"]) == 2  # even and odd parity
    even = scene["panels"][0]
    assert "even" in even["title"]
    assert any("triangles" in g and g["triangles"]["index"] for g in even["geometry"])
    assert {label["text"] for label in even["labels"]} >= {"x", "y", "z"}


def test_errors_are_one_sentence(tmp_path, prism_run, prism_report):
    with pytest.raises(RenderError, match="out of range: this run has 2 layers"):
        render_run(prism_run, tmp_path, layer=2, report=prism_report)
    with pytest.raises(RenderError, match="one of png, svg, pdf, html"):
        render_run(prism_run, tmp_path, fmt="gif", report=prism_report)
    with pytest.raises(RenderError, match="WIDTHxHEIGHT"):
        parse_size("800")
    with pytest.raises(RenderError, match="out of range"):
        parse_size("800x0")
    assert parse_size("640X480") == (640, 480)


def test_report_from_build_report(tmp_path, prism_run):
    pytest.importorskip("symbreak.report", reason="symbreak.report (explain) is not installed")
    rendering = render_run(prism_run, tmp_path, layer=1, size=SIZE, resolution=12)
    assert not rendering.notes
    assert "structures.png" in [f.name for f in rendering.files]


def test_cli(tmp_path, prism_run_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["render", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "not a run directory" in missing.output
    bad_layer = runner.invoke(app, ["render", str(prism_run_path), "--out", str(tmp_path / "o"),
                                    "--layer", "9"])  # fmt: skip
    assert bad_layer.exit_code == 2 and "--layer 9 is out of range" in bad_layer.output
    bad_size = runner.invoke(app, ["render", str(prism_run_path), "--out", str(tmp_path / "o"),
                                   "--size", "big"])  # fmt: skip
    assert bad_size.exit_code == 2 and "WIDTHxHEIGHT" in bad_size.output
    (tmp_path / "incomplete").mkdir()
    incomplete = runner.invoke(app, ["render", str(tmp_path / "incomplete"), "--out", "x"])
    assert incomplete.exit_code == 2 and "missing" in incomplete.output
