"""Real distortions in random frames: residual group, convergence and fit time (issue 8).

Published transitions (symbreak.data.published, needs ase + spglib; expected group: spglib's
site symmetry in the child), each centred on every kind of site it has (the catalogue's site
and the others in OTHER_SITES: A and B sites of each perovskite, Si and O of quartz), and
synthetic clusters for every distortion class (polar, chiral,
improper, low), at 1.5 % and 20 % of the nearest-neighbour distance, exact and with Gaussian
noise of 2 % of the smallest displacement.

    python benchmarks/bench_distortions.py [--noise 0.02] [--only BaTiO3,C4v] [--threads 1]

Prints one row per case and a summary; exits 1 if any residual group is wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine  # noqa: E402

SYNTHETIC = ["C4v", "C3v", "C2v", "C4", "C3", "D4", "D3", "D2", "S4", "D2d", "C4h", "S6",
             "C3h", "Cs", "Ci", "C2"]  # fmt: skip
AMPLITUDES = (0.015, 0.2)
#: Name -> (catalogue entry, centre as a child position, radius in Å in a gap between shells).
OTHER_SITES = {
    "BaTiO3_P4mm_Ba": ("BaTiO3_P4mm_Ti", ("Ba", (0, 0, 0)), 4.3),
    "BaTiO3_Amm2_Ba": ("BaTiO3_Amm2_Ti", ("Ba", (0, 0, 0)), 4.3),
    "PbTiO3_P4mm_Ti": ("PbTiO3_P4mm_Pb", ("Ti", (0.5, 0.5, 0.540)), 4.2),
    "LaMnO3_Pnma_La": ("LaMnO3_Pnma_Mn", ("La", (0.0490, 0.25, 0.9922)), 4.3),
    "CaTiO3_Pnma_Ca": ("CaTiO3_Pnma_Ti", ("Ca", (0.0123, 0.25, 0.9916)), 4.3),
    "quartz_P3221_O": ("quartz_P3221_Si", ("O", (0.4135, 0.2669, 0.1191 + 1 / 6)), 4.5),
}


def cases(rng):
    from symbreak.data import published

    frame = lambda: Rotation.random(random_state=rng).as_matrix()  # noqa: E731
    try:
        import ase  # noqa: F401
        import spglib  # noqa: F401

        published_available = True
        for name in published.CASES:
            yield published.published_pair(name, rotation=frame())
    except ImportError:
        published_available = False
        print("ase/spglib absent: published cases skipped")
    for group in SYNTHETIC:
        for amplitude in AMPLITUDES:
            pair = published.symmetric_distortion(group, amplitude, seed=1, rotation=frame())
            yield published.DistortionPair(f"{pair.name}@{amplitude}", pair.source, pair.target,
                                           pair.species, pair.expected_group,
                                           pair.parent_group, pair.citation)  # fmt: skip
    # after the rest, so that their frames (and noise) are those of earlier measurements
    if published_available:
        for name, (entry, site, radius) in OTHER_SITES.items():
            pair = published.published_pair(entry, rotation=frame(), site=site, radius=radius)
            yield dataclasses.replace(pair, name=name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--noise", type=float, default=0.0, help="σ / smallest displacement")
    parser.add_argument("--only", default="", help="comma-separated name fragments")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from symbreak.data import write_pairs
    from symbreak.pipeline import fit_file, open_run
    from symbreak.report import build_report
    from symbreak.trainer import FitOptions

    print(machine(), f"noise {args.noise}")
    rng = np.random.default_rng(7)
    wanted = [w for w in args.only.split(",") if w]
    rows, tmp = [], Path(tempfile.mkdtemp())
    for pair in cases(rng):
        if wanted and not any(w in pair.name for w in wanted):
            continue
        target = pair.target
        if args.noise:
            moved = np.linalg.norm(pair.target - pair.source, axis=1)
            target = target + rng.normal(size=target.shape) * args.noise * moved[moved > 1e-9].min()
        data = tmp / f"{pair.name}.h5"
        write_pairs(data, {"pair": (pair.source, target, list(pair.species))})
        start = time.perf_counter()
        path, result = fit_file(data, tmp / f"run_{pair.name}", FitOptions(), analyse=False)
        wall = time.perf_counter() - start
        report = build_report(open_run(path))
        good = report.residual_group.name == pair.expected_group
        rows.append((good, result.converged_, result.seconds_))
        print(f"{pair.name:26s} N={len(pair.source):2d} expected {pair.expected_group:4s} "
              f"data {report.groups['data'].name:4s} residual {report.residual_group.name:4s} "
              f"{'converged' if result.converged_ else 'NOT converged':13s} "
              f"rel {result.loss_ / result.initial_loss_:.1e} epochs {result.epochs_:3d} "
              f"fit {result.seconds_:5.2f} s (fit_file {wall:5.2f} s) "
              f"{'ok' if good else 'WRONG'} [{', '.join(report.activated_irreps)}]",
              flush=True)  # fmt: skip
    right = sum(g for g, _, _ in rows)
    converged = sum(c for _, c, _ in rows)
    times = sorted(s for _, _, s in rows)
    print(f"right group {right}/{len(rows)}, converged {converged}/{len(rows)}, fit time median "
          f"{np.median(times):.2f} s, max {max(times):.2f} s")  # fmt: skip
    return 0 if right == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
