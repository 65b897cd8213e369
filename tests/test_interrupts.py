"""Ctrl-C at any moment of `symbreak fit`: one line (or the fit's own summary), exit 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize("moment", [0.3, 0.8, 2.0])  # s; before ~0.05 s Python itself starts
def test_ctrl_c_during_start_up_and_fit(tmp_path, sample_path, moment):
    command = [sys.executable, "-m", "symbreak", "fit", str(sample_path("cube_to_prism")),
               "--out", str(tmp_path / "run"), "-q"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(moment)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode in (0, 130), (process.returncode, stderr)
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) <= 1, stderr
    if process.returncode == 130:
        assert "interrupted" in stderr + stdout


_BROKEN = """
import sys
import symbreak.cli
def broken(*args, **kwargs):
    raise RuntimeError("131 rotations do not form a point group")
import symbreak.options
symbreak.options.FitOptions.from_flat = broken  # the check of the options, before torch loads
sys.argv = ["symbreak", "fit", sys.argv[1], "--out", sys.argv[2]]
from symbreak.__main__ import main
main()
"""


@pytest.mark.parametrize("debug", ["", "1"])
def test_a_bug_is_one_line_unless_debugging(tmp_path, sample_path, debug):
    import os

    command = [sys.executable, "-c", _BROKEN, str(sample_path("cube_to_cube")), str(tmp_path / "r")]
    env = {**os.environ, "SYMBREAK_DEBUG": debug}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    if debug:
        assert "Traceback" in result.stderr
    else:
        assert result.stderr.startswith("symbreak: internal error (RuntimeError: 131 rotations")
        assert len(result.stderr.splitlines()) == 1


def test_blas_threads_are_the_free_cores_unless_the_user_chose(monkeypatch):
    # OpenBLAS reads its thread count once, when numpy loads it: __main__ sets it first, as the
    # fit's torch threads are chosen (cores minus the 1-minute load), and leaves a user's alone
    from symbreak.__main__ import _pin_blas_threads

    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.8, 0.0, 0.0))
    _pin_blas_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 0.0, 0.0))
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    _pin_blas_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    _pin_blas_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    _pin_blas_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    _pin_blas_threads()
    assert "OPENBLAS_NUM_THREADS" not in os.environ
