"""Full-batch strategy: L-BFGS in float64, in active-set rounds; one epoch is one iteration."""

from __future__ import annotations

import math

import torch

from symbreak.model import RelaxedNetwork
from symbreak.trainer._least_squares import output_weight_step
from symbreak.trainer._objective import Objective, fitted
from symbreak.trainer._result import HistoryRow, Progress

#: Relative improvement over 10 epochs below which the active set is screened again.
SCREENING_TOLERANCE = 1e-2
#: ε of the group lasso in the logged penalty (:class:`~symbreak.trainer.Penalty`): the line
#: search sees a bounded curvature λ/ε where a group has just been admitted.
LASSO_SMOOTHING = 1e-4
#: L-BFGS iterations per optimiser step. Each step starts by evaluating loss and gradient at
#: the current point, which the previous step's line search had just done; one iteration per
#: step therefore cost 3.2 evaluations per epoch (with the history row's), four cost 1.7.
ITERATIONS_PER_STEP = 4


class LBFGS:
    """Full-batch L-BFGS on the objective, in active-set rounds (group lasso).

    ``learning_rate`` is L-BFGS's step scale (its strong-Wolfe line search sets the step);
    ``tolerance`` the relative improvement over 10 epochs below which a descent has stalled.
    """

    lasso_smoothing = LASSO_SMOOTHING

    def __init__(self, learning_rate: float = 1.0, tolerance: float = 1e-10) -> None:
        self.learning_rate, self.tolerance = learning_rate, tolerance

    def run(self, objective: Objective, progress: Progress) -> bool:
        """Active-set rounds; True when a converged fit admits no further group."""
        # Active-set rounds: admit the groups whose fit gradient beats λ and fit; whenever
        # progress slows to a crawl, screen again (a fit creeping along a floor that a
        # missing group would remove: BaTiO3 Amm2 crept from 2.9e-8 to 2.0e-8 over 300
        # epochs), and stop when a converged fit admits no further group.
        screening = SCREENING_TOLERANCE if objective.active.lasso else self.tolerance
        objective.admit_groups()
        while not progress.out_of_epochs():
            if not self._descend(objective, progress, screening):
                break
            if objective.admit_groups():
                continue
            if self._descend(objective, progress, self.tolerance) and not objective.admit_groups():
                return True
        return False

    def _descend(self, objective: Objective, progress: Progress, tolerance: float) -> bool:
        """Run L-BFGS until the objective stalls (True) or the epochs run out (False)."""
        optimiser = self._optimiser(objective.network)
        failed_steps, first = 0, len(progress.history)
        with torch.no_grad():
            previous = float(objective.evaluate()[0])
        while not progress.out_of_epochs():
            progress.epoch += _lbfgs_step(optimiser, objective, progress.epochs_left())
            objective.active.project_weights()
            # The output weight's exact least-squares step (trainer._least_squares): L-BFGS
            # alone creeps for hundreds of epochs at 1e-9 of the loss. Its curvature pairs
            # describe the loss before W moved, so it starts afresh.
            if not progress.out_of_epochs() and output_weight_step(objective):
                optimiser = self._optimiser(objective.network)
                progress.epoch += 1
            row = _record(progress, objective)
            if not math.isfinite(row.loss):
                progress.restore()
                return True
            progress.keep()
            progress.announce(row)
            # A failed line search leaves L-BFGS with a stale curvature memory that never
            # recovers; start it afresh once, and call the descent stalled if that fails too.
            failed_steps = failed_steps + 1 if not row.loss < previous else 0
            previous = min(previous, row.loss)
            if failed_steps == 1:
                optimiser = self._optimiser(objective.network)
            if failed_steps >= 2 or stalled(progress.history[first:], tolerance,
                                            floor=objective.floor):  # fmt: skip
                return True
        return False

    def _optimiser(self, network: RelaxedNetwork) -> torch.optim.LBFGS:
        return torch.optim.LBFGS(
            network.parameters(),
            lr=self.learning_rate,
            max_iter=ITERATIONS_PER_STEP,
            # the default, max_iter * 5 // 4, would leave the line search too few evaluations
            max_eval=25 * ITERATIONS_PER_STEP,
            history_size=50,
            line_search_fn="strong_wolfe",
            tolerance_grad=1e-14,
            tolerance_change=1e-16,
        )


def _record(progress: Progress, objective: Objective) -> HistoryRow:
    with torch.no_grad():
        total, fit_rel, reg = objective.evaluate()
    return progress.record(float(total), fit_rel, reg)


def _lbfgs_step(optimiser: torch.optim.LBFGS, objective: Objective, epochs_left: int) -> int:
    """Up to :data:`ITERATIONS_PER_STEP` L-BFGS iterations (epochs); returns how many ran."""
    group = optimiser.param_groups[0]
    group["max_iter"] = max(1, min(ITERATIONS_PER_STEP, epochs_left))
    state = optimiser.state[group["params"][0]]
    before = state.get("n_iter", 0)
    _lbfgs_epoch(optimiser, objective)
    return max(1, state.get("n_iter", 0) - before)


def _lbfgs_epoch(optimiser: torch.optim.LBFGS, objective: Objective) -> torch.Tensor:
    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss, _, _ = objective.evaluate()
        loss.backward()
        objective.active.mask_gradients()  # L-BFGS reads the gradients after the closure
        return loss

    return optimiser.step(closure)


def stalled(history: list[HistoryRow], tolerance: float, window: int = 10,
            floor: float = 0.0) -> bool:  # fmt: skip
    """Fitted to ``floor``, or the objective improved by less than ``tolerance`` (relative)
    over the last ``window`` epochs."""
    if history and fitted(history[-1].fit_loss, tolerance, floor):
        return True
    # rows may span several epochs (an optimiser step): compare with the last row at least
    # ``window`` epochs back
    earlier = [row for row in history if row.epoch <= history[-1].epoch - window]
    if not earlier:
        return False
    old, new = earlier[-1].loss, history[-1].loss
    return old - new <= tolerance * max(abs(old), 1e-300)
