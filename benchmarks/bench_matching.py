"""Atom matching of finite pairs (issue 16): time added to a fit, and correspondences right.

Every published cluster (symbreak.data.published, 21-33 atoms) and synthetic clusters of up to
60 atoms, the target's atoms shuffled within species, in the source's random frame and in a
frame of its own, exact and with 0.003 A of noise. A correspondence is right when the matched
target is the true one row for row (same frame) or leaves the true aligned RMS displacement
(own frame). Goal: at most 0.2 s for a 40-atom pair.

    python benchmarks/bench_matching.py
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine  # noqa: E402

from symbreak.data._alignment import kabsch  # noqa: E402
from symbreak.data.matching import match_pair_atoms  # noqa: E402
from symbreak.data.published import CASES, published_pair  # noqa: E402


def _shuffle(species, rng):
    species = np.asarray(species)
    order = np.arange(len(species))
    for name in np.unique(species):
        members = np.flatnonzero(species == name)
        order[members] = rng.permutation(members)
    return order


def _aligned_rmsd(source, target):
    s, t = source - source.mean(axis=0), target - target.mean(axis=0)
    rotation = kabsch(s, t)
    return float(np.sqrt(np.mean(np.sum((s @ rotation.T - t) ** 2, axis=1))))


def _cases():
    rng = np.random.default_rng(0)
    for name in CASES:
        pair = published_pair(name)
        yield name, pair.source, pair.target, pair.species
    for count in (40, 60):  # random clusters: two species, displacements of 0.1
        points = rng.uniform(-1, 1, (count * 4, 3))
        points = points[np.linalg.norm(points, axis=1) < 1][:count] * count ** (1 / 3) * 1.2
        species = ["A" if k % 3 else "B" for k in range(len(points))]
        yield f"random{len(points)}", points, points + rng.normal(0, 0.1, points.shape), species


def main() -> int:
    print(machine())
    rng = np.random.default_rng(1)
    rows, times, wrong = [], [], 0
    for name, source, target, species in _cases():
        for noise in (0.0, 0.003):
            for own_frame in (False, True):
                turn = Rotation.random(random_state=rng).as_matrix()
                s, t = source @ turn.T, target @ turn.T + rng.normal(0, noise, target.shape)
                order = _shuffle(species, rng)
                given = t[order]
                if own_frame:
                    own = Rotation.random(random_state=rng).as_matrix()
                    given = (given - given.mean(0)) @ own.T
                start = time.perf_counter()
                match = match_pair_atoms(s, given, species)
                times.append(time.perf_counter() - start)
                if own_frame:
                    right = abs(match.rmsd_after - _aligned_rmsd(s, t)) < 1e-9
                else:
                    right = np.array_equal(order[match.permutation], np.arange(len(order)))
                wrong += not right
                rows.append((name, len(s), noise, own_frame, times[-1], right))
    for name, n, noise, own, seconds, right in rows:
        frame = "own frame" if own else "same frame"
        print(f"{name:22s} {n:3d} atoms  noise {noise:.3f}  {frame:10s} {1e3 * seconds:7.2f} ms"
              f"  {'right' if right else 'WRONG'}")
    forty = [seconds for _, n, *_, seconds, _ in rows if 30 <= n <= 45]
    print(f"{len(rows) - wrong}/{len(rows)} right; median {1e3 * np.median(times):.2f} ms, "
          f"max {1e3 * max(times):.2f} ms; 30-45 atoms max {1e3 * max(forty):.2f} ms")
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
