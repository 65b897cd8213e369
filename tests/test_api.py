"""The Python face: ecosystem objects in, a frozen report out, no files unless asked.

Ground truth: groups constructed by the test (a methane bond stretched keeps C3v; a cube
stretched along z keeps D4h), not computed by the code under test.
"""

import re

import numpy as np
import pytest

import symbreak
from symbreak.errors import DataError

HYDROGENS = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / np.sqrt(3)
METHANE = np.vstack([[0.0, 0, 0], 1.09 * HYDROGENS])


def test_ase_atoms_in_any_order(tmp_path, monkeypatch):
    ase = pytest.importorskip("ase")
    monkeypatch.chdir(tmp_path)
    stretched = METHANE.copy()
    stretched[2] *= 1.12
    parent = ase.Atoms("CH4", positions=METHANE)
    child = ase.Atoms("H2CH2", positions=stretched[[1, 4, 0, 2, 3]])
    run = symbreak.fit(parent, child)
    assert run.report.residual_group.name == "C3v" and run.report.consistent
    assert list(tmp_path.iterdir()) == []  # nothing written where the user works
    text = run.explain()
    assert "Verdict. Consistent" in text and "re-ordered" in text
    page = run._repr_html_()
    assert "C3v" in page and page.startswith("<div>") and page.endswith("</div>")
    rendering = run.render(tmp_path / "pictures")
    assert any(path.suffix == ".png" for path in (tmp_path / "pictures").iterdir())
    assert rendering is not None


def test_arrays_with_species_and_a_run_directory(tmp_path):
    cube = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
    run = symbreak.fit(cube, cube * [1.0, 1.0, 1.3], species=["A"] * 8, out=tmp_path / "r",
                       seed=2)  # fmt: skip
    assert (tmp_path / "r" / "report.json").exists() and run.path == tmp_path / "r"
    assert run.report.residual_group.name == "D4h"
    assert symbreak.load_run(tmp_path / "r").options.optimiser.seed == 2


def test_pymatgen_molecule():
    pymatgen = pytest.importorskip("pymatgen.core")
    stretched = METHANE.copy()
    stretched[1] *= 1.1
    parent = pymatgen.Molecule(["C", "H", "H", "H", "H"], METHANE)
    child = pymatgen.Molecule(["C", "H", "H", "H", "H"], stretched)
    assert symbreak.fit(parent, child).report.residual_group.name == "C3v"


@pytest.mark.parametrize("parent, child, kwargs, words", [
    (METHANE, None, {}, "needs its child"),
    (METHANE, METHANE[:, :2], {}, "(N, 3) array"),
    (METHANE, METHANE, {"species": ["C"]}, "species has 1 labels"),
    (METHANE, METHANE, {"l_relaxed": -1}, "l-relaxed"),
])  # fmt: skip
def test_bad_input_is_one_sentence(parent, child, kwargs, words):
    with pytest.raises((DataError, ValueError), match=re.escape(words)):
        symbreak.fit(parent, child, **kwargs)
