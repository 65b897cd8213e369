"""The relaxed-weight groups allowed to move, and their projection onto the data's group."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from symbreak.model import RelaxedNetwork
from symbreak.options import FitOptions

#: Irrep name -> orthogonal projector (d, d) onto the vectors the data's group fixes.
Projectors = Mapping[str, np.ndarray]


class ActiveSet:
    """The relaxed-weight groups allowed to move: the group lasso's active set.

    With ``reg="group-lasso"`` every non-scalar group starts inactive (exactly zero, zero
    gradient); other penalties leave every group active. The groups are the network's
    non-scalar :meth:`~symbreak.model.RelaxedNetwork.relaxed_blocks`; both strategies use them.

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
        self.reg_strength = options.optimiser.reg_strength
        self.thetas = [conv.relaxed_weights for conv in network.convolutions]
        blocks = network.relaxed_blocks() if options.model.relaxed else ()
        self.groups = [block for block in blocks if not block.invariant]
        self.lasso = options.optimiser.reg == "group-lasso" and options.model.relaxed
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
        """Every group's slice of θ (views: a change to one changes the network)."""
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

    def zero_inactive(self) -> None:
        """Set inactive groups back to exactly zero (a step with momentum may have moved them)."""
        with torch.no_grad():
            for theta, mask in zip(self.thetas, self.masks):
                theta.mul_(mask)

    def retire(self, threshold: float) -> None:
        """Groups shorter than ``threshold`` become exactly zero and inactive (group lasso)."""
        if not self.lasso:
            return
        with torch.no_grad():
            for group in self.groups:
                block = self.thetas[group.layer][group.start : group.stop]
                if block.norm() < threshold:
                    block.zero_()
                    self.masks[group.layer][group.start : group.stop] = 0.0
