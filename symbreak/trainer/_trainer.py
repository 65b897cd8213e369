"""The one trainer: the outer shell of every fit, around a strategy chosen from the task."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

import torch

from symbreak.options import FitOptions, OptimiserOptions
from symbreak.trainer._active_set import Projectors
from symbreak.trainer._eager import eager_optimisers
from symbreak.trainer._lbfgs import LBFGS
from symbreak.trainer._minibatch import ADAM_LR_SCALE, MINIBATCH_ROWS, MiniBatchAdam
from symbreak.trainer._network import build_network
from symbreak.trainer._objective import Objective
from symbreak.trainer._result import FitResult, HistoryRow, Progress

if TYPE_CHECKING:
    from symbreak.contract import Task

#: Below this many nodes + edges one thread is faster than several (the operations are too
#: small to share): cube -> prism 0.60 s with 1 thread, 1.38 s with 2 on an idle 2-core
#: machine; beside one busy process 1.10 s against 16.9 s (the second thread spin-waits).
SMALL_WORK = 20_000


class Strategy(Protocol):
    """How the network descends the objective; the trainer (:func:`fit`) does the rest.

    ``run`` advances ``progress.epoch`` up to ``progress.epochs``, records and announces a
    history row per epoch (or optimiser step), calls ``progress.keep()`` on each state worth
    returning to, leaves the network in the state to return, and says whether the fit
    converged. Ctrl-C may arrive anywhere inside it: the trainer then restores the state kept.
    """

    #: ε of the group lasso in the objective's penalty (0: the exact group norm).
    lasso_smoothing: float

    def run(self, objective: Objective, progress: Progress) -> bool: ...


def choose_strategy(task: Task, options: OptimiserOptions) -> Strategy:
    """Full-batch L-BFGS, or mini-batch Adam for a task whose data stream (``task.streaming``).

    This is the one place the ``lr`` option becomes a learning rate: it is a step scale whose
    default, 1, is L-BFGS's own (a strong-Wolfe line search sets the step), and Adam takes
    :data:`~symbreak.trainer._minibatch.ADAM_LR_SCALE` times it (1e-2, Adam's usual step, for 1).
    """
    if task.streaming:
        return MiniBatchAdam(learning_rate=ADAM_LR_SCALE * options.lr,
                             rows=task.minibatch_rows or MINIBATCH_ROWS,
                             tolerance=options.tolerance)  # fmt: skip
    return LBFGS(learning_rate=options.lr, tolerance=options.tolerance)


def fit(
    task: Task,
    options: FitOptions,
    on_epoch: Callable[[HistoryRow], None] | None = None,
    projectors: Projectors | None = None,
    floor: float = 0.0,
) -> FitResult:
    """Fit a relaxed network to ``task``; Ctrl-C stops early and keeps the best state.

    ``on_epoch`` is called after every epoch (a progress bar, a logger). ``projectors``
    (irrep name -> projector onto the vectors the data's group fixes) keep the relaxed
    weights in that invariant subspace (see :class:`ActiveSet`); ``floor`` is the fit loss
    (absolute) that no network inside it can go below, the data's deviation from the group.
    Reads ``options.model`` and ``options.optimiser``; the task was made with the rest.
    """
    with torch_threads(choose_threads(options.optimiser.threads, task)):
        strategy = choose_strategy(task, options.optimiser)
        with eager_optimisers():  # no torch._dynamo import (1.4 s): see fit._eager
            return _train(task, options, strategy, on_epoch, projectors, floor)


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run a block with ``count`` torch threads, then restore the previous number."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _train(task: Task, options: FitOptions, strategy: Strategy, on_epoch, projectors,
           floor: float) -> FitResult:  # fmt: skip
    # Devices and ranks enter here and in choose_strategy only (docs/fitting.md).
    network = build_network(task, options)
    if not options.model.relaxed:
        for conv in network.convolutions:
            conv.relaxed_weights.requires_grad_(False)
    objective = Objective(task, network, options, projectors, floor, strategy.lasso_smoothing)
    progress = Progress(network, options.optimiser.epochs, on_epoch)
    converged = interrupted = False
    try:
        converged = strategy.run(objective, progress)
    except KeyboardInterrupt:
        interrupted = True
        progress.restore()
    with torch.no_grad():
        final = float(task.fit_loss(network))
    return FitResult(
        network_=network,
        history_=progress.history,
        initial_loss_=objective.initial_fit,
        loss_=final,
        epochs_=progress.epoch,
        seconds_=progress.seconds(),
        converged_=converged and not interrupted,
        interrupted_=interrupted,
        network_config_=network.config,
    )


def choose_threads(requested: int | None, task: Task) -> int:
    """Torch threads for a fit: ``requested``, else ``$SYMBREAK_THREADS``, else one for small
    problems (``task.size()`` below :data:`SMALL_WORK`) and otherwise the cores that are free
    now (cores minus the 1-minute load)."""
    if requested:
        return int(requested)
    if os.environ.get("SYMBREAK_THREADS", "").isdigit() and int(os.environ["SYMBREAK_THREADS"]):
        return int(os.environ["SYMBREAK_THREADS"])
    if task.size() < SMALL_WORK:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    free = (cores or 1) - (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
    return max(1, min(cores or 1, round(free)))
