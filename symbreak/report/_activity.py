"""Which relaxed weights matter: norms, breaking parts and the loss test, per layer/irrep/copy.

A block :math:`\\theta_{k,\\rho,c}` (layer k, irrep ρ, copy c) is measured against the scalar
weight of its layer, :math:`s_k = \\lVert\\theta_{k,0e}\\rVert` (the equivariant part the fit
starts from):

- relative norm :math:`r = \\lVert\\theta\\rVert / s_k`;
- relative breaking norm :math:`b = \\lVert\\theta - P_G\\theta\\rVert / s_k`, with
  :math:`P_G` the Reynolds projector of the input's point group G
  (:func:`symbreak.symmetry.breaking_part`);
- *needed*: zeroing the block in the fitted network raises the fit loss L by
  :math:`\\Delta L > \\max(\\min(L, 10^{-2} L_0), 10^{-12} L_0)` (L_0 the loss at
  initialisation): the block explains more than all the misfit left, or at least 1 % of the
  data, and more than rounding. Weights an unconverged optimiser left at noise level fail it.

A block is *significant* when :math:`r >` threshold and it is needed, and *active* when
:math:`b >` threshold and it is needed. ``0e`` blocks are never either: they are invariant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from symbreak.report._interpretation import cartesian_form, interpret_irrep
from symbreak.symmetry import PointGroup, breaking_part

#: Default relative size (of the layer's scalar weight) above which a block can count.
DEFAULT_THRESHOLD = 1e-3
#: A needed block explains at least this fraction of the initial loss ...
_DATA_FRACTION = 1e-2
#: ... or more than the remaining loss, and always more than this fraction (rounding).
_ROUNDING_FRACTION = 1e-12


@dataclass
class IrrepRow:
    """One block of relaxed weights and what the analysis says about it."""

    layer: int
    irrep: str
    copy: int
    vector: list[float]
    norm: float
    breaking_norm: float
    relative_norm: float
    relative_breaking_norm: float
    loss_zeroed: float | None
    significant: bool
    active: bool
    interpretation: str

    def to_dict(self) -> dict:
        return {
            "layer": self.layer,
            "irrep": self.irrep,
            "copy": self.copy,
            "norm": self.norm,
            "breaking_norm": self.breaking_norm,
            "relative_norm": self.relative_norm,
            "relative_breaking_norm": self.relative_breaking_norm,
            "loss_zeroed": self.loss_zeroed,
            "significant": self.significant,
            "active": self.active,
            "vector": self.vector,
            "cartesian": cartesian_form(self.irrep, self.vector),
            "interpretation": self.interpretation,
        }


def relaxed_blocks(network) -> list[tuple[int, str, int, slice]]:
    """(layer, irrep, copy, slice of θ) for every block of every layer, conventions order."""
    blocks = []
    for layer, conv in enumerate(network.convolutions):
        for (mul, ir), part in zip(conv.irreps_relaxed, conv.irreps_relaxed.slices()):
            for c in range(mul):
                start = part.start + c * ir.dim
                blocks.append((layer, str(ir), c, slice(start, start + ir.dim)))
    return blocks


def _loss_without(task, network, layer: int, where: slice) -> float:
    """Fit loss with one block zeroed. The block is zeroed in place and restored, rather than
    on a copy, because the task caches edge features per network object."""
    weights = network.convolutions[layer].relaxed_weights
    with torch.no_grad():
        saved = weights[where].clone()
        try:
            weights[where] = 0.0
            return float(task.fit_loss(network))
        finally:
            weights[where] = saved


def needed_margin(loss: float, initial_loss: float) -> float:
    """Loss increase a needed block must cause (module docstring).

    >>> needed_margin(1e-6, 0.5), needed_margin(0.3, 1.0)
    (1e-06, 0.01)
    """
    return max(min(loss, _DATA_FRACTION * initial_loss), _ROUNDING_FRACTION * initial_loss)


def irrep_rows(network, task, input_group: PointGroup, initial_loss: float,
               threshold: float = DEFAULT_THRESHOLD) -> list[IrrepRow]:  # fmt: skip
    """Every relaxed-weight block of ``network`` measured as in the module docstring."""
    with torch.no_grad():
        loss = float(task.fit_loss(network))
    margin = needed_margin(loss, initial_loss)
    weights = network.relaxed_weights()
    scalars = [float(np.linalg.norm(_scalar_part(network, k, w))) for k, w in enumerate(weights)]
    rows = []
    for layer, irrep, copy, where in relaxed_blocks(network):
        vector = weights[layer][where].numpy().astype(np.float64)
        scale = max(scalars[layer], 1e-300)
        norm = float(np.linalg.norm(vector))
        breaking = 0.0 if irrep == "0e" else float(
            np.linalg.norm(breaking_part(irrep, vector, input_group))
        )
        loss_zeroed = None
        if irrep != "0e" and norm / scale > threshold:
            loss_zeroed = _loss_without(task, network, layer, where)
        needed = loss_zeroed is not None and loss_zeroed - loss > margin
        rows.append(IrrepRow(
            layer=layer, irrep=irrep, copy=copy, vector=vector.tolist(), norm=norm,
            breaking_norm=breaking, relative_norm=norm / scale,
            relative_breaking_norm=breaking / scale, loss_zeroed=loss_zeroed,
            significant=needed and norm / scale > threshold,
            active=needed and breaking / scale > threshold,
            interpretation=interpret_irrep(irrep, vector) if needed else "",
        ))  # fmt: skip
    return rows


def _scalar_part(network, layer: int, weights: torch.Tensor) -> np.ndarray:
    parts = [weights[where].numpy() for k, irrep, _, where in relaxed_blocks(network)
             if k == layer and irrep == "0e"]  # fmt: skip
    return np.concatenate(parts) if parts else np.zeros(1)
