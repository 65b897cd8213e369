"""Lorentz benchmark: time to accuracy on the sample, and streaming throughput.

Run with ``.venv/bin/python benchmarks/bench_lorentz.py [--threads N] [--samples S]``.

1. *Time to accuracy* on ``sample_data/lorentz.h5`` (10 particles x 1001 frames,
   E = x, B = y): the seconds from the start of the fit until the fields read out of
   the network have cosine >= 0.999 with the truth and magnitudes within 2 %, and the
   time to convergence of the full fit. The paper's implementation needs about 1.2 s
   per epoch on this machine and after 100 epochs is still 25 degrees off.
2. *Throughput* of the streaming mini-batch path: samples per second on a file of
   ``--samples`` (default 10^6) samples, 10 particles, written to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from symbreak.data import load_dataset, make_example
from symbreak.tasks.fields import fitted_fields
from symbreak.tasks.trajectories import TrajectoryTask
from symbreak.trainer import FitOptions, fit

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "lorentz.h5"
TRUTH = (np.array([1.0, 0, 0]), np.array([0, 1.0, 0]))


def accurate(fields) -> bool:
    for found, truth in zip((fields.polar, fields.axial), TRUTH):
        norm = np.linalg.norm(found)
        if norm == 0 or found @ truth / norm < 0.999 or abs(norm - 1) > 0.02:
            return False
    return True


def time_to_accuracy(options: FitOptions) -> dict:
    task = TrajectoryTask.from_dataset(
        load_dataset(SAMPLE), options.trajectories, options.optimiser.seed
    )
    reached: list[float] = []
    start = time.perf_counter()

    def on_epoch(row) -> None:
        if not reached and accurate(fitted_fields(network_of(row), task)):
            reached.append(time.perf_counter() - start)

    # fit() does not hand out the network during the fit; capture it when it is built.
    import symbreak.trainer._trainer as fit_module  # where fit() looks build_network up

    built = {}
    original = fit_module.build_network

    def capture(task_, options_):
        built["network"] = original(task_, options_)
        return built["network"]

    def network_of(_row):
        return built["network"]

    fit_module.build_network = capture
    try:
        result = fit(task, options, on_epoch)
    finally:
        fit_module.build_network = original
    fields = fitted_fields(result.network_, task)
    return {
        "seconds_to_accuracy": reached[0] if reached else float("nan"),
        "seconds_total": result.seconds_,
        "epochs": result.epochs_,
        "relative_loss": result.loss_ / result.initial_loss_,
        "polar": fields.polar.round(6).tolist(),
        "axial": fields.axial.round(6).tolist(),
    }


def throughput(n_samples: int, epochs: int = 1) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.h5"
        start = time.perf_counter()
        make_example("lorentz", path, n_particles=10, n_steps=n_samples // 10 - 1)
        written = time.perf_counter() - start
        options = FitOptions.from_flat(layers=1, l_relaxed=1, epochs=epochs)
        task = TrajectoryTask.from_dataset(
            load_dataset(path), options.trajectories, options.optimiser.seed
        )
        start = time.perf_counter()
        result = fit(task, options)
        seconds = time.perf_counter() - start
        fields = fitted_fields(result.network_, task)
    return {
        "samples": n_samples,
        "streaming": task.streaming,
        "simulate_and_write_s": written,
        "fit_s": seconds,
        "samples_per_s": n_samples * result.epochs_ / seconds,
        "relative_loss": result.loss_ / result.initial_loss_,
        "accurate": accurate(fields),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: see docs)")
    parser.add_argument("--samples", type=int, default=10**6)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"torch threads {torch.get_num_threads()}, load {os.getloadavg()[0]:.1f}"
    )
    for label, options in (
        ("layers=1 l_relaxed=1", FitOptions.from_flat(layers=1, l_relaxed=1)),
        ("layers=1 l_relaxed=4 (defaults)", FitOptions.from_flat(layers=1)),
        ("layers=2 l_relaxed=4, 60 epochs", FitOptions.from_flat(layers=2, epochs=60)),
    ):
        print(f"sample, {label}: {time_to_accuracy(options)}", flush=True)
    print(f"streaming: {throughput(args.samples)}", flush=True)


if __name__ == "__main__":
    main()
