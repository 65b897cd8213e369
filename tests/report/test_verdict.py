"""The verdict judges the fit first, compares groups as groups, and names a measured cause."""

from types import SimpleNamespace

import numpy as np
import pytest

from symbreak.report import (
    describe_element,
    element_difference,
    predicted_irreps,
    quadrupole_vector,
)
from symbreak.report._verdict import diagnose, fit_problems, group_relation, verdict
from symbreak.symmetry import named_group, wigner_D

FIT = {"loss": 1e-12, "initial_loss": 1.0, "relative_loss": 1e-12, "epochs": 16,
       "converged": True, "interrupted": False}  # fmt: skip

#: A frame in general position: every statement must hold in any orientation.
_Q = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))[0]
FRAMES = [np.eye(3), _Q if np.linalg.det(_Q) > 0 else -_Q]


def groups(input_name: str, data_name: str, residual_name: str, frame=np.eye(3)) -> dict:
    return {"input": named_group(input_name, frame), "data": named_group(data_name, frame),
            "residual": named_group(residual_name, frame)}  # fmt: skip


def quadrupole_rows(stretch: float, frame=np.eye(3)) -> list:
    """Layer-0 weights: a 0e, and a 2e uniaxial about z plus ``stretch`` of x² - y² (D2h)."""
    q = np.diag([-1.0, -1.0, 2.0]) + stretch * np.diag([1.0, -1.0, 0.0])
    vector = wigner_D("2e", frame) @ quadrupole_vector(q)
    return [SimpleNamespace(layer=0, irrep="0e", vector=[1.0], significant=False),
            SimpleNamespace(layer=0, irrep="2e", vector=vector, significant=True,
                            relative_breaking_norm=0.9)]  # fmt: skip


def test_predicted_irreps_cube_to_prism():
    assert predicted_irreps(named_group("Oh"), named_group("D4h"), 4) == ["2e", "4e"]
    assert predicted_irreps(named_group("Oh"), named_group("Oh"), 4) == []


@pytest.mark.parametrize("frame", FRAMES)
def test_consistent_when_residual_equals_data(frame):
    consistent, text = verdict(groups("Oh", "D4h", "D4h", frame), ["2e"], ["2e", "4e"], FIT, 4)
    assert consistent and text.startswith("Consistent")


def test_interrupted_run_is_said_first_and_never_consistent():
    # the run of issue 9: Ctrl-C after 3 epochs, relative loss 0.33, groups happen to agree
    fit = dict(FIT, relative_loss=0.33, epochs=3, converged=False, interrupted=True)
    consistent, text = verdict(groups("Oh", "D4h", "D4h"), ["2e"], ["2e", "4e"], fit, 4)
    assert not consistent
    assert text.startswith("Interrupted after 3 epochs") and "Consistent" not in text


def test_epoch_cap_is_said_first_and_never_consistent():
    # --reg-strength -1: stops at the epoch cap at relative loss 1.5e-2
    fit = dict(FIT, relative_loss=1.5e-2, epochs=400, converged=False)
    result = diagnose(groups("Oh", "D4h", "D4h"), ["2e"], ["2e", "4e"], fit, 4)
    assert not result.consistent and result.fit_problems == ("unconverged",)
    assert result.text.startswith("Not converged and underfit") and "400 epochs" in result.text


def test_underfit_converged_is_said_first():
    fit = dict(FIT, relative_loss=0.05)
    result = diagnose(groups("Oh", "D4h", "D4h"), ["2e"], ["2e", "4e"], fit, 4)
    assert not result.consistent and result.text.startswith("Underfit")


@pytest.mark.parametrize("frame", FRAMES)
def test_l_relaxed_too_small_compares_groups_not_elements(frame):
    # --l-relaxed 1 on cube -> prism: Oh survives; Oh contains D4h's C2 about x and y, so
    # nothing the data keep was broken
    result = diagnose(groups("Oh", "D4h", "Oh", frame), [], [], FIT, 1)
    assert not result.consistent and result.relation == "larger"
    assert result.causes == ("l_relaxed_too_low",)
    assert "l_relaxed = 1 is too small" in result.text and "--l-relaxed 2" in result.text
    assert "2e" in result.text and "broke too much" not in result.text
    assert "which the data keep" not in result.text
    # the loss floor that follows (relative loss 0.92) is put down to l_relaxed, not the graph
    fit = dict(FIT, relative_loss=0.92)
    result = diagnose(groups("Oh", "D4h", "Oh", frame), [], [], fit, 1)
    assert result.text.startswith("Underfit (converged at relative loss 9.2e-01) because")
    assert "--cutoff" not in result.text and "--l-relaxed 2" in result.text


def test_breaking_too_little_with_reachable_irreps_blames_the_threshold():
    rows = [SimpleNamespace(layer=1, irrep="2e", significant=False,
                            relative_breaking_norm=4e-4)]  # fmt: skip
    result = diagnose(groups("Oh", "D4h", "Oh"), [], ["2e", "4e"], FIT, 4, rows=rows,
                      threshold=1e-3)  # fmt: skip
    assert result.causes == ("below_threshold",)
    assert "--threshold 0.001" in result.text and "4.0e-04" in result.text


def test_breaking_too_little_on_a_failed_fit_blames_the_fit():
    fit = dict(FIT, relative_loss=0.2, converged=False)
    result = diagnose(groups("Oh", "D4h", "Oh"), [], ["2e", "4e"], fit, 4)
    assert result.causes == ("fit",) and result.text.startswith("Not converged")


@pytest.mark.parametrize("frame", FRAMES)
def test_spontaneous_breaking_on_exact_data(frame):
    # converged, exact data, the weights break D4h by 1e-3 of their symmetric part
    result = diagnose(groups("Oh", "D4h", "D2h", frame), ["2e"], ["2e", "4e"], FIT, 4,
                      rows=quadrupole_rows(1e-3, frame), data_residual=0.0)  # fmt: skip
    assert result.relation == "smaller" and result.causes == ("spontaneous",)
    assert "exact data" in result.text and "noise" not in result.text
    assert "C4 about" in result.text  # kept by the data, lost by the network


def test_large_breaking_on_exact_data_is_not_noise():
    result = diagnose(groups("Oh", "D4h", "D2h"), ["2e"], ["2e", "4e"], FIT, 4,
                      rows=quadrupole_rows(1.0), data_residual=0.0)  # fmt: skip
    assert result.causes == ("undetermined",) and "noise" not in result.text
    # not measured: still never called noise
    result = diagnose(groups("Oh", "D4h", "D2h"), ["2e"], ["2e", "4e"], FIT, 4,
                      rows=quadrupole_rows(1.0))  # fmt: skip
    assert "noise" not in result.text and "not measured" in result.text


def test_noise_needs_a_measured_deviation():
    result = diagnose(groups("Oh", "D4h", "D2h"), ["2e", "1o"], ["2e", "4e"], FIT, 4,
                      rows=quadrupole_rows(1e-3), data_residual=1e-6)  # fmt: skip
    assert result.causes == ("noise",)
    assert "1.0e-03 of their size" in result.text and "1o" in result.text


def test_lacking_capacity():
    fit = dict(FIT, relative_loss=0.05)
    result = diagnose(groups("Oh", "D4h", "D2h"), ["2e"], ["2e", "4e"], fit, 4,
                      rows=quadrupole_rows(1e-3), data_residual=0.0)  # fmt: skip
    assert result.causes == ("lacking_capacity",) and result.fit_problems == ("underfit",)


def test_unconverged_breaking_blames_the_fit():
    fit = dict(FIT, relative_loss=2.6e-6, epochs=400, converged=False)
    result = diagnose(groups("Oh", "C4v", "C1"), ["1o", "3o"], ["1o", "2e"], fit, 4,
                      data_residual=0.0)  # fmt: skip
    assert result.causes == ("fit",) and "noise" not in result.text


def test_incomparable_groups_say_both():
    # residual C2v (mirrors ⊥ x, y) and data C4 share only C2 about z
    g = {"input": named_group("D4h"), "data": named_group("C4"), "residual": named_group("C2v")}
    result = diagnose(g, ["1o"], ["0o", "1o"], FIT, 4, data_residual=0.0)
    assert result.relation == "incomparable"
    assert "broke too little" in result.text and "broke too much" in result.text
    assert "share C2" in result.text and "C4 about z" in result.text


def test_obstacles_the_kind_measured_are_named_not_fit_longer():
    # the verdict knows no kind: it names the obstacles a kind found, in the kind's words
    obstacle = {"key": "contradicting_pairs", "sentence": "The data contradict each other."}
    fit = dict(FIT, relative_loss=0.14, loss=1.7e-3, obstacles=[obstacle])
    result = diagnose(groups("D4h", "D2h", "D4h"), [], ["2e"], fit, 4)
    assert result.fit_problems == ("contradicting_pairs",)
    assert "The data contradict each other." in result.text
    assert "--epochs" not in result.text and "fit longer" not in result.text
    assert "Underfit" not in result.text  # the obstacle explains the loss floor


def test_empty_graph_is_named():
    obstacle = {"key": "no_edges", "sentence": "The graph has no edges."}
    fit = dict(FIT, relative_loss=1.0, epochs=2, obstacles=[obstacle])
    result = diagnose(groups("Oh", "D4h", "Oh"), [], ["2e", "4e"], fit, 4)
    assert result.fit_problems == ("no_edges",)
    assert "no edges" in result.text
    assert "--epochs" not in result.text


def test_a_fit_that_explains_nothing_points_at_the_graph_and_the_pairs():
    # without the optional keys: converged at relative loss 1.0
    keys = [key for key, _ in fit_problems(dict(FIT, relative_loss=1.0, epochs=2))]
    assert keys == ["explains_nothing"]
    text = fit_problems(dict(FIT, relative_loss=1.0))[0][1]
    assert "--cutoff" in text and "same source" in text


@pytest.mark.parametrize("frame", FRAMES)
def test_group_relation(frame):
    def g(name):
        return named_group(name, frame)

    assert group_relation(g("D4h"), g("D4h")) == "equal"
    assert group_relation(g("Oh"), g("D4h")) == "larger"
    assert group_relation(g("D2h"), g("D4h")) == "smaller"
    assert group_relation(g("C2v"), g("C4")) == "incomparable"
    assert group_relation(g("Dinfh"), g("D4h")) == "larger"


def test_element_difference_compares_operations():
    missing = element_difference(named_group("D4h"), named_group("D2h"))
    kinds = {(e["kind"], e.get("order")) for e in missing}
    assert ("rotation", 4) in kinds and ("rotoreflection", 4) in kinds
    # D2h's C2 about z is the square of D4h's C4: not a difference
    assert element_difference(named_group("D2h"), named_group("D4h")) == []
    assert element_difference(named_group("D4h"), named_group("Oh")) == []
    lost = {describe_element(e) for e in element_difference(named_group("Dinfh"),
                                                            named_group("D4h"))}  # fmt: skip
    assert "C∞ about z" in lost and "C2 axes ⊥ z" in lost


def test_describe_element():
    assert describe_element({"kind": "inversion"}) == "inversion"
    assert describe_element({"kind": "rotoreflection", "order": 4, "axis": [0, 1.0, 0]}) == (
        "S4 about y"
    )
    assert describe_element({"kind": "rotation", "order": "inf", "axis": [1.0, 0, 0]}) == (
        "C∞ about x"
    )
    assert describe_element({"kind": "mirror_family", "containing_axis": [0, 0, 1.0]}) == (
        "mirrors containing z"
    )
