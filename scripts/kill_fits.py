"""Kill, interrupt and race real `symbreak fit` processes; check what they leave behind.

    python scripts/kill_fits.py [--kills 20] [--interrupts 10] [--races 3] [--seed 0]

- kill -9: a fit (replacing the previous run with --force) gets SIGKILL at a random moment
  of its life. Afterwards the --out either does not exist or is a run that load_run accepts
  and whose config matches a finished fit; staging leftovers are counted, and the next fit
  with the same --out must remove them and say so.
- Ctrl-C: SIGINT at a random moment: exit 130 (or 0 if it finished), at most one line on
  stderr, never a traceback.
- races: two fits with the same new --out at once: exactly one writes the run, the other
  exits 2 with one sentence.

Results go to stdout as a summary (recorded in docs/reliability.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYMBREAK = [sys.executable, "-m", "symbreak"]
SAMPLE = ROOT / "sample_data" / "cube_to_prism.h5"
FIT = ["--quiet", "--epochs", "30"]


def fit_command(out: Path, *extra: str) -> list[str]:
    return [*SYMBREAK, "fit", str(SAMPLE), "--out", str(out), *FIT, *extra]


def leftovers(out: Path) -> list[str]:
    """Staging and set-aside folders beside ``out`` (a stale .lock file is harmless)."""
    from symbreak._run_dir import _leftover_pattern

    pattern = _leftover_pattern(out)
    return sorted(p.name for p in out.parent.iterdir() if pattern.fullmatch(p.name))


def check_run(out: Path) -> str:
    """'absent', 'complete', or a description of what is wrong."""
    if not out.exists():
        return "absent"
    from symbreak.errors import RunError
    from symbreak.run import load_run

    try:
        run = load_run(out)
    except RunError as error:
        return f"refused by load_run: {error}"
    if "fit" not in run.config or not run.history:
        return "accepted by load_run but incomplete"
    return "complete"


def timed_fit_seconds(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(fit_command(folder / "timing"), check=True, capture_output=True)
    return time.perf_counter() - start


def kill_nine(folder: Path, kills: int, lifetime: float, rng: random.Random) -> dict:
    out = folder / "run"
    outcomes: dict[str, int] = {}
    staged = cleaned = 0
    for _ in range(kills):
        process = subprocess.Popen(
            fit_command(out, "--force"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # half the kills anywhere, half in the last fifth of the life, where the run is written
        start = 0.0 if rng.random() < 0.5 else 0.8 * lifetime
        time.sleep(rng.uniform(start, 1.05 * lifetime))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = check_run(out)
        outcomes[state] = outcomes.get(state, 0) + 1
        if leftovers(out):
            staged += 1
            result = subprocess.run(fit_command(out, "--force"), capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            assert "removed" in result.stderr, result.stderr
            assert leftovers(out) == [], leftovers(out)
            cleaned += 1
    bad = {k: v for k, v in outcomes.items() if k not in ("absent", "complete")}
    return {"kills": kills, "outcomes": outcomes, "left staging": staged,
            "cleaned by next fit": cleaned, "bad": bad}  # fmt: skip


def interrupts(folder: Path, count: int, lifetime: float, rng: random.Random) -> dict:
    out = folder / "interrupted"
    results: dict[str, int] = {}
    problems = []
    for _ in range(count):
        process = subprocess.Popen(
            fit_command(out, "--force"), stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        moment = rng.uniform(0.0 if rng.random() < 0.5 else 0.8 * lifetime, 1.05 * lifetime)
        time.sleep(moment)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
        results[f"exit {process.returncode}"] = results.get(f"exit {process.returncode}", 0) + 1
        lines = [line for line in stderr.splitlines() if line.strip()]
        if "Traceback" in stderr or len(lines) > 1 or process.returncode not in (0, 130):
            problems.append({"at_s": round(moment, 2), "rc": process.returncode, "stderr": stderr,
                             "stdout": stdout[-200:]})  # fmt: skip
        state = check_run(out)
        if state not in ("absent", "complete"):
            problems.append({"at_s": round(moment, 2), "run": state})
    return {"interrupts": count, "results": results, "problems": problems}


def races(folder: Path, count: int) -> dict:
    problems = []
    for index in range(count):
        out = folder / f"race{index}"
        processes = [
            subprocess.Popen(fit_command(out), stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        outputs = [(p.wait(), p.stderr.read()) for p in processes]
        codes = sorted(code for code, _ in outputs)
        loser = next((err for code, err in outputs if code == 2), "")
        if codes != [0, 2] or len(loser.strip().splitlines()) != 1 or check_run(out) != "complete":
            problems.append({"codes": codes, "stderr": [err for _, err in outputs]})
        else:
            print(f"  race {index}: loser said: {loser.strip()}")
    return {"races": count, "problems": problems}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--interrupts", type=int, default=10)
    parser.add_argument("--races", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="symbreak-kill-"))
    try:
        lifetime = timed_fit_seconds(folder)
        print(f"one fit takes {lifetime:.1f} s; signals land uniformly in [0, {lifetime:.1f}] s")
        summary = {
            "fit_seconds": round(lifetime, 2),
            "kill -9": kill_nine(folder, args.kills, lifetime, rng),
            "ctrl-c": interrupts(folder, args.interrupts, lifetime, rng),
            "races": races(folder, args.races),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(summary, indent=2))
    failed = summary["kill -9"]["bad"] or summary["ctrl-c"]["problems"]
    sys.exit(1 if failed or summary["races"]["problems"] else 0)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
