"""Crystal pairs from published structures: residual point group, convergence and fit time.

Each case of ``symbreak.data.published`` is written as two ASE ``.traj`` files, parent and
child, each in its own random frame with the child's atoms shuffled (as a user's CIF pair
would come), and fitted through ``fit_file`` with the default options. The expected answer is
spglib's crystal class of the child alone (an independent oracle). Issue 11's goal: at most
5 s per fit for cells of up to 40 atoms on a 2-core machine.

    python benchmarks/bench_crystals.py [--seeds 3] [--noise 0.002] [--only SrTiO3] [--format cif]

``--noise`` adds Gaussian noise of that many length units to the child's positions; the
symmetry tolerance is then spglib's default symprec unless ``--tolerance`` is given.
Prints one row per fit and a summary; exits 1 if any residual group is wrong.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine  # noqa: E402


def child_class(child) -> str:
    """spglib's crystal class of the child, as a Schoenflies name."""
    import spglib

    from symbreak.data.published import schoenflies_name

    cell = (np.asarray(child.cell), child.get_scaled_positions(), child.numbers)
    return schoenflies_name(spglib.get_symmetry_dataset(cell, symprec=1e-3).pointgroup)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3, help="random frames per case")
    parser.add_argument("--noise", type=float, default=0.0, help="σ of the child's positions")
    parser.add_argument("--tolerance", type=float, default=None, help="symmetry tolerance")
    parser.add_argument("--only", default="", help="comma-separated name fragments")
    parser.add_argument("--format", default="traj", choices=["traj", "cif", "vasp", "extxyz"],
                        help="file format of parent and child (ASE writes them)")
    args = parser.parse_args()
    from ase.io import read, write

    from symbreak.data.formats import load_input
    from symbreak.data.published import CASES, write_crystal_pair
    from symbreak.pipeline import fit_file
    from symbreak.run import load_run
    from symbreak.trainer import FitOptions

    print(machine(), f"noise {args.noise}")
    wanted = [w for w in args.only.split(",") if w]
    rows, tmp = [], Path(tempfile.mkdtemp())
    rng = np.random.default_rng(11)
    for name in CASES:
        if wanted and not any(w in name for w in wanted):
            continue
        for seed in range(args.seeds):
            folder = tmp / f"{name}_{seed}"
            folder.mkdir()
            parent_path, child_path, child = write_crystal_pair(folder, name, seed)
            expected = child_class(child)
            if args.noise:
                noisy = read(child_path)
                noisy.positions += rng.normal(size=noisy.positions.shape) * args.noise
                write(child_path, noisy)
            if args.format != "traj":  # the same structures as a user's files of that format
                paths = []
                for path in (parent_path, child_path):
                    paths.append(path.with_suffix("." + args.format))
                    write(paths[-1], read(path), format=args.format)
                parent_path, child_path = paths
            dataset = load_input([parent_path, child_path])
            options = FitOptions.from_flat(symmetry_tolerance=args.tolerance)
            start = time.perf_counter()
            path, result = fit_file(parent_path, folder / "run", options, dataset=dataset)
            wall = time.perf_counter() - start
            report = load_run(path).saved_report
            good = report["residual_point_group"] == expected
            rows.append((good, result.converged_, result.seconds_))
            print(f"{name:18s} seed {seed} atoms {len(child):2d} expected {expected:4s} "
                  f"data {report['data_point_group']:4s} "
                  f"residual {report['residual_point_group']:4s} "
                  f"{'converged' if result.converged_ else 'NOT converged':13s} "
                  f"rel {result.loss_ / result.initial_loss_:.1e} epochs {result.epochs_:3d} "
                  f"fit {result.seconds_:5.2f} s (with report {wall:5.2f} s) "
                  f"{'ok' if good else 'WRONG'}", flush=True)  # fmt: skip
    right = sum(g for g, _, _ in rows)
    converged = sum(c for _, c, _ in rows)
    times = sorted(s for _, _, s in rows)
    print(f"right group {right}/{len(rows)}, converged {converged}/{len(rows)}, fit time median "
          f"{np.median(times):.2f} s, max {max(times):.2f} s")  # fmt: skip
    return 0 if right == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
