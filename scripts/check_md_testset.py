"""Fit every file of a ``make_md_testset.py`` set and compare the groups with the truth.

    python scripts/check_md_testset.py /tmp/md --jobs 1

Prints one line per file: the residual group, the data's group, |cos| between the field read
out (data's and network's) and the true field axis, and whether the answer is right: C∞v
along the field (|cos| >= 0.999) with E or gravity, C∞ for E ∥ B, O(3) with no field.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

EXPECTED = {None: "O3", "E": "Cinfv", "gravity": "Cinfv", "E parallel B": "Cinf"}


def _cos(vector, axis) -> float:
    vector = np.asarray(vector, float)
    norm = np.linalg.norm(vector)
    return float(abs(vector @ axis) / norm) if norm else 0.0


def check(path: Path, truth: dict, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "run"
        start = time.perf_counter()
        fit = subprocess.run([sys.executable, "-m", "symbreak", "fit", str(path), "--out",
                              str(run), *extra], capture_output=True, text=True)  # fmt: skip
        seconds = time.perf_counter() - start
        if fit.returncode:
            return {"file": path.name, "error": (fit.stderr or fit.stdout).strip()[-300:]}
        shown = subprocess.run([sys.executable, "-m", "symbreak", "explain", str(run), "--json"],
                               capture_output=True, text=True, check=True)  # fmt: skip
    report = json.loads(shown.stdout)
    fields = report.get("fields") or {}
    residual = report["groups"]["residual"]["name"]
    row = {"file": path.name, "residual": residual, "data": fields.get("data", {}).get("group"),
           "seconds": round(seconds, 1), "relative_loss": report["fit"]["loss"]
           / max(report["fit"]["initial_loss"], 1e-300)}  # fmt: skip
    ok = residual == EXPECTED[truth["kind"]]
    if truth["field"] is not None:
        axis = np.asarray(truth["field"])
        row["cos_net"] = round(_cos(fields.get("polar", [0, 0, 0]), axis), 5)
        row["cos_data"] = round(_cos(fields.get("data", {}).get("polar", [0, 0, 0]), axis), 5)
        ok = ok and row["cos_net"] >= 0.999
    row["ok"] = ok
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--extra", default="")
    args = parser.parse_args()
    cases = json.loads((args.folder / "cases.json").read_text())
    rows = []
    for truth in cases.values():
        for key in ("file", "extxyz"):
            if key in truth:
                rows.append(check(args.folder / truth[key], truth, args.extra.split()))
                print(json.dumps(rows[-1]), flush=True)
    print(f"{sum(r.get('ok', False) for r in rows)}/{len(rows)} right")


if __name__ == "__main__":
    main()
