"""Never confidently wrong about pairs: atom order, swapped files, rotated frames, zone-boundary
breaking, identical structures, absurd tolerances, and the sign of a polar axis.

Ground truth: spglib's site symmetry of the published child (symbreak.data.published), spglib's
space group of the child crystal, and the published structure's own polar axis (Ti moves along
+c in Harada's BaTiO3 P4mm); none of them is computed by the code under test.
"""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation
from typer.testing import CliRunner

from symbreak.cli import app
from symbreak.data import write_pairs
from symbreak.errors import DataError
from symbreak.pipeline import fit_file, open_run
from symbreak.report import build_report
from symbreak.trainer import FitOptions

pytest.importorskip("ase")
spglib = pytest.importorskip("spglib")

from ase import Atoms  # noqa: E402
from ase.io import write  # noqa: E402

from symbreak.data.published import published_pair  # noqa: E402


def _frame(seed: int) -> np.ndarray:
    return Rotation.random(random_state=np.random.default_rng(seed)).as_matrix()


def _report(tmp_path, name, source, target, species, options=None):
    data = tmp_path / f"{name}.h5"
    write_pairs(data, {name: (source, target, list(species))})
    path, result = fit_file(data, tmp_path / f"run_{name}", options or FitOptions(),
                            analyse=False)  # fmt: skip
    return result, build_report(open_run(path)), open_run(path).config


def _shuffled(species, seed):
    rng, species = np.random.default_rng(seed), np.asarray(species)
    order = np.arange(len(species))
    for name in np.unique(species):
        members = np.flatnonzero(species == name)
        order[members] = rng.permutation(members)
    return order


@pytest.mark.parametrize("name, noise", [("BaTiO3_P4mm_Ti", 0.0), ("quartz_P3221_Si", 0.002),
                                         ("SrTiO3_I4mcm_Sr", 0.0)])  # fmt: skip
def test_shuffled_target_gives_the_published_group(tmp_path, name, noise):
    pair = published_pair(name, rotation=_frame(len(name)))
    rng = np.random.default_rng(1)
    target = pair.target + rng.normal(0.0, noise, pair.target.shape)
    order = _shuffled(pair.species, 2)
    result, report, config = _report(tmp_path, "p", pair.source, target[order], pair.species)
    assert result.converged_
    assert report.residual_group.name == pair.expected_group  # spglib, the child's site
    assert report.consistent
    (match,) = config["preparation"]["atom_order"]
    assert match["applied"] and match["reordered"] > 0
    assert match["rmsd_after"] < 0.2 * match["rmsd_before"]


def test_keep_order_keeps_the_wrong_order_and_never_says_consistent_about_it(tmp_path):
    hydrogens = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) / np.sqrt(3)
    source = np.vstack([[0.0, 0, 0], 1.09 * hydrogens]) @ _frame(3).T
    target = source.copy()
    target[1] = source[1] * 1.15 / 1.09
    species = ["C", "H", "H", "H", "H"]
    relabelled = target[[0, 2, 3, 1, 4]]  # a C3 turn of three hydrogens: 120° rigid rotation
    _, matched, _ = _report(tmp_path, "m", source, relabelled, species)
    assert matched.residual_group.name == "C3v" and matched.consistent
    _, kept, _ = _report(tmp_path, "k", source, relabelled, species, FitOptions.from_flat(
        keep_order=True))
    assert not kept.consistent and "turned by 1" in kept.verdict


def test_swapped_files_are_named(tmp_path):
    pair = published_pair("BaTiO3_P4mm_Ti", rotation=_frame(2))
    _, report, _ = _report(tmp_path, "s", pair.target, pair.source, pair.species)
    assert not report.consistent
    assert "probably swapped" in report.verdict


def test_identical_structures_say_nothing_changed(tmp_path):
    pair = published_pair("KCuF3_I4mcm_K")
    _, report, _ = _report(tmp_path, "i", pair.source, pair.source.copy(), pair.species)
    assert report.verdict.startswith("Nothing changed")
    assert not report.activated_irreps


def test_a_target_in_another_frame_is_never_consistent(tmp_path):
    pair = published_pair("BaTiO3_P4mm_Ti")
    turned = (pair.target - pair.target.mean(axis=0)) @ _frame(9).T
    _, report, _ = _report(tmp_path, "r", pair.source, turned, pair.species)
    assert not report.consistent and "--remove-rotation" in report.verdict


def test_polar_axis_comes_from_the_data_not_the_seed(tmp_path):
    """Harada's BaTiO3 P4mm: Ti at z = 0.5135 c, above its cage; the polarisation is +c."""
    rotation = _frame(17)
    pair = published_pair("BaTiO3_P4mm_Ti", rotation=rotation)
    c_axis = rotation @ np.array([0.0, 0.0, 1.0])
    for seed in range(4):
        _, report, _ = _report(tmp_path, f"b{seed}", pair.source, pair.target, pair.species,
                               FitOptions.from_flat(seed=seed))  # fmt: skip
        assert report.residual_group.name == "C4v"
        assert np.dot(report.domains[0]["polar_axis"], c_axis) > 0.999


def _perovskite_2x2x2(tilt_degrees: float):
    """SrTiO3 in a 2x2x2 cubic cell, and the a0a0c- tilt (I4/mcm) with no strain."""
    a, phi = 3.905, np.radians(tilt_degrees)
    symbols, parent, child = [], [], []
    for i, j, k in np.ndindex(2, 2, 2):
        sign = (-1) ** (i + j + k)
        for symbol, site, shift in (("Sr", (0, 0, 0), (0, 0, 0)), ("Ti", (.5, .5, .5), (0, 0, 0)),
                                    ("O", (.5, .5, 0), (0, 0, 0)),
                                    ("O", (.5, 0, .5), (sign * phi * a / 2, 0, 0)),
                                    ("O", (0, .5, .5), (0, -sign * phi * a / 2, 0))):
            position = (np.array([i, j, k]) + site) * a
            symbols.append(symbol)
            parent.append(position)
            child.append(position + shift)
    cell = 2 * a * np.eye(3)
    return (Atoms(symbols, positions=parent, cell=cell, pbc=True),
            Atoms(symbols, positions=child, cell=cell, pbc=True))


def test_zone_boundary_tilt_is_named_and_its_space_group_kept(tmp_path):
    parent, child = _perovskite_2x2x2(2.1)
    cell = (child.cell[:], child.get_scaled_positions(), child.numbers)
    assert spglib.get_spacegroup(cell, symprec=1e-3) == "I4/mcm (140)"  # the oracle
    write(tmp_path / "parent.cif", parent)
    write(tmp_path / "child.cif", child)
    path, _ = fit_file(tmp_path / "parent.cif", tmp_path / "run", FitOptions(),
                       dataset=_crystal_dataset(tmp_path))  # fmt: skip
    report = build_report(open_run(path))
    (part,) = report.parts
    assert part["kept_space_group"]["symbol"] == "I4/mcm"
    assert not report.consistent
    assert "not at the zone centre" in report.verdict and "lower --threshold" not in report.verdict


def _crystal_dataset(folder):
    from symbreak.data.formats import load_input

    return load_input([folder / "parent.cif", folder / "child.cif"])


def test_a_tolerance_larger_than_the_structure_is_refused(tmp_path):
    pair = published_pair("BaTiO3_P4mm_Ti")
    data = tmp_path / "t.h5"
    write_pairs(data, {"t": (pair.source, pair.target, list(pair.species))})
    with pytest.raises(DataError, match="not below the shortest distance"):
        fit_file(data, tmp_path / "run", FitOptions.from_flat(symmetry_tolerance=1e6))
    result = CliRunner().invoke(app, ["fit", str(data), "--out", str(tmp_path / "cli"),
                                      "--symmetry-tolerance", "1e6"])  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_cluster_files_in_another_species_order_are_read(tmp_path):
    pair = published_pair("BaTiO3_P4mm_Ti", rotation=_frame(4))
    order = np.random.default_rng(3).permutation(len(pair.species))  # across species too
    write(tmp_path / "parent.xyz", Atoms(pair.species, positions=pair.source))
    write(tmp_path / "child.xyz", Atoms([pair.species[i] for i in order],
                                        positions=pair.target[order]))  # fmt: skip
    from symbreak.data.formats import load_input

    dataset = load_input([tmp_path / "parent.xyz", tmp_path / "child.xyz"])
    path, result = fit_file(tmp_path / "parent.xyz", tmp_path / "run", FitOptions(),
                            dataset=dataset)  # fmt: skip
    report = build_report(open_run(path))
    assert result.converged_ and report.consistent
    assert report.residual_group.name == pair.expected_group


def test_a_missing_atom_or_another_species_is_one_sentence(tmp_path):
    pair = published_pair("BaTiO3_P4mm_Ti")
    write(tmp_path / "parent.xyz", Atoms(pair.species, positions=pair.source))
    write(tmp_path / "missing.xyz", Atoms(pair.species[:-1], positions=pair.target[:-1]))
    other = list(pair.species)
    other[-1] = "Sr" if other[-1] != "Sr" else "Ba"
    write(tmp_path / "other.xyz", Atoms(other, positions=pair.target))
    for child in ("missing.xyz", "other.xyz"):
        result = CliRunner().invoke(app, ["fit", str(tmp_path / "parent.xyz"),
                                          str(tmp_path / child), "--out",
                                          str(tmp_path / f"run_{child}")])  # fmt: skip
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "needs the same atoms" in " ".join(result.output.split())
