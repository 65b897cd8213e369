"""``symbreak explain``: tables and verdict for people, exactly to_dict() with --json."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from symbreak.cli import app

ROOT = Path(__file__).resolve().parents[2]

runner = CliRunner()


def test_human_output_shows_residual_group_and_verdict(fitted):
    run = fitted("cube_to_prism")
    result = runner.invoke(app, ["explain", str(run.path)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "residual" in result.output and "D4h" in result.output
    assert "Verdict" in result.output and "Consistent" in result.output
    assert "x² = y² ≠ z²" in result.output


def test_json_output_is_the_report(fitted):
    run = fitted("cube_to_prism")
    result = runner.invoke(app, ["explain", str(run.path), "--json"])
    assert result.exit_code == 0
    d = json.loads(result.stdout)  # nothing but JSON on stdout
    saved = run.report()
    assert d["residual_point_group"] == saved["residual_point_group"] == "D4h"
    assert d["activated_irreps"] == saved["activated_irreps"]


def test_threshold_changes_activity(fitted):
    run = fitted("cube_to_prism")
    result = runner.invoke(app, ["explain", str(run.path), "--json", "--threshold", "1e6"])
    d = json.loads(result.stdout)
    assert d["activated_irreps"] == [] and d["threshold"] == 1e6
    assert d["residual_point_group"] == "Oh" and d["consistent"] is False


def _fails(args, words):
    result = runner.invoke(app, ["explain", *args])
    assert result.exit_code == 2
    assert words in " ".join(result.stderr.split())  # rich wraps long lines
    assert "Traceback" not in result.output


def test_missing_run(tmp_path):
    _fails([str(tmp_path / "nothing")], "is not a run directory")


def test_incomplete_run(fitted, tmp_path):
    copy = shutil.copytree(fitted("cube_to_prism").path, tmp_path / "run")
    (copy / "model.pt").unlink()
    _fails([str(copy)], "model.pt missing")


def test_newer_schema(fitted, tmp_path):
    copy = shutil.copytree(fitted("cube_to_prism").path, tmp_path / "run")
    config = json.loads((copy / "config.json").read_text())
    config["schema"] = 99
    (copy / "config.json").write_text(json.dumps(config))
    _fails([str(copy)], "newer symbreak")


def test_bad_threshold(fitted):
    _fails([str(fitted("cube_to_prism").path), "--threshold", "0"], "must be a positive number")


def test_explaining_a_saved_report_loads_no_torch_and_no_scipy_spatial(fitted):
    """The rich output of a run with its report.json computes nothing it can load: torch,
    e3nn and scipy.spatial (3 s of imports on the 2-core machine) stay out of the process."""
    import subprocess
    import sys

    run = fitted("cube_to_prism")
    code = (
        "import sys; from symbreak.cli import app\n"
        f"try: app(['explain', {str(run.path)!r}])\n"
        "except SystemExit as stop: assert not stop.code, stop.code\n"
        "heavy = [m for m in ('torch', 'e3nn', 'scipy.spatial') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"COLUMNS": "160", "PATH": ""}, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Verdict" in done.stdout and "x² = y² ≠ z²" in done.stdout
    assert "HEAVY []" in done.stdout
