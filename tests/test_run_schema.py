"""Run schema 2 stores the options nested by part; runs written with schema 1 (flat) still load."""

import json
import shutil

import pytest

from symbreak.errors import RunError
from symbreak.options import FitOptions
from symbreak.pipeline import open_run
from symbreak.run import RUN_SCHEMA, load_run


def _rewrite(run, change) -> None:
    config = json.loads((run / "config.json").read_text())
    change(config)
    (run / "config.json").write_text(json.dumps(config))


@pytest.fixture()
def schema_1_run(fitted_run, tmp_path):
    """A fresh run rewritten to the schema-1 layout: flat options, no saved report."""
    run = shutil.copytree(fitted_run("cube_to_prism"), tmp_path / "run")
    (run / "report.json").unlink(missing_ok=True)  # explain must rebuild it from the options

    def to_schema_1(config):
        config["schema"] = 1
        config["options"] = FitOptions.from_dict(config["options"]).flat()

    _rewrite(run, to_schema_1)
    return run


def test_a_fresh_run_stores_the_options_nested(fitted_run):
    config = json.loads((fitted_run("cube_to_prism") / "config.json").read_text())
    assert config["schema"] == RUN_SCHEMA == 3
    assert set(config["options"]) == {"model", "pairs", "trajectories", "optimiser"}
    assert FitOptions.from_dict(config["options"]) == FitOptions()


def test_a_schema_2_run_with_one_task_namespace_keeps_its_options(fitted_run, tmp_path):
    """Schema 2 kept every kind's options in one ``task`` part: they land in the kinds'
    namespaces, not silently at their defaults."""
    run = shutil.copytree(fitted_run("cube_to_prism"), tmp_path / "run")

    def to_schema_2(config):
        options = config["options"]
        config["schema"] = 2
        config["options"] = {"model": options["model"], "optimiser": options["optimiser"],
                             "task": {**options["pairs"], "symmetry_tolerance": 0.02}}

    _rewrite(run, to_schema_2)
    options = open_run(run).options
    assert options.pairs.symmetry_tolerance == 0.02 and options.model == FitOptions().model


def test_schema_1_run_loads_explains_and_renders(schema_1_run):
    from symbreak.render._render import DEFAULT_SIZE, _plan
    from symbreak.report import build_report

    run = open_run(schema_1_run)
    assert "l_relaxed" in run.config["options"]  # flat, as schema 1 wrote it
    assert run.options == FitOptions()
    report = build_report(run)
    assert report.to_dict()["residual_point_group"] == "D4h"
    jobs = _plan(run, report, [0, 1], "png", DEFAULT_SIZE, 24, "auto", [])
    names = {name for name, _, _ in jobs}
    assert {"layer0_signal.png", "layer1_signal.png", "structures.png", "training.png"} <= names


def test_a_newer_schema_is_refused_in_one_sentence(fitted_run, tmp_path):
    run = shutil.copytree(fitted_run("cube_to_prism"), tmp_path / "run")
    _rewrite(run, lambda config: config.update(schema=RUN_SCHEMA + 1))
    with pytest.raises(RunError, match=r"run schema 4, this version reads 3\); upgrade") as error:
        load_run(run)
    assert str(error.value).count(". ") == 0 and str(error.value).endswith(".")
