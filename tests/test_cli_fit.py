"""`symbreak fit` and `symbreak example` as a user meets them: clear errors, complete runs."""

import json

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from symbreak.cli import app

runner = CliRunner()


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert "Traceback" not in text
    assert text.startswith("error:")
    return text


def write_raw(source, target):
    def write(path):
        with h5py.File(path, "w") as handle:
            handle["pairs/a/source"] = source
            handle["pairs/a/target"] = target

    return write


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_text("not hdf5"), "HDF5"),
        (lambda p: h5py.File(p, "w").close(), "/pairs"),
        (write_raw(np.zeros((1, 3)), np.zeros((1, 3))), "at least 2"),
        (write_raw(np.eye(3), np.full((3, 3), np.nan)), "NaN"),
        (write_raw(np.eye(3), np.eye(4)[:, :3]), "4"),
        (write_raw(np.zeros((3, 2)), np.zeros((3, 2))), "(N, 3)"),
    ],
)
def test_bad_input_gets_one_sentence_and_exit_2_and_no_run(tmp_path, make, expected):
    data, out = tmp_path / "data.h5", tmp_path / "run"
    make(data)
    result = runner.invoke(app, ["fit", str(data), "--out", str(out), "--quiet"])
    assert expected.lower() in one_line_error(result).lower()
    assert not out.exists()
    assert not list(tmp_path.glob(".run*"))  # no staging folder left behind


def test_fit_writes_a_complete_run_and_refuses_to_overwrite(tmp_path, sample_path):
    out = tmp_path / "run"
    args = ["fit", str(sample_path("cube_to_cube")), "--out", str(out), "--quiet", "--epochs", "5"]
    assert runner.invoke(app, args).exit_code == 0
    for name in ("config.json", "model.pt", "history.csv", "data.h5"):
        assert (out / name).stat().st_size > 0
    config = json.loads((out / "config.json").read_text())
    assert config["options"]["optimiser"]["epochs"] == 5 and len(config["input"]["sha256"]) == 64
    assert "already exists" in one_line_error(runner.invoke(app, args))
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_bad_option_values_are_refused(tmp_path, sample_path):
    args = ["fit", str(sample_path("cube_to_cube")), "--out", str(tmp_path / "r"), "--quiet"]
    assert "layers" in one_line_error(runner.invoke(app, [*args, "--layers", "0"]))


def test_example_writes_a_loadable_file(tmp_path):
    from symbreak.data import load_dataset

    out = tmp_path / "prism.h5"
    assert runner.invoke(app, ["example", "cube_to_prism", "--out", str(out)]).exit_code == 0
    assert len(load_dataset(out).pairs) == 1
    assert "three numbers" in one_line_error(
        runner.invoke(app, ["example", "lorentz", "--E", "1,0", "--out", str(out)])
    )


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("--lr", "0", "--lr must be a positive number"),
        ("--lr", "nan", "--lr must be a positive number"),
        ("--reg-strength", "-1", "--reg-strength must be zero or a positive number"),
        ("--epochs", "0", "--epochs must be at least 1"),
        ("--l-relaxed", "-1", "--l-relaxed must be at least 0"),
        ("--multiplicity", "0", "--multiplicity must be at least 1"),
        ("--cutoff", "-0.5", "--cutoff must be a positive number"),
        ("--seed", "-3", "--seed must be at least 0"),
    ],
)
def test_every_option_is_checked_in_one_sentence(tmp_path, sample_path, option, value, words):
    args = ["fit", str(sample_path("cube_to_cube")), "--out", str(tmp_path / "r"), "--quiet"]
    assert words in one_line_error(runner.invoke(app, [*args, option, value]))
    assert not (tmp_path / "r").exists()


def test_example_options_that_do_not_apply_are_named(tmp_path):
    result = runner.invoke(app, ["example", "cube_to_prism", "--E", "1,0,0", "-o", str(tmp_path)])
    assert "--E applies only to lorentz" in one_line_error(result)
    result = runner.invoke(app, ["example", "cube_to_cube", "--seed", "1", "-o", str(tmp_path)])
    assert "--seed applies only to cube_to_random and lorentz" in one_line_error(result)


def test_version_and_plain_flags_in_help():
    from symbreak import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"symbreak {__version__}"
    text = runner.invoke(app, ["fit", "--help"], env={"COLUMNS": "200"}).output
    assert "<bool>" not in text and "--force" in text
    assert "weights ." not in text  # no stray space where two help strings join


def _help_panels(text: str) -> dict[str, str]:
    """Panel title -> the text inside it, from rich's boxed ``--help``."""
    panels, title = {}, None
    for line in text.splitlines():
        if line.startswith("╭─ "):
            title = line[3:].split(" ─")[0].strip()
            panels[title] = ""
        elif title is not None and line.startswith("│"):
            panels[title] += " " + line.strip("│ ")
    return panels


def test_fit_help_groups_the_options_by_namespace_with_each_kinds_defaults():
    """Each kind's own options stand in its own panel of ``fit --help``, and the default
    number of layers the help quotes is the one each kind declares (``default_layers``)."""
    from dataclasses import fields

    from symbreak.options import PairOptions, TrajectoryOptions
    from symbreak.tasks import TASKS

    result = runner.invoke(app, ["fit", "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    panels = _help_panels(result.output)
    flag = lambda name: "--" + name.replace("_", "-")  # noqa: E731
    for name in (f.name for f in fields(PairOptions) if f.name != "cutoff"):
        assert flag(name) in panels["Structure pairs and crystals"], name
    for name in (f.name for f in fields(TrajectoryOptions) if f.name != "cutoff"):
        assert flag(name) in panels["Trajectories"], name
    assert "--cutoff" in panels["Every kind"]  # a name both namespaces define
    assert "--dt" in panels["Trajectories"] and "--epochs" in panels["Training"]
    layers = " ".join(panels["Network"].split())
    assert TASKS["pairs"].default_layers == TASKS["crystals"].default_layers
    assert f"{TASKS['pairs'].default_layers} for structure pairs and crystals" in layers
    assert f"{TASKS['trajectories'].default_layers} for trajectories" in layers
