"""symbreak.data._cif against ASE, the reference CIF reader: same cell, atoms, order, symbols."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from symbreak.data._cif import cellpar_to_cell, read_cif
from symbreak.data.structures import read_one_structure

ase_io = pytest.importorskip("ase.io")
spglib = pytest.importorskip("spglib")

ROOT = Path(__file__).resolve().parents[2]


def assert_same_as_ase(path: Path) -> bool:
    """Our atoms equal ASE's (when we read the file at all); True when we did."""
    ours = read_cif(path)
    if ours is None:
        return False
    theirs = read_one_structure(path, format="cif")
    assert ours.symbols == theirs.symbols, path
    np.testing.assert_allclose(ours.cell, theirs.cell, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.positions, theirs.positions, rtol=0, atol=1e-9)
    return True


def _term(value: float) -> str:
    fraction = Fraction(value).limit_denominator(12)
    return "" if fraction == 0 else f"{'+' if fraction > 0 else '-'}{abs(fraction)}"


def _operation(rotation: np.ndarray, translation: np.ndarray) -> str:
    rows = []
    for row, shift in zip(rotation, translation):
        text = "".join(f"{'+' if c > 0 else '-'}{'xyz'[k]}" for k, c in enumerate(row) if c)
        rows.append(text.lstrip("+") + _term(shift % 1.0))
    return ", ".join(rows)


def _cellpar(number: int) -> str:
    if number <= 2:
        values = (5.1, 6.2, 7.3, 80, 85, 95)
    elif number <= 15:
        values = (5.1, 6.2, 7.3, 90, 100, 90)
    elif number <= 74:
        values = (5.1, 6.2, 7.3, 90, 90, 90)
    elif number <= 142:
        values = (5.1, 5.1, 7.3, 90, 90, 90)
    elif number <= 194:
        values = (5.1, 5.1, 7.3, 90, 90, 120)
    else:
        values = (5.1, 5.1, 5.1, 90, 90, 90)
    names = ("length_a", "length_b", "length_c", "angle_alpha", "angle_beta", "angle_gamma")
    return "\n".join(f"_cell_{n} {v}" for n, v in zip(names, values))


def write_symmetric_cif(path: Path, hall_number: int) -> int:
    """A CIF of one space-group setting: its operations listed, two sites (general, origin)."""
    number = spglib.get_spacegroup_type(hall_number).number
    operations = spglib.get_symmetry_from_database(hall_number)
    listed = "\n".join(
        f"'{_operation(r, t)}'"
        for r, t in zip(operations["rotations"], operations["translations"])
    )
    path.write_text(
        f"data_test\n{_cellpar(number)}\n_space_group_IT_number {number}\n"
        f"loop_\n_space_group_symop_operation_xyz\n{listed}\n"
        "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
        "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
        "O1 O2- 0.1234 0.2345(3) 0.3456 1.0\nTi1 Ti 0 0 0 1.0\n"
    )
    return number


def test_every_space_group_reads_as_ase_reads_it(tmp_path):
    """One setting of each of the 230 groups, listed operations; the reader may pass a file to
    ASE (an inversion off the origin), but must read most, and read them as ASE does."""
    read, numbers = 0, set()
    for hall in range(1, 531):
        number = spglib.get_spacegroup_type(hall).number
        if number in numbers:
            continue
        numbers.add(number)
        path = tmp_path / f"{hall}.cif"
        write_symmetric_cif(path, hall)
        read += assert_same_as_ase(path)
    assert len(numbers) == 230
    assert read >= 200, read


def test_files_written_by_ase_and_the_samples(tmp_path):
    from ase import Atoms

    rng = np.random.default_rng(1)
    for k in range(5):
        cell = np.diag(rng.uniform(3, 6, 3)) + rng.uniform(-0.5, 0.5, (3, 3))
        atoms = Atoms(rng.choice(["Ba", "Ti", "O"], 7), cell=cell, pbc=True,
                      scaled_positions=rng.random((7, 3)))  # fmt: skip
        path = tmp_path / f"random{k}.cif"
        ase_io.write(path, atoms)
        assert assert_same_as_ase(path)
    for sample in sorted((ROOT / "sample_data").glob("*.cif")):
        assert assert_same_as_ase(sample), sample


@pytest.mark.parametrize(
    "change",
    [
        ("Ti1 Ti 0 0 0 1.0", "Ti1 Ti 0 0 0 0.5"),  # partial occupancy
        ("data_test", "data_one\n_cell_length_a 1\ndata_test"),  # two blocks
        ("_space_group_IT_number 221", "_space_group_IT_number 221\n_symmetry_cell_setting cubic"),
    ],
)
def test_what_it_does_not_follow_goes_to_ase(tmp_path, change):
    path = tmp_path / "x.cif"
    write_symmetric_cif(path, 517)  # Pm-3m
    assert assert_same_as_ase(path)
    path.write_text(path.read_text().replace(*change))
    assert read_cif(path) is None


def test_a_named_group_without_operations_goes_to_ase(tmp_path):
    path = tmp_path / "named.cif"
    path.write_text(
        "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n_cell_angle_alpha 90\n"
        "_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F m -3 m'\n"
        "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
        "Cu1 0 0 0\n"
    )
    assert read_cif(path) is None
    assert read_one_structure(path).n_atoms == 4  # ASE takes the operations from its tables


def test_cell_matches_ase_for_oblique_angles():
    from ase.geometry import cellpar_to_cell as ase_cellpar_to_cell

    rng = np.random.default_rng(2)
    for _ in range(50):
        lengths, angles = rng.uniform(2, 9, 3), rng.uniform(70, 110, 3)
        np.testing.assert_array_equal(
            cellpar_to_cell(lengths, angles), ase_cellpar_to_cell([*lengths, *angles])
        )
