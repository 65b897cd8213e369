r"""How much a particle's acceleration scatters about the fitted pair forces, by how close
its nearest neighbour is: weights for the data's own fields.

Frames stored far apart beside a collision do not resolve it: the finite-difference
acceleration of a particle in contact scatters about the fitted curves by ten to fifty
times as much as that of a particle with nobody near (±q Coulomb gas in E, frames 0.05
apart: rms 12-18 within the contact distance, 0.3-0.6 beyond 1.5 of it). An average over
particles that weights each by the inverse of its scatter,

.. math:: \hat E_s = \frac{\sum_i w_i (a_i - J_s v_i)}{\sum_i w_i}, \qquad
          w_i = 1 / \sigma^2(r_{\mathrm{nn}, i}),

then rests on the particles whose accelerations the frames do resolve
(:mod:`symbreak.tasks.field_statistics` offers it beside the plain means and keeps
whichever has the smaller jackknife error).

*Why it cannot tilt a field.* The weight is a function of the distance to the nearest
neighbour, a scalar (``0e``): the weighted average is an equivariant function of the
frames, so under data whose statistics keep the fields' group (C∞v about E) its
expectation is a vector that group fixes, along E. Weighting changes how precisely the
axis is read, never which axis is read in expectation. (Its length may differ from the
plain mean's: the particles in contact carry part of the field's balance.)

:math:`\sigma^2` is the mean square residual per component of the pair-force fit in
:data:`BINS` bins of the nearest-neighbour distance (quantiles of the fitted rows;
particles with nobody within the reach share the last bin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bins of the nearest-neighbour distance (quantiles of the rows the pair forces were fitted on).
BINS = 8
#: The least rows a bin needs to measure its scatter (fewer: bins are merged by quantiles).
ROWS_PER_BIN = 200


def nearest_distances(n: int, first: np.ndarray, separation: np.ndarray, reach: float
                      ) -> np.ndarray:  # fmt: skip
    """Per row, the distance to its nearest neighbour among ordered pairs ``(first, ·)``
    with separations ``separation``, capped at ``reach`` (nobody within it)."""
    nearest = np.full(n, float(reach))
    if len(first):
        np.minimum.at(nearest, first, np.minimum(np.linalg.norm(separation, axis=1), reach))
    return nearest


@dataclass(frozen=True)
class NeighbourScatter:
    """Residual variance of the pair-force fit by nearest-neighbour distance.

    Attributes
    ----------
    reach : float
        Neighbours are looked for within this distance (the pair forces' cutoff).
    edges : (K - 1,) array
        Inner edges of the K bins of the nearest-neighbour distance.
    variance : (K,) array
        Mean square residual per component in each bin.
    """

    reach: float
    edges: np.ndarray
    variance: np.ndarray

    @classmethod
    def measure(cls, nearest: np.ndarray, residual: np.ndarray, reach: float
                ) -> NeighbourScatter | None:  # fmt: skip
        """From the fitted rows' nearest distances ``(n,)`` and residuals ``(n, 3)``; None
        when there are too few rows for two bins or the residuals are rounding."""
        bins = min(BINS, len(nearest) // ROWS_PER_BIN)
        if bins < 2:
            return None
        edges = np.unique(np.quantile(nearest, np.linspace(0, 1, bins + 1)[1:-1]))
        index = np.digitize(nearest, edges)
        square = np.sum(residual**2, axis=1) / 3
        variance = np.array([square[index == k].mean() if np.any(index == k) else np.nan
                             for k in range(len(edges) + 1)])  # fmt: skip
        if not np.all(np.isfinite(variance)) or np.min(variance) <= 0:
            return None
        return cls(float(reach), edges, variance)

    def weights(self, nearest: np.ndarray) -> np.ndarray:
        """:math:`1/\\sigma^2` at nearest-neighbour distances ``nearest``."""
        return 1.0 / self.variance[np.digitize(nearest, self.edges)]

    def spread(self) -> float:
        """Largest over smallest variance: how much weighting can gain."""
        return float(np.max(self.variance) / np.min(self.variance))

    def to_dict(self) -> dict:
        return {"reach": self.reach, "edges": self.edges.tolist(),
                "variance": self.variance.tolist()}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict | None) -> NeighbourScatter | None:
        if not data:
            return None
        return cls(float(data["reach"]), np.asarray(data["edges"], dtype=np.float64),
                   np.asarray(data["variance"], dtype=np.float64))  # fmt: skip


__all__ = ["BINS", "NeighbourScatter", "nearest_distances"]
