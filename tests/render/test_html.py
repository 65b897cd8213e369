"""The interactive pages: what they hold (text) and what a real browser shows (pixels).

The browser tests run Debian's ``chromium`` headless and are skipped, saying so, where it is
not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile

import matplotlib.colors
import matplotlib.image
import numpy as np
import pytest

from symbreak.render import render_run, render_structures
from symbreak.render._elements import MIRROR_COLOUR
from tests.render.conftest import hand_made_report

SIZE = (1200, 600)  # two 600-px panels: the width at which they used to wrap


def scene(path) -> dict:
    page = path.read_text()
    return json.loads(re.search(r"const SCENE = (\{.*?\});\n", page).group(1))


def paragraph(path, key: str) -> str:
    return re.search(rf'<p class="{key}" id="{key}">(.*?)</p>', path.read_text(), re.S).group(1)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, _loaded_run):
    out = tmp_path_factory.mktemp("html")
    report = hand_made_report()
    render_run(_loaded_run, out, fmt="html", layer=1, size=SIZE, report=report, resolution=24)
    return out


def test_surface_vertices_carry_the_signed_colour_map(pages):
    panel = scene(pages / "layer1_2e.html")["panels"][0]
    surface = max((g["triangles"] for g in panel["geometry"] if "triangles" in g),
                  key=lambda t: len(t["colour"]))  # fmt: skip
    rgba = np.array(surface["colour"]).reshape(-1, 4)
    red, blue = rgba[:, 0] - rgba[:, 2] > 0.3, rgba[:, 2] - rgba[:, 0] > 0.3
    assert red.sum() > 20 and blue.sum() > 20  # both signs of the quadrupole, not one colour


def test_page_has_colour_bar_caption_group_and_notes(pages):
    path = pages / "layer1_2e.html"
    bar = scene(path)["panels"][0]["colourbar"]
    assert bar["limits"][0] == pytest.approx(-bar["limits"][1]) and bar["limits"][1] > 0
    assert bar["colours"][0] != bar["colours"][-1] and len(bar["colours"]) > 3
    assert "active irrep 2e" in paragraph(path, "caption")
    assert "residual group D4h" in paragraph(path, "group")
    assert any("principal axis y" in note for note in scene(path)["panels"][0]["notes"])


def test_structures_page_has_species_legend_and_visible_mirrors(tmp_path, _loaded_run):
    pair = _loaded_run.task.dataset.pairs[0]
    species = np.arange(len(pair.source)) % 2
    from symbreak.symmetry import named_group

    path = render_structures(pair.source, pair.target, species, ["O", "C"],
                             named_group("D4h").symmetry_elements(), "D4h",
                             tmp_path / "s.html", (400, 200))  # fmt: skip
    panels = scene(path)["panels"]
    assert [text for text, _ in panels[0]["legend"]] == ["O", "C"]
    # mirrors are rims now, not translucent discs that hid the atoms behind them
    assert not [g for g in panels[0]["geometry"] if "triangles" in g and g["opacity"] < 1]
    mirror = np.array(matplotlib.colors.to_rgb(MIRROR_COLOUR))
    rims = [g for g in panels[0]["geometry"] if "lines" in g
            and np.allclose(_first_rgb(g["lines"]["colour"]), mirror, atol=0.02)]  # fmt: skip
    assert len(rims) == 5  # D4h's five mirror planes


def _first_rgb(colours) -> np.ndarray:
    """The first vertex's colour as 0..1 RGB (the page stores flat RGBA, 0..1 or 0..255)."""
    rgb = np.asarray(colours, dtype=float)[:3]
    return rgb / 255.0 if rgb.max() > 1.0 else rgb


# ---------------------------------------------------------------- in a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="LOUD SKIP: chromium is not installed, so the HTML pages were not opened in a "
    "browser (apt-get install chromium)",
)


def open_page(path, width=1200, height=800, *flags, dom=False
              ) -> tuple[np.ndarray | None, str, str]:  # fmt: skip
    """Screenshot, console log and (with ``dom``) final DOM of ``path`` in headless chromium."""
    with tempfile.TemporaryDirectory() as profile:
        common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                  "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}",
                  *flags]  # fmt: skip
        shot = path.with_suffix(".shot.png")
        run = subprocess.run([*common, f"--screenshot={shot}", path.as_uri()],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        dumped = subprocess.run([*common, "--dump-dom", path.as_uri()], capture_output=True,
                                text=True, timeout=60) if dom else None  # fmt: skip
    image = matplotlib.image.imread(shot)[..., :3] if shot.exists() else None
    if dumped is None:
        return image, run.stderr, ""
    return image, run.stderr + dumped.stderr, dumped.stdout


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line
            and re.search(r"Uncaught|Error\b|TypeError|ReferenceError", line)]  # fmt: skip


@browser
@pytest.mark.parametrize("name", ["layer1_signal.html", "layer1_2e.html", "structures.html"])
def test_pages_draw_without_errors_side_by_side_at_1200px(pages, name):
    image, log, _ = open_page(pages / name)
    assert not console_errors(log)
    assert image is not None
    panels = image[60:560]  # below the group line, above the caption
    left, right = panels[:, 20:580], panels[:, 620:1180]
    ink = [(part.min(axis=-1) < 0.8).mean() for part in (left, right)]
    if name != "layer1_2e.html":  # two panels: the second is beside the first, not under it
        assert ink[1] > 0.005, ink
    assert ink[0] > 0.005, ink


@browser
def test_browser_shows_both_signs_of_the_quadrupole(pages):
    image, _, _ = open_page(pages / "layer1_2e.html")
    red = (image[..., 0] - image[..., 2] > 0.3).sum()
    blue = (image[..., 2] - image[..., 0] > 0.3).sum()
    assert red > 500 and blue > 500, (red, blue)


@browser
def test_without_webgl_the_page_says_so(pages):
    _, log, dom = open_page(pages / "layer1_signal.html", 1200, 800, "--disable-webgl",
                            "--disable-3d-apis", dom=True)  # fmt: skip
    assert not console_errors(log)
    assert dom.count('<div class="nowebgl">') == 2  # one message per panel, not a blank box
