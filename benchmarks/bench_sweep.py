"""Scaling of `symbreak sweep`: 24 cube -> prism fits on Ray against the sum of single fits.

The single fits are the same 24 grid points fitted one after another in this process with
torch's default threads (every core: how one fits alone), each timed around
``fit_file`` (fit, run directory, report; interpreter start and imports excluded, which
favours the single fits). The sweep is ``run_sweep`` with its defaults on this machine: one
worker per core, each fitting with one torch thread; its wall time includes starting Ray.
Goal (issue 12): sweep wall time <= 0.65 x the sum of the single fits.

``--stability`` also runs the default-range sweep (l_relaxed 2,4,6 x λ 1e-4,1e-3,1e-2 x 4
seeds) and prints its consensus and the largest direction spread.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "sample_data" / "cube_to_prism.h5"
GOAL = 0.65


def grid():
    from symbreak.sweep import SweepGrid

    return SweepGrid({"l_relaxed": [2, 4, 6], "reg_strength": [1e-4, 1e-2],
                      "seed": [0, 1, 2, 3]})  # fmt: skip


def single_fits(folder: Path, threads: int) -> list[float]:
    import torch

    from symbreak.pipeline import fit_file
    from symbreak.trainer import FitOptions

    torch.set_num_threads(threads)

    seconds = []
    for point in grid().points():
        start = time.perf_counter()
        fit_file(DATA, folder / point.name, FitOptions.from_flat(**point.options))
        seconds.append(time.perf_counter() - start)
    return seconds


def sweep(folder: Path):
    """Wall time and the final state (each point's wall and CPU seconds in its worker)."""
    from symbreak.sweep import run_sweep

    start = time.perf_counter()
    state = run_sweep(DATA, folder, grid())
    return time.perf_counter() - start, state


def stability_check(folder: Path) -> None:
    from symbreak.sweep import SweepGrid, analyse_sweep, run_sweep

    default = SweepGrid({"l_relaxed": [2, 4, 6], "reg_strength": [1e-4, 1e-3, 1e-2],
                         "seed": [0, 1, 2, 3]})  # fmt: skip
    start = time.perf_counter()
    run_sweep(DATA, folder, default)
    wall = time.perf_counter() - start
    result = analyse_sweep(folder)
    spread = max(result.spread.values()) if result.spread else 0.0
    print(f"default-range sweep, {len(default.points())} fits in {wall:.1f} s: "
          f"{'stable' if result.stable else 'UNSTABLE'}, consensus {result.consensus['group']} "
          f"in {result.consensus['agree']}/{result.consensus['runs']} "
          f"({result.consensus['same_domain']} same orientation), largest direction spread "
          f"{spread:.2g} degrees, flags {[f['parameter'] for f in result.flags]}")


def main() -> None:
    from symbreak.sweep import available_cores

    print(machine())
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        totals = {}
        for threads in (available_cores(), 1):
            singles = single_fits(Path(tmp) / f"singles{threads}", threads)
            totals[threads] = sum(singles)
            print(f"single fits, {threads} torch threads, one after another: {len(singles)} "
                  f"fits, sum {totals[threads]:.1f} s (median {sorted(singles)[12]:.2f} s)")
        wall, state = sweep(Path(tmp) / "sweep")
        points = state.points
        threads = {p.get("threads") for p in points.values()}
        cpu = sum(p.get("cpu_seconds", 0.0) for p in points.values())
        busy = sum(p.get("seconds", 0.0) for p in points.values())
        start = state.execution["connect_seconds"]
        print(f"sweep on local Ray ({len(points)} fits, torch threads per fit {threads}): "
              f"wall {wall:.1f} s, of which {start:.1f} s starting Ray; after the start "
              f"{busy / (wall - start):.2f} fits in flight on average, using "
              f"{cpu / (wall - start):.2f} cores ({cpu:.1f} CPU s)")
        ratio = wall / totals[available_cores()]
        print(f"sweep wall / sum of single fits = {ratio:.2f} (goal <= {GOAL}); "
              f"against single-thread single fits {wall / totals[1]:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if "--stability" in sys.argv:
            stability_check(Path(tmp) / "default")
        if ratio > GOAL:
            sys.exit(f"sweep scaling {ratio:.2f} above the goal {GOAL}")


if __name__ == "__main__":
    main()
