"""Fitting the paper's cube experiments: the right irreps switch on, and only those."""

import itertools

import numpy as np
import pytest
import torch

from symbreak.data import load_dataset
from symbreak.model import representation_matrix
from symbreak.pipeline import open_run
from symbreak.tasks.pairs import PairsTask
from symbreak.trainer import FitOptions, fit


def closure(generators: list[np.ndarray]) -> list[np.ndarray]:
    elements = [np.eye(3)]
    frontier = list(elements)
    while frontier:
        new = []
        for a, g in itertools.product(frontier, generators):
            m = a @ g
            if not any(np.allclose(m, e) for e in elements):
                elements.append(m)
                new.append(m)
        frontier = new
    return elements


C4Z = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
C2X = np.diag([1.0, -1, -1])
C3D = np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]])  # about (1, 1, 1)
D4H = closure([C4Z, C2X, -np.eye(3)])
OH = closure([C4Z, C3D, -np.eye(3)])


def breaking_norm(network, group: list[np.ndarray]) -> float:
    """Norm of the part of every layer's θ that the group does not fix (Reynolds projector)."""
    total = 0.0
    for theta in network.relaxed_weights():
        D = [representation_matrix(network.irreps_relaxed, torch.as_tensor(g)) for g in group]
        invariant = sum(d @ theta for d in D) / len(D)
        total += float((theta - invariant).norm())
    return total


def irrep_norms(network) -> dict[str, float]:
    norms: dict[str, float] = {}
    for block in network.relaxed_blocks():
        if block.invariant:
            continue
        theta = network.convolutions[block.layer].relaxed_weights.detach()
        norm = float(theta[block.where].norm())
        norms[block.irrep] = max(norms.get(block.irrep, 0.0), norm)
    return norms


@pytest.fixture(scope="module")
def prism(sample_path):
    return fit(PairsTask(load_dataset(sample_path("cube_to_prism"))), FitOptions())


def test_d4h_groups_are_built_right():
    assert (len(D4H), len(OH)) == (16, 48)


def test_cube_to_prism_converges(prism):
    assert prism.converged_
    assert prism.loss_ < 1e-6 * prism.initial_loss_


def test_cube_to_prism_activates_only_d4h_invariant_even_irreps(prism):
    norms = irrep_norms(prism.network_)
    largest = max(norms.values())
    assert norms["2e"] > 1e-2 * largest
    assert {name for name, n in norms.items() if n > 1e-3 * largest} <= {"2e", "4e"}
    assert breaking_norm(prism.network_, D4H) < 1e-9
    assert breaking_norm(prism.network_, OH) > 1e-3  # the weights do break the cube's Oh


def test_cube_to_cube_keeps_weights_in_the_oh_invariant_subspace(sample_path):
    result = fit(PairsTask(load_dataset(sample_path("cube_to_cube"))), FitOptions())
    assert result.converged_
    assert breaking_norm(result.network_, OH) < 1e-9


def test_cube_to_random_activates_odd_and_even_irreps_of_several_l(sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_random")))
    result = fit(task, FitOptions.from_flat(epochs=60))
    norms = irrep_norms(result.network_)
    active = {name for name, n in norms.items() if n > 1e-3}
    assert len({name for name in active if name.endswith("o")}) >= 2
    assert len({name for name in active if name.endswith("e")}) >= 2
    assert len({int(name[:-1]) for name in active}) >= 3
    assert result.loss_ < 0.05 * result.initial_loss_


def test_plain_equivariant_network_cannot_fit_the_prism(sample_path, prism):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    frozen = fit(task, FitOptions.from_flat(relaxed=False, epochs=100))
    assert breaking_norm(frozen.network_, OH) == 0.0
    assert frozen.loss_ > 0.1 * frozen.initial_loss_
    assert frozen.loss_ > 1e4 * prism.loss_


def test_signal_target_also_converges_on_the_prism(sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")), target="signal")
    result = fit(task, FitOptions.from_flat(target="signal"))
    assert result.loss_ < 1e-6 * result.initial_loss_
    assert breaking_norm(result.network_, D4H) < 1e-9


def test_same_seed_same_relaxed_weights(sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    a, b = (fit(task, FitOptions.from_flat(epochs=8, seed=3)) for _ in range(2))
    c = fit(task, FitOptions.from_flat(epochs=8, seed=4))
    for x, y in zip(a.network_.relaxed_weights(), b.network_.relaxed_weights()):
        assert torch.equal(x, y)
    assert not all(
        torch.equal(x, y)
        for x, y in zip(a.network_.relaxed_weights(), c.network_.relaxed_weights())
    )


def test_interrupt_keeps_the_last_good_state(sample_path):
    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    seen = []

    def stop_at_five(row):  # a row may close several epochs (one optimiser step)
        seen.append((row.epoch, row.fit_loss))
        if row.epoch >= 5:
            raise KeyboardInterrupt

    result = fit(task, FitOptions(), on_epoch=stop_at_five)
    assert result.interrupted_ and not result.converged_
    assert result.epochs_ == seen[-1][0] >= 5
    assert result.loss_ / result.initial_loss_ == pytest.approx(seen[-1][1], rel=1e-9)


def test_loaded_run_predicts_like_the_fitted_network(fitted_run):
    run = open_run(fitted_run("cube_to_prism"))
    task = PairsTask(run.task.dataset)
    assert run.config["fit"]["converged"]
    with torch.no_grad():
        assert float(task.fit_loss(run.network)) == pytest.approx(
            run.config["fit"]["loss"], rel=1e-9
        )


def test_threads_one_for_small_problems_unless_asked(sample_path, monkeypatch):
    from symbreak.trainer import SMALL_WORK, choose_threads

    task = PairsTask(load_dataset(sample_path("cube_to_prism")))
    assert len(task.graph.edge_vec) < SMALL_WORK
    monkeypatch.delenv("SYMBREAK_THREADS", raising=False)
    assert choose_threads(None, task) == 1
    assert choose_threads(3, task) == 3
    monkeypatch.setenv("SYMBREAK_THREADS", "2")
    assert choose_threads(None, task) == 2
    before = torch.get_num_threads()
    fit(task, FitOptions.from_flat(epochs=1, threads=1))
    assert torch.get_num_threads() == before  # the caller's setting is restored
