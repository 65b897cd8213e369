"""The data's own deviation from their group, and pairs that contradict each other."""

import numpy as np
import pytest

from symbreak.data.pairs import PairDataset, StructurePair
from symbreak.symmetry import named_group
from symbreak.tasks.data_checks import contradicting_pairs, symmetry_residual

CUBE = np.array([[x, y, z] for x in (-1.0, 1.0) for y in (-1.0, 1.0) for z in (-1.0, 1.0)])
_Q = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0]


def dataset(*pairs) -> PairDataset:
    return PairDataset(tuple(pairs), ("X",), None, None)


def pair(name, source, target, species=None) -> StructurePair:
    species = np.zeros(len(source), dtype=int) if species is None else np.asarray(species)
    return StructurePair(name, source, target, species)


@pytest.mark.parametrize("frame", [np.eye(3), _Q])
def test_exact_data_have_no_residual_and_noise_is_measured(frame):
    stretch = np.diag([1.0, 1.0, 1.2])
    source = CUBE @ frame.T + [3.0, -1.0, 0.5]
    target = CUBE @ stretch @ frame.T + [3.0, -1.0, 0.5]
    group = named_group("D4h", frame)
    assert symmetry_residual(dataset(pair("p", source, target)), group, 0.01) < 1e-25
    noise = np.random.default_rng(0).normal(scale=1e-3, size=target.shape)
    measured = symmetry_residual(dataset(pair("p", source, target + noise)), group, 0.01)
    # a vertex's site group in D4h is a mirror (Cs): 2 of its 3 directions are D4h-symmetric
    # fields, so about 1 - 2/24 of the noise's energy is not D4h-symmetric
    expected = (22 / 24) * np.sum(noise**2) / np.sum((target + noise - source) ** 2)
    assert 0.3 * expected < measured < 3 * expected
    assert symmetry_residual(dataset(pair("p", source, target)), named_group("Dinfh"),
                             0.01) is None  # fmt: skip


def test_contradicting_pairs_are_found_in_any_point_order():
    square = np.array([[1.0, 1, 0], [1, -1, 0], [-1, 1, 0], [-1, -1, 0]])
    order = [2, 0, 3, 1]  # the same square listed in another order
    x = pair("x", square, square * [1.1, 1, 1])
    y = pair("y", square[order], (square * [1, 1.1, 1])[order])
    z = pair("z", square + 5.0, square * [1.1, 1, 1] + 5.0)  # agrees with x, moved as a whole
    names, floor = contradicting_pairs(dataset(x, y, z), 0.01)
    assert names == [["x", "y", "z"]]
    # per point, the best single answer is the mean (2 x + y) / 3: off by 0.1/3 for x and z,
    # by 0.2/3 for y, in both components x and y; the loss is a mean over 3 pairs x 4 x 3
    off = (2 * (0.1 / 3) ** 2 + (0.2 / 3) ** 2) * 2 * 4  # summed over both components, 4 points
    assert floor == pytest.approx(off / 36)
    assert contradicting_pairs(dataset(x, z), 0.01) == ([], 0.0)


def test_different_species_do_not_contradict():
    square = np.array([[1.0, 1, 0], [1, -1, 0], [-1, 1, 0], [-1, -1, 0]])
    a = pair("a", square, square * [1.1, 1, 1], [0, 0, 0, 0])
    b = pair("b", square, square * [1, 1.1, 1], [0, 1, 0, 1])
    assert contradicting_pairs(PairDataset((a, b), ("A", "B"), None, None), 0.01) == ([], 0.0)


def test_the_pairs_kind_names_its_obstacles_in_the_verdicts_terms():
    """An empty graph and two pairs that contradict each other come out as ``obstacles``
    (the contract's generic check key), each a sentence naming the cause and the remedy."""
    from symbreak.model import point_cloud_graph
    from symbreak.tasks.data_checks import pair_checks

    square = np.array([[1.0, 1, 0], [1, -1, 0], [-1, 1, 0], [-1, -1, 0]])
    x = pair("x", square, square * [1.1, 1, 1])
    y = pair("y", square, square * [1, 1.1, 1])
    data = dataset(x, y)
    ones = np.ones((4, 1))
    graph = point_cloud_graph(square, ones, 0.1)  # below every distance: no edges
    obstacles = pair_checks(data, len(graph.edge_vec), 0.1, 0.01)["obstacles"]
    assert [o["key"] for o in obstacles] == ["no_edges", "contradicting_pairs"]
    assert "--cutoff 0.1" in obstacles[0]["sentence"]
    assert "pairs x and y have the same source" in obstacles[1]["sentence"]
    assert obstacles[1]["floor"] > 0
    assert pair_checks(dataset(x), len(point_cloud_graph(square, ones, 3.0).edge_vec), 3.0,
                       0.01)["obstacles"] == []  # fmt: skip
