"""Trajectories from MD files: the whole fit (read, pair forces, the data's fields, network)
of LAMMPS dumps, and a large dump streamed with bounded memory.

    python benchmarks/bench_md.py FILE...            # dumps made by scripts/make_md_testset.py
    python benchmarks/bench_md.py --large 1000 1000  # writes a seeded dump in /tmp first

``--large N T`` writes N charged particles x T frames (a numpy Boris integration of uniform
E and B with a Langevin step: no pair forces, so writing 10^6 rows takes seconds) as a LAMMPS
text dump in a temporary folder, then times the whole fit with ``--epochs`` passes
(streamed: more samples than the task fits in memory). It prints the peak resident memory of
this process (``resource.getrusage``, torch included) and the samples per second of the
network's passes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# one BLAS thread, as torch gets: on the shared 2-core machine OpenBLAS's default threads
# made a (135k x 68) Gram matrix 30x slower (3 s against 0.1 s)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine  # noqa: E402
from symbreak.data.formats import load_input  # noqa: E402
from symbreak.pipeline import fit_file  # noqa: E402
from symbreak.trainer import FitOptions  # noqa: E402


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_large_dump(path: Path, n: int, frames: int, seed: int = 0) -> None:
    """N particles (two species, charges +1 and -1) in E and B with drag and noise, written
    frame by frame as ``dump custom ... id type mass xu yu zu vx vy vz``."""
    rng = np.random.default_rng(seed)
    E, B, gamma, step, every = np.array([0.3, 0.1, 0.5]), np.array([0.0, 0.8, 0.2]), 0.1, 0.01, 5
    charge = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
    x, v = rng.uniform(0, 50, size=(n, 3)), rng.normal(size=(n, 3))
    ids = np.arange(1, n + 1)
    kinds = (np.arange(n) % 2 + 1)
    with open(path, "w") as handle:
        for frame in range(frames):
            handle.write(f"ITEM: TIMESTEP\n{frame * every}\nITEM: NUMBER OF ATOMS\n{n}\n"
                         "ITEM: BOX BOUNDS ff ff ff\n0 50\n0 50\n0 50\n"
                         "ITEM: ATOMS id type mass xu yu zu vx vy vz\n")  # fmt: skip
            table = np.column_stack([ids, kinds, np.ones(n), x, v])
            np.savetxt(handle, table, fmt=["%d", "%d", "%g"] + ["%.10g"] * 6)
            for _ in range(every):  # Boris with a Langevin kick (Birdsall & Langdon, ch. 4)
                half = v + 0.5 * step * charge * E
                t = 0.5 * step * charge * B
                s = 2 * t / (1 + np.sum(t**2, axis=1, keepdims=True))
                rotated = half + np.cross(half + np.cross(half, t), s)
                v = rotated + 0.5 * step * charge * E
                v = v * np.exp(-gamma * step) + np.sqrt(1 - np.exp(-2 * gamma * step)) \
                    * rng.normal(size=v.shape)  # fmt: skip
                x = x + step * v


def time_fit(path: str, options: FitOptions) -> None:
    start = time.perf_counter()
    dataset = load_input([path])
    read = time.perf_counter() - start
    read_rss = _peak_rss_mib()
    with tempfile.TemporaryDirectory() as folder:
        _, result = fit_file(path, Path(folder) / "run", options, dataset=dataset,
                             analyse=False)  # fmt: skip
    total = time.perf_counter() - start
    epochs = result.epochs_ if hasattr(result, "epochs_") else None
    epochs = epochs or options.optimiser.epochs
    fit_seconds = total - read
    print(f"{Path(path).name}: {dataset.n_samples:,} samples, read {read:.2f} s, "
          f"read + prepare + fit {total:.2f} s; prepare + fit {fit_seconds:.2f} s "
          f"({dataset.n_samples * epochs / fit_seconds:,.0f} samples/s over {epochs} "
          f"epoch(s)); peak RSS {read_rss:.0f} MiB after reading, {_peak_rss_mib():.0f} MiB "
          "in all")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--large", nargs=2, type=int, metavar=("N", "T"))
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    flat = {} if args.epochs is None else {"epochs": args.epochs}
    options = FitOptions.from_flat(**flat)
    files = list(args.files)
    folder = None
    if args.large:
        folder = tempfile.TemporaryDirectory(prefix="symbreak-bench-")
        path = Path(folder.name) / f"large_{args.large[0]}x{args.large[1]}.lammpstrj"
        start = time.perf_counter()
        write_large_dump(path, *args.large)
        print(f"wrote {path.name} ({path.stat().st_size / 2**20:.0f} MiB) in "
              f"{time.perf_counter() - start:.1f} s; peak RSS {_peak_rss_mib():.0f} MiB")
        files.append(str(path))
    for path in files:
        time_fit(path, options)
    if folder is not None:
        folder.cleanup()


if __name__ == "__main__":
    main()
