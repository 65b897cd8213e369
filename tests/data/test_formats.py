"""Structure files through ASE: every format is written here by ASE itself and read back.

Ground truth is the arrays the files were written from (round trips), and one sentence with
exit code 2 for each kind of bad input, with nothing written.
"""

import numpy as np
import pytest

pytest.importorskip("ase")
from ase import Atoms  # noqa: E402
from ase.io import write  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from symbreak.cli import app  # noqa: E402
from symbreak.data import load_pairs  # noqa: E402
from symbreak.data.formats import convert, load_input, read_structure_pair  # noqa: E402
from symbreak.errors import DataError  # noqa: E402

RNG = np.random.default_rng(7)
SYMBOLS = ["C", "O", "O", "H", "H", "N"]
PARENT = np.array([[0.0, 0, 0], [1.2, 0, 0], [-1.2, 0, 0], [0, 1.0, 0], [0, -1.0, 0], [0, 0, 1.4]])
CHILD = PARENT + 0.05 * RNG.standard_normal(PARENT.shape)


def _cluster(positions):
    return Atoms(SYMBOLS, positions=positions)


def _rocksalt(distortion=0.0):
    """NaCl-like 8-atom cubic cell, Na shifted along z by ``distortion`` (Angstrom)."""
    a = 5.6
    na = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]) * a
    cl = na + [a / 2, 0, 0]
    positions = np.concatenate([na + [0, 0, distortion], cl])
    return Atoms(["Na"] * 4 + ["Cl"] * 4, positions=positions, cell=a * np.eye(3), pbc=True)


@pytest.mark.parametrize("suffix", ["xyz", "extxyz", "traj"])
def test_cluster_pair_round_trip(tmp_path, suffix):
    parent, child = tmp_path / f"parent.{suffix}", tmp_path / f"child.{suffix}"
    write(parent, _cluster(PARENT))
    write(child, _cluster(CHILD))
    dataset = load_input([parent, child])
    (pair,) = dataset.pairs
    assert np.allclose(pair.source, PARENT) and np.allclose(pair.target, CHILD)
    assert [dataset.species_names[s] for s in pair.species] == SYMBOLS
    assert not pair.periodic


@pytest.mark.parametrize("suffix", ["extxyz", "traj"])
def test_one_file_with_two_frames(tmp_path, suffix):
    path = tmp_path / f"both.{suffix}"
    write(path, [_cluster(PARENT), _cluster(CHILD)])
    (pair,) = load_input([path]).pairs
    assert np.allclose(pair.source, PARENT) and np.allclose(pair.target, CHILD)


@pytest.mark.parametrize("fmt, name", [("cif", "p.cif"), ("vasp", "POSCAR"),
                                       ("extxyz", "p.extxyz"), ("traj", "p.traj")])  # fmt: skip
def test_crystal_pair_round_trip(tmp_path, fmt, name):
    """Same cell, same order: target - source is the distortion, cells and pbc kept."""
    folder = tmp_path / "parent"
    folder.mkdir()
    write(folder / name, _rocksalt(), format=fmt)
    write(tmp_path / name, _rocksalt(0.1), format=fmt)
    dataset = load_input([folder / name, tmp_path / name])
    (pair,) = dataset.pairs
    assert pair.periodic and pair.pbc.all()
    assert np.allclose(pair.source_cell, 5.6 * np.eye(3), atol=1e-6)
    displacement = pair.target - pair.source
    displacement -= displacement.mean(axis=0)
    expected = np.zeros((8, 3))
    expected[[dataset.species_names[s] == "Na" for s in pair.species], 2] = 0.1
    assert np.allclose(displacement, expected - expected.mean(axis=0), atol=1e-5)


def test_convert_writes_what_load_reads(tmp_path):
    write(tmp_path / "p.cif", _rocksalt())
    write(tmp_path / "c.cif", _rocksalt(0.1))
    dataset, mappings = convert([tmp_path / "p.cif", tmp_path / "c.cif"], tmp_path / "pair.h5")
    (pair,) = load_pairs(tmp_path / "pair.h5").pairs
    assert np.allclose(pair.source, dataset.pairs[0].source)
    assert np.allclose(pair.target_cell, dataset.pairs[0].target_cell)
    assert pair.pbc.tolist() == [True, True, True]
    assert mappings[pair.name]["supercell"] == np.eye(3, dtype=int).tolist()


def test_wrapped_child_atoms_take_the_nearest_image(tmp_path):
    """An atom that crossed the cell's face is matched to its image, not across the cell."""
    child = _rocksalt(-0.1)  # Na at z = 0 moves below the face: wrapped to z = 5.5
    child.wrap()
    write(tmp_path / "p.vasp", _rocksalt(), format="vasp")
    write(tmp_path / "c.vasp", child, format="vasp")
    dataset, _ = read_structure_pair([tmp_path / "p.vasp", tmp_path / "c.vasp"])
    lengths = np.linalg.norm(dataset.pairs[0].displacement, axis=1)
    assert lengths.max() < 0.2


@pytest.mark.parametrize("case, words", [
    ("unparsable", "ASE cannot read it"),
    ("count", "a cluster pair needs the same atoms"),
    ("species", "a cluster pair needs the same atoms"),
    ("mixed", "is a periodic crystal but"),
    ("frames", "exactly two frames"),
    ("composition", "different compositions"),
    ("missing", "no such file"),
])  # fmt: skip
def test_bad_input_is_one_sentence_and_exit_2(tmp_path, case, words):
    parent, child = tmp_path / "parent.xyz", tmp_path / "child.xyz"
    write(parent, _cluster(PARENT))
    write(child, _cluster(CHILD))
    paths = [parent, child]
    if case == "unparsable":
        paths[1] = tmp_path / "broken.cif"
        paths[1].write_text("this is not a CIF file\n")
    elif case == "count":
        write(child, Atoms(SYMBOLS[:5], positions=CHILD[:5]))
    elif case == "species":
        write(child, Atoms(["C", "O", "N", "H", "H", "N"], positions=CHILD))
    elif case == "mixed":
        write(tmp_path / "c.traj", _rocksalt())
        paths[1] = tmp_path / "c.traj"
    elif case == "frames":
        write(tmp_path / "one.extxyz", [_cluster(PARENT)])
        paths = [tmp_path / "one.extxyz"]
    elif case == "composition":
        write(tmp_path / "p.traj", _rocksalt())
        other = _rocksalt()
        other.symbols[0] = "K"
        write(tmp_path / "c.traj", other)
        paths = [tmp_path / "p.traj", tmp_path / "c.traj"]
    elif case == "missing":
        paths[1] = tmp_path / "nowhere.cif"
    with pytest.raises(DataError, match=words):
        load_input(paths)
    out = tmp_path / "out.h5"
    result = CliRunner().invoke(app, ["convert", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 2 and words in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".out.h5*"))


def test_cli_convert_reports_the_mapping(tmp_path):
    write(tmp_path / "p.cif", _rocksalt())
    write(tmp_path / "c.cif", _rocksalt(0.1))
    out = tmp_path / "pair.h5"
    result = CliRunner().invoke(app, ["convert", str(tmp_path / "p.cif"),
                                      str(tmp_path / "c.cif"), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "crystal pair" in result.output and "supercell [1 0 0] [0 1 0] [0 0 1]" in result.output
    assert load_pairs(out).pairs[0].periodic


def test_hdf5_with_a_second_file_is_refused(tmp_path):
    write(tmp_path / "p.xyz", _cluster(PARENT))
    from symbreak.data import write_pairs

    write_pairs(tmp_path / "d.h5", {"a": (PARENT, CHILD)})
    with pytest.raises(DataError, match="fitted alone"):
        load_input([tmp_path / "d.h5", tmp_path / "p.xyz"])
