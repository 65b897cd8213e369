"""The answers of a benchmark set as JSON, so that two checkouts can be compared (issue 18).

Three steps, so that every checkout fits the very same input files:

    python benchmarks/compare_answers.py make distortions /tmp/ans/dist   # inputs, cases.json
    python benchmarks/compare_answers.py make distortions /tmp/ans/noisy --noise 0.02
    python benchmarks/compare_answers.py make crystals /tmp/ans/cryst [--seeds 3] [--noise 0.002]
    python benchmarks/compare_answers.py make lorentz /tmp/ans/lorentz
    python benchmarks/compare_answers.py make md /tmp/ans/md --from /tmp/md  # make_md_testset.py's
    python benchmarks/compare_answers.py run /tmp/ans/dist before.json --checkout /work/old
    python benchmarks/compare_answers.py compare before.json after.json

``make`` writes the inputs the benchmark scripts fit (bench_distortions.py's clusters and noise
draws, bench_crystals.py's cell pairs, the Lorentz sample, the MD files) with this checkout.
``run`` fits each case with the ``symbreak`` of ``--checkout`` (default: this one) through
``fit_file`` with the default options and keeps, per case, what the report answers: every
group, the activated and predicted irreps, ``consistent``, the verdict, convergence, epochs,
the relative loss, the fields of a trajectory, and the fit's seconds. ``compare`` lists the
cases whose groups, verdicts or irreps differ (answers), and those whose epochs differ.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: The report's answers; ``compare`` calls a difference in any of them a changed answer.
ANSWER_KEYS = ("residual", "data", "input", "target", "relaxed_weights", "activated_irreps",
               "predicted_irreps", "consistent", "verdict")  # fmt: skip


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=1) + "\n")


def make_distortions(folder: Path, noise: float) -> dict:
    """bench_distortions.py's clusters, frames and noise (one generator, drawn in its order)."""
    sys.path.insert(0, str(HERE))
    from bench_distortions import cases

    from symbreak.data import write_pairs

    rng = np.random.default_rng(7)
    table = {}
    for pair in cases(rng):
        target = pair.target
        if noise:
            moved = np.linalg.norm(pair.target - pair.source, axis=1)
            target = target + rng.normal(size=target.shape) * noise * moved[moved > 1e-9].min()
        write_pairs(folder / f"{pair.name}.h5", {"pair": (pair.source, target, list(pair.species))})
        table[pair.name] = {"files": [f"{pair.name}.h5"], "expected": pair.expected_group}
    return table


def make_crystals(folder: Path, seeds: int, noise: float) -> dict:
    """bench_crystals.py's pairs: each case in ``seeds`` random frames, child shuffled."""
    from ase.io import read, write

    sys.path.insert(0, str(HERE))
    from bench_crystals import child_class

    from symbreak.data.published import CASES, write_crystal_pair

    rng = np.random.default_rng(11)
    table = {}
    for name in CASES:
        for seed in range(seeds):
            case = f"{name}_{seed}"
            (folder / case).mkdir()
            parent, child_path, child = write_crystal_pair(folder / case, name, seed)
            if noise:
                noisy = read(child_path)
                noisy.positions += rng.normal(size=noisy.positions.shape) * noise
                write(child_path, noisy)
            files = [str(p.relative_to(folder)) for p in (parent, child_path)]
            table[case] = {"files": files, "expected": child_class(child)}
    return table


def make_lorentz(folder: Path) -> dict:
    """The Lorentz sample with the defaults and with bench_lorentz.py's small network."""
    shutil.copy(HERE.parent / "sample_data" / "lorentz.h5", folder / "lorentz.h5")
    return {"lorentz": {"files": ["lorentz.h5"], "expected": "Cs"},
            "lorentz_l1": {"files": ["lorentz.h5"], "expected": "Cs",
                           "options": {"layers": 1, "l_relaxed": 1}}}  # fmt: skip


def make_md(folder: Path, source: Path) -> dict:
    """Every LAMMPS dump and extxyz file of a ``scripts/make_md_testset.py`` folder."""
    expected = {None: "O3", "E": "Cinfv", "gravity": "Cinfv", "E parallel B": "Cinf"}
    table = {}
    for truth in json.loads((source / "cases.json").read_text()).values():
        for key in ("file", "extxyz"):
            if truth.get(key):
                shutil.copy(source / truth[key], folder / truth[key])
                table[truth[key]] = {"files": [truth[key]], "expected": expected[truth["kind"]],
                                     "field": truth["field"]}  # fmt: skip
    return table


def _answers(report: dict, result, seconds: float) -> dict:
    groups = report.get("groups") or {}
    names = {key: (value or {}).get("name") if isinstance(value, dict) else value
             for key, value in groups.items()}  # fmt: skip
    row = {
        "residual": report.get("residual_point_group"),
        "data": report.get("data_point_group"),
        "input": report.get("input_point_group"),
        "target": report.get("target_point_group"),
        "relaxed_weights": report.get("relaxed_weights_point_group"),
        "groups": names,
        "activated_irreps": report.get("activated_irreps"),
        "predicted_irreps": report.get("predicted_irreps"),
        "consistent": report.get("consistent"),
        "verdict": report.get("verdict"),
        "converged": bool(result.converged_),
        "epochs": int(result.epochs_),
        "relative_loss": float(result.loss_ / result.initial_loss_ if result.initial_loss_ else 0),
        "fit_seconds": round(float(result.seconds_), 3),
        "command_seconds": round(seconds, 3),
    }
    fields = report.get("fields")
    if isinstance(fields, dict):
        row["fields"] = {key: np.round(np.asarray(fields[key], float), 4).tolist()
                         for key in ("polar", "axial") if fields.get(key) is not None}  # fmt: skip
        data = fields.get("data") or {}
        row["fields"]["data_group"] = data.get("group")
    return row


def run(folder: Path, out: Path, checkout: Path, only: list[str]) -> None:
    """Fit every case of ``folder`` with the symbreak of ``checkout``; answers to ``out``."""
    sys.path.insert(0, str(checkout))
    symbreak = importlib.import_module("symbreak")
    if Path(symbreak.__file__).resolve().parent != checkout / "symbreak":
        raise SystemExit(f"imported {symbreak.__file__}, not {checkout}'s symbreak")
    import torch

    torch.set_num_threads(1)  # as fit chooses for problems this size, and as the benchmarks run
    from symbreak.data.formats import load_input
    from symbreak.options import FitOptions
    from symbreak.pipeline import fit_file

    cases = json.loads((folder / "cases.json").read_text())
    answers = {"checkout": str(checkout), "cases": {}}
    for name, case in cases.items():
        if only and not any(word in name for word in only):
            continue
        files = [folder / file for file in case["files"]]
        options = FitOptions.from_flat(**case.get("options", {}))
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            # one HDF5 file: read by fit_file, as bench_distortions.py fits it
            single_h5 = len(files) == 1 and files[0].suffix == ".h5"
            dataset = None if single_h5 else load_input(files)
            path, result = fit_file(files[0], Path(tmp) / "run", options, dataset=dataset)
            seconds = time.perf_counter() - start
            report = json.loads((Path(path) / "report.json").read_text())
        row = _answers(report, result, seconds) | {"expected": case["expected"]}
        answers["cases"][name] = row
        print(f"{name:34s} expected {row['expected']:5s} data {row['data'] or '-':5s} residual "
              f"{row['residual']:5s} {'conv' if row['converged'] else 'NOT conv'} epochs "
              f"{row['epochs']:3d} fit {row['fit_seconds']:6.2f} s "
              f"[{', '.join(row['activated_irreps'] or [])}]", flush=True)  # fmt: skip
        _write_json(out, answers)


def _verdict_head(verdict) -> str:
    return " ".join(str(verdict).split()[:4])


def compare(first: Path, second: Path, full_verdict: bool) -> int:
    """Print the differences of two answer files; exit status 1 if any group differs."""
    a, b = (json.loads(path.read_text())["cases"] for path in (first, second))
    common = [name for name in a if name in b]
    print(f"{len(common)} common cases ({len(a)} in {first.name}, {len(b)} in {second.name})")
    counts = dict.fromkeys(ANSWER_KEYS + ("converged", "epochs", "fields"), 0)
    group_changed = 0
    for name in common:
        x, y = a[name], b[name]
        changed = []
        for key in counts:
            left, right = x.get(key), y.get(key)
            if key == "verdict" and not full_verdict:
                left, right = _verdict_head(left), _verdict_head(right)
            if left != right:
                counts[key] += 1
                changed.append(f"{key}: {left} -> {right}")
        if any(x.get(k) != y.get(k) for k in ("residual", "data", "input", "target")):
            group_changed += 1
        if changed:
            print(f"  {name}: " + "; ".join(changed))
    for key, count in counts.items():
        print(f"{key:16s} identical {len(common) - count}/{len(common)}")
    ratios = [b[n]["fit_seconds"] / a[n]["fit_seconds"] for n in common if a[n]["fit_seconds"]]
    if ratios:
        print(f"fit seconds ratio {second.name}/{first.name}: median {np.median(ratios):.2f}, "
              f"max {max(ratios):.2f} (shared machine: compare interleaved runs only)")
    return 1 if group_changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("make", help="write a set's inputs and cases.json")
    make.add_argument("set", choices=["distortions", "crystals", "lorentz", "md"])
    make.add_argument("folder", type=Path)
    make.add_argument("--noise", type=float, default=0.0,
                      help="distortions: σ / smallest displacement; crystals: σ in Å")
    make.add_argument("--seeds", type=int, default=3, help="crystals: random frames per case")
    make.add_argument("--from", dest="source", type=Path, help="md: make_md_testset.py folder")
    fit = commands.add_parser("run", help="fit a set's cases, answers to a JSON file")
    fit.add_argument("folder", type=Path)
    fit.add_argument("out", type=Path)
    fit.add_argument("--checkout", type=Path, default=HERE.parent,
                     help="the repository whose symbreak fits")
    fit.add_argument("--only", default="", help="comma-separated name fragments")
    diff = commands.add_parser("compare", help="list the differences of two answer files")
    diff.add_argument("first", type=Path)
    diff.add_argument("second", type=Path)
    diff.add_argument("--full-verdict", action="store_true",
                      help="compare whole verdicts (default: their first four words)")
    args = parser.parse_args()
    if args.command == "make":
        sys.path.insert(0, str(HERE.parent))
        args.folder.mkdir(parents=True, exist_ok=False)
        if args.set == "distortions":
            table = make_distortions(args.folder, args.noise)
        elif args.set == "crystals":
            table = make_crystals(args.folder, args.seeds, args.noise)
        elif args.set == "lorentz":
            table = make_lorentz(args.folder)
        else:
            if args.source is None:
                parser.error("make md needs --from FOLDER")
            table = make_md(args.folder, args.source)
        _write_json(args.folder / "cases.json", table)
        print(f"{len(table)} cases in {args.folder}")
        return 0
    if args.command == "run":
        run(args.folder, args.out, args.checkout.resolve(), [w for w in args.only.split(",") if w])
        return 0
    return compare(args.first, args.second, args.full_verdict)


if __name__ == "__main__":
    sys.exit(main())
