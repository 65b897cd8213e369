"""Training a relaxed E(3)NN: objective, regularisers and the optimiser loop.

The objective is the fit loss relative to its value at initialisation plus a penalty on
the non-scalar relaxed weights,

.. math:: \\mathcal{L} = \\frac{\\text{MSE}}{\\text{MSE}_0} + \\lambda\\, R(\\theta).

``group-lasso`` (default): the lasso's optimality test as an active-set screen. A group
(one per layer, irrep and copy) stays exactly zero while the fit gradient on it is shorter
than :math:`\\lambda`; it is admitted only when that test fails, and admitted groups are
fitted without a penalty (a relaxed lasso, Meinshausen 2007). The penalty itself is not
minimised: the per-path weights after θ can absorb any scaling of a block (a gauge), so
:math:`\\lambda \\sum_g \\lVert\theta_g\rVert` falls for ever while θ shrinks, and on a
BaTiO3 P4mm cluster that phase alone spent 150 epochs (25 s) at a relative loss of 5e-6;
without it the same fit converges to 1e-13 in 67 epochs (docs/fitting.md). It is still
logged as ``reg_loss``.
``l2``: :math:`R = \\lVert\\theta_{\\text{non-scalar}}\\rVert^2` as in the paper.
``none``: no penalty.

Full-batch tasks are optimised with L-BFGS in float64; one epoch is one L-BFGS iteration.
"""

from __future__ import annotations

import copy
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch

from symbreak.conventions import REGULARISERS
from symbreak.model import RelaxedNetwork

#: A noisy fit within this fraction of its floor has fitted the data: what remains is the
#: group-symmetric part of the noise, which an over-parameterised network fits only by
#: creeping (a noisy D3 cluster sat 1.8 % above its floor for 300 epochs).
_FLOOR_MARGIN = 0.05
#: Relative improvement over 10 epochs below which the active set is screened again.
_SCREENING_TOLERANCE = 1e-2
_LASSO_SMOOTHING = 1e-4


@dataclass
class FitOptions:
    """Hyper-parameters of a fit, stored unchanged in the run's config."""

    l_relaxed: int = 4
    multiplicity: int = 1
    layers: int | None = None  # None: the task's default (2 for pairs, 1 for trajectories)
    target: str = "displacement"
    reg: str = "group-lasso"
    reg_strength: float = 1e-3
    epochs: int = 400
    seed: int = 0
    lr: float = 1.0
    hidden_mul: int = 12
    hidden_l: int = 2
    cutoff: float | None = None
    tolerance: float = 1e-10
    relaxed: bool = True  # False: relaxed weights frozen at 0e only, a plain equivariant network
    #: Keep θ in the invariant subspace of the data's group (found at ``symmetry_tolerance``).
    symmetry_adapted: bool = True
    #: Length (input unit) within which the data's group is found; None: read off the
    #: data's tolerance ladder (symbreak.symmetry.choose_tolerance, docs/fitting.md).
    symmetry_tolerance: float | None = None
    #: Keep each target's rigid translation (by default it is removed: docs/fitting.md).
    keep_translation: bool = False
    #: Also remove each target's best rigid rotation (off by default: it changes the map).
    remove_rotation: bool = False
    #: Torch threads; None: chosen from the problem size and the free cores (choose_threads).
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.reg not in REGULARISERS:
            raise ValueError(f"reg must be one of {REGULARISERS}, not {self.reg!r}")
        if self.symmetry_tolerance is not None and not self.symmetry_tolerance > 0:
            raise ValueError("symmetry-tolerance must be positive")
        for name in ("l_relaxed", "multiplicity", "layers", "epochs", "hidden_mul", "threads"):
            minimum = 0 if name == "l_relaxed" else 1
            value = getattr(self, name)
            if value is not None and value < minimum:
                raise ValueError(f"{name.replace('_', '-')} must be at least {minimum}")


@dataclass
class HistoryRow:
    epoch: int
    loss: float
    fit_loss: float
    reg_loss: float
    seconds: float


@dataclass
class FitResult:
    """What a fit learned (trailing underscore: learned state) and how it went."""

    network_: RelaxedNetwork
    history_: list[HistoryRow]
    initial_loss_: float
    loss_: float
    epochs_: int
    seconds_: float
    converged_: bool
    interrupted_: bool = False
    network_config_: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WeightGroup:
    """One penalised block of relaxed weights: a copy of one irrep in one layer."""

    layer: int
    irrep: str
    copy: int
    start: int
    stop: int


def weight_groups(network: RelaxedNetwork) -> list[WeightGroup]:
    """The non-scalar relaxed-weight groups of every layer, in the conventional order."""
    groups = []
    for layer, conv in enumerate(network.convolutions):
        for (mul, ir), block in zip(conv.irreps_relaxed, conv.irreps_relaxed.slices()):
            if ir.l == 0 and ir.p == 1:
                continue
            for c in range(mul):
                start = block.start + c * ir.dim
                groups.append(WeightGroup(layer, str(ir), c, start, start + ir.dim))
    return groups


def build_network(task, options: FitOptions) -> RelaxedNetwork:
    """The network for a task, seeded; its constructor arguments are in ``network.config``."""
    config = dict(
        irreps_in=task.irreps_in,
        irreps_out=task.irreps_out,
        l_relaxed=options.l_relaxed,
        multiplicity=options.multiplicity,
        layers=options.layers or task.default_layers,
        hidden_mul=options.hidden_mul,
        hidden_l=options.hidden_l,
        **task.network_geometry(),
    )
    torch.manual_seed(options.seed)
    network = RelaxedNetwork(**config)
    network.config = config
    return network


#: Irrep name -> orthogonal projector (d, d) onto the vectors the data's group fixes.
Projectors = Mapping[str, np.ndarray]


class ActiveSet:
    """The relaxed-weight groups allowed to move: the group lasso's active set.

    With ``reg="group-lasso"`` every non-scalar group starts inactive (exactly zero, zero
    gradient); other penalties leave every group active. Shared by the full-batch and the
    mini-batch optimisers.

    With ``projectors`` (symmetry-adapted fitting) every group's gradient, and the group
    itself after each step, is projected onto the vectors the data's group H fixes. The
    loss is H-invariant and θ starts O(3)-invariant, so exact gradient flow never leaves
    that subspace anyway (Hofgard et al., Sec. 4); in floating point it does: on a
    BaTiO3 P4mm cluster the H-breaking parts of θ grew from 1e-16 to 7e-5 in 60 L-BFGS
    epochs, and the residual group came out C1 instead of C4v (docs/fitting.md). An irrep
    with no H-invariant vector then has a zero gradient and is never admitted.
    """

    def __init__(self, network: RelaxedNetwork, options: FitOptions,
                 projectors: Projectors | None = None) -> None:  # fmt: skip
        self.reg_strength = options.reg_strength
        self.thetas = [conv.relaxed_weights for conv in network.convolutions]
        self.groups = weight_groups(network) if options.relaxed else []
        self.lasso = options.reg == "group-lasso" and options.relaxed
        self.masks = [torch.ones_like(t) for t in self.thetas]
        if self.lasso:
            for group in self.groups:
                self.masks[group.layer][group.start : group.stop] = 0.0
        self.projectors = None
        if projectors is not None:
            dtype = self.thetas[0].dtype if self.thetas else torch.float64
            self.projectors = [torch.as_tensor(projectors[g.irrep], dtype=dtype)
                               for g in self.groups]  # fmt: skip

    def _project(self, vectors: list[torch.Tensor]) -> None:
        """Replace each group's block of ``vectors`` (per layer) by its H-invariant part."""
        if self.projectors is None:
            return
        for group, projector in zip(self.groups, self.projectors):
            block = vectors[group.layer][group.start : group.stop]
            block.copy_(projector @ block)

    def blocks(self) -> list[torch.Tensor]:
        return [self.thetas[g.layer][g.start : g.stop] for g in self.groups]

    def mask_gradients(self) -> None:
        """Zero the gradient of inactive groups, project the rest (call after ``backward``)."""
        for theta, mask in zip(self.thetas, self.masks):
            if theta.grad is not None:
                theta.grad.mul_(mask)
        if all(theta.grad is not None for theta in self.thetas):
            self._project([theta.grad for theta in self.thetas])

    def project_weights(self) -> None:
        """Remove the rounding that a step left outside the invariant subspace."""
        with torch.no_grad():
            self._project([theta.data for theta in self.thetas])

    def admit(self, relative_fit: torch.Tensor) -> bool:
        """Activate every inactive group whose fit gradient exceeds λ; True if any did."""
        if not self.lasso:
            return False
        grads = torch.autograd.grad(relative_fit, self.thetas, allow_unused=True)
        if all(grad is not None for grad in grads):
            grads = [grad.clone() for grad in grads]
            self._project(grads)
        admitted = False
        for group in self.groups:
            mask, grad = self.masks[group.layer], grads[group.layer]
            if mask[group.start] != 0 or grad is None:
                continue
            if grad[group.start : group.stop].norm() > self.reg_strength:
                mask[group.start : group.stop] = 1.0
                admitted = True
        return admitted


class _Objective:
    """Relative fit loss plus the penalty, over the active set."""

    def __init__(self, task, network: RelaxedNetwork, options: FitOptions,
                 projectors: Projectors | None = None, floor: float = 0.0) -> None:  # fmt: skip
        self.task, self.network, self.options = task, network, options
        self.active = ActiveSet(network, options, projectors)
        with torch.no_grad():
            self.initial_fit = float(task.fit_loss(network))
        self.scale = 1.0 / max(self.initial_fit, 1e-300)
        self.floor = floor * self.scale  # relative, like the fit loss
        # group lasso: the penalty screens (admit_groups) but is not minimised; see above
        self.penalised = options.reg != "group-lasso"

    def penalty(self) -> torch.Tensor:
        lam, reg = self.options.reg_strength, self.options.reg
        blocks = self.active.blocks()
        if reg == "none" or not blocks:
            return torch.zeros((), dtype=torch.float64)
        if reg == "l2":
            return lam * sum(b.pow(2).sum() for b in blocks)
        # sqrt(|θ|² + ε²) - ε: the group norm, made smooth within ε of zero so that the
        # line search sees a bounded curvature λ/ε when a group has just been admitted.
        eps = _LASSO_SMOOTHING
        return lam * sum((b.pow(2).sum() + eps**2).sqrt() - eps for b in blocks)

    def evaluate(self) -> tuple[torch.Tensor, float, float]:
        fit = self.task.fit_loss(self.network) * self.scale
        reg = self.penalty()
        total = fit + reg if self.penalised else fit
        return total, float(fit.detach()), float(reg.detach())

    def admit_groups(self) -> bool:
        """Admit the groups whose gradient of the *remaining* loss, relative, beats λ.

        Measured against the initial loss, a small distortion never passes: a D6h -> S6
        cluster whose equivariant fit leaves 1e-4 of the loss has 3e gradients below
        λ = 1e-3, so nothing was admitted and the fit stopped at D6h. Relative to the loss
        that remains, the test asks whether a group can lower *that* at rate λ.
        """
        if not self.active.lasso:
            return False
        fit = self.task.fit_loss(self.network) * self.scale
        remaining = float(fit.detach())
        if _fitted(remaining, self.options.tolerance, self.floor):  # nothing left to explain
            return False
        return self.active.admit(fit / remaining)


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
    torch.set_num_threads(choose_threads(options.threads, task))
    try:
        if getattr(task, "streaming", False):  # data too large for one batch: mini-batches
            from symbreak.fit_minibatch import fit_minibatch

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


def _fit_full_batch(task, options: FitOptions, on_epoch, projectors, floor) -> FitResult:
    network = build_network(task, options)
    if not options.relaxed:
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
        screening = _SCREENING_TOLERANCE if objective.active.lasso else options.tolerance
        objective.admit_groups()
        while not run.out_of_epochs():
            if not run.descend(screening):
                break
            if objective.admit_groups():
                continue
            if run.descend(options.tolerance) and not objective.admit_groups():
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
        return self.epoch >= self.options.epochs

    def descend(self, tolerance: float) -> bool:
        """Run L-BFGS until the objective stalls (True) or the epochs run out (False)."""
        optimiser = _lbfgs(self.network, self.options)
        failed_steps, first = 0, len(self.history)
        with torch.no_grad():
            previous = float(self.objective.evaluate()[0])
        while not self.out_of_epochs():
            self.epoch += _lbfgs_step(optimiser, self.objective, self.options.epochs - self.epoch)
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
        lr=options.lr,
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


def _fitted(fit_loss: float, tolerance: float, floor: float = 0.0) -> bool:
    """The relative fit loss is within ``tolerance`` (plus 5 % of ``floor``) of ``floor``.

    ``floor`` is the part of the data no fit inside the data group's invariant subspace can
    explain (noise that breaks the group); 0 for exact data. ``tolerance`` (1e-10) is the
    share of the data's variance left unexplained that counts as fitted: below it a fit's
    remaining gains are rounding or creep (BaTiO3 Amm2: 2.9e-8 to 2.0e-8 in 300 epochs
    before the screening fix, 7e-12 at 400 epochs after it).
    """
    return fit_loss - floor <= tolerance + _FLOOR_MARGIN * floor


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
