"""Real distortions, polar, chiral and improper, in random frames: the fit converges and the
residual group is the distortion's group.

Ground truth: for published structures, spglib's site symmetry of the cluster's centre in the
child crystal (symbreak.data.published); for synthetic clusters, the group the distortion was
Reynolds-averaged over. Neither is computed by the code under test.
"""

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from symbreak.data import write_pairs
from symbreak.data.published import published_pair, symmetric_distortion, twisted_cube
from symbreak.pipeline import fit_file, open_run
from symbreak.report import build_report
from symbreak.symmetry import breaking_part, named_group
from symbreak.trainer import FitOptions


def _fit_and_explain(tmp_path, name, source, target, species, options=None):
    data = tmp_path / f"{name}.h5"
    write_pairs(data, {name: (source, target, list(species))})
    path, result = fit_file(data, tmp_path / f"run_{name}", options or FitOptions(), analyse=False)
    return result, build_report(open_run(path))


def _frame(seed: int) -> np.ndarray:
    return Rotation.random(random_state=np.random.default_rng(seed)).as_matrix()


@pytest.mark.parametrize(
    "name, seed",
    [("BaTiO3_P4mm_Ti", 1), ("SrTiO3_I4mcm_Ti", 2), ("KCuF3_I4mcm_K", 3)],
)
def test_published_transitions(tmp_path, name, seed):
    pytest.importorskip("ase")
    pytest.importorskip("spglib")
    pair = published_pair(name, rotation=_frame(seed))
    result, report = _fit_and_explain(tmp_path, name, pair.source, pair.target, pair.species)
    assert result.converged_, result.loss_ / result.initial_loss_
    assert report.residual_group.name == pair.expected_group
    assert report.residual_group == report.groups["data"]  # same elements, same frame
    assert report.consistent


def test_twisted_cube_keeps_c4(tmp_path):
    source, target = twisted_cube(0.2)
    rotation = _frame(4)
    result, report = _fit_and_explain(
        tmp_path, "twist", source @ rotation.T, target @ rotation.T, ["X"] * len(source)
    )
    assert result.converged_ and report.residual_group.name == "C4"
    assert "0o" in report.activated_irreps or "1e" in report.activated_irreps  # chirality


def test_small_noisy_improper_distortion(tmp_path):
    # 1.5 % of the neighbour distance, noise 2 % of the smallest displacement
    rng = np.random.default_rng(6)
    pair = symmetric_distortion("S4", amplitude=0.015, seed=3, rotation=_frame(6))
    moved = np.linalg.norm(pair.target - pair.source, axis=1)
    noisy = pair.target + rng.normal(size=pair.target.shape) * 0.02 * moved[moved > 0].min()
    result, report = _fit_and_explain(tmp_path, "s4", pair.source, noisy, pair.species)
    assert report.groups["data"].name == "S4" and report.residual_group.name == "S4"
    assert result.converged_


def test_rounding_leaves_the_invariant_subspace_only_without_the_projection(tmp_path, monkeypatch):
    """The measured cause: on exact BaTiO3 P4mm data (C4v) a free fit's theta leaves the
    C4v-invariant subspace by 1e-11 to 1e-8, grown from rounding (1e-16); the adapted fit
    stays in it to rounding. Both converge to the same group here; on the issue's runs the
    same growth, with a penalty and the rigid shift, reached 1e-4 and gave C1.

    Measured over L-BFGS's 96 epochs alone: with the output weight's least-squares step the
    fit converges in 7, before rounding has grown, so the step is switched off here."""
    pytest.importorskip("ase")
    pytest.importorskip("spglib")
    monkeypatch.setattr("symbreak.trainer._lbfgs.output_weight_step", lambda objective: False)
    pair = published_pair("BaTiO3_P4mm_Ti", rotation=_frame(1))
    breaking = {}
    for adapted in (False, True):
        options = FitOptions.from_flat(epochs=100, symmetry_adapted=adapted)
        _, report = _fit_and_explain(
            tmp_path, f"bto_{adapted}", pair.source, pair.target, pair.species, options
        )
        group = report.groups["data"]
        assert group.name == "C4v"
        breaking[adapted] = max(
            float(np.linalg.norm(breaking_part(row.irrep, row.vector, group)))
            for row in report.rows
        )
    assert breaking[True] < 1e-14 and breaking[False] > 1e-12


def test_invariant_projection_is_exact_for_every_irrep():
    from symbreak.conventions import relaxed_irrep_names
    from symbreak.symmetry import invariant_projector

    group = named_group("C4v")
    rng = np.random.default_rng(0)
    for irrep in relaxed_irrep_names(4):
        projector = torch.as_tensor(invariant_projector(irrep, group))
        vector = projector @ torch.as_tensor(rng.normal(size=projector.shape[0]))
        assert np.linalg.norm(breaking_part(irrep, vector.numpy(), group)) < 1e-13


#: The slowest clusters before the output weight's least-squares step (issue 21): other sites
#: of the catalogue's transitions, centre given as a child position (fractional).
OTHER_SITES = [
    ("SrTiO3_I4mcm_Sr", None, 4.3, 0.0, 8),  # the catalogue's own site, another frame
    ("CaTiO3_Pnma_Ti", ("Ca", (0.0123, 0.25, 0.9916)), 4.3, 0.02, 9),  # Ca-centred, noisy
    ("quartz_P3221_Si", ("O", (0.4135, 0.2669, 0.1191 + 1 / 6)), 4.5, 0.0, 10),  # O-centred
]


@pytest.mark.parametrize("name, site, radius, noise, seed", OTHER_SITES)
def test_other_sites_converge_to_the_site_symmetry(tmp_path, name, site, radius, noise, seed):
    """The residual group is spglib's site symmetry of the centre in the child, and the fit
    has converged (the verdict's test: within 1e-10 of the data's floor); these crept for
    200-400 epochs, unconverged, before the least-squares step."""
    pytest.importorskip("ase")
    pytest.importorskip("spglib")
    pair = published_pair(name, rotation=_frame(seed), site=site, radius=radius)
    target = pair.target
    if noise:
        moved = np.linalg.norm(pair.target - pair.source, axis=1)
        rng = np.random.default_rng(seed)
        target = target + rng.normal(size=target.shape) * noise * moved[moved > 1e-9].min()
    result, report = _fit_and_explain(tmp_path, "site", pair.source, target, pair.species)
    assert result.converged_, result.loss_ / result.initial_loss_
    assert report.residual_group.name == pair.expected_group
