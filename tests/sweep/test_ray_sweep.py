"""Sweeps on Ray with 2 workers and tiny fits: run directories, resuming, a killed worker,
an existing cluster (``ray start --head``), and the sentence without Ray."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from symbreak.sweep import read_sweep

ray = pytest.importorskip("ray")

TINY = ["--l-relaxed", "2", "--reg-strength", "1e-3", "--epochs", "3"]
RAY_BIN = Path(sys.executable).with_name("ray")


def _symbreak(*args, env=None):
    command = [sys.executable, "-m", "symbreak", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())


def test_local_sweep_writes_runs_and_a_rerun_fits_only_the_missing_point(prism_sweep, tmp_path,
                                                                          sample_path):  # fmt: skip
    import shutil

    from symbreak.pipeline import open_run
    from symbreak.sweep import run_sweep
    from tests.sweep.conftest import PRISM_GRID

    state = read_sweep(prism_sweep)
    assert [p["status"] for p in state.points.values()] == ["done"] * 8
    assert {k: state.execution[k] for k in ("address", "workers", "cpus_per_fit")} == {
        "address": "local", "workers": 2, "cpus_per_fit": 1}
    assert {p["threads"] for p in state.points.values()} == {1}
    for point in PRISM_GRID.points():
        options = open_run(prism_sweep / point.name).options.flat()
        assert {name: options[name] for name in point.values} == point.values
    out = tmp_path / "sweep"
    shutil.copytree(prism_sweep, out)
    missing = "l2_lambda0.01_seed1"
    kept = {p.name: _config(out / p.name)["run_id"] for p in PRISM_GRID.points()
            if p.name != missing}  # fmt: skip
    shutil.rmtree(out / missing)
    seen = []
    run_sweep(sample_path("cube_to_prism"), out, PRISM_GRID, workers=2, on_progress=seen.append)
    assert {name: _config(out / name)["run_id"] for name in kept} == kept  # not refitted
    assert open_run(out / missing).options.optimiser.seed == 1
    assert seen[-1].done == 8 and seen[-1].total == 8


def _start(command):
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_a_fit(out: Path, sweep) -> Path | None:
    """The marker of a point being fitted, once one appears (None if the sweep ended)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sweep.poll() is None:
        for marker in (out / ".running").glob("*"):
            return marker
        time.sleep(0.02)
    return None


def test_a_killed_worker_loses_one_point_ctrl_c_stops_and_the_rerun_finishes(tmp_path,
                                                                             sample_path):
    out = tmp_path / "sweep"
    args = ["sweep", sample_path("cube_to_prism"), "--out", out, "--seeds", "4", "--workers", "2",
            "-q", "--l-relaxed", "2", "--reg-strength", "1e-3", "--epochs", "40"]  # fmt: skip
    command = [sys.executable, "-m", "symbreak", *map(str, args)]
    # 1. kill the Ray worker that is fitting: that point fails, the others finish
    sweep = _start(command)
    killed = None
    while killed is None:
        marker = _wait_for_a_fit(out, sweep)
        assert marker is not None, "no worker was seen fitting"
        try:
            os.kill(json.loads(marker.read_text())["pid"], signal.SIGKILL)
            killed = marker.name
        except (OSError, ValueError, KeyError):
            continue  # the marker was being written or just removed
    printed, errors = sweep.communicate(timeout=300)
    state = read_sweep(out)
    failed = [name for name, p in state.points.items() if p["status"] == "failed"]
    # the worker that was fitting `killed` (or, in a race of microseconds, its next point)
    assert len(failed) == 1 and "worker died" in state.points[failed[0]]["error"]
    assert sweep.returncode == 1 and "1 failed; run the same command again" in printed
    # 2. the rerun fits only that point; Ctrl-C while it fits: exit 130 in one sentence
    sweep = _start(command)
    assert _wait_for_a_fit(out, sweep) is not None
    sweep.send_signal(signal.SIGINT)
    _, errors = sweep.communicate(timeout=120)
    assert sweep.returncode == 130, errors
    assert "interrupted; the finished points stay" in errors and "Traceback" not in errors
    assert sum(p["status"] == "done" for p in read_sweep(out).points.values()) >= 3
    # 3. the next run finishes the sweep
    again = _symbreak(*args)
    assert again.returncode == 0, again.stderr
    assert all(p["status"] == "done" for p in read_sweep(out).points.values())
    assert (out / failed[0] / "model.pt").is_file()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_same_sweep_runs_on_a_cluster_started_with_ray_start(tmp_path, sample_path):
    token = tmp_path / "token"
    token.write_text(uuid.uuid4().hex)
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    port = _free_port()
    head = subprocess.Popen(
        [str(RAY_BIN), "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        out = tmp_path / "sweep"
        result = _symbreak("sweep", sample_path("cube_to_prism"), "--out", out, "--seeds", "2",
                           "-q", "--address", f"127.0.0.1:{port}", *TINY, env=env)  # fmt: skip
        assert result.returncode == 0, result.stderr
        state = read_sweep(out)
        assert state.execution["address"] == f"127.0.0.1:{port}"
        assert state.execution["workers"] == 2  # the cluster's 2 CPUs, one per fit
        assert all(p["status"] == "done" for p in state.points.values())
    finally:
        head.terminate()  # `ray start --block` stops the processes it started on SIGTERM
        head.wait(timeout=60)


def test_without_ray_the_command_says_how_to_install_it(tmp_path, sample_path, monkeypatch):
    from typer.testing import CliRunner

    import symbreak.sweep
    from symbreak.cli import app

    monkeypatch.setattr(symbreak.sweep, "ray_available", lambda: False)
    result = CliRunner().invoke(app, ["sweep", str(sample_path("cube_to_prism")), "--out",
                                      str(tmp_path / "s"), *TINY])  # fmt: skip
    assert result.exit_code == 2
    assert 'pip install "symbreak[sweep]"' in result.output
    assert result.output.count(".") <= 2 and "Traceback" not in result.output
