"""Ctrl-C at any moment of `symbreak fit`: one line (or the fit's own summary), exit 130."""

from __future__ import annotations

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
