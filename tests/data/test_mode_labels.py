"""k-point letters and labels of symmetry modes for parents beyond the eight transitions.

Oracles: the k-points that the Bilbao tables in ``irreptables`` (test-only) name for each
space group, with their coordinates in the conventional reciprocal basis; CrystOD for one
centred case; the group-theory identity that the modes add in quadrature to the total.
"""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("spglib")
ase_build = pytest.importorskip("ase.build")
irreptables = pytest.importorskip("irreptables")

from ase.spacegroup import crystal  # noqa: E402

from symbreak.data.modes import crystal_modes  # noqa: E402
from symbreak.data.structures import Structure  # noqa: E402

PARENTS = {
    "Fm-3m": (225, lambda: ase_build.bulk("NaCl", "rocksalt", a=5.6, cubic=True)),
    "Im-3m": (229, lambda: ase_build.bulk("W", "bcc", a=3.16, cubic=True)),
    "I4/mmm": (139, lambda: crystal(["Sr", "Ti", "O", "O"], [(0, 0, 0), (0, 0, 0.5), (0, 0.5, 0),
                                    (0, 0, 0.15)], spacegroup=139,
                                    cellpar=[3.9, 3.9, 12.5, 90, 90, 90])),  # fmt: skip
    "P6/mmm": (191, lambda: crystal(["Mg", "B"], [(0, 0, 0), (1 / 3, 2 / 3, 0.5)], spacegroup=191,
                                    cellpar=[3.08, 3.08, 3.52, 90, 90, 120])),  # fmt: skip
    "P6_222": (180, lambda: crystal(["Si", "O"], [(0.5, 0, 0), (0.2087, 0.4174, 0.5)],
                                    spacegroup=180, cellpar=[5.0, 5.0, 5.46, 90, 90, 120])),
    "Pm-3m": (221, lambda: crystal(["Sr", "Ti", "O"], [(0, 0, 0), (0.5, 0.5, 0.5), (0.5, 0.5, 0)],
                                   spacegroup=221, cellpar=[3.9, 3.9, 3.9, 90, 90, 90])),
}  # fmt: skip


def structure(atoms, where: str) -> Structure:
    return Structure(atoms.positions.copy(), tuple(atoms.get_chemical_symbols()),
                     np.array(atoms.cell), np.ones(3, bool), where)  # fmt: skip


def bilbao_points(number: int) -> dict[str, np.ndarray]:
    path = Path(irreptables.__file__).parent / "data" / "tables" / f"irreps-SG={number}-scal.dat"
    points = {}
    for line in path.read_text().splitlines():
        if line.strip().startswith("kpoint"):
            head, coordinates = line.split(":")[:2]
            points[head.split()[1]] = np.array(coordinates.split(), float)
    return points


def parse_k(text: str) -> np.ndarray:
    return np.array([float(Fraction(v)) for v in text.strip("()").split(",")])


def centring_vectors(number: int) -> list[np.ndarray]:
    """Translations of the conventional cell's lattice (two k are one when they differ by a
    vector whose product with each is an integer)."""
    if number in (225, 227):
        return [np.array(v) for v in ((0, 0.5, 0.5), (0.5, 0, 0.5), (0.5, 0.5, 0))]
    if number in (229, 139):
        return [np.array((0.5, 0.5, 0.5))]
    return []


def same_k(a, b, number) -> bool:
    delta = a - b
    products = [delta] + [np.array([delta @ c]) for c in centring_vectors(number)]
    return all(np.allclose(p, np.round(p), atol=1e-6) for p in products)


CASES = [(name, repeat) for name in sorted(PARENTS) for repeat in ((1, 1, 1), (2, 1, 1))]
CASES += [("Fm-3m", (2, 2, 2)), ("Im-3m", (2, 2, 2))]  # lines of the zone: Sigma, Lambda, ...


@pytest.mark.parametrize(("name", "repeat"), CASES)
def test_letters_are_the_bilbao_k_points_and_modes_add_up(name, repeat):
    """A random distortion in a supercell of the conventional cell: every mode at a tabulated
    k-point carries its Bilbao letter and coordinates and a numbered label (no '?'); the
    amplitudes add in quadrature to the total."""
    number, build = PARENTS[name]
    parent = build()
    child = parent.repeat(repeat)
    child.positions += np.random.default_rng(3).normal(0, 0.03, child.positions.shape)
    result = crystal_modes(structure(parent, "parent"), structure(child, "child")).to_dict()
    amplitudes = np.array([m["amplitude"] for m in result["modes"]])
    assert np.sqrt(np.sum(amplitudes**2)) == pytest.approx(result["total_amplitude"], rel=1e-3)
    points = bilbao_points(number)
    named = 0
    for mode in result["modes"]:
        letter = re.match(r"[A-Z]+", mode["label"]).group(0) if mode["label"][0] != "k" else "k"
        if letter == "k":  # a general point or a line: no Bilbao letter, and none of its points
            assert not any(same_k(parse_k(mode["k"]), p, number) for p in points.values())
            continue
        assert letter in points, (name, mode["label"])
        assert same_k(parse_k(mode["k"]), points[letter], number), (name, mode["label"], mode["k"])
        assert "?" not in mode["label"], (name, mode["label"])
        named += 1
    assert named >= 1


def test_a_rocksalt_x_point_distortion_is_labelled_as_crystod_labels_it(tmp_path):
    """NaCl with Na moved along z, alternating between the z = 0 and z = 1/2 planes of the
    conventional cell: CrystOD calls it X3- (0.1414 A); the conventional cell, four
    primitive cells, is where a supercell of it used to miss the X point altogether."""
    from ase.io import write

    parent = ase_build.bulk("NaCl", "rocksalt", a=5.6, cubic=True)
    child = parent.copy()
    for i, atom in enumerate(child):
        if atom.symbol == "Na":
            z = child.get_scaled_positions()[i][2]
            child.positions[i, 2] += 0.1 if abs(z) < 0.01 else -0.1
    result = crystal_modes(structure(parent, "parent"), structure(child, "child")).to_dict()
    ours = {m["label"]: m["amplitude"] for m in result["modes"] if m["amplitude"] >= 0.01}
    write(tmp_path / "p.cif", parent)
    write(tmp_path / "c.cif", child)
    crystod = Path(sys.executable).parent / "crystod-group"
    if not crystod.exists():
        pytest.skip("CrystOD is not installed")
    text = subprocess.run([str(crystod), "--supergroup-cif", "p.cif", "--subgroup-cif", "c.cif",
                           "--no-files"], capture_output=True, text=True, cwd=tmp_path,
                          check=True).stdout  # fmt: skip
    table = text.split("* Symmetry-mode decomposition *")[1].split("\n\n")[0]
    theirs = {}
    for line in table.splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 3:
            theirs[fields[1]] = float(fields[-1])
    assert ours.keys() == theirs.keys()
    for label, value in theirs.items():
        assert ours[label] == pytest.approx(value, abs=max(0.03 * value, 0.005))


def crystod_labels(parent, child, folder: Path) -> dict[str, float]:
    """CrystOD's decomposition of two ASE structures: label -> amplitude, zeros left out."""
    from ase.io import write

    crystod = Path(sys.executable).parent / "crystod-group"
    if not crystod.exists():
        pytest.skip("CrystOD is not installed")
    write(folder / "p.cif", parent)
    write(folder / "c.cif", child)
    text = subprocess.run([str(crystod), "--supergroup-cif", "p.cif", "--subgroup-cif", "c.cif",
                           "--no-files"], capture_output=True, text=True, cwd=folder,
                          check=True).stdout  # fmt: skip
    table = text.split("* Symmetry-mode decomposition *")[1].split("\n\n")[0]
    rows = [line.split() for line in table.splitlines()[2:] if len(line.split()) >= 3]
    return {row[1]: float(row[-1]) for row in rows if float(row[-1]) > 0}


@pytest.mark.parametrize("name", ["Im-3m", "I4/mmm"])
def test_n_and_x_modes_along_k_are_labelled_as_crystod_labels_them(tmp_path, name):
    """The body-centred atom (W; Ti of an I4/mmm Sr2TiO4-like cell) moved along k = (1/2,1/2,0)
    (N of Im-3m, X of I4/mmm): Bilbao numbers the irrep even under the two-fold along k
    differently in the two lattices (N3- in Im-3m, X4- in I4/mmm; across k it is N4-, X3-,
    which tests/symmetry/test_irrep_tables.py checks): the labels and amplitudes are
    CrystOD's."""
    direction = (1, 1, 0)
    number, build = PARENTS[name]
    parent = build()
    child = parent.repeat((2, 2, 1))
    fractional = child.get_scaled_positions() * [2, 2, 1]  # in the parent's conventional cell
    moving = np.array([symbol in ("W", "Ti") for symbol in child.get_chemical_symbols()])
    phase = np.cos(np.pi * (fractional[:, 0] + fractional[:, 1]))  # exp(2 pi i k.r), k along [110]
    unit = np.array(direction, float) / np.linalg.norm(direction)
    child.positions += 0.05 * (moving * phase)[:, None] * unit
    result = crystal_modes(structure(parent, "parent"), structure(child, "child")).to_dict()
    ours = {m["label"]: m["amplitude"] for m in result["modes"] if m["amplitude"] >= 0.01}
    theirs = crystod_labels(parent, child, tmp_path)
    assert ours.keys() == theirs.keys() and len(ours) == 1
    for label, value in theirs.items():
        assert ours[label] == pytest.approx(value, abs=max(0.03 * value, 0.005))


def test_complex_small_irreps_are_given_whole_not_split_wrongly():
    """Pca2_1 doubled along c, a random field alternating in sign between the two cells: all
    of it at Z = (0,0,1/2), where the screw's phase e^{-2 pi i k.w} is -i and the small
    irreps are complex (CrystOD pairs them: Z1Z4, Z2Z3). Split one by one they summed to
    half the total's square; the star is given whole ('Z?'), its amplitude the total."""
    parent = crystal(["Si", "O"], [(0.13, 0.21, 0.07), (0.31, 0.12, 0.4)], spacegroup=29,
                     cellpar=[5.0, 5.6, 6.1, 90, 90, 90])  # fmt: skip
    child = parent.repeat((1, 1, 2))
    sign = np.where(child.get_scaled_positions()[:, 2] < 0.5 - 1e-6, 1.0, -1.0)
    field = np.random.default_rng(1).normal(0, 0.03, (len(parent), 3))
    child.positions += sign[:, None] * np.tile(field, (2, 1))
    result = crystal_modes(structure(parent, "parent"), structure(child, "child")).to_dict()
    modes = [m for m in result["modes"] if m["amplitude"] >= 1e-4]
    assert [m["label"] for m in modes] == ["Z?"]
    assert modes[0]["amplitude"] == pytest.approx(result["total_amplitude"], rel=1e-6)
