"""The entry point of a fit: threads, then the full-batch or the mini-batch path."""

from __future__ import annotations

import os
from collections.abc import Callable

import torch

from symbreak.fit._active_set import Projectors
from symbreak.fit._lbfgs import _fit_full_batch
from symbreak.fit._result import FitResult, HistoryRow
from symbreak.options import FitOptions


def fit(
    task,
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
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(choose_threads(options.optimiser.threads, task))
    try:
        if getattr(task, "streaming", False):  # data too large for one batch: mini-batches
            from symbreak.fit._minibatch import fit_minibatch

            return fit_minibatch(task, options, on_epoch)
        return _fit_full_batch(task, options, on_epoch, projectors, floor)
    finally:
        torch.set_num_threads(previous)


#: Below this many nodes + edges one thread is faster than several (the operations are too
#: small to share): cube -> prism 0.60 s with 1 thread, 1.38 s with 2 on an idle 2-core
#: machine; beside one busy process 1.10 s against 16.9 s (the second thread spin-waits).
SMALL_WORK = 20_000


def choose_threads(requested: int | None, task) -> int:
    """Torch threads for a fit: ``requested``, else ``$SYMBREAK_THREADS``, else one for small
    problems and otherwise the cores that are free now (cores minus the 1-minute load)."""
    if requested:
        return int(requested)
    if os.environ.get("SYMBREAK_THREADS", "").isdigit() and int(os.environ["SYMBREAK_THREADS"]):
        return int(os.environ["SYMBREAK_THREADS"])
    graph = getattr(task, "graph", None)
    work = len(graph.node_features) + len(graph.edge_vec) if graph is not None else SMALL_WORK
    if work < SMALL_WORK:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    free = (cores or 1) - (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
    return max(1, min(cores or 1, round(free)))
