"""The output weight's least-squares step: exact linearity and the least-squares optimum.

Ground truth: numpy's pseudo-inverse (minimum-norm least squares), and the normal equations
(at the optimum the residuals are orthogonal to every column of the Jacobian).
"""

import numpy as np
import torch

from symbreak.data import load_dataset, write_pairs
from symbreak.tasks import PairsTask
from symbreak.trainer import FitOptions, damped_least_squares, output_weight_step
from symbreak.trainer._network import build_network
from symbreak.trainer._objective import Objective


def test_damped_least_squares_is_the_minimum_norm_solution():
    rng = np.random.default_rng(0)
    for rows, cols in ((5, 12), (12, 5)):
        J, r = rng.normal(size=(rows, cols)), rng.normal(size=rows)
        J[:, 0] = J[:, 1]  # rank-deficient: the minimum norm decides
        # damping far below the columns' scale, far above the rounding of the lost rank
        x = damped_least_squares(torch.from_numpy(J), torch.from_numpy(r), damping=1e-10)
        np.testing.assert_allclose(x.numpy(), np.linalg.pinv(J) @ r, atol=1e-9)


def _pairs_task(path, seed: int = 0) -> PairsTask:
    rng = np.random.default_rng(seed)
    source = rng.normal(size=(9, 3))
    target = source + 0.1 * rng.normal(size=(9, 3))
    write_pairs(path, {"p": (source, target, ["A"] * 4 + ["B"] * 5)})
    return PairsTask(load_dataset(path))


def test_step_reaches_the_least_squares_optimum_in_the_output_weight(tmp_path):
    task = _pairs_task(tmp_path / "pairs.h5")
    options = FitOptions.from_flat(reg="none")
    network = build_network(task, options)
    with torch.no_grad():  # break the symmetry so that the outputs are not all equivariant
        for conv in network.convolutions:
            conv.relaxed_weights.add_(0.3 * torch.randn_like(conv.relaxed_weights))
    objective = Objective(task, network, options)
    before = float(task.fit_loss(network))
    residuals, jacobian = task.output_least_squares(network)
    assert abs(float(residuals.pow(2).mean()) - before) < 1e-12 * before
    assert output_weight_step(objective)
    after_residuals, after_jacobian = task.output_least_squares(network)
    # the Jacobian does not depend on W (the outputs are linear in it) ...
    assert torch.allclose(after_jacobian, jacobian, atol=1e-12)
    # ... the predicted residuals are the new ones, and they solve the normal equations
    normal = jacobian.T @ after_residuals
    assert float(normal.abs().max()) < 1e-9 * float(jacobian.abs().max() * residuals.norm())
    assert float(after_residuals.pow(2).mean()) < before
