"""Streaming an extxyz trajectory into the schema (``convert_trajectory``): samples per second.

A sample is one particle in one frame. The file: ``--frames`` frames x 10 atoms with velocities
and a ``time`` key, written by ASE. Run ``python benchmarks/bench_trajectory_formats.py
--frames 100000`` (the issue's size; ``--frames 10000`` for a quick look).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=10_000)
    args = parser.parse_args()
    from ase import Atoms
    from ase.io import write

    from symbreak.data.trajectory_formats import convert_trajectory

    folder = Path(tempfile.mkdtemp())
    rng = np.random.default_rng(0)
    positions = np.cumsum(0.01 * rng.standard_normal((args.frames, 10, 3)), axis=0)
    frames = []
    for k, frame in enumerate(positions):
        atoms = Atoms("H10", positions=frame)
        atoms.info["time"] = 0.1 * k
        frames.append(atoms)
    write(folder / "md.extxyz", frames)
    start = time.perf_counter()
    summary = convert_trajectory(folder / "md.extxyz", folder / "md.h5")
    seconds = time.perf_counter() - start
    samples = summary["frames"] * summary["atoms"]
    print(f"{summary['frames']} frames x {summary['atoms']} atoms in {seconds:.2f} s: "
          f"{samples / seconds:.3g} samples/s ({summary['frames'] / seconds:.3g} frames/s)")


if __name__ == "__main__":
    main()
