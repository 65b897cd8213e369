"""Damaged runs and a refusing file system: one sentence naming the file, exit 2."""

from __future__ import annotations

import errno
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.errors import RunError
from symbreak.pipeline import open_run
from symbreak.run import read_saved_report

runner = CliRunner()


@pytest.fixture
def run_copy(fitted_run, tmp_path):
    return shutil.copytree(fitted_run("cube_to_prism"), tmp_path / "run")


def one_sentence(result, *words):
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert text.startswith("error:") and "Traceback" not in text, text
    for word in words:
        assert word in text, text


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
@pytest.mark.parametrize("name", ["model.pt", "report.json", "history.csv", "config.json"])
def test_damaged_file_is_named(run_copy, name, damage):
    path = run_copy / name
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00\xff" * 64,
                      "empty": b""}[damage])  # fmt: skip
    with pytest.raises(RunError, match=name.replace(".", r"\.")):
        open_run(run_copy)
    # explain reads model.pt and history.csv only when it rebuilds the report
    rebuild = ["--threshold", "0.002"] if name in ("model.pt", "history.csv") else []
    one_sentence(runner.invoke(app, ["explain", str(run_copy), "--json", *rebuild]), name)


def test_explain_json_reuses_the_saved_report_without_loading_the_network(run_copy):
    (run_copy / "model.pt").write_bytes(b"damaged, but not needed")
    saved = read_saved_report(run_copy, threshold=1e-3)  # tolerance None: the one the fit chose
    assert saved is not None
    result = runner.invoke(app, ["explain", str(run_copy), "--json"])
    assert result.exit_code == 0 and '"residual_point_group"' in result.output
    assert read_saved_report(run_copy, threshold=0.5) is None  # other options: rebuilt


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_refusing_file_system_is_one_sentence_and_leaves_nothing(
    tmp_path, sample_path, monkeypatch, code
):
    import torch

    def refuse(*args, **kwargs):
        raise OSError(code, __import__("os").strerror(code))

    monkeypatch.setattr(torch, "save", refuse)
    out = tmp_path / "run"
    args = ["fit", str(sample_path("cube_to_cube")), "--out", str(out), "-q", "--epochs", "1"]
    one_sentence(runner.invoke(app, args), "cannot write the run", "nothing was saved")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def signature(run) -> tuple:
    """What must belong together in one run: its config, history, network and data."""
    weights = sum(float(w.detach().abs().sum()) for w in run.network.relaxed_weights())
    points = sum(pair.n_points for pair in run.task.dataset.pairs)
    return run.config["input"]["sha256"], len(run.history), round(weights, 9), points


def test_readers_never_mix_two_runs(fitted_run, tmp_path):
    """A writer swaps two different runs in and out; every load sees one whole run."""
    import tempfile

    from symbreak.run import _move_into_place, run_lock

    sources = [fitted_run("cube_to_prism"), fitted_run("cube_to_cube")]
    expected = {signature(open_run(source)) for source in sources}
    assert len(expected) == 2
    out = tmp_path / "run"
    shutil.copytree(sources[0], out)
    stop = threading.Event()

    def writer():
        with run_lock(out):
            index = 0
            while not stop.is_set():
                index += 1
                staging = Path(tempfile.mkdtemp(prefix=".run.", suffix=".partial", dir=tmp_path))
                shutil.copytree(sources[index % 2], staging, dirs_exist_ok=True)
                config = json.loads((staging / "config.json").read_text())
                config["run_id"] = f"write {index}"  # as write_run: every write is new
                (staging / "config.json").write_text(json.dumps(config))
                _move_into_place(staging, out, overwrite=True)
                time.sleep(1.0)  # real writers replace a run once per fit, seconds apart

    thread = threading.Thread(target=writer)
    thread.start()
    seen, refused = [], 0
    try:
        for _ in range(12):
            try:
                seen.append(signature(open_run(out)))
            except RunError as error:
                assert "kept changing" in str(error)
                refused += 1
    finally:
        stop.set()
        thread.join()
    assert set(seen) <= expected and len(seen) >= 3, (len(seen), refused)


def test_a_saved_report_prints_as_the_rebuilt_one(fitted_run):
    from symbreak.report import Report

    saved = open_run(fitted_run("cube_to_prism")).report()
    again = Report.from_dict(saved).to_dict()
    for key in ("residual_point_group", "data_point_group", "activated_irreps", "verdict",
                "consistent", "irreps", "threshold", "tolerance", "threshold_ladder"):  # fmt: skip
        assert again[key] == saved[key], key
