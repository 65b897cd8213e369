"""Which relaxed weights matter: norms, breaking parts and the loss test, per layer/irrep/copy.

A block :math:`\\theta_{k,\\rho,c}` (layer k, irrep ρ, copy c) is measured against the norm of
its whole layer, :math:`s_k = \\lVert\\theta_k\\rVert` (every block of layer k together):

- relative norm :math:`r = \\lVert\\theta\\rVert / s_k`;
- relative breaking norm :math:`b = \\lVert\\theta - P_G\\theta\\rVert / s_k`, with
  :math:`P_G` the Reynolds projector of the input's point group G
  (:func:`symbreak.symmetry.breaking_part`);
- *needed*: zeroing the block in the fitted network raises the fit loss L by
  :math:`\\Delta L > \\max(\\min(L, 10^{-2} L_d),\\ t^2 L_d,\\ 10^{-12} L_d)`
  (:math:`L_d` the data's own mean square, the loss of a network that predicts zero,
  ``task.data_loss()``; t the threshold): the block explains more than all the
  misfit left, or at least 1 % of the data; and its share of the output, about
  :math:`\\sqrt{\\Delta L / L_d}` of the data's size, is above the threshold too.

A block is *significant* when :math:`r >` t and it is needed, and *active* when :math:`b >` t
and it is needed. ``0e`` blocks are never either: they are invariant.

Why the layer's whole norm and not its ``0e`` weight, as before: the ``0e`` weight can collapse
(E ∥ B on a trajectory: 1.5e-6, so that relative norms read 1.65e+05 and a generic 2e
counted), while :math:`s_k` is zero only when the whole layer is, and :math:`r \\le 1` always.

Why :math:`t^2 L_0`: measured on a gravity trajectory (``symbreak example lorentz --E 0,0,-1
--B 0,0,0``, 400 epochs, L = 2.0e-10 L_0), a 2e block with random principal axes (relative
norm 1.8e-3) raised the loss to 1.5e-8 L_0 when zeroed, 75 times the misfit, so the old test
called it needed; re-optimising the other weights for 50 L-BFGS steps without it brought the
loss back to 6.6e-11, below L: it only compensated other noise. The real breaking of the
samples explains far more (the prism's 2e blocks 1.4e-2 and 0.96 of L_0, the gravity 1o 0.91);
the prism's layer-1 4e explains 7.8e-8 L_0 and no longer counts, without changing its group.
(These were measured against the loss at initialisation :math:`L_0`, which is close to
:math:`L_d` for them: 0.364 and 0.333 for the gravity run.)

Why :math:`L_d` and not :math:`L_0`: the initial loss measures the untrained network's own
output as much as the data. A 0.07 % strain (SrTiO3 Pm-3m -> I4/mcm as crystals) has
:math:`L_d` = 3.7e-7 against :math:`L_0` = 0.32; its 2e block explains the whole of
:math:`L_d` (zeroed: :math:`\\Delta L` = 3.7e-7) but only 1.16 :math:`t^2 L_0`. The verdict hung
on those 16 %, and before the strain was read per cell (:mod:`symbreak.tasks.crystals`) it
fell short (0.97) and the report said Oh instead of D4h.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from symbreak.conventions import DEFAULT_THRESHOLD
from symbreak.report._interpretation import cartesian_form, interpret_irrep
from symbreak.symmetry import PointGroup, breaking_part

#: A needed block explains at least this fraction of the data's mean square ...
_DATA_FRACTION = 1e-2
#: ... or more than the remaining loss, and always more than this fraction (rounding).
_ROUNDING_FRACTION = 1e-12


@dataclass(frozen=True)
class IrrepRow:
    """One block of relaxed weights and what the analysis says about it.

    ``needed`` is the loss test of the module docstring (False where it was not run, i.e. for
    ``0e`` blocks and blocks with ``relative_norm`` at or below the threshold). ``vector`` (the
    e3nn-basis weight) is a tuple, so that a row, like the report holding it, cannot change.
    """

    layer: int
    irrep: str
    copy: int
    vector: tuple[float, ...]
    norm: float
    breaking_norm: float
    relative_norm: float
    relative_breaking_norm: float
    loss_zeroed: float | None
    significant: bool
    active: bool
    interpretation: str
    needed: bool = False

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
            "needed": self.needed,
            "significant": self.significant,
            "active": self.active,
            "vector": list(self.vector),
            "cartesian": cartesian_form(self.irrep, self.vector),
            "interpretation": self.interpretation,
        }

    @classmethod
    def from_dict(cls, data: dict) -> IrrepRow:
        """The row :meth:`to_dict` wrote (``cartesian`` follows from the vector: not read)."""
        names = {f.name for f in fields(cls)}
        row = {key: value for key, value in data.items() if key in names}
        return cls(**row | {"vector": tuple(data["vector"])})


def _loss_without(task, network, layer: int, where: slice) -> float:
    """Fit loss with one block zeroed. The block is zeroed in place and restored, rather than
    on a copy, because the task caches edge features per network object."""
    import torch  # here, not at the top: explain with a saved report needs no torch

    weights = network.convolutions[layer].relaxed_weights
    with torch.no_grad():
        saved = weights[where].clone()
        try:
            weights[where] = 0.0
            return float(task.fit_loss(network))
        finally:
            weights[where] = saved


def needed_margin(loss: float, data_loss: float, threshold: float = DEFAULT_THRESHOLD,
                  resolution: float | None = None) -> float:  # fmt: skip
    """Loss increase a needed block must cause (module docstring).

    ``resolution`` (a task's ``loss_resolution()``, where it measures one) is the loss the
    weakest effect its data resolve adds, from its own standard errors: it replaces the 1 %
    of the data where that is larger, so that a weak field that stands five errors above
    the noise of a noisy trajectory counts (a weak E in a dense cluster explains 1e-3 of the
    data, far above its error).

    >>> needed_margin(1e-5, 0.5), needed_margin(0.3, 1.0), needed_margin(0.0, 1.0, 0.0)
    (1e-05, 0.01, 1e-12)
    >>> needed_margin(1e-10, 1.0)  # below the misfit floor: the threshold on the output decides
    1e-06
    """
    floor = _DATA_FRACTION * data_loss
    if resolution is not None:
        floor = min(floor, resolution)
    return max(min(loss, floor), threshold**2 * data_loss,
               _ROUNDING_FRACTION * data_loss)  # fmt: skip


def is_needed(loss_zeroed: float | None, loss: float, data_loss: float,
              threshold: float = DEFAULT_THRESHOLD, resolution: float | None = None
              ) -> bool:  # fmt: skip
    """The loss test of the module docstring; ``False`` where it was not run (``None``).

    >>> is_needed(0.2, 1e-12, 1.0), is_needed(1e-8, 1e-12, 1.0), is_needed(None, 0.0, 1.0)
    (True, False, False)
    """
    return loss_zeroed is not None and loss_zeroed - loss > needed_margin(
        loss, data_loss, threshold, resolution
    )


def layer_scales(network) -> list[float]:
    """:math:`s_k = \\lVert\\theta_k\\rVert` of every layer (module docstring)."""
    import torch

    return [float(torch.linalg.vector_norm(w.detach())) for w in network.relaxed_weights()]


def loss_resolution(task) -> float | None:
    """The task's ``loss_resolution()``: the statistical error of its fit loss (None: exact)."""
    return task.loss_resolution()


def irrep_rows(network, task, input_group: PointGroup, data_loss: float,
               threshold: float = DEFAULT_THRESHOLD) -> list[IrrepRow]:  # fmt: skip
    """Every relaxed-weight block of ``network`` measured as in the module docstring
    (``data_loss``: :math:`L_d`, :func:`reference_loss`)."""
    import torch

    with torch.no_grad():
        loss = float(task.fit_loss(network))
    weights = network.relaxed_weights()
    scales = layer_scales(network)
    resolution = loss_resolution(task)
    rows = []
    for block in network.relaxed_blocks():
        layer, irrep, copy, where = block.layer, block.irrep, block.copy, block.where
        vector = weights[layer][where].detach().numpy().astype(np.float64)
        scale = max(scales[layer], 1e-300)
        norm = float(np.linalg.norm(vector))
        breaking = (
            0.0
            if block.invariant
            else float(np.linalg.norm(breaking_part(irrep, vector, input_group)))
        )
        loss_zeroed = None
        if not block.invariant and norm / scale > threshold:
            loss_zeroed = _loss_without(task, network, layer, where)
        needed = is_needed(loss_zeroed, loss, data_loss, threshold, resolution)
        rows.append(IrrepRow(
            layer=layer, irrep=irrep, copy=copy, vector=tuple(vector.tolist()), norm=norm,
            breaking_norm=breaking, relative_norm=norm / scale,
            relative_breaking_norm=breaking / scale, loss_zeroed=loss_zeroed,
            significant=needed and norm / scale > threshold,
            active=needed and breaking / scale > threshold,
            interpretation=interpret_irrep(irrep, vector) if needed else "", needed=needed,
        ))  # fmt: skip
    return rows


def reference_loss(task, initial_loss: float) -> float:
    """:math:`L_d`, the data's own mean square (``task.data_loss()``); the loss at
    initialisation where the data are all zero, so that nothing counts for rounding."""
    data_loss = float(task.data_loss())
    return data_loss if data_loss > 0 else initial_loss
