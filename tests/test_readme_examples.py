"""The README's examples work verbatim: every file they name is shipped, and the crystal pair
is what the README says it is (checked with spglib, independently of symbreak)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_sample_file_the_readme_names_is_shipped():
    named = set(re.findall(r"sample_data/[\w.-]+", README))
    assert "sample_data/BaTiO3_cubic.cif" in named and "sample_data/BaTiO3_P4mm.cif" in named
    missing = sorted(name for name in named if not (ROOT / name).is_file())
    assert missing == []


def test_the_crystal_example_is_cubic_to_p4mm():
    spglib = pytest.importorskip("spglib")
    from symbreak.data.formats import load_input
    from symbreak.data.structures import read_one_structure

    groups = []
    for name in ("BaTiO3_cubic.cif", "BaTiO3_P4mm.cif"):
        structure = read_one_structure(ROOT / "sample_data" / name)
        numbers = [{"Ba": 56, "Ti": 22, "O": 8}[s] for s in structure.symbols]
        cell = (structure.cell, structure.fractional, numbers)
        groups.append(spglib.get_symmetry_dataset(cell, symprec=1e-3).number)
    assert groups == [221, 99]  # Pm-3m -> P4mm, as the README says
    pair = load_input([ROOT / "sample_data" / "BaTiO3_cubic.cif",
                       ROOT / "sample_data" / "BaTiO3_P4mm.cif"]).pairs[0]  # fmt: skip
    assert pair.n_points == 5 and pair.name == "BaTiO3_cubic_to_BaTiO3_P4mm"
