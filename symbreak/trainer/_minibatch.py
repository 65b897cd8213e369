r"""Mini-batch strategy for tasks whose data stream from disk (``task.streaming``): Adam.

The objective is the full-batch one (:class:`~symbreak.trainer.Objective`): the fit loss
relative to its value at initialisation plus :math:`\lambda R(\theta)`. Adam's step starts at
:data:`ADAM_LR_SCALE` times the ``lr`` option (:func:`symbreak.trainer.choose_strategy`) and is
halved whenever an epoch fails to improve the evaluation loss.

*Group lasso* keeps the active-set semantics of the full-batch fit: a non-scalar group
of relaxed weights starts at exactly zero and is admitted only when the gradient of the
fit loss on it, measured on the task's evaluation rows, is longer than :math:`\lambda`.
Active groups take a proximal step after every Adam step,

.. math::
    \theta_g \leftarrow \theta_g \max\left(0, 1 - \eta\lambda / \lVert\theta_g\rVert\right),

(group soft-thresholding, which yields exact zeros), and groups whose norm has fallen
below :data:`RETIRE_NORM` at the end of an epoch are set to zero and leave the active set.

One epoch is one pass over the file; its history row is measured on the evaluation rows,
so epochs of the mini-batch and full-batch strategies are comparable.
"""

from __future__ import annotations

import math

import torch

from symbreak.trainer._objective import Objective
from symbreak.trainer._result import Progress

#: Adam's learning rate is this times the ``lr`` option, whose default (1) suits L-BFGS:
#: the default is Adam's usual 1e-2.
ADAM_LR_SCALE = 1e-2
#: Rows (particles x frames) per mini-batch, unless the task sets ``minibatch_rows``.
MINIBATCH_ROWS = 2048
#: Active groups shorter than this after an epoch become exactly zero.
RETIRE_NORM = 1e-4
#: Epochs without improvement before the fit is called converged.
PATIENCE = 4


class MiniBatchAdam:
    """Adam on the task's mini-batches, with proximal group-lasso steps.

    ``learning_rate`` is Adam's first step; ``rows`` the rows per mini-batch; ``tolerance``
    the relative improvement of an epoch below which it did not improve.
    """

    #: The logged penalty is the exact group norm: the proximal step, not a line search,
    #: acts on it.
    lasso_smoothing = 0.0

    def __init__(self, learning_rate: float = ADAM_LR_SCALE, rows: int = MINIBATCH_ROWS,
                 tolerance: float = 1e-10) -> None:  # fmt: skip
        self.learning_rate, self.rows, self.tolerance = learning_rate, rows, tolerance

    def run(self, objective: Objective, progress: Progress) -> bool:
        """Epochs until :data:`PATIENCE` epochs in a row fail to improve (True: converged) or
        the epochs run out; the network ends in its best state."""
        network, task = objective.network, objective.task
        params = [p for p in network.parameters() if p.requires_grad]
        optimiser = torch.optim.Adam(params, lr=self.learning_rate)
        best, stale = float("inf"), 0
        while not progress.out_of_epochs() and stale < PATIENCE:
            objective.active.admit(objective.relative_fit())
            for graph, target in task.minibatches(progress.epoch, self.rows):
                optimiser.zero_grad()
                objective.batch_loss(graph, target).backward()
                objective.active.mask_gradients()
                optimiser.step()
                objective.proximal_step(optimiser.param_groups[0]["lr"])
            objective.active.retire(RETIRE_NORM)
            progress.epoch += 1
            with torch.no_grad():
                fit_rel = float(task.fit_loss(network)) * objective.scale
                reg = float(objective.penalty_value())
            row = progress.record(fit_rel + reg, fit_rel, reg)
            progress.announce(row)
            improved = row.loss < best * (1 - self.tolerance)
            if row.loss < best:
                best = row.loss
                progress.keep()
            stale = 0 if improved else stale + 1
            if not improved:
                for group in optimiser.param_groups:
                    group["lr"] /= 2
            if not math.isfinite(row.loss):
                break
        progress.restore()
        return stale >= PATIENCE
