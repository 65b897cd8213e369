"""The exact least-squares step in the output weight, where the task offers it.

The node outputs are linear in the last layer's radial output weight W (every other
parameter held), so the fit loss is a linear least-squares problem in W, solved exactly by
one step (:func:`output_weight_step`). Why L-BFGS needs it: on the cluster CaTiO3 Pnma,
Ca-centred (27 atoms, 81 residuals, 9464 parameters) L-BFGS reaches a relative loss of
6e-10 in 90 epochs and then creeps to the 1e-10 of convergence over 200 more. There the
Jacobian of the 81 residuals has rank 45 (the Cs-equivariant displacement fields) and
singular values from 2.8 down to 0.03: the remaining loss is well within reach of a
Gauss-Newton step, which takes it to 1e-17 in one step; W alone has the same rank 45, and
its step, exact, gives 3e-27. L-BFGS's curvature pairs in 9464 dimensions never learn that
45-dimensional quadratic at 1e-10 of the loss (docs/benchmarks.md).
"""

from __future__ import annotations

import torch

from symbreak.trainer._objective import Objective

#: Largest residual count for which the step is taken: the Jacobian is residuals × |W| (2688
#: for the default network's displacement output) in float64, 2000 rows are 43 MB.
MAX_RESIDUALS = 2000
#: Largest graph (nodes + edges, ``task.size()``) on which the Jacobian is built: it costs one
#: backward pass through the last message product per output component, and memory edges ×
#: paths per (component, hidden unit).
MAX_GRAPH = 20_000
#: Tikhonov damping, relative to the largest singular value: directions of the Jacobian
#: weaker than this share of the strongest are not followed (rounding, not signal).
RELATIVE_DAMPING = 1e-8


def output_weight_step(objective: Objective) -> bool:
    """Set the output weight W to its least-squares optimum given every other parameter.

    The damped minimum-norm step, :math:`\\Delta = -\\sum_k \\frac{s_k}{s_k^2 + \\mu^2}\\,
    v_k u_k^\\top r` over the singular triplets of the Jacobian J = ∂r/∂W, with
    μ = :data:`RELATIVE_DAMPING` × max s (Tikhonov's, e.g. Nocedal & Wright, Numerical
    Optimization, Sec. 10.3). Kept only if it lowers the fit loss (the linear model's loss,
    exact to rounding); returns whether it did. Tasks without ``output_least_squares``,
    larger than :data:`MAX_GRAPH`, or with more than :data:`MAX_RESIDUALS` residuals are
    left alone (False).
    """
    problem = getattr(objective.task, "output_least_squares", None)
    weight = objective.network.output_weight
    if problem is None or not weight.requires_grad or objective.task.size() > MAX_GRAPH:
        return False
    residuals, jacobian = problem(objective.network)
    if residuals.numel() > MAX_RESIDUALS or not torch.isfinite(jacobian).all():
        return False
    step = damped_least_squares(jacobian, residuals)
    # exact, the problem being linear in W: no evaluation needed to know the loss after
    before = float(residuals.pow(2).mean())
    after = float((residuals - jacobian @ step).pow(2).mean())
    if not after < before:
        return False
    with torch.no_grad():
        weight.sub_(step.view_as(weight))
    return True


def damped_least_squares(jacobian: torch.Tensor, residuals: torch.Tensor,
                         damping: float = RELATIVE_DAMPING) -> torch.Tensor:  # fmt: skip
    """The x of least norm minimising :math:`\\lVert J x - r\\rVert^2 + \\mu^2\\lVert x\\rVert^2`
    (μ = ``damping`` × the largest singular value of J), with the singular values at rounding
    level (numpy's ``matrix_rank`` default) treated as zero.

    >>> J = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
    >>> damped_least_squares(J, torch.tensor([4.0, 3.0], dtype=torch.float64), 0.0).tolist()
    [2.0, 3.0, 0.0]
    """
    u, s, vh = torch.linalg.svd(jacobian, full_matrices=False)
    if s.numel() == 0 or float(s[0]) == 0.0:
        return jacobian.new_zeros(jacobian.shape[1])
    mu = damping * s[0]
    # singular values at rounding level are a lost rank, not a weak direction: with the
    # residual's O(1) component along them, Tikhonov's s / μ² alone would still step there
    lost = s <= max(jacobian.shape) * torch.finfo(s.dtype).eps * s[0]
    gain = torch.where(lost, 0.0, s / (s * s + mu * mu))
    return vh.T @ (gain * (u.T @ residuals))
