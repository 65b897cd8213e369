"""The whole `symbreak fit` and `symbreak explain` commands against the torch floor (issue 21).

Each round runs, one after the other: the bare ``python -c "import torch"`` (the floor), the
whole ``symbreak fit cube_to_prism.h5`` command, ``symbreak explain`` on the saved run (rich
tables) and ``explain --json``. Rounds alternate, so a machine whose speed drifts moves every
command alike; medians are printed, and the fit's excess over the floor is taken round by
round. Then the same rounds beside one busy process (``while 1: pass``), to see what shared
cores cost.

Goals: the fit command within 1.0 s of the floor, explain under 0.5 s, and beside one busy
process no fit slower than 1.2x idle (the fit itself, read from the run's ``config.json``, is
printed beside the whole commands).

    python benchmarks/bench_command.py [--rounds 7] [--no-busy]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _machine import machine  # noqa: E402


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``command``."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def commands(run: str) -> dict[str, list[str]]:
    python = sys.executable
    data = str(ROOT / "sample_data" / "cube_to_prism.h5")
    return {
        "import torch": [python, "-c", "import torch"],
        "fit": [python, "-m", "symbreak", "fit", data, "--out", run, "--force", "--quiet"],
        "explain": [python, "-m", "symbreak", "explain", run],
        "explain --json": [python, "-m", "symbreak", "explain", run, "--json"],
    }


def rounds(count: int) -> dict[str, list[tuple[float, float]]]:
    with tempfile.TemporaryDirectory() as tmp:
        todo = commands(f"{tmp}/run")
        subprocess.run(todo["fit"], check=True, capture_output=True, cwd=ROOT)  # warm caches
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in todo}
        times[FIT_ITSELF] = []
        for _ in range(count):
            for name, command in todo.items():
                times[name].append(timed(command))
                if name == "fit":  # the fit alone, as the run records it (no start-up)
                    config = json.loads(Path(tmp, "run", "config.json").read_text())
                    seconds = float(config["fit"]["seconds"])
                    times[FIT_ITSELF].append((seconds, seconds))
        return times


#: The fit's own seconds (``config.json``), beside the whole commands' wall times.
FIT_ITSELF = "fit itself"


def summary(label: str, times: dict[str, list[tuple[float, float]]]) -> dict[str, float]:
    print(f"-- {label}: medians of {len(times['fit'])} alternated rounds (wall s / cpu s)")
    medians = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = wall
        print(f"   {name:16s} {wall:6.2f} / {cpu:5.2f}")
    excess = [f[0] - t[0] for f, t in zip(times["fit"], times["import torch"])]
    print(f"   fit - import torch, round by round: median {statistics.median(excess):+.2f} s "
          f"(goal <= +1.0 s)")  # fmt: skip
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-busy", action="store_true", help="skip the busy-neighbour rounds")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {machine()}; 1-minute load before: {load:.2f}")
    idle = summary("idle", rounds(args.rounds))
    if args.no_busy:
        return
    busy_process = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
    try:
        busy = summary("beside one busy process", rounds(args.rounds))
    finally:
        busy_process.kill()
        busy_process.wait()
    for name in idle:
        print(f"   {name:16s} busy / idle {busy[name] / idle[name]:.2f} (goal <= 1.2)")


if __name__ == "__main__":
    main()
