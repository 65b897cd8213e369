"""Training a relaxed E(3)NN: one trainer, an objective with one penalty, two strategies.

The objective is the fit loss relative to its value at initialisation plus a penalty on
the non-scalar relaxed weights,

.. math:: \\mathcal{L} = \\frac{\\text{MSE}}{\\text{MSE}_0} + \\lambda\\, R(\\theta).

``group-lasso`` (default): the lasso's optimality test as an active-set screen. A group
(one per layer, irrep and copy) stays exactly zero while the fit gradient on it is shorter
than :math:`\\lambda`; it is admitted only when that test fails, and admitted groups are
fitted without a penalty (a relaxed lasso, Meinshausen 2007). The penalty itself is not
minimised: the per-path weights after θ can absorb any scaling of a block (a gauge), so
:math:`\\lambda \\sum_g \\lVert\\theta_g\\rVert` falls for ever while θ shrinks, and on a
BaTiO3 P4mm cluster that phase alone spent 150 epochs (25 s) at a relative loss of 5e-6;
without it the same fit converges to 1e-13 in 67 epochs (docs/fitting.md). It is still
logged as ``reg_loss``.
``l2``: :math:`R = \\lVert\\theta_{\\text{non-scalar}}\\rVert^2` as in the paper.
``none``: no penalty.

The package, by concept:

- ``_trainer``: :func:`fit`, the one outer shell (threads, network, initial loss, Ctrl-C
  keeps the last state kept, :class:`FitResult`), and :func:`choose_strategy`;
- ``_objective``: :class:`Objective` (relative loss, floor, admission test) and
  :class:`Penalty`, the one penalty both strategies use (smooth or exact group lasso, l2,
  the proximal step);
- ``_active_set``: :class:`ActiveSet`, the groups allowed to move, and their projection
  onto the data group's invariant subspace;
- ``_lbfgs``: :class:`LBFGS`, full-batch L-BFGS in float64 (one epoch per iteration);
- ``_least_squares``: :func:`output_weight_step`, the exact least-squares step in the
  output weight that L-BFGS takes after each of its steps (where the task offers it);
- ``_minibatch``: :class:`MiniBatchAdam`, Adam on mini-batches of streaming tasks;
- ``_result``: :class:`Progress` (what a strategy records) and :class:`FitResult`;
- ``_network``: :func:`build_network`.

A strategy is anything with ``run(objective, progress) -> converged`` and a
``lasso_smoothing`` (:class:`Strategy`); :func:`choose_strategy` picks one from
``task.streaming``.

Where devices and ranks enter (docs/fitting.md): only :func:`fit`'s shell places tensors and
only :func:`choose_strategy` picks how data are visited. A device will be an
``OptimiserOptions.device`` field that the shell alone reads, moving the network after
:func:`build_network` and the task's tensors with it; the objective, the active set and the
strategies follow the parameters' device. A distributed rank will be a strategy, chosen in
:func:`choose_strategy`, that shards ``task.minibatches`` by rank and all-reduces gradients
and the admission test. Neither exists yet.
"""

from __future__ import annotations

from symbreak.options import FitOptions
from symbreak.trainer._active_set import ActiveSet, Projectors
from symbreak.trainer._lbfgs import LBFGS
from symbreak.trainer._least_squares import damped_least_squares, output_weight_step
from symbreak.trainer._minibatch import MiniBatchAdam
from symbreak.trainer._network import build_network
from symbreak.trainer._objective import Objective, Penalty
from symbreak.trainer._result import FitResult, HistoryRow, Progress
from symbreak.trainer._trainer import (
    SMALL_WORK,
    Strategy,
    choose_strategy,
    choose_threads,
    fit,
    torch_threads,
)

__all__ = [
    "LBFGS",
    "SMALL_WORK",
    "ActiveSet",
    "FitOptions",
    "FitResult",
    "HistoryRow",
    "MiniBatchAdam",
    "Objective",
    "Penalty",
    "Progress",
    "Projectors",
    "Strategy",
    "build_network",
    "choose_strategy",
    "choose_threads",
    "damped_least_squares",
    "fit",
    "output_weight_step",
    "torch_threads",
]
