import numpy as np

from symbreak.report import describe_element, element_difference, predicted_irreps
from symbreak.report._verdict import verdict
from symbreak.symmetry import named_group

FIT = {"loss": 1e-12, "initial_loss": 1.0, "relative_loss": 1e-12, "converged": True}


def groups(input_name: str, data_name: str, residual_name: str) -> dict:
    return {"input": named_group(input_name), "data": named_group(data_name),
            "residual": named_group(residual_name)}  # fmt: skip


def test_predicted_irreps_cube_to_prism():
    assert predicted_irreps(named_group("Oh"), named_group("D4h"), 4) == ["2e", "4e"]
    assert predicted_irreps(named_group("Oh"), named_group("Oh"), 4) == []


def test_consistent_when_residual_equals_data():
    consistent, text = verdict(groups("Oh", "D4h", "D4h"), ["2e"], ["2e", "4e"], FIT, 4)
    assert consistent and text.startswith("Consistent")


def test_l_relaxed_too_small():
    # Oh -> D4h needs 2e; with l_relaxed = 1 nothing can break it and Oh survives
    consistent, text = verdict(groups("Oh", "D4h", "Oh"), [], [], FIT, 1)
    assert not consistent
    assert "l_relaxed = 1 is too small" in text and "--l-relaxed 2" in text
    assert "C4 about x" in text  # an element the network kept but the data break


def test_underfit():
    fit = dict(FIT, relative_loss=0.2, converged=False)
    consistent, text = verdict(groups("Oh", "D4h", "Oh"), [], ["2e", "4e"], fit, 4)
    assert not consistent and "underfit" in text


def test_noise_breaks_more_than_the_data():
    consistent, text = verdict(groups("Oh", "D4h", "D2h"), ["2e", "1o"], ["2e", "4e"], FIT, 4)
    assert not consistent and "likely noise" in text and "1o" in text
    assert "C4 about z" in text  # kept by the data, lost by the network


def test_element_difference():
    missing = element_difference(named_group("D4h"), named_group("D2h"))
    kinds = {(e["kind"], e.get("order")) for e in missing}
    assert ("rotation", 4) in kinds and ("rotoreflection", 4) in kinds
    assert element_difference(named_group("D2h"), named_group("D4h")) == [
        e for e in named_group("D2h").symmetry_elements() if e["kind"] == "rotation"
        and e["order"] == 2 and np.allclose(e["axis"], [0, 0, 1])
    ]  # D2h's C2 about z is D4h's C4 axis: a different element, by order


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
