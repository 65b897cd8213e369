import numpy as np
import pytest

from symbreak.conventions import relaxed_irrep_names
from symbreak.symmetry import PointGroup, named_group, wigner_D
from symbreak.symmetry._axial_analysis import axis_generators, perpendicular_generators
from symbreak.symmetry._rotations import describe_operation

from .helpers import random_orthogonal


def _parts(group: PointGroup, irreps, seed: int) -> list:
    rng = np.random.default_rng(seed)
    parts = []
    for name in irreps:
        v = wigner_D(name, group.elements).mean(axis=0) @ rng.normal(size=2 * int(name[:-1]) + 1)
        if np.linalg.norm(v) > 1e-9:
            parts.append((name, int(name[:-1]), 1 if name[-1] == "e" else -1, v))
    return parts


def _reversing(group: PointGroup, axis) -> np.ndarray:
    """The elements that turn the axis over, other than those about the axis itself."""
    keep = []
    for g in group.elements:
        op = describe_operation(g)
        if op.kind in ("rotation", "mirror") and abs(np.dot(op.axis, axis)) < 1e-9:
            keep.append(g)
    return np.array(keep).reshape(-1, 3, 3)


@pytest.mark.parametrize("name", ["D2", "D3", "C4v", "D5h", "D6d", "C3h", "S8", "D12"])
def test_perpendicular_half_turns_and_mirrors_are_found_exactly(name):
    for seed in range(3):
        q = random_orthogonal(seed)
        group = named_group(name, q)
        axis = q @ np.array([0.0, 0.0, 1.0])
        parts = _parts(group, relaxed_irrep_names(max(6, int(name[1:].rstrip("hvd")))), seed)
        found = np.array(perpendicular_generators(parts, axis[None], 1e-9)).reshape(-1, 3, 3)
        expected = _reversing(group, axis)
        assert len(found) == len(expected)
        for g in expected:
            assert np.linalg.norm(found - g, axis=(1, 2)).min() < 1e-9


def test_a_pseudoscalar_rules_out_the_improper_elements_about_an_axis():
    group = named_group("D4h", random_orthogonal(1))
    axis = group.symmetry_elements()[0]["axis"]
    parts = _parts(group, ["2e", "4e"], 1)
    kinds = [describe_operation(g).kind for g in axis_generators(parts, np.array([axis]), 1e-9)]
    assert kinds == ["rotation", "rotoreflection"]
    parts.append(("0o", 0, -1, np.array([0.7])))
    kinds = [describe_operation(g).kind for g in axis_generators(parts, np.array([axis]), 1e-9)]
    assert kinds == ["rotation"]
