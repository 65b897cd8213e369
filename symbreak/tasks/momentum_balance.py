r"""The uniform force read from the total momentum: every pairwise interaction cancels.

For particles with masses :math:`m_i` and charges :math:`q_i` in uniform fields, with
any pairwise interaction :math:`F_{ij} = -F_{ji}` (Coulomb included, resolved in time or
not) and a drag :math:`\gamma` common to all,

.. math:: F(t) \equiv \sum_i m_i a_i(t) = Q E + \sum_i q_i v_i \times B - \gamma P(t) + \xi(t),
          \qquad P(t) = \sum_i m_i v_i(t),

by Newton's third law, with :math:`Q = \sum_i q_i` (gravity: :math:`Q E \to M g`) and
:math:`\xi` the thermostat's summed noise. The finite-difference acceleration
:math:`(x_{t+1} - 2 x_t + x_{t-1})/\Delta t^2` is a weighted time average of the true one,
and the cancellation holds at every instant, so it holds for that average too: without B
the interactions leave nothing in :math:`F(t)`, however fast the collisions are beside the
frame interval. :func:`uniform_force` estimates :math:`F_0 = Q E` and :math:`\gamma` by
regressing :math:`F(t)` on :math:`P(t)` through the momentum one frame earlier (the
thermostat's noise is independent of it, as in :mod:`symbreak.tasks.field_statistics`).

It applies to one closed set of particles: free boundaries, or a periodic box with every
atom in the file (a wall or a subset of atoms would add a force that does not cancel). It
reads the direction of E exactly only when the total charge is not zero; a neutral system
(:math:`Q = 0`) has a total force of zero, and the per-species means must read E.
"""

from __future__ import annotations

import numpy as np


class MomentumSums:
    """Per block of frames: sums of the total force, momentum, lagged momentum and their
    products (enough for :func:`uniform_force` and its jackknife)."""

    def __init__(self, blocks: int) -> None:
        self.frames = np.zeros(blocks)
        self.force, self.momentum, self.earlier = (np.zeros((blocks, 3)) for _ in range(3))
        self.force_earlier, self.momentum_earlier = (np.zeros((blocks, 3, 3)) for _ in range(2))

    def add(self, block: np.ndarray, masses: np.ndarray, velocities: np.ndarray,
            accelerations: np.ndarray, earlier: np.ndarray) -> None:  # fmt: skip
        """Frames ``(B, N, 3)`` of one trajectory, the velocities a frame earlier, blocks."""
        force = np.einsum("n,tni->ti", masses, accelerations)
        momentum = np.einsum("n,tni->ti", masses, velocities)
        lagged = np.einsum("n,tni->ti", masses, earlier)
        np.add.at(self.frames, block, 1.0)
        np.add.at(self.force, block, force)
        np.add.at(self.momentum, block, momentum)
        np.add.at(self.earlier, block, lagged)
        np.add.at(self.force_earlier, block, np.einsum("ti,tj->tij", force, lagged))
        np.add.at(self.momentum_earlier, block, np.einsum("ti,tj->tij", momentum, lagged))

    def total(self, drop: int | None = None) -> dict:
        keep = np.ones(len(self.frames), dtype=bool)
        if drop is not None:
            keep[drop] = False
        return {key: value[keep].sum(axis=0) for key, value in vars(self).items()}


def uniform_force(sums: dict) -> tuple[np.ndarray, float]:
    """(F_0, γ): the total force less the drag on the total momentum, from ``sums``.

    The drag is isotropic (``0e``); with a momentum that does not vary (nothing to regress
    on) it is taken as 0.
    """
    frames = sums["frames"]
    if frames == 0:
        return np.full(3, np.nan), float("nan")
    force, momentum, earlier = (sums[key] / frames for key in ("force", "momentum", "earlier"))
    covariance = sums["momentum_earlier"] - frames * np.outer(momentum, earlier)
    cross = sums["force_earlier"] - frames * np.outer(force, earlier)
    # instrumental least squares for F = F0 - γ P: tr(cross) = -γ tr(covariance)
    scale = np.trace(covariance)
    spread = np.linalg.svd(covariance, compute_uv=False)
    varies = spread[0] > 1e-12 * max(frames * float(momentum @ momentum), 1e-300)
    drag = -float(np.trace(cross)) / scale if varies and scale != 0 else 0.0
    return force + drag * momentum, drag


def jackknife_force(sums: MomentumSums) -> tuple[np.ndarray, float, float]:
    """:func:`uniform_force` on all blocks, with the delete-one-block jackknife's error
    (length of the error vector); also γ."""
    value, drag = uniform_force(sums.total())
    used = [k for k in range(len(sums.frames)) if sums.frames[k] > 0]
    copies = np.array([uniform_force(sums.total(drop=k))[0] for k in used])
    k = len(copies)
    if k < 2:
        return value, float("inf"), drag
    spread = (k - 1) / k * ((copies - copies.mean(axis=0)) ** 2).sum()
    return value, float(np.sqrt(spread)), drag


__all__ = ["MomentumSums", "jackknife_force", "uniform_force"]
