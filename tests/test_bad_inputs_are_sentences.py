"""Inputs and options that cannot mean anything get one sentence and exit 2, not an internal
error (exit 1), a run fitted to nonsense, or numpy/ASE warnings printed before the sentence."""

import shutil
import warnings

import h5py
import pytest
from typer.testing import CliRunner

from symbreak.cli import app

pytest.importorskip("ase")

runner = CliRunner()

CIF = """data_x
_cell_length_a {a}
_cell_length_b {b}
_cell_length_c {c}
_cell_angle_alpha {alpha}
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ba1 Ba 0 0 0
Ti1 Ti 0.5 0.5 0.5
"""

POSCAR = """BaTi
{scale}
{a} 0 0
0 {a} 0
0 0 4
Ba Ti
1 1
Direct
0 0 0
0.5 0.5 0.5
"""


def invoke(args):
    """Run the CLI and return (result, warnings raised while it ran)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, [str(a) for a in args])
    return result, [str(w.message) for w in caught]


def one_sentence(args, *words):
    result, caught = invoke(args)
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert text.startswith("error:") and len(text.splitlines()) == 1, text
    assert caught == [], caught
    for word in words:
        assert word in " ".join(text.split()), text


def cif(folder, name, a=4.0, b=4.0, c=4.0, alpha=90):
    path = folder / f"{name}.cif"
    path.write_text(CIF.format(a=a, b=b, c=c, alpha=alpha))
    return path


def fit_args(tmp_path, *inputs):
    return ["fit", *inputs, "--out", tmp_path / "run", "-q", "--epochs", "1"]


@pytest.mark.parametrize("l", [13, 20, 1000])
def test_l_relaxed_above_e3nns_limit(tmp_path, sample_path, l):
    one_sentence(fit_args(tmp_path, sample_path("cube_to_cube")) + ["--l-relaxed", l],
                 "--l-relaxed must be at most 12")  # fmt: skip


@pytest.mark.parametrize("lengths", [(1e-10, 1e-10, 1e-10), (4, 4, 1e-10), (4, 4, 1e-5)])
def test_tiny_and_flat_crystal_cells(tmp_path, lengths):
    a, b, c = lengths
    parent = cif(tmp_path, "parent")
    child = cif(tmp_path, "child", a, b, c)
    one_sentence(fit_args(tmp_path, parent, child), "thick", str(child))
    one_sentence(fit_args(tmp_path, child, child), "thick")


def test_a_cell_flattened_by_its_angle(tmp_path):
    parent = cif(tmp_path, "parent")
    for alpha in (179.99999999, 179.9999):  # ASE fails on the first, the thickness check
        one_sentence(fit_args(tmp_path, parent, cif(tmp_path, "child", alpha=alpha)))


@pytest.mark.parametrize("field", ["a", "c", "alpha"])
def test_cif_with_a_negative_cell_length_or_angle(tmp_path, field):
    values = {"alpha": -90} if field == "alpha" else {field: -4.0}
    child = cif(tmp_path, "child", **values)
    one_sentence(fit_args(tmp_path, cif(tmp_path, "parent"), child), "_cell_", "must")


def test_two_atoms_at_one_spot_of_a_crystal(tmp_path):
    """Also through a periodic image: z = 1 is the site z = 0 of the next cell (POSCAR keeps
    both atoms; ASE's CIF reader merges such sites itself)."""
    (tmp_path / "POSCAR_ok").write_text(POSCAR.format(scale="1.0", a=4))
    for site in ("0 0 0", "0 0 1", "1 -1 0"):
        poscar = POSCAR.format(scale="1.0", a=4).replace("0.5 0.5 0.5", site)
        (tmp_path / "POSCAR_same").write_text(poscar)
        one_sentence(fit_args(tmp_path, tmp_path / "POSCAR_ok", tmp_path / "POSCAR_same"),
                     "sit at one spot")  # fmt: skip


def test_two_atoms_at_one_spot_of_a_periodic_xyz(tmp_path):
    header = '2\nLattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 pbc="T T T"\n'
    same = tmp_path / "same.xyz"
    same.write_text(header + "C 0 0 0\nC 0 0 0\n")
    apart = tmp_path / "apart.xyz"
    apart.write_text(header + "C 0 0 0\nC 0 0 1\n")
    one_sentence(fit_args(tmp_path, same, apart), "sit at one spot")


def test_a_cluster_of_one_atom(tmp_path):
    one = tmp_path / "one.xyz"
    one.write_text("1\n\nC 0 0 0\n")
    moved = tmp_path / "moved.xyz"
    moved.write_text("1\n\nC 0 0 1\n")
    one_sentence(fit_args(tmp_path, one, moved), "holds 1 point", "at least two")


@pytest.mark.parametrize("text", [POSCAR.format(scale="1e308", a=4),
                                  POSCAR.format(scale="1.0", a="4e200"),
                                  POSCAR.format(scale="-1e-300", a=4)])  # fmt: skip
def test_broken_poscar_warns_nothing(tmp_path, text):
    """numpy printed RuntimeWarnings (overflow in matmul, det) before the sentence."""
    (tmp_path / "POSCAR_ok").write_text(POSCAR.format(scale="1.0", a=4))
    (tmp_path / "POSCAR_bad").write_text(text)
    one_sentence(fit_args(tmp_path, tmp_path / "POSCAR_ok", tmp_path / "POSCAR_bad"))


def positions_only(tmp_path, sample_path, dt):
    path = tmp_path / "lorentz.h5"
    shutil.copy(sample_path("lorentz"), path)
    with h5py.File(path, "a") as handle:
        member = handle["trajectories"][next(iter(handle["trajectories"]))]
        del member["velocities"], member["accelerations"]
        member.attrs["dt"] = dt
    return path


@pytest.mark.parametrize("dt, words", [(1e-300, "outside"), (1e300, "outside"),
                                       (True, "boolean"), (0.0, "positive")])  # fmt: skip
def test_meaningless_time_steps(tmp_path, sample_path, dt, words):
    one_sentence(fit_args(tmp_path, positions_only(tmp_path, sample_path, dt)), "'dt'", words)


@pytest.mark.parametrize("dt", ["1e-300", "1e300", "0"])
def test_meaningless_dt_option(tmp_path, dt):
    from ase import Atoms
    from ase.io import write

    frames = [Atoms("C3", positions=[[0, 0, 0], [1 + k / 10, 0, 0], [0, 1, 0]]) for k in range(5)]
    write(tmp_path / "traj.xyz", frames, format="extxyz")
    one_sentence(fit_args(tmp_path, tmp_path / "traj.xyz") + ["--dt", dt], "--dt")
