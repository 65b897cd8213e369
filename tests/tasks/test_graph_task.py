"""The shared base of the graph kinds: node loss, edge cache, recorded tolerance; and the kinds
in tasks/ do not borrow from each other."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.data import load_dataset
from symbreak.model import RelaxedNetwork
from symbreak.symmetry import DEFAULT_SYMPREC
from symbreak.tasks import TASKS, CrystalTask, GraphTask, PairsTask
from tests.test_import_graph import import_graph

PACKAGE = Path(__file__).resolve().parents[2] / "symbreak"


def small_network(task) -> RelaxedNetwork:
    torch.manual_seed(0)
    return RelaxedNetwork(task.irreps_in, task.irreps_out, l_relaxed=1, layers=1, hidden_mul=2,
                          **task.network_geometry())  # fmt: skip


def test_every_kind_is_a_graph_task():
    assert all(issubclass(kind, GraphTask) for kind in TASKS.values())


def test_node_loss_is_the_mean_square_of_the_uncached_prediction(sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    network = small_network(task)
    with torch.no_grad():
        direct = (network(task.graph) - task.targets).pow(2).mean()
        assert torch.allclose(task.fit_loss(network), direct, rtol=1e-12, atol=0)
        # twice: the second evaluation reads the cache
        assert torch.allclose(task.fit_loss(network), direct, rtol=1e-12, atol=0)
    assert task.size() == len(task.graph.node_features) + len(task.graph.edge_vec)


def test_edge_features_are_computed_once_per_network(monkeypatch, sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    first, second = small_network(task), small_network(task)
    calls = []
    for network in (first, second):
        original = network.edge_features
        monkeypatch.setattr(network, "edge_features",
                            lambda graph, original=original: calls.append(1) or original(graph))
    for network in (first, first, first, second, second):
        task.fit_loss(network)
    assert len(calls) == 2


@pytest.mark.parametrize(("kind", "default"), [(PairsTask, DEFAULT_SYMMETRY_TOLERANCE),
                                                 (CrystalTask, DEFAULT_SYMPREC)])
def test_the_recorded_tolerance_is_read_back_else_the_kinds_default(kind, default):
    recorded = {"preparation": {"symmetry_tolerance": {"tolerance": 0.037, "chosen": True}}}
    assert kind.run_tolerance(recorded) == 0.037
    for config in ({}, {"preparation": {}}, {"preparation": {"symmetry_tolerance": None}}):
        assert kind.run_tolerance(config) == default


def test_kinds_do_not_import_each_other():
    """Each kind's module reaches the others' code only through shared modules of tasks/."""
    graph = import_graph(PACKAGE)
    kinds = {f"symbreak.tasks.{module}" for module in ("pairs", "crystals", "trajectories")}
    for kind in kinds:
        assert graph[kind] & kinds == set(), kind

