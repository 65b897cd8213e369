"""Full-batch fitting: L-BFGS in float64, one epoch per L-BFGS iteration, in active-set rounds."""

from __future__ import annotations

import copy
import math
import time

import torch

from symbreak.fit._network import build_network
from symbreak.fit._objective import _fitted, _Objective
from symbreak.fit._result import FitResult, HistoryRow
from symbreak.model import RelaxedNetwork
from symbreak.options import FitOptions

#: Relative improvement over 10 epochs below which the active set is screened again.
_SCREENING_TOLERANCE = 1e-2


def _fit_full_batch(task, options: FitOptions, on_epoch, projectors, floor) -> FitResult:
    network = build_network(task, options)
    if not options.model.relaxed:
        for conv in network.convolutions:
            conv.relaxed_weights.requires_grad_(False)
    objective = _Objective(task, network, options, projectors, floor)
    run = _Descent(objective, options, on_epoch)
    converged = False
    try:
        # Active-set rounds: admit the groups whose fit gradient beats λ and fit; whenever
        # progress slows to a crawl, screen again (a fit creeping along a floor that a
        # missing group would remove: BaTiO3 Amm2 crept from 2.9e-8 to 2.0e-8 over 300
        # epochs), and stop when a converged fit admits no further group.
        screening = _SCREENING_TOLERANCE if objective.active.lasso else options.optimiser.tolerance
        objective.admit_groups()
        while not run.out_of_epochs():
            if not run.descend(screening):
                break
            if objective.admit_groups():
                continue
            if run.descend(options.optimiser.tolerance) and not objective.admit_groups():
                converged = True
                break
    except KeyboardInterrupt:
        run.interrupted = True
        network.load_state_dict(run.last_good)
    with torch.no_grad():
        final = float(task.fit_loss(network))
    return FitResult(
        network_=network,
        history_=run.history,
        initial_loss_=objective.initial_fit,
        loss_=final,
        epochs_=run.epoch,
        seconds_=time.perf_counter() - run.start,
        converged_=converged and not run.interrupted,
        interrupted_=run.interrupted,
        network_config_=network.config,
    )


class _Descent:
    """L-BFGS epochs on an objective, with the history, snapshots and stopping rule."""

    def __init__(self, objective: _Objective, options: FitOptions, on_epoch) -> None:
        self.objective, self.options, self.on_epoch = objective, options, on_epoch
        self.network = objective.network
        self.history: list[HistoryRow] = []
        self.epoch = 0
        self.start = time.perf_counter()
        self.interrupted = False
        self.last_good = copy.deepcopy(self.network.state_dict())

    def out_of_epochs(self) -> bool:
        return self.epoch >= self.options.optimiser.epochs

    def descend(self, tolerance: float) -> bool:
        """Run L-BFGS until the objective stalls (True) or the epochs run out (False)."""
        optimiser = _lbfgs(self.network, self.options)
        failed_steps, first = 0, len(self.history)
        with torch.no_grad():
            previous = float(self.objective.evaluate()[0])
        while not self.out_of_epochs():
            self.epoch += _lbfgs_step(
                optimiser, self.objective, self.options.optimiser.epochs - self.epoch
            )
            self.objective.active.project_weights()
            row = _record(self.history, self.epoch, self.objective, self.start)
            if not math.isfinite(row.loss):
                self.network.load_state_dict(self.last_good)
                return True
            self.last_good = copy.deepcopy(self.network.state_dict())
            if self.on_epoch is not None:
                self.on_epoch(row)
            # A failed line search leaves L-BFGS with a stale curvature memory that never
            # recovers; start it afresh once, and call the descent stalled if that fails too.
            failed_steps = failed_steps + 1 if not row.loss < previous else 0
            previous = min(previous, row.loss)
            if failed_steps == 1:
                optimiser = _lbfgs(self.network, self.options)
            if failed_steps >= 2 or _stalled(self.history[first:], tolerance,
                                             floor=self.objective.floor):  # fmt: skip
                return True
        return False


def _record(history: list[HistoryRow], epoch: int, objective: _Objective, start: float):
    with torch.no_grad():
        total, fit_rel, reg = objective.evaluate()
    row = HistoryRow(epoch, float(total), fit_rel, reg, time.perf_counter() - start)
    history.append(row)
    return row


#: L-BFGS iterations per optimiser step. Each step starts by evaluating loss and gradient at
#: the current point, which the previous step's line search had just done; one iteration per
#: step therefore cost 3.2 evaluations per epoch (with the history row's), four cost 1.7.
_ITERATIONS_PER_STEP = 4


def _lbfgs(network: RelaxedNetwork, options: FitOptions) -> torch.optim.LBFGS:
    return torch.optim.LBFGS(
        network.parameters(),
        lr=options.optimiser.lr,
        max_iter=_ITERATIONS_PER_STEP,
        # the default, max_iter * 5 // 4, would leave the line search too few evaluations
        max_eval=25 * _ITERATIONS_PER_STEP,
        history_size=50,
        line_search_fn="strong_wolfe",
        tolerance_grad=1e-14,
        tolerance_change=1e-16,
    )


def _lbfgs_step(optimiser: torch.optim.LBFGS, objective: _Objective, epochs_left: int) -> int:
    """Up to :data:`_ITERATIONS_PER_STEP` L-BFGS iterations (epochs); returns how many ran."""
    group = optimiser.param_groups[0]
    group["max_iter"] = max(1, min(_ITERATIONS_PER_STEP, epochs_left))
    state = optimiser.state[group["params"][0]]
    before = state.get("n_iter", 0)
    _lbfgs_epoch(optimiser, objective)
    return max(1, state.get("n_iter", 0) - before)


def _lbfgs_epoch(optimiser: torch.optim.LBFGS, objective: _Objective) -> torch.Tensor:
    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss, _, _ = objective.evaluate()
        loss.backward()
        objective.active.mask_gradients()  # L-BFGS reads the gradients after the closure
        return loss

    return optimiser.step(closure)


def _stalled(history: list[HistoryRow], tolerance: float, window: int = 10,
             floor: float = 0.0) -> bool:  # fmt: skip
    """Fitted to ``floor``, or the objective improved by less than ``tolerance`` (relative)
    over the last ``window`` epochs."""
    if history and _fitted(history[-1].fit_loss, tolerance, floor):
        return True
    # rows may span several epochs (an optimiser step): compare with the last row at least
    # ``window`` epochs back
    earlier = [row for row in history if row.epoch <= history[-1].epoch - window]
    if not earlier:
        return False
    old, new = earlier[-1].loss, history[-1].loss
    return old - new <= tolerance * max(abs(old), 1e-300)
