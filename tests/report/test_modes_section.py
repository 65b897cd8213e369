"""The report's symmetry-modes section and its bridge to the network's irreps."""

from __future__ import annotations

import pytest

from symbreak.contract import ModesSection
from symbreak.report._modes import complete_modes, modes_tables


def modes_section(parts, activated):
    """The completed section of the crystal pairs among ``parts`` (None without any)."""
    pairs = [{"name": p["name"], **p["modes"]} for p in parts if "modes" in p]
    return complete_modes(ModesSection({"pairs": pairs}), activated).to_dict() if pairs else None

#: A SrTiO3-like pair: one zone-boundary tilt and a tetragonal strain (Pm-3m subductions).
SUBDUCTION = {"1o": {"GM4-": 1}, "2e": {"GM3+": 1, "GM5+": 1}, "1e": {"GM4+": 1}}


def part(modes, strain):
    return {"name": "pair", "modes": {
        "parent": {"number": 221, "symbol": "Pm-3m"}, "child": {"number": 140, "symbol": "I4/mcm"},
        "total_amplitude": 0.14, "modes": modes, "strain": strain, "subduction": SUBDUCTION}}


TILT = {"label": "R4+", "k": "(1/2,1/2,1/2)", "k_name": "R", "amplitude": 0.1356,
        "isotropy_subgroup": {"number": 140, "symbol": "I4/mcm"}, "primary": True}
POLAR = {"label": "GM4-", "k": "(0,0,0)", "k_name": "GM", "amplitude": 0.12,
         "isotropy_subgroup": {"number": 99, "symbol": "P4mm"}, "primary": True}
TETRAGONAL = [{"label": "GM3+", "amplitude": 0.0008}, {"label": "GM1+", "amplitude": 0.002}]


def test_a_tilt_seen_through_its_strain_is_the_same_irreps_and_said_to_be_zone_boundary():
    section = modes_section([part([TILT], TETRAGONAL)], ["0e", "2e"])
    bridge = section["pairs"][0]["bridge"]
    assert bridge["network"] == {"2e": ["GM3+", "GM5+"]}
    assert bridge["strain"] == {"GM3+": 0.0008} and bridge["zone_boundary"] == {"R4+": 0.1356}
    assert bridge["same"] is True
    assert "R4+ is at the zone boundary" in bridge["sentence"]
    assert "subduction" not in section["pairs"][0]


def test_a_network_that_missed_the_polar_mode_is_told_so():
    bridge = modes_section([part([POLAR], TETRAGONAL)], ["2e"])["pairs"][0]["bridge"]
    assert bridge["same"] is False and "GM4-" in bridge["sentence"]
    good = modes_section([part([POLAR], TETRAGONAL)], ["1o", "2e"])["pairs"][0]["bridge"]
    assert good["same"] is True and good["network"]["1o"] == ["GM4-"]


def test_runs_without_crystal_modes_have_no_section_and_errors_are_shown():
    assert modes_section([{"name": "cluster"}], ["1o"]) is None
    section = modes_section([{"name": "bad", "modes": {"error": "no mapping."}}], ["1o"])
    assert section["pairs"][0]["error"] == "no mapping."
    assert "no mapping." in modes_tables(ModesSection(section))[0]


@pytest.mark.parametrize("activated", [["1o"], []])
def test_tables_render_for_people(activated):
    from rich.console import Console

    console = Console(record=True, width=120)
    section = ModesSection(modes_section([part([POLAR, TILT], TETRAGONAL)], activated))
    for renderable in modes_tables(section):
        console.print(renderable)
    text = console.export_text()
    assert "GM4-" in text and "R4+" in text and "Modes and network." in text


def test_a_crystal_run_reports_its_modes_and_explain_prints_them(tmp_path):
    """End to end: BaTiO3 P4mm (files in random frames), a short fit; report.json's modes
    equal `symbreak modes` on the same files, and `explain` shows the table and the bridge."""
    pytest.importorskip("spglib")
    from typer.testing import CliRunner

    from symbreak.cli import app
    from symbreak.data.modes import read_modes
    from symbreak.data.published import write_crystal_pair
    from symbreak.pipeline import open_run

    parent, child, _ = write_crystal_pair(tmp_path, "BaTiO3_P4mm_Ti", seed=4)
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["fit", str(parent), str(child), "--out", str(out),
                                      "--epochs", "3", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    pair = open_run(out).saved_report["modes"]["pairs"][0]
    direct = read_modes([parent, child]).to_dict()["modes"]
    assert [m["label"] for m in pair["modes"]] == [m["label"] for m in direct] == ["GM4-"]
    assert pair["modes"][0]["amplitude"] == pytest.approx(direct[0]["amplitude"], abs=2e-3)
    assert pair["bridge"]["zone_centre"].keys() == {"GM4-"}
    shown = CliRunner().invoke(app, ["explain", str(out)])
    assert "Symmetry modes of" in shown.output and "Modes and network." in shown.output
