"""``symbreak explain SWEEP`` (tables and --json) and the domains of a single run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from symbreak.cli import app
from tests.sweep.conftest import needs_ray


@needs_ray
def test_explain_sweep_json_is_the_stability_report(prism_sweep):
    result = CliRunner().invoke(app, ["explain", str(prism_sweep), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["kind"] == "sweep" and report["stable"] is True
    assert report["consensus"]["group"] == "D4h" and report["runs"] == 8
    assert [d["principal_axis"] for d in report["domains"]][0] == [0.0, 0.0, 1.0]
    assert sum(d["chosen"] for d in report["domains"]) == 1 and len(report["domains"]) == 3


@needs_ray
def test_explain_sweep_tables_and_a_missing_point(prism_sweep, tmp_path):
    import shutil

    copy = tmp_path / "sweep"
    shutil.copytree(prism_sweep, copy)
    shutil.rmtree(copy / "l4_lambda0.01_seed1")
    result = CliRunner().invoke(app, ["explain", str(copy)], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "consensus D4h in 7 of 7 runs" in result.output
    assert "1 points have no run yet" in result.output  # missing points make it not stable
    assert "unstable" in result.output and "Domains" in result.output


def test_explain_single_run_lists_the_three_prism_domains(fitted_run):
    result = CliRunner().invoke(app, ["explain", str(fitted_run("cube_to_prism"))],
                                terminal_width=120)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Domains" in result.output and "3 symmetry-equivalent orientations" in result.output


def test_explain_a_damaged_sweep_is_one_sentence(tmp_path):
    (tmp_path / "sweep.json").write_text("{")
    result = CliRunner().invoke(app, ["explain", str(tmp_path)])
    assert result.exit_code == 2 and "corrupt" in result.output and "Traceback" not in result.output
