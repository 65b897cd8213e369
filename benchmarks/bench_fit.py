"""Time `symbreak fit` on cube_to_prism: the fit alone, and the whole command.

Goal (issue 2): the fit under 2 s and the whole command under 6 s on a 2-core machine,
where the paper's published implementation needs about 100 s for this experiment.

    python benchmarks/bench_fit.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _machine import machine  # noqa: E402


def time_fit(name: str, target: str) -> tuple[float, int, float]:
    from symbreak.data import load_dataset
    from symbreak.tasks.pairs import PairsTask
    from symbreak.trainer import FitOptions, fit

    task = PairsTask(load_dataset(ROOT / "sample_data" / f"{name}.h5"), target)
    start = time.perf_counter()
    result = fit(task, FitOptions.from_flat(target=target))
    return time.perf_counter() - start, result.epochs_, result.loss_ / result.initial_loss_


def time_command(name: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "symbreak",
                "fit",
                str(ROOT / "sample_data" / f"{name}.h5"),
                "--out",
                f"{tmp}/run",
                "--quiet",
            ],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for name, target in [
        ("cube_to_prism", "displacement"),
        ("cube_to_prism", "signal"),
        ("cube_to_cube", "displacement"),
    ]:
        runs = [time_fit(name, target) for _ in range(args.repeats)]
        seconds = statistics.median(r[0] for r in runs)
        print(
            f"fit {name:14s} {target:12s}: {seconds:6.2f} s  ({runs[0][1]} epochs, "
            f"relative loss {runs[0][2]:.1e})"
        )
    commands = [time_command("cube_to_prism") for _ in range(args.repeats)]
    print(
        f"whole `symbreak fit cube_to_prism.h5` command: {statistics.median(commands):.2f} s "
        "(interpreter start, imports, fit, run directory and report.json)"
    )
    print("paper's published implementation, same machine class: about 100 s")


if __name__ == "__main__":
    main()
