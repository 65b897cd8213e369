"""Symmetry modes of published crystal pairs, against independent ground truth.

- published numbers (SrTiO3's tilt from its published oxygen coordinate; CaTiO3's R4+, M3+
  and X5+ as the issue quotes them);
- CrystOD (an independent implementation, test-only): every mode of 0.01 A or more with its
  label and amplitude within max(3 %, 0.005 A), and no other;
- group theory: amplitudes add in quadrature to the total; each mode's field is kept by every
  operation of the child (its isotropy subgroup contains the child's group);
- the same answer for the child in another frame with its atoms shuffled.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("spglib")

from ase.io import read, write  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from symbreak.cli import app  # noqa: E402
from symbreak.data.modes import crystal_modes, read_crystal_modes  # noqa: E402
from symbreak.data.published import write_crystal_pair  # noqa: E402
from symbreak.data.structures import read_one_structure  # noqa: E402
from symbreak.errors import DataError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def pair(tmp_path, name, seed=0, suffix="cif"):
    """Parent and child files of a catalogue case, each in a random frame, atoms shuffled."""
    folder = tmp_path / f"{name}_{seed}"
    folder.mkdir()
    paths = []
    for path in write_crystal_pair(folder, name, seed)[:2]:
        paths.append(path.with_suffix("." + suffix))
        write(paths[-1], read(path), format=suffix if suffix != "vasp" else "vasp")
    return paths


def by_label(result) -> dict[str, float]:
    return {mode["label"]: mode["amplitude"] for mode in result.to_dict()["modes"]}


def test_srtio3_tilt_is_r4_plus_with_ti_at_the_origin_and_r5_minus_with_sr(tmp_path):
    paths = pair(tmp_path, "SrTiO3_I4mcm_Ti")
    given = read_crystal_modes(paths)  # the parent is written with Sr at the origin
    moved = read_crystal_modes(paths, other_origin=True)
    # Jauch and Palmer's O at (0.2413, 0.7413, 0) in a = 5.51 A: each O of the 10-atom
    # primitive cell moves sqrt(2) (0.25 - 0.2413) a, four of them.
    expected = 2 * np.sqrt(2) * (0.25 - 0.2413) * 5.51
    assert by_label(given) == pytest.approx({"R5-": expected}, rel=1e-3)
    assert by_label(moved) == pytest.approx({"R4+": expected}, rel=1e-3)
    assert by_label(moved)["R4+"] == pytest.approx(0.14, rel=0.05)  # the rounding
    mode = moved.to_dict()["modes"][0]
    assert mode["primary"] and mode["isotropy_subgroup"]["number"] == 140
    assert mode["k"] == "(1/2,1/2,1/2)" and list(mode["sites"]) == ["O 3c"]


def test_catio3_is_r4_plus_m3_plus_and_x5_plus_with_ti_at_the_origin(tmp_path):
    result = read_crystal_modes(pair(tmp_path, "CaTiO3_Pnma_Ti"), other_origin=True)
    amplitudes = by_label(result)
    for label, published in {"R4+": 1.02, "M3+": 0.81, "X5+": 0.36}.items():
        assert amplitudes[label] == pytest.approx(published, rel=0.03)
    roles = {mode["label"]: mode["primary"] for mode in result.to_dict()["modes"]}
    assert roles["R4+"] and roles["M3+"] and not roles["X5+"]
    strain = {item["label"] for item in result.strain}
    assert strain <= {"GM1+", "GM3+", "GM5+"} and "GM5+" in strain


@pytest.mark.parametrize("name", ["CaTiO3_Pnma_Ti", "quartz_P3221_Si", "BaTiO3_Amm2_Ti"])
def test_amplitudes_add_in_quadrature_and_the_child_keeps_every_mode(tmp_path, name):
    import spglib

    result = read_crystal_modes(pair(tmp_path, name))
    assert np.sqrt(sum(m["amplitude"] ** 2 for m in result.modes)) == pytest.approx(
        result.total, abs=1e-5)  # amplitudes are rounded to 1e-6 A
    # The child in the symmetric supercell: the parent plus the sum of the modes.
    lattice, cell = result.lattice, result.cell
    to_fractional = np.linalg.inv(cell @ lattice)
    base = result.positions @ np.linalg.inv(cell.astype(float))
    types = np.unique(result.symbols, return_inverse=True)[1]
    child = base + sum(result.fields) @ to_fractional
    operations = spglib.get_symmetry((cell @ lattice, np.mod(child, 1), types), symprec=1e-3)
    for field in result.fields:
        structure = base + field * (0.1 / np.linalg.norm(field, axis=1).max()) @ to_fractional
        for rotation, translation in zip(operations["rotations"], operations["translations"]):
            moved = structure @ rotation.T + translation
            delta = moved[:, None] - structure[None]
            distance = np.linalg.norm((delta - np.round(delta)) @ (cell @ lattice), axis=-1)
            distance[types[:, None] != types[None]] = np.inf
            assert distance.min(axis=1).max() < 1e-3


def test_the_answer_does_not_depend_on_frame_atom_order_or_format(tmp_path):
    first = by_label(read_crystal_modes(pair(tmp_path, "LaMnO3_Pnma_Mn", seed=1)))
    second = by_label(read_crystal_modes(pair(tmp_path, "LaMnO3_Pnma_Mn", seed=2,
                                              suffix="vasp")))  # fmt: skip
    assert first.keys() == second.keys()
    assert list(first.values()) == pytest.approx(list(second.values()), abs=1e-4)


def test_a_parent_given_in_a_supercell_gives_the_same_modes(tmp_path):
    """spglib's operations of a supercell miss the parent's own: the standard cell is used."""
    from ase.build import make_supercell

    parent, child = pair(tmp_path, "CaTiO3_Pnma_Ti")
    big = tmp_path / "big_parent.vasp"
    write(big, make_supercell(read(parent), [[1, 1, 0], [-1, 1, 0], [0, 0, 1]]), format="vasp")
    direct, via_big = read_crystal_modes([parent, child]), read_crystal_modes([big, child])
    assert via_big.notes[1].startswith("The parent was not given in a conventional cell")
    assert sorted(by_label(via_big).values()) == pytest.approx(
        sorted(by_label(direct).values()), abs=1e-4)


# ----------------------------------------------------------------------------- the oracle


def crystod_modes(parent: Path, child: Path) -> dict[str, float]:
    """CrystOD's decomposition table: irrep label -> amplitude (A)."""
    pytest.importorskip("crystod")
    program = Path(sys.executable).parent / "crystod-group"
    out = subprocess.run([str(program), "--supergroup-cif", str(parent), "--subgroup-cif",
                          str(child), "--no-files"], capture_output=True, text=True,
                         check=True, cwd=parent.parent, timeout=120).stdout  # fmt: skip
    table = out.split("* Symmetry-mode decomposition *")[1].split("\n\n")[0]
    modes = {}
    for line in table.splitlines()[2:]:
        match = re.match(r"\s*\(\S+\)\s+(\S+)\s+.*\s([0-9.]+)\s*$", line)
        if match:
            modes[match.group(1)] = float(match.group(2))
    return modes


@pytest.mark.parametrize("name", ["BaTiO3_Amm2_Ti", "KCuF3_I4mcm_K", "LaMnO3_Pnma_Mn",
                                  "quartz_P3221_Si"])  # fmt: skip
def test_modes_agree_with_crystod(tmp_path, name):
    paths = pair(tmp_path, name)
    theirs = {k: v for k, v in crystod_modes(*paths).items() if v >= 0.01}
    ours = {k: v for k, v in by_label(read_crystal_modes(paths)).items() if v >= 0.01}
    assert theirs, "CrystOD printed no modes"
    assert ours.keys() == theirs.keys()
    for label, amplitude in theirs.items():
        assert abs(ours[label] - amplitude) <= max(0.03 * amplitude, 0.005), label


# ----------------------------------------------------------------------------- bad input


def test_a_child_that_is_not_a_subgroup_is_refused_in_one_sentence(tmp_path):
    tetragonal = pair(tmp_path, "BaTiO3_P4mm_Ti")[1]
    orthorhombic = pair(tmp_path, "BaTiO3_Amm2_Ti")[1]
    with pytest.raises(DataError, match="not a subgroup"):
        crystal_modes(read_one_structure(tetragonal), read_one_structure(orthorhombic))
    result = CliRunner().invoke(app, ["modes", str(tetragonal), str(orthorhombic)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_atoms_that_cannot_be_matched_are_refused_with_exit_2(tmp_path):
    parent, child = pair(tmp_path, "SrTiO3_I4mcm_Ti")
    atoms = read(child)
    atoms.positions[0] += [1.5, 0.0, 0.0]
    write(child, atoms)
    result = CliRunner().invoke(app, ["modes", str(parent), str(child)])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output


def test_modes_cli_prints_json_and_imports_no_torch(tmp_path):
    """Nor what its start-up cannot afford beside CrystOD (docs/benchmarks.md): scipy (0.3 s
    through ASE's CIF reader or scipy.optimize), ase.io, h5py and pydantic (typer's)."""
    parent, child = pair(tmp_path, "CaTiO3_Pnma_Ti")
    probe = ("import json, sys; from symbreak.cli import app; "
             f"sys.argv = ['symbreak', 'modes', {str(parent)!r}, {str(child)!r}, '--json']\n"
             "try:\n    app()\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(json.dumps([m for m in ('torch', 'e3nn', 'scipy', 'ase.io', 'h5py', "
             "'pydantic') if m in sys.modules]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)  # fmt: skip
    assert out.stderr.strip().splitlines()[-1] == "[]"
    import json

    modes = json.loads(out.stdout)["modes"]
    assert {"label", "k", "amplitude"} <= set(modes[0])
    assert modes[0]["label"] == "R5-" and modes[0]["amplitude"] == pytest.approx(1.0165, abs=1e-3)


def test_two_clusters_get_point_group_modes_with_mulliken_labels(tmp_path):
    """A BaTiO3 P4mm cluster about Ti: the polar T1u and the tetragonal Eg of Oh."""
    from ase import Atoms

    from symbreak.data.published import published_pair

    cluster = published_pair("BaTiO3_P4mm_Ti")
    paths = [tmp_path / "parent.xyz", tmp_path / "child.xyz"]
    write(paths[0], Atoms(cluster.species, cluster.source))
    write(paths[1], Atoms(cluster.species, cluster.target))
    result = CliRunner().invoke(app, ["modes", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    assert report["parent"]["point_group"] == "Oh"
    found = {mode["label"]: mode["amplitude"] for mode in report["modes"]}
    assert found["T1u"] > found["Eg"] > 0.01 and set(found) <= {"T1u", "Eg", "A1g"}
    assert np.sqrt(sum(v**2 for v in found.values())) == pytest.approx(
        report["total_amplitude"], abs=1e-5)
