"""`symbreak modes` beside CrystOD on the eight published transitions: whole-process time and
agreement.

For each transition the parent and child are written as CIF files (the child in the published
cell, the parent as its aristotype or published phase), then, one run each, interleaved so
that both see the same machine load:

    crystod-group --supergroup-cif PARENT --subgroup-cif CHILD --no-files
    python -m symbreak modes PARENT CHILD --json

Prints the wall time of each whole process, their ratio (the goal: at most 0.5), and whether
the modes of 0.01 A or more agree (same labels, amplitudes within max(3 %, 0.005 A)).
Exits 1 on a disagreement or a ratio above 0.5.

    python benchmarks/bench_modes.py [--only CaTiO3] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TRANSITIONS = ["BaTiO3_P4mm_Ti", "BaTiO3_Amm2_Ti", "PbTiO3_P4mm_Pb", "SrTiO3_I4mcm_Ti",
               "KCuF3_I4mcm_K", "CaTiO3_Pnma_Ti", "LaMnO3_Pnma_Mn", "quartz_P3221_Si"]  # fmt: skip


def write_pair(folder: Path, name: str) -> tuple[Path, Path]:
    from ase.io import read, write

    from symbreak.data.published import write_crystal_pair

    paths = []
    for path in write_crystal_pair(folder, name, seed=0)[:2]:
        paths.append(path.with_suffix(".cif"))
        write(paths[-1], read(path))
    return paths[0], paths[1]


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=cwd)
    return time.perf_counter() - start, out.stdout


def crystod_table(text: str) -> dict[str, float]:
    table = text.split("* Symmetry-mode decomposition *")[1].split("\n\n")[0]
    found = {}
    for line in table.splitlines()[2:]:
        match = re.match(r"\s*\(\S+\)\s+(\S+)\s+.*\s([0-9.]+)\s*$", line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def agree(ours: dict[str, float], theirs: dict[str, float]) -> bool:
    ours = {k: v for k, v in ours.items() if v >= 0.01}
    theirs = {k: v for k, v in theirs.items() if v >= 0.01}
    return ours.keys() == theirs.keys() and all(
        abs(ours[k] - v) <= max(0.03 * v, 0.005) for k, v in theirs.items())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated name fragments")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, best kept")
    args = parser.parse_args()
    crystod = Path(sys.executable).parent / "crystod-group"
    print(machine())
    folder = Path(tempfile.mkdtemp())
    failures = 0
    for name in TRANSITIONS:
        if args.only and not any(w in name for w in args.only.split(",")):
            continue
        parent, child = write_pair(folder, name)
        theirs_times, ours_times = [], []
        for _ in range(args.repeat):
            seconds, text = timed([str(crystod), "--supergroup-cif", str(parent),
                                   "--subgroup-cif", str(child), "--no-files"], folder)  # fmt: skip
            theirs_times.append(seconds)
            seconds, output = timed([sys.executable, "-m", "symbreak", "modes", str(parent),
                                     str(child), "--json"], ROOT)  # fmt: skip
            ours_times.append(seconds)
        ours = {m["label"]: m["amplitude"] for m in json.loads(output)["modes"]}
        same = agree(ours, crystod_table(text))
        ratio = min(ours_times) / min(theirs_times)
        failures += (not same) or ratio > 0.5
        top = ", ".join(f"{k} {v:.4f}" for k, v in ours.items() if v >= 0.01)
        print(f"{name:16s} CrystOD {min(theirs_times):5.2f} s  symbreak {min(ours_times):5.2f} s  "
              f"ratio {ratio:4.2f}  {'agree' if same else 'DISAGREE'}  {top}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
