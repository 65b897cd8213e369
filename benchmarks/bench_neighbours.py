"""Neighbour lists under periodic boundary conditions: ASE, matscipy and vesin on one cell.

The crystal task builds its graph once per fit, so the list is not on the hot path for the
small cells of a phase transition; the choice still matters for supercells of MD frames. The
cell: 1,000 atoms (a 10 x 10 x 10 simple-cubic supercell, a = 2.5 A, atoms jittered by 0.1 A),
cutoff 5 A (about 33 neighbours per atom). Each library must give the same set of edges.

Run ``python benchmarks/bench_neighbours.py``. Best of 5 after one warm-up call.
"""

from __future__ import annotations

import time

import numpy as np

try:
    from _machine import machine
except ImportError:  # run from elsewhere
    from benchmarks._machine import machine

CUTOFF = 5.0


def _cell() -> tuple[np.ndarray, np.ndarray]:
    grid = np.stack(np.meshgrid(*[np.arange(10)] * 3, indexing="ij"), -1).reshape(-1, 3) * 2.5
    positions = grid + 0.1 * np.random.default_rng(0).standard_normal(grid.shape)
    return positions, 25.0 * np.eye(3)


def _ase(positions, cell):
    from ase import Atoms
    from ase.neighborlist import neighbor_list

    atoms = Atoms("H" * len(positions), positions=positions, cell=cell, pbc=True)
    return neighbor_list("ijS", atoms, CUTOFF)


def _matscipy(positions, cell):
    from ase import Atoms
    from matscipy.neighbours import neighbour_list

    atoms = Atoms("H" * len(positions), positions=positions, cell=cell, pbc=True)
    return neighbour_list("ijS", atoms, CUTOFF)


def _vesin(positions, cell):
    from vesin import NeighborList

    return NeighborList(cutoff=CUTOFF, full_list=True).compute(
        points=positions, box=cell, periodic=True, quantities="ijS"
    )


def _edges(result) -> set:
    i, j, shifts = result
    return set(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), map(tuple, np.asarray(shifts))))


def main() -> None:
    positions, cell = _cell()
    print(f"machine: {machine()}")
    print(f"{len(positions)} atoms, cutoff {CUTOFF} A")
    reference = None
    for name, call in (("ase", _ase), ("matscipy", _matscipy), ("vesin", _vesin)):
        try:
            result = call(positions, cell)
        except ImportError:
            print(f"{name:9s} not installed")
            continue
        times = []
        for _ in range(5):
            start = time.perf_counter()
            call(positions, cell)
            times.append(time.perf_counter() - start)
        edges = _edges(result)
        reference = reference or edges
        same = "same edges" if edges == reference else "DIFFERENT EDGES"
        print(f"{name:9s} {1e3 * min(times):8.2f} ms  {len(edges)} edges  {same}")


if __name__ == "__main__":
    main()
