r"""The objective both strategies descend: the relative fit loss plus one penalty.

.. math:: \mathcal{L} = \frac{\text{MSE}}{\text{MSE}_0} + \lambda\, R(\theta)

over the non-scalar blocks of the relaxed weights θ (:class:`Penalty`), with the active set
(:class:`~symbreak.trainer.ActiveSet`) deciding which blocks may move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from symbreak.model import Graph, RelaxedNetwork
from symbreak.options import FitOptions
from symbreak.trainer._active_set import ActiveSet, Projectors

if TYPE_CHECKING:
    from symbreak.contract import Task

#: A noisy fit within this fraction of its floor has fitted the data: what remains is the
#: group-symmetric part of the noise, which an over-parameterised network fits only by
#: creeping (a noisy D3 cluster sat 1.8 % above its floor for 300 epochs).
FLOOR_MARGIN = 0.05


class Penalty:
    r""":math:`\lambda R(\theta)` on blocks of relaxed weights: the one definition of the penalty.

    ``reg`` is one of :data:`~symbreak.conventions.REGULARISERS`:

    - ``"group-lasso"``: :math:`\lambda \sum_g \lVert\theta_g\rVert`, or with ``smoothing``
      ε > 0 the smooth :math:`\lambda \sum_g (\sqrt{\lVert\theta_g\rVert^2 + ε^2} - ε)`, so that
      a line search sees a bounded curvature λ/ε when a group has just been admitted;
    - ``"l2"``: :math:`\lambda \sum_g \lVert\theta_g\rVert^2`, the paper's;
    - ``"none"``: 0.

    >>> blocks = [torch.tensor([3.0, 4.0], dtype=torch.float64)]
    >>> float(Penalty("group-lasso", 0.1)(blocks)), float(Penalty("l2", 0.1)(blocks))
    (0.5, 2.5)
    >>> Penalty("group-lasso", 0.1).proximal_step(blocks, step=20.0)  # |θ| 5 -> 5 - 20 * 0.1
    >>> [round(x, 12) for x in blocks[0].tolist()]
    [1.8, 2.4]
    """

    def __init__(self, reg: str, strength: float, smoothing: float = 0.0) -> None:
        self.reg, self.strength, self.smoothing = reg, strength, smoothing

    @property
    def minimised(self) -> bool:
        """Whether gradient steps descend the penalty with the fit (l2, and none's zero).

        The group lasso is not descended: the per-path weights after θ can absorb any scaling
        of a block (a gauge), so :math:`\\lambda \\sum_g \\lVert\\theta_g\\rVert` falls for
        ever while θ shrinks (see :mod:`symbreak.trainer`). It acts through the active set's
        screen (L-BFGS) or through :meth:`proximal_step` (Adam).
        """
        return self.reg != "group-lasso"

    def __call__(self, blocks: list[torch.Tensor]) -> torch.Tensor:
        """The penalty of ``blocks`` (differentiable; a float64 zero for none or no blocks)."""
        if self.reg == "none" or not blocks:
            return torch.zeros((), dtype=torch.float64)
        if self.reg == "l2":
            return self.strength * sum(b.pow(2).sum() for b in blocks)
        if self.smoothing:
            eps = self.smoothing
            return self.strength * sum((b.pow(2).sum() + eps**2).sqrt() - eps for b in blocks)
        return self.strength * sum(b.norm() for b in blocks)

    def proximal_step(self, blocks: list[torch.Tensor], step: float) -> None:
        r"""Group soft-thresholding after a gradient step of size ``step``, in place:

        .. math:: \theta_g \leftarrow \theta_g \max(0, 1 - \eta\lambda / \lVert\theta_g\rVert),

        the proximal operator of the group lasso, which yields exact zeros.
        """
        with torch.no_grad():
            for block in blocks:
                norm = float(block.norm())
                if norm > 0:
                    block.mul_(max(0.0, 1 - step * self.strength / norm))


class Objective:
    """Relative fit loss plus the penalty, over the active set; what a strategy descends.

    ``smoothing`` is the group lasso's ε in the penalty (:class:`Penalty`); ``floor`` the
    absolute fit loss no network in the data group's invariant subspace can beat.
    """

    def __init__(self, task: Task, network: RelaxedNetwork, options: FitOptions,
                 projectors: Projectors | None = None, floor: float = 0.0,
                 smoothing: float = 0.0) -> None:  # fmt: skip
        self.task, self.network = task, network
        self.tolerance = options.optimiser.tolerance
        self.active = ActiveSet(network, options, projectors)
        self.penalty = Penalty(options.optimiser.reg, options.optimiser.reg_strength, smoothing)
        with torch.no_grad():
            self.initial_fit = float(task.fit_loss(network))
        self.scale = 1.0 / max(self.initial_fit, 1e-300)
        self.floor = floor * self.scale  # relative, like the fit loss

    def relative_fit(self) -> torch.Tensor:
        """The task's fit loss over its value at initialisation."""
        return self.task.fit_loss(self.network) * self.scale

    def penalty_value(self) -> torch.Tensor:
        """The penalty of every non-scalar block (inactive ones are exactly zero)."""
        return self.penalty(self.active.blocks())

    def evaluate(self) -> tuple[torch.Tensor, float, float]:
        """The loss to descend, and the relative fit loss and penalty to log."""
        fit = self.relative_fit()
        reg = self.penalty_value()
        total = fit + reg if self.penalty.minimised else fit
        return total, float(fit.detach()), float(reg.detach())

    def batch_loss(self, graph: Graph, target: torch.Tensor) -> torch.Tensor:
        """The loss to descend on one mini-batch: its relative mean squared error, plus the
        penalty where gradient steps descend it."""
        fit = (self.network(graph) - target).pow(2).mean() * self.scale
        return fit + self.penalty_value() if self.penalty.minimised else fit

    def proximal_step(self, step: float) -> None:
        """After a gradient step of size ``step``: inactive groups back to exactly zero (Adam's
        momentum must not revive them), active ones soft-thresholded (group lasso only)."""
        if not self.active.lasso:
            return
        self.active.zero_inactive()
        self.penalty.proximal_step(self.active.blocks(), step)

    def admit_groups(self) -> bool:
        """Admit the groups whose gradient of the *remaining* loss, relative, beats λ.

        Measured against the initial loss, a small distortion never passes: a D6h -> S6
        cluster whose equivariant fit leaves 1e-4 of the loss has 3e gradients below
        λ = 1e-3, so nothing was admitted and the fit stopped at D6h. Relative to the loss
        that remains, the test asks whether a group can lower *that* at rate λ.
        """
        if not self.active.lasso:
            return False
        fit = self.relative_fit()
        remaining = float(fit.detach())
        if fitted(remaining, self.tolerance, self.floor):  # nothing left to explain
            return False
        return self.active.admit(fit / remaining)


def fitted(fit_loss: float, tolerance: float, floor: float = 0.0) -> bool:
    """The relative fit loss is within ``tolerance`` (plus 5 % of ``floor``) of ``floor``.

    ``floor`` is the part of the data no fit inside the data group's invariant subspace can
    explain (noise that breaks the group); 0 for exact data. ``tolerance`` (1e-10) is the
    share of the data's variance left unexplained that counts as fitted: below it a fit's
    remaining gains are rounding or creep (BaTiO3 Amm2: 2.9e-8 to 2.0e-8 in 300 epochs
    before the screening fix, 7e-12 at 400 epochs after it).

    >>> fitted(1e-11, 1e-10), fitted(0.0104, 1e-10, floor=0.01), fitted(0.011, 1e-10, 0.01)
    (True, True, False)
    """
    return fit_loss - floor <= tolerance + FLOOR_MARGIN * floor
