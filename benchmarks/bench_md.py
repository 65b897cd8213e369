"""Trajectories from MD files: the whole fit (read, pair forces, the data's fields, network)
of a LAMMPS dump made by ``scripts/make_md_testset.py``.

    python benchmarks/bench_md.py /tmp/md/dense_cluster_weak_E.lammpstrj.gz
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine  # noqa: E402
from symbreak.data.formats import load_input  # noqa: E402
from symbreak.trainer import FitOptions  # noqa: E402
from symbreak.pipeline import fit_file  # noqa: E402


def main() -> None:
    torch.set_num_threads(1)
    print(machine())
    for path in sys.argv[1:]:
        start = time.perf_counter()
        dataset = load_input([path])
        read = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as folder:
            fit_file(path, Path(folder) / "run", FitOptions.from_flat(), dataset=dataset,
                     analyse=False)  # fmt: skip
        total = time.perf_counter() - start
        print(f"{Path(path).name}: {dataset.n_samples} samples, read {read:.2f} s, "
              f"read + prepare + fit {total:.2f} s")


if __name__ == "__main__":
    main()
