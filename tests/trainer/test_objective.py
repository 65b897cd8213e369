"""The one penalty: its values are the textbook ones and its proximal step is exact."""

import numpy as np
import pytest
import torch

from symbreak.trainer import Penalty


def _blocks(seed: int = 0) -> list[torch.Tensor]:
    rng = np.random.default_rng(seed)
    return [torch.as_tensor(rng.normal(size=d)) for d in (1, 3, 5, 7)]


def test_penalties_are_the_group_norms_and_squares():
    blocks = _blocks()
    norms = [float(b.norm()) for b in blocks]
    assert float(Penalty("group-lasso", 0.3)(blocks)) == pytest.approx(0.3 * sum(norms))
    assert float(Penalty("l2", 0.3)(blocks)) == pytest.approx(0.3 * sum(n**2 for n in norms))
    assert float(Penalty("none", 0.3)(blocks)) == 0.0
    assert float(Penalty("l2", 0.3)([])) == 0.0


def test_smoothing_bounds_the_group_norm_and_vanishes_with_epsilon():
    blocks = _blocks(1)
    exact = float(Penalty("group-lasso", 1.0)(blocks))
    smooth = [float(Penalty("group-lasso", 1.0, eps)(blocks)) for eps in (1e-1, 1e-3, 1e-6)]
    assert all(value <= exact for value in smooth)  # sqrt(n² + ε²) - ε <= n
    assert exact - smooth[-1] < 1e-5 < exact - smooth[0]
    zero = torch.zeros(3, requires_grad=True)  # smooth at zero: a finite, zero gradient
    Penalty("group-lasso", 1.0, 1e-4)([zero]).backward()
    assert torch.equal(zero.grad, torch.zeros(3))


def test_proximal_step_shrinks_each_norm_by_step_times_lambda_or_zeroes_it():
    blocks = _blocks(2)
    before = [b.clone() for b in blocks]
    step, lam = 0.5, 1.2
    Penalty("group-lasso", lam).proximal_step(blocks, step)
    for old, new in zip(before, blocks):
        if old.norm() <= step * lam:
            assert torch.equal(new, torch.zeros_like(new))  # exact zeros
        else:
            assert float(new.norm()) == pytest.approx(float(old.norm()) - step * lam)
            assert float(new @ old) == pytest.approx(float(new.norm() * old.norm()))  # same way
    assert any(float(b.norm()) == 0 for b in blocks) and any(float(b.norm()) > 0 for b in blocks)


def test_only_the_group_lasso_is_left_to_the_screen_or_the_proximal_step():
    assert not Penalty("group-lasso", 1e-3).minimised
    assert Penalty("l2", 1e-3).minimised and Penalty("none", 1e-3).minimised
