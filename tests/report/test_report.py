"""Acceptance: the sample runs, the same data in another frame, and the JSON contract."""

import dataclasses
import json

import numpy as np
import pytest

from symbreak.report import REPORT_FIT_KEYS, REPORT_SCHEMA, FitSummary, Report, build_report
from tests.report.conftest import FRAME, SHIFT

CONTRACT = {
    "schema", "task", "residual_point_group", "data_point_group", "input_point_group",
    "target_point_group", "relaxed_weights_point_group", "activated_irreps", "predicted_irreps",
    "consistent", "symmetry_elements", "irreps", "fit",
}  # fmt: skip
ROW_KEYS = {"layer", "irrep", "copy", "norm", "breaking_norm", "active", "vector",
            "interpretation"}  # fmt: skip


@pytest.fixture(scope="module")
def prism(fitted):
    return build_report(fitted("cube_to_prism"))


def test_cube_to_prism(prism):
    d = prism.to_dict()
    assert d["input_point_group"] == "Oh"
    assert d["target_point_group"] == "D4h"
    assert d["data_point_group"] == "D4h"
    assert d["residual_point_group"] == "D4h"
    assert "2e" in d["activated_irreps"]
    assert d["predicted_irreps"] == ["2e", "4e"]
    assert set(d["activated_irreps"]) <= set(d["predicted_irreps"])
    assert d["consistent"] is True
    assert prism.groups["residual"] == prism.groups["data"]  # same elements, not only names
    assert {"kind": "rotation", "order": 4, "axis": [0.0, 0.0, 1.0]} in d["symmetry_elements"]
    assert {"kind": "inversion"} in d["symmetry_elements"]


def test_prism_quadrupole_is_uniaxial_about_z(prism):
    rows = [r for r in prism.rows if r.active and r.irrep == "2e"]
    assert rows and all("x² = y² ≠ z²" in r.interpretation for r in rows)


def test_cube_to_cube(fitted):
    d = build_report(fitted("cube_to_cube")).to_dict()
    assert d["residual_point_group"] == d["data_point_group"] == d["input_point_group"] == "Oh"
    assert d["activated_irreps"] == [] and d["predicted_irreps"] == []
    assert d["consistent"] is True


def test_cube_to_random(fitted):
    # a random map keeps nothing: the converged fit breaks Oh down to C1 (56 epochs, 0.9 s)
    d = build_report(fitted("cube_to_random")).to_dict()
    assert d["data_point_group"] == "C1" and d["residual_point_group"] == "C1"
    assert d["target_point_group"] == "C1" and d["input_point_group"] == "Oh"
    assert d["fit"]["converged"] and d["consistent"] is True


def test_a_short_fit_is_called_unconverged_before_its_groups(fitted):
    d = build_report(fitted("cube_to_random", epochs=2)).to_dict()
    assert d["consistent"] is False and d["verdict"].startswith("Not converged")


def test_json_contract(prism):
    d = json.loads(json.dumps(prism.to_dict()))  # JSON-ready: plain types only
    assert set(d) >= CONTRACT
    assert d["schema"] == REPORT_SCHEMA == 1 and d["task"] == "pairs"
    layers, l_relaxed = 2, 4
    assert len(d["irreps"]) == layers * 2 * (l_relaxed + 1)
    for row in d["irreps"]:
        assert set(row) >= ROW_KEYS
        assert row["breaking_norm"] <= row["norm"] + 1e-12
        assert np.isclose(np.linalg.norm(row["vector"]), row["norm"])
        assert not (row["irrep"] == "0e" and row["active"])
    assert {"loss", "initial_loss", "epochs", "seconds", "converged"} <= set(d["fit"])


def test_fit_writes_the_same_report(fitted, prism):
    saved = fitted("cube_to_prism").report()
    fresh = prism.to_dict()
    for key in CONTRACT - {"irreps", "fit"}:
        assert saved[key] == fresh[key], key


def _matches(element: dict, candidates: list[dict], frame: np.ndarray) -> bool:
    """Whether ``element`` moved by ``frame`` is among ``candidates`` (axes up to sign)."""
    key = "normal" if element["kind"] == "mirror" else "axis"
    for other in candidates:
        if other["kind"] != element["kind"] or other.get("order") != element.get("order"):
            continue
        if key not in element or abs(frame @ np.array(element[key]) @ other[key]) > 1 - 1e-6:
            return True
    return False


@pytest.mark.parametrize("name", ["cube_to_prism", "cube_to_cube"])
def test_another_frame_gives_the_same_groups_rotated(fitted, name):
    plain = build_report(fitted(name)).to_dict()
    moved = build_report(fitted(name, rotated=True)).to_dict()
    for key in ("input_point_group", "target_point_group", "data_point_group",
                "residual_point_group", "activated_irreps", "predicted_irreps", "consistent"):
        assert moved[key] == plain[key], key  # fmt: skip
    assert len(moved["symmetry_elements"]) == len(plain["symmetry_elements"])
    for element in plain["symmetry_elements"]:
        assert _matches(element, moved["symmetry_elements"], FRAME), element
    assert np.allclose(moved["centre"], FRAME @ np.array(plain["centre"]) + SHIFT)


def test_residual_group_uses_the_data_groups_copy_of_each_element():
    """Noisy data: the source's group and the transformation's group are refined on different
    atoms and differ by ~1e-3 rad; θ, exactly invariant under the data group's elements, must
    still give the data group, not a smaller one."""
    import numpy as np
    from scipy.spatial.transform import Rotation

    from symbreak.report._report import aligned
    from symbreak.symmetry import named_group, residual_group, wigner_D

    data = named_group("D3")
    tilt = Rotation.from_rotvec([2e-3, -1e-3, 1.5e-3]).as_matrix()
    source_group = named_group("D6h").rotated(tilt)
    rng = np.random.default_rng(0)
    vectors = {name: wigner_D(name, data.elements).mean(axis=0) @ rng.normal(size=2 * l + 1)
               for name, l in (("2o", 2), ("3o", 3), ("4e", 4))}  # fmt: skip
    assert residual_group(source_group, vectors, 1e-3).order < 6  # the defect
    assert residual_group(aligned(source_group, data), vectors, 1e-3).name == "D3"


def test_json_lists_the_domains(prism):
    """Group theory: D4h has index 3 in Oh; the prism's domains have their 4-fold axis along
    z (the data's), x and y."""
    domains = prism.to_dict()["domains"]
    assert len(domains) == 3 and domains[0]["chosen"]
    axes = {tuple(abs(round(c, 9)) for c in d["principal_axis"]) for d in domains}
    assert axes == {(0.0, 0.0, 1.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)}
    assert tuple(domains[0]["principal_axis"]) in ((0.0, 0.0, 1.0), (0.0, 0.0, -1.0))


# ---------------------------------------------------------------- one typed, immutable Report
@pytest.mark.parametrize("name, options", [("cube_to_prism", {}), ("lorentz", {"epochs": 20})])
def test_to_dict_and_from_dict_round_trip(fitted, name, options):
    report = build_report(fitted(name, **options))
    d = report.to_dict()
    assert Report.from_dict(d).to_dict() == d
    saved = json.loads(json.dumps(d))  # as report.json stores it: lists, not tuples
    assert Report.from_dict(saved).to_dict() == saved
    again = Report.from_dict(saved)
    assert again.groups == report.groups and again.rows == report.rows
    assert again.fit.to_dict() == report.fit.to_dict()


def test_report_is_frozen(prism):
    with pytest.raises(dataclasses.FrozenInstanceError):
        prism.verdict = "Consistent."
    with pytest.raises(dataclasses.FrozenInstanceError):
        prism.rows[0].active = True
    with pytest.raises(dataclasses.FrozenInstanceError):
        prism.fit.converged = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        prism.groups.residual = prism.groups.input
    with pytest.raises(TypeError):  # the JSON payloads are read-only too
        prism.preparation["symmetry_adapted"] = None
    assert isinstance(prism.rows, tuple) and isinstance(prism.ladder, tuple)
    assert isinstance(prism.parts[0]["centre"], tuple)


def test_one_source_for_the_fit_summary_keys(fitted, prism):
    from symbreak.pipeline import fit_summary

    run = fitted("cube_to_prism")
    assert tuple(prism.to_dict()["fit"]) == REPORT_FIT_KEYS
    assert tuple(run.report()["fit"]) == REPORT_FIT_KEYS
    assert set(run.config["fit"]) >= set(REPORT_FIT_KEYS)
    assert prism.fit == FitSummary.from_dict(run.config["fit"])
    assert prism.fit.obstacles == () == tuple(run.config["fit"]["obstacles"])  # data checks

    class Result:  # what fit_summary reads of a FitResult
        loss_, initial_loss_, epochs_, seconds_, converged_, interrupted_ = 1e-3, 0.5, 7, 1.0, \
            True, False

    assert tuple(fit_summary(Result())) == REPORT_FIT_KEYS
    assert fit_summary(Result())["relative_loss"] == pytest.approx(2e-3)


def test_readers_get_the_saved_report_as_a_report(fitted):
    """render and the sweep read report.json through Report.from_dict, not as a dict."""
    from symbreak.render._render import run_report
    from symbreak.report import saved_report

    run = fitted("cube_to_prism")
    report, note = run_report(run)
    assert note is None and isinstance(report, Report)
    assert report.to_dict() == run.report()  # the saved one, not rebuilt
    assert saved_report(run.path).to_dict() == run.report()
    assert saved_report(run.path, threshold=0.5) is None  # made with another threshold
