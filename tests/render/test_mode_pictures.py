"""Pictures of symmetry modes: the arrows are the modes' displacements, the files are real."""

from __future__ import annotations

import dataclasses

import matplotlib.colors
import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

pytest.importorskip("spglib")
ase_io = pytest.importorskip("ase.io")

from symbreak.cli import app  # noqa: E402
from symbreak.data.modes import read_modes  # noqa: E402
from symbreak.data.published import write_crystal_pair  # noqa: E402
from symbreak.render._modes import (  # noqa: E402
    ARROW_COLOUR,
    ARROW_FRACTION,
    arrow_lines,
    auto_exaggeration,
    bonds,
)


@pytest.fixture(scope="module")
def srtio3(tmp_path_factory):
    """SrTiO3 -> I4/mcm as CIF files: one R-point tilt of the oxygen octahedra."""
    folder = tmp_path_factory.mktemp("srtio3")
    paths = []
    for path in write_crystal_pair(folder, "SrTiO3_I4mcm_Ti", 0)[:2]:
        paths.append(path.with_suffix(".cif"))
        ase_io.write(paths[-1], ase_io.read(path))
    return paths


def test_arrows_are_the_exaggerated_displacements_and_add_up_to_the_distortion(srtio3):
    result = read_modes(srtio3)
    positions = result.positions @ result.lattice
    total = np.zeros_like(positions)
    for field in result.fields:
        lines = arrow_lines(positions, field, 3.5, radius=0.3)
        n = lines.n_points // 2
        moving = np.linalg.norm(field, axis=1) > 1e-6
        offsets = lines.points[:n] - positions[moving]  # from the atom's centre to its ball
        np.testing.assert_allclose(np.linalg.norm(offsets, axis=1), 0.3, atol=1e-5)
        np.testing.assert_allclose(np.cross(offsets, field[moving]), 0, atol=1e-5)
        np.testing.assert_allclose(lines.points[n:] - lines.points[:n], 3.5 * field[moving],
                                   atol=1e-5)  # fmt: skip
        total += field
    # the arrows of all modes together are the whole distortion (amplitude identity)
    normalisation = result.total**2 / np.sum(total**2)
    assert np.sqrt(normalisation * np.sum(total**2)) == pytest.approx(result.total, rel=1e-9)
    assert result.total == pytest.approx(
        np.sqrt(sum(m["amplitude"] ** 2 for m in result.to_dict()["modes"])), rel=1e-3
    )


def test_the_automatic_exaggeration_draws_the_longest_arrow_at_a_fraction_of_a_bond(srtio3):
    result = read_modes(srtio3)
    positions = result.positions @ result.lattice
    factor = auto_exaggeration(positions, result.symbols, result.fields)
    longest = max(np.linalg.norm(f, axis=1).max() for f in result.fields) * factor
    shortest = min(np.linalg.norm(positions[i] - positions[j])
                   for i, j in bonds(positions, result.symbols))  # fmt: skip
    assert longest == pytest.approx(ARROW_FRACTION * shortest)
    assert shortest == pytest.approx(1.95, abs=0.05)  # Ti-O in SrTiO3: the bonds are Ti-O


def test_modes_render_writes_pictures_with_visible_arrows(srtio3, tmp_path):
    out = tmp_path / "pictures"
    result = CliRunner().invoke(app, ["modes", str(srtio3[0]), str(srtio3[1]), "--render",
                                      str(out), "--exaggeration", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("structure.png", "modes.png", "modes.html"):
        assert (out / name).stat().st_size > 20_000, name
    image = matplotlib.image.imread(out / "modes.png")[..., :3]
    arrow = np.array(matplotlib.colors.to_rgb(ARROW_COLOUR))
    arrow_pixels = np.sum(np.linalg.norm(image - arrow, axis=-1) < 0.06)  # drawn unlit
    assert arrow_pixels > 200  # the tilt's arrows are drawn, not hidden in the balls
    structure = matplotlib.image.imread(out / "structure.png")[..., :3]
    assert np.sum(np.linalg.norm(structure - arrow, axis=-1) < 0.06) < 20  # no arrows there
    assert structure.std() > 0.05
    page = (out / "modes.html").read_text()
    assert "R5-  k = (1/2,1/2,1/2)" in page and "displacement \\u00d7 4" in page  # JSON-escaped


def test_a_bad_exaggeration_is_one_sentence(srtio3, tmp_path):
    result = CliRunner().invoke(app, ["modes", str(srtio3[0]), str(srtio3[1]), "--render",
                                      str(tmp_path), "--exaggeration", "-1"])  # fmt: skip
    assert result.exit_code == 2
    assert "exaggeration" in result.output and "Traceback" not in result.output


def test_a_crystal_run_gets_a_picture_of_its_crystal(prism_run, prism_report, tmp_path):
    """The prism's structures section given a cell (a crystal run, as far as render can tell)
    gets ``crystal.png``; the cluster itself gets none."""
    from symbreak.contract import StructuresSection
    from symbreak.render import render_run

    (plain_section,) = [s for s in prism_report.sections if s.key == "structures"]
    cell = (6.0 * np.eye(3)).tolist()
    crystal_section = StructuresSection({**plain_section.to_dict(), "cell": cell})
    report = dataclasses.replace(prism_report, sections=(crystal_section,))
    rendering = render_run(prism_run, tmp_path / "crystal", report=report, layer=1)
    assert "crystal.png" in [f.name for f in rendering.files]
    picture = matplotlib.image.imread(tmp_path / "crystal" / "crystal.png")[..., :3]
    assert picture.std() > 0.05
    plain = render_run(prism_run, tmp_path / "cluster", report=prism_report, layer=1)
    assert "crystal.png" not in [f.name for f in plain.files]


@pytest.fixture(scope="module")
def catio3_modes_section(tmp_path_factory):
    """The modes section a crystal run's report holds for CaTiO3 Pm-3m -> Pnma (five modes of
    0.01 A or more), built as the crystal task builds it, from the pair as ``fit`` reads it."""
    from symbreak.contract import ModesSection
    from symbreak.data.formats import read_structure_pair
    from symbreak.data.modes import pair_modes

    folder = tmp_path_factory.mktemp("catio3")
    dataset, _ = read_structure_pair(write_crystal_pair(folder, "CaTiO3_Pnma_Ti", 0)[:2])
    pair = dataset.pairs[0]
    names = np.asarray(dataset.species_names)[np.asarray(pair.species)]
    modes = pair_modes(pair.source, pair.target, pair.source_cell, pair.target_cell, names)
    return ModesSection({"pairs": [{"name": pair.name, **modes}]}), pair


def test_the_section_holds_each_modes_displacements_in_the_childs_cell(catio3_modes_section):
    """Per mode of 0.01 A or more, one displacement per atom of the child's cell, whose
    sqrt(sum |u|^2) over the child's primitive cell (spglib) is the mode's amplitude, and
    which together are the child's distortion (its cell's atoms matched to the parent's)."""
    import spglib

    section, pair = catio3_modes_section
    data = section.data["pairs"][0]
    picture = data["picture"]
    drawn = [m for m in data["modes"] if m["amplitude"] >= 0.01]
    assert [d["label"] for d in picture["displacements"]] == [m["label"] for m in drawn]
    assert len(drawn) == 5 and len(picture["positions"]) == len(pair.source)
    child = (pair.target_cell, pair.target @ np.linalg.inv(pair.target_cell), pair.species)
    primitive = len(set(spglib.get_symmetry_dataset(child, symprec=1e-3).mapping_to_primitive))
    for entry, mode in zip(picture["displacements"], drawn):
        field = np.asarray(entry["displacement"])
        assert field.shape == (len(pair.source), 3)
        amplitude = np.sqrt(primitive / len(field) * np.sum(field**2))
        assert amplitude == pytest.approx(mode["amplitude"], abs=1e-4)
    # the parent's atoms in the child's cell: the cell holds them (fractional in [0, 1))
    fractional = np.asarray(picture["positions"]) @ np.linalg.inv(np.asarray(picture["cell"]))
    assert fractional.min() > -1e-6 and fractional.max() < 1 + 1e-6
    assert abs(np.linalg.det(picture["cell"])) == pytest.approx(
        abs(np.linalg.det(pair.source_cell)), rel=0.02)  # the child's cell, parent's lattice


def test_a_crystal_run_draws_one_panel_per_mode_with_its_displacements(
        prism_run, prism_report, catio3_modes_section, tmp_path):  # fmt: skip
    """``symbreak render`` on a report with a modes section: modes.png (arrows drawn, not
    blank) and modes.html with one panel per mode of 0.01 A or more; the arrows are the
    section's displacements times one exaggeration."""
    from symbreak.render import render_run
    from symbreak.render._sections import PictureContext, section_jobs

    section, _ = catio3_modes_section
    report = dataclasses.replace(prism_report, sections=(section,))
    picture = section.data["pairs"][0]["picture"]
    context = PictureContext(prism_run, report, "png", (1200, 900), 40, "auto", [1], None)
    (job,) = section_jobs(section, context)
    assert job[0] == "modes.png"
    modes, fields, positions = job[2].args[:3]
    assert len(modes) == len(fields) == len(picture["displacements"]) == 5
    for field, entry in zip(fields, picture["displacements"]):
        lines = arrow_lines(positions, field, 2.5)
        n = lines.n_points // 2
        moving = np.linalg.norm(entry["displacement"], axis=1) > 1e-6
        np.testing.assert_allclose(lines.points[n:] - lines.points[:n],
                                   2.5 * np.asarray(entry["displacement"])[moving],
                                   atol=1e-5)  # fmt: skip
    rendering = render_run(prism_run, tmp_path / "png", report=report, layer=1)
    assert "modes.png" in [f.name for f in rendering.files]
    image = matplotlib.image.imread(tmp_path / "png" / "modes.png")[..., :3]
    assert image.std() > 0.05
    arrow = np.array(matplotlib.colors.to_rgb(ARROW_COLOUR))
    assert np.sum(np.linalg.norm(image - arrow, axis=-1) < 0.06) > 200
    render_run(prism_run, tmp_path / "html", fmt="html", report=report, layer=1)
    page = (tmp_path / "html" / "modes.html").read_text()
    for entry in picture["displacements"]:
        assert f"{entry['label']}  k = {entry['k']}" in page, entry["label"]
