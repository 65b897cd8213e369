r"""Mini-batch training for tasks whose data stream from disk (``task.streaming``).

The objective is the one of :mod:`symbreak.fit`: the fit loss relative to its value at
initialisation plus :math:`\lambda R(\theta)`. The optimiser is Adam with step
``ADAM_LR_SCALE * options.optimiser.lr`` (so the default ``lr = 1`` means Adam's usual 1e-2),
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
so epochs of the mini-batch and full-batch paths are comparable.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable

import torch

from symbreak.fit._active_set import ActiveSet
from symbreak.fit._network import build_network
from symbreak.fit._result import FitResult, HistoryRow
from symbreak.options import FitOptions

#: Adam's learning rate is this times ``FitOptions.lr`` (whose default suits L-BFGS).
ADAM_LR_SCALE = 1e-2
#: Rows (particles x frames) per mini-batch, unless the task sets ``minibatch_rows``.
MINIBATCH_ROWS = 2048
#: Active groups shorter than this after an epoch become exactly zero.
RETIRE_NORM = 1e-4
#: Epochs without improvement before the fit is called converged.
PATIENCE = 4


class _GroupLasso(ActiveSet):
    """The active set plus the penalty and its proximal step."""

    def __init__(self, network, options: FitOptions) -> None:
        super().__init__(network, options)
        self.options = options

    def penalty(self) -> float:
        lam, reg = self.options.optimiser.reg_strength, self.options.optimiser.reg
        with torch.no_grad():
            if reg == "l2":
                return lam * float(sum(b.pow(2).sum() for b in self.blocks()))
            if reg == "group-lasso":
                return lam * float(sum(b.norm() for b in self.blocks()))
        return 0.0

    def l2_term(self) -> torch.Tensor | float:
        """The differentiable penalty of the l2 regulariser (the lasso acts by proximal steps)."""
        if self.options.optimiser.reg != "l2" or not self.groups:
            return 0.0
        return self.options.optimiser.reg_strength * sum(b.pow(2).sum() for b in self.blocks())

    def retire(self, threshold: float) -> None:
        """Groups the proximal steps drove below ``threshold`` become exactly zero, inactive."""
        if not self.lasso:
            return
        with torch.no_grad():
            for group in self.groups:
                block = self.thetas[group.layer][group.start : group.stop]
                if block.norm() < threshold:
                    block.zero_()
                    self.masks[group.layer][group.start : group.stop] = 0.0

    def proximal_step(self, step: float) -> None:
        if not self.lasso:
            return
        with torch.no_grad():
            for theta, mask in zip(self.thetas, self.masks):
                theta.mul_(mask)  # Adam's momentum must not revive an inactive group
            for block in self.blocks():
                norm = float(block.norm())
                if norm > 0:
                    block.mul_(max(0.0, 1 - step * self.options.optimiser.reg_strength / norm))


def fit_minibatch(
    task, options: FitOptions, on_epoch: Callable[[HistoryRow], None] | None = None
) -> FitResult:
    """Fit a streaming task with Adam on mini-batches; Ctrl-C keeps the best state."""
    network = build_network(task, options)
    if not options.model.relaxed:
        for conv in network.convolutions:
            conv.relaxed_weights.requires_grad_(False)
    lasso = _GroupLasso(network, options)
    with torch.no_grad():
        initial = float(task.fit_loss(network))
    scale = 1.0 / max(initial, 1e-300)
    lr = ADAM_LR_SCALE * options.optimiser.lr
    optimiser = torch.optim.Adam([p for p in network.parameters() if p.requires_grad], lr=lr)
    history: list[HistoryRow] = []
    best = (float("inf"), copy.deepcopy(network.state_dict()))
    start, epoch, stale = time.perf_counter(), 0, 0
    interrupted = False
    try:
        while epoch < options.optimiser.epochs and stale < PATIENCE:
            lasso.admit(task.fit_loss(network) * scale)
            rows = getattr(task, "minibatch_rows", MINIBATCH_ROWS)
            for graph, target in task.minibatches(epoch, rows):
                optimiser.zero_grad()
                loss = (network(graph) - target).pow(2).mean() * scale + lasso.l2_term()
                loss.backward()
                lasso.mask_gradients()
                optimiser.step()
                lasso.proximal_step(optimiser.param_groups[0]["lr"])
            lasso.retire(RETIRE_NORM)
            epoch += 1
            with torch.no_grad():
                fit_rel = float(task.fit_loss(network)) * scale
            reg = lasso.penalty()
            row = HistoryRow(epoch, fit_rel + reg, fit_rel, reg, time.perf_counter() - start)
            history.append(row)
            if on_epoch is not None:
                on_epoch(row)
            improved = row.loss < best[0] * (1 - options.optimiser.tolerance)
            if row.loss < best[0]:
                best = (row.loss, copy.deepcopy(network.state_dict()))
            stale = 0 if improved else stale + 1
            if not improved:
                for group in optimiser.param_groups:
                    group["lr"] /= 2
            if not math.isfinite(row.loss):
                break
    except KeyboardInterrupt:
        interrupted = True
    network.load_state_dict(best[1])
    with torch.no_grad():
        final = float(task.fit_loss(network))
    return FitResult(
        network_=network,
        history_=history,
        initial_loss_=initial,
        loss_=final,
        epochs_=epoch,
        seconds_=time.perf_counter() - start,
        converged_=stale >= PATIENCE and not interrupted,
        interrupted_=interrupted,
        network_config_=network.config,
    )
