"""The objective: fit loss relative to its initial value, plus the penalty."""

from __future__ import annotations

import torch

from symbreak.fit._active_set import ActiveSet, Projectors
from symbreak.model import RelaxedNetwork
from symbreak.options import FitOptions

#: A noisy fit within this fraction of its floor has fitted the data: what remains is the
#: group-symmetric part of the noise, which an over-parameterised network fits only by
#: creeping (a noisy D3 cluster sat 1.8 % above its floor for 300 epochs).
_FLOOR_MARGIN = 0.05
_LASSO_SMOOTHING = 1e-4


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
        self.penalised = options.optimiser.reg != "group-lasso"

    def penalty(self) -> torch.Tensor:
        lam, reg = self.options.optimiser.reg_strength, self.options.optimiser.reg
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
        if _fitted(
            remaining, self.options.optimiser.tolerance, self.floor
        ):  # nothing left to explain
            return False
        return self.active.admit(fit / remaining)


def _fitted(fit_loss: float, tolerance: float, floor: float = 0.0) -> bool:
    """The relative fit loss is within ``tolerance`` (plus 5 % of ``floor``) of ``floor``.

    ``floor`` is the part of the data no fit inside the data group's invariant subspace can
    explain (noise that breaks the group); 0 for exact data. ``tolerance`` (1e-10) is the
    share of the data's variance left unexplained that counts as fitted: below it a fit's
    remaining gains are rounding or creep (BaTiO3 Amm2: 2.9e-8 to 2.0e-8 in 300 epochs
    before the screening fix, 7e-12 at 400 epochs after it).
    """
    return fit_loss - floor <= tolerance + _FLOOR_MARGIN * floor
