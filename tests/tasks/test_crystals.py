"""Crystal pairs: periodic graphs, targets and the groups of the map, against spglib.

Ground truth: published structures (symbreak.data.published, coordinates cited there) written
by ASE in random frames with the child's atoms shuffled; spglib on the child alone, in the
child's own frame, is the independent oracle for the crystal class the map must keep.
"""


import numpy as np
import pytest

pytest.importorskip("spglib")
pytest.importorskip("ase")

from symbreak.data.formats import read_structure_pair  # noqa: E402
from symbreak.data.published import write_crystal_pair  # noqa: E402
from symbreak.symmetry import cartesian_point_group, space_group  # noqa: E402
from symbreak.tasks.crystals import CrystalTask, periodic_edges  # noqa: E402

#: Published case -> (parent crystal class, child crystal class) as the issue states them.
EXPECTED = {
    "BaTiO3_P4mm_Ti": ("Oh", "C4v"),
    "BaTiO3_Amm2_Ti": ("Oh", "C2v"),
    "SrTiO3_I4mcm_Ti": ("Oh", "D4h"),
    "CaTiO3_Pnma_Ti": ("Oh", "D2h"),
    "quartz_P3221_Si": ("D6", "D3"),
}


def published_files(folder, name, seed):
    """Parent and child of a catalogue case as .traj files, each in its own random frame,
    the child's atoms shuffled (:func:`symbreak.data.published.write_crystal_pair`)."""
    return write_crystal_pair(folder, name, seed)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_groups_of_published_transitions_in_random_frames(tmp_path, name):
    parent_path, child_path, child = published_files(tmp_path, name, seed=len(name))
    dataset, _ = read_structure_pair([parent_path, child_path])
    symmetry = CrystalTask(dataset).data_symmetry(0.01)
    parent_class, child_class = EXPECTED[name]
    assert symmetry.input_group.name == parent_class
    assert symmetry.data_group.name == child_class
    # The oracle: spglib on the child file alone, its operations made Cartesian in the
    # child's own frame, must be exactly the group the map keeps (same frame, same elements).
    cell = np.asarray(child.cell)
    alone = space_group(cell, child.get_scaled_positions(), child.numbers, 0.01)
    assert cartesian_point_group(alone.rotations, cell) == symmetry.data_group
    assert symmetry.data_group <= symmetry.input_group
    part = symmetry.parts[0]
    assert part["kept_space_group"]["number"] == part["child_space_group"]["number"]
    assert "crystal class" in part["note"]


def test_periodic_edges_reach_images_in_a_small_cell():
    """One atom in a cube of side 2 with cutoff 2.5: 6 face + 12 edge neighbours, all images."""
    src, dst, vectors = periodic_edges(np.zeros((1, 3)), 2.0 * np.eye(3), 2.9)
    lengths = np.sort(np.linalg.norm(vectors, axis=1))
    assert len(src) == 18 and np.allclose(lengths[:6], 2.0) and np.allclose(lengths[6:], 8**0.5)
    assert np.allclose(vectors.sum(axis=0), 0.0)


def test_targets_are_translation_averaged_and_strain_is_uniform(tmp_path):
    """SrTiO3's tilt is a zone-boundary mode: its translation average vanishes; what remains is
    the tetragonal strain, the same 2e on every node."""
    parent_path, child_path, _ = published_files(tmp_path, "SrTiO3_I4mcm_Ti", seed=3)
    dataset, _ = read_structure_pair([parent_path, child_path])
    task = CrystalTask(dataset)
    targets = task.targets.numpy()
    assert targets.shape == (20, 9)
    assert np.abs(targets[:, 1:4]).max() < 1e-6  # no zone-centre displacement
    assert np.allclose(targets, targets[0]) and np.abs(targets[0, 4:]).max() > 1e-4


def test_cli_fit_of_a_crystal_pair_writes_a_crystals_run(tmp_path):
    """Small and short: the run is a crystals run whose report carries the space groups."""
    from typer.testing import CliRunner

    from symbreak.cli import app
    from symbreak.pipeline import open_run

    parent_path, child_path, _ = published_files(tmp_path, "BaTiO3_P4mm_Ti", seed=5)
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["fit", str(parent_path), str(child_path), "--out", str(out),
                                      "--epochs", "3", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    run = open_run(out)
    assert run.config["task"] == "crystals"
    report = run.saved_report
    assert report["data_point_group"] == "C4v" and report["input_point_group"] == "Oh"
    assert report["parts"][0]["child_space_group"]["symbol"] == "P4mm"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fit_of_a_crystal_pair_gives_the_childs_crystal_class(tmp_path, name):
    """Every published transition (polar BaTiO3, zone-boundary tilts of SrTiO3 and CaTiO3,
    chiral quartz), each file in its own random frame: the fit converges and its residual
    group is spglib's crystal class of the child."""
    from typer.testing import CliRunner

    from symbreak.cli import app
    from symbreak.pipeline import open_run

    parent_path, child_path, _ = published_files(tmp_path, name, seed=len(name))
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["fit", str(parent_path), str(child_path), "--out", str(out),
                                      "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = open_run(out).saved_report
    assert report["fit"]["converged"]
    assert report["residual_point_group"] == report["data_point_group"] == EXPECTED[name][1]


def test_noisy_child_tolerance_is_read_off_the_symprec_ladder(tmp_path):
    """0.002 A of noise on the BaTiO3 P4mm child: at 0.01 A the map keeps only a mirror; the
    ladder finds the clear window where spglib keeps C4v, and the fit's tolerance lies in it."""
    from ase.io import read, write

    from symbreak.options import PairOptions
    from symbreak.tasks.crystals import crystal_tolerance

    parent_path, child_path, _ = published_files(tmp_path, "BaTiO3_P4mm_Ti", seed=0)
    noisy = read(child_path)
    noisy.positions += np.random.default_rng(0).normal(size=noisy.positions.shape) * 0.002
    write(child_path, noisy)
    dataset, _ = read_structure_pair([parent_path, child_path])
    assert CrystalTask(dataset).data_symmetry(0.01).data_group.name != "C4v"
    chosen = crystal_tolerance(dataset, PairOptions())
    (pair,) = chosen["pairs"]
    assert pair["group"] == "C4v" and pair["gap"][1] >= 4 * pair["gap"][0]
    assert CrystalTask(dataset).data_symmetry(chosen["tolerance"]).data_group.name == "C4v"
    assert crystal_tolerance(dataset, PairOptions(symmetry_tolerance=0.05))["tolerance"] == 0.05


def test_a_child_given_as_its_primitive_cell_keeps_its_space_group_name(tmp_path):
    """I4/mcm as its 10-atom primitive cell: the database's centring translations repeat
    modulo that lattice, and the kept group is still named I4/mcm (spglib on the child)."""
    import spglib
    from ase import Atoms
    from ase.io import write

    parent_path, _, child = published_files(tmp_path, "SrTiO3_I4mcm_Ti", seed=2)
    cell = (np.asarray(child.cell), child.get_scaled_positions(), child.numbers)
    lattice, positions, numbers = spglib.find_primitive(cell, symprec=1e-4)
    write(tmp_path / "primitive.cif", Atoms(numbers=numbers, scaled_positions=positions,
                                            cell=lattice, pbc=True))  # fmt: skip
    dataset, _ = read_structure_pair([parent_path, tmp_path / "primitive.cif"])
    assert len(dataset.pairs[0].target) == 10
    (part,) = CrystalTask(dataset).data_symmetry(0.01).parts
    assert part["kept_space_group"]["symbol"] == part["child_space_group"]["symbol"] == "I4/mcm"
    assert part["data_point_group"] == "D4h"
