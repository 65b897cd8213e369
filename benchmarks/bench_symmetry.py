"""Speed of the symmetry engine against the budgets of the symmetry issue.

* stabiliser of a full set of irrep vectors (0e .. 6o, 14 vectors): under 50 ms;
* point group of a ~100-atom cluster (0.01 noise, tolerance 0.1): under 200 ms.

Run ``python benchmarks/bench_symmetry.py`` (``--strict`` exits 1 when a budget is missed).
Times are the best and the median of several repeats after one warm-up call (the warm-up pays
for importing e3nn and caching polynomial coefficients): wall clock, and process CPU time, which
is what to compare on a busy machine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from symbreak.conventions import relaxed_irrep_names
from symbreak.symmetry import named_group, point_group, stabilizer, wigner_D

STABILIZER_BUDGET_S = 0.050
STRUCTURE_BUDGET_S = 0.200


def _timed(call: Callable[[], object], repeats: int) -> tuple[float, float, float, object]:
    """Best wall time, median wall time, best CPU time (s) and the result."""
    result = call()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), float(np.median(wall)), min(cpu), result


def _irrep_vectors(group_name: str, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    group = named_group(group_name)
    vectors = {}
    for name in relaxed_irrep_names(6):
        reynolds = wigner_D(name, group.elements).mean(axis=0)
        vectors[name] = reynolds @ rng.normal(size=len(reynolds))
    return vectors


def _orbit(group_name: str, point) -> np.ndarray:
    """The images of one point under a named group (distinct ones)."""
    images = named_group(group_name).elements @ np.asarray(point, dtype=float)
    return np.unique(np.round(images, 9), axis=0)


def _clusters(seed: int) -> dict[str, tuple[np.ndarray, list[str]]]:
    rng = np.random.default_rng(seed)
    oh_seeds = ([1.0, 0.4, 2.2], [1.5, 0.6, 0.0], [1.5, 1.5, 0.0], [1, 1, 1], [0, 0, 1.7])
    oh = [_orbit("Oh", p) for p in oh_seeds]
    golden = (1 + 5**0.5) / 2  # C60-like (60), dodecahedron (20) and icosahedron (12) shells
    ih_seeds = ([0.0, 0.5, 1.5 * golden], [1.0, 1.0, 1.0], [0.0, 0.6, 0.6 * golden])
    ih = [_orbit("Ih", p) for p in ih_seeds]
    random_positions = rng.uniform(-4, 4, size=(100, 3))
    clusters = {
        "random, 100 atoms (C1)": (random_positions, ["C"] * 100),
        "Oh cluster, 99 atoms": (np.vstack(oh + [np.zeros((1, 3))]), ["C"] * 98 + ["X"]),
        "Ih cluster, 92 atoms": (1.5 * np.vstack(ih), ["C"] * 92),
    }
    return {name: (positions + 0.01 * rng.normal(size=positions.shape), species)
            for name, (positions, species) in clusters.items()}  # fmt: skip


def _row(case: str, best: float, median: float, cpu: float, budget: float, name: str) -> None:
    cells = [f"{1e3 * t:7.1f}" for t in (median, cpu, budget)]
    print(f"{case:48s} {1e3 * best:8.1f} {' '.join(cells)}  {name}")


def main(strict: bool = False) -> dict[str, float]:
    """Run the benchmark, print a table, return the best CPU time in seconds by case."""
    results: dict[str, float] = {}
    print(f"{'case':48s} {'best ms':>8s} {'median':>7s} {'cpu ms':>7s} {'budget':>7s}  result")
    for group_name in ("C1", "D6h", "Oh", "Ih"):
        vectors = _irrep_vectors(group_name, 0)
        best, median, cpu, found = _timed(lambda v=vectors: stabilizer(v), repeats=15)
        case = f"stabilizer, 0e..6o invariant under {group_name}"
        results[case] = cpu
        _row(case, best, median, cpu, STABILIZER_BUDGET_S, found.name)
    for case, (positions, species) in _clusters(0).items():
        best, median, cpu, found = _timed(
            lambda p=positions, s=species: point_group(p, s, tolerance=0.1), repeats=5
        )
        results[f"point group, {case}"] = cpu
        _row(f"point group, {case}", best, median, cpu, STRUCTURE_BUDGET_S, found.name)
    budget = {k: STABILIZER_BUDGET_S if k.startswith("stabilizer") else STRUCTURE_BUDGET_S
              for k in results}  # fmt: skip
    over = [k for k, v in results.items() if v > budget[k]]
    if over:
        print("over budget:", ", ".join(over))
        if strict:
            sys.exit(1)
    return results


if __name__ == "__main__":
    main(strict="--strict" in sys.argv)
