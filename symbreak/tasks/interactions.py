r"""Pair interactions between trajectory particles: central forces per species pair.

.. math:: a_i \mathrel{+}= \sum_{j \ne i,\ r_{ij} < R} f_{s_i s_j}(r_{ij})\, \hat r_{ij},
          \qquad f_{st}(r) = \sum_k c_{st k}\, \phi_k(r),

with :math:`\hat r_{ij} = (x_i - x_j)/r_{ij}`. A central force along :math:`\hat r_{ij}` with
a coefficient that depends on the distance alone is exactly O(3)-equivariant: rotating or
reflecting a frame rotates or reflects every predicted acceleration, so this term can never
activate a breaking irrep - it has no relaxed weights at all. The ordered pair
:math:`(s_i, s_j)` has its own curve (accelerations: the force over :math:`m_{s_i}`).

*Basis* :math:`\phi_k`: :math:`r^{-13}`, :math:`r^{-7}` (Lennard-Jones for any
:math:`\epsilon, \sigma`), :math:`r^{-2}` (Coulomb) and :data:`HATS` piecewise-linear hats
spread over :math:`[r_{min}, R]` for anything else; every column is scaled to unit rms so
the least squares are well conditioned.

*Fit.* Linear least squares, jointly with uniform fields per species
(:math:`a = E_s + J_s v + \ldots`), so the fields cannot leak into the curves.

*Collisions faster than the frames.* A finite-difference acceleration is an average over
two frame intervals; when particles collide within one (±q ions drifting through each
other in E, frames 0.05 apart), the force at the frame's positions misses the impulse, and
between species it does not cancel in the species' means. Its expectation given the pair's
state is a function of the separation and the relative velocity
:math:`v_{ij} = v_i - v_j`: the collision terms

.. math:: \sum_{j,\ r_{ij} < R_c} \sum_k \phi_k(r_{ij}) \big[ c_{1k} (v_{ij}\cdot\hat r_{ij})
          \hat r_{ij} + c_{2k} v_{ij} + c_{3k} |v_{ij}|^2 \hat r_{ij}
          + c_{4k} (v_{ij}\cdot\hat r_{ij})^2 \hat r_{ij} \big]

(per ordered species pair, :data:`COLLISION_HATS` hats) are polar vectors (``1o``) built
from polar vectors with scalar coefficients: exactly O(3)-equivariant, no relaxed weight,
and no axial vector (so they cannot stand in for :math:`v \times B`). They are kept when
they take the held-out loss down by :data:`USEFUL` (±q Coulomb gas in E: held-out loss
88 -> 18, the species' mean accelerations scatter 3.6 -> 1.5 per frame).

*Cutoff R, from the data.* The first peak of the radial distribution
:math:`g(r) \propto n(r)/r^2` gives the contact distance :math:`r_0`; the candidates
:math:`R \in r_0 \times` :data:`CUTOFF_FACTORS` are fitted on the even blocks of frames and
scored on the odd ones, and the shortest R whose held-out loss is within
:data:`CUTOFF_SLACK` of the best is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.tasks.neighbour_scatter import NeighbourScatter, nearest_distances

#: A periodic box: (cell rows (3, 3), periodic axes (3,) bool), or None for free space.
Box = tuple[np.ndarray, np.ndarray] | None

#: Piecewise-linear hats per species pair, beside the three inverse powers.
HATS = 8
#: Candidate cutoffs, in units of the first peak of g(r).
CUTOFF_FACTORS = (1.5, 2.0, 2.5, 3.0, 4.0)
#: The shortest cutoff whose held-out loss is within this fraction of the best one's.
CUTOFF_SLACK = 0.01
#: Interactions are used when they remove at least this fraction of the held-out loss that
#: uniform fields leave (less: the particles do not measurably interact).
USEFUL = 0.05
#: Rows used to choose and fit the interactions (whole frames, spread over the run).
FIT_ROWS = 60_000
#: Candidate ranges of the collision terms, in units of the first peak of g(r).
COLLISION_FACTORS = (1.5, 2.0)
#: Piecewise-linear hats in r of each collision term.
COLLISION_HATS = 6


def _minimum_image(separation: np.ndarray, box: Box) -> np.ndarray:
    if box is None:
        return separation
    cell, pbc = box
    fractional = separation @ np.linalg.inv(cell)
    fractional[..., pbc] -= np.round(fractional[..., pbc])
    return fractional @ cell


def pairs_within(positions: np.ndarray, frame_key: np.ndarray, cutoff: float, box: Box = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Ordered pairs (i, j), i != j, of rows of one frame closer than ``cutoff``, and their
    separations :math:`x_i - x_j` (minimum image along the periodic axes of ``box``)."""
    empty = np.zeros(0, dtype=np.int64)
    order = np.argsort(frame_key, kind="stable")
    _, starts, counts = np.unique(frame_key[order], return_index=True, return_counts=True)
    first, second, vectors = [empty], [empty], [np.zeros((0, 3))]
    for size in np.unique(counts[counts > 1]):
        groups = order[starts[counts == size][:, None] + np.arange(size)]
        step = max(1, 2**21 // size**2)  # frames per distance matrix: ~16 MB at a time
        for start in range(0, len(groups), step):
            rows = groups[start : start + step]
            x = positions[rows]
            separation = _minimum_image(x[:, :, None] - x[:, None, :], box)
            distance = np.linalg.norm(separation, axis=-1)
            g, i, j = np.nonzero((distance < cutoff) & ~np.eye(size, dtype=bool))
            first.append(rows[g, i])
            second.append(rows[g, j])
            vectors.append(separation[g, i, j])
    return np.concatenate(first), np.concatenate(second), np.concatenate(vectors)


def _basis(r: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """(E, 3 + HATS) radial functions at distances ``r``."""
    columns = [r**-13.0, r**-7.0, r**-2.0]
    spacing = knots[1] - knots[0]
    for knot in knots:
        columns.append(np.clip(1 - np.abs(r - knot) / spacing, 0, None))
    return np.stack(columns, axis=1)


@dataclass(frozen=True)
class PairInteractions:
    """Fitted central pair forces; :meth:`accelerations` predicts them for any frames.

    Attributes
    ----------
    cutoff : float
        R, chosen from the data (see the module docstring).
    contact : float
        :math:`r_0`, the first peak of g(r).
    knots : (HATS,) array
    scales : (P,) array
        Column scales of the basis (one per ordered pair and function).
    coefficients : (P,) array
    n_species : int
    note : str
        One sentence: how R was chosen and what the interactions explain.
    losses : dict
        Held-out mean square residuals (per component): ``uniform`` fields alone,
        ``interactions`` (fields and pair forces).
    """

    cutoff: float
    contact: float
    knots: np.ndarray
    scales: np.ndarray
    coefficients: np.ndarray
    n_species: int
    note: str
    losses: dict
    box: Box = None
    collision_knots: np.ndarray | None = None
    scatter: NeighbourScatter | None = None

    def nearest(self, positions: np.ndarray, frame_key: np.ndarray) -> np.ndarray:
        """Each row's distance to its nearest neighbour in its frame, capped at the cutoff."""
        first, _, separation = pairs_within(positions, frame_key, self.cutoff, self.box)
        return nearest_distances(len(positions), first, separation, self.cutoff)

    def weights(self, positions: np.ndarray, frame_key: np.ndarray) -> np.ndarray | None:
        """Inverse residual variance of each row by its nearest neighbour
        (:mod:`symbreak.tasks.neighbour_scatter`); None when it was not measured."""
        if self.scatter is None:
            return None
        return self.scatter.weights(self.nearest(positions, frame_key))

    def accelerations(self, positions: np.ndarray, species: np.ndarray,
                      frame_key: np.ndarray, velocities: np.ndarray | None = None
                      ) -> np.ndarray:  # fmt: skip
        """Predicted pair accelerations ``(n, 3)`` of rows (whole frames); the collision
        terms, when fitted, need the rows' ``velocities``."""
        species = np.asarray(species, np.int64)
        i, partner, r, unit = _pair_terms(positions, species, frame_key, self.cutoff,
                                          self.knots, self.n_species, self.box)  # fmt: skip
        values = _basis(np.maximum(r, 1e-300), self.knots)
        per_pair = values.shape[1]
        offset = (species[i] * self.n_species + partner) * per_pair
        weights = (self.coefficients / self.scales)[offset[:, None] + np.arange(per_pair)]
        force = np.sum(values * weights, axis=1)[:, None] * unit
        out = np.stack([np.bincount(i, force[:, c], minlength=len(positions))
                        for c in range(3)], axis=1)  # fmt: skip
        if self.collision_knots is not None:
            if velocities is None:
                raise ValueError("these interactions have collision terms: pass velocities")
            n_position = self.n_species**2 * per_pair
            design = _collision_design(positions, velocities, species, frame_key,
                                       self.collision_knots, self.n_species, self.box)
            out = out + design @ (self.coefficients / self.scales)[n_position:]
        return out

    def to_dict(self) -> dict:
        return {"cutoff": self.cutoff, "contact": self.contact, "knots": self.knots.tolist(),
                "scales": self.scales.tolist(), "coefficients": self.coefficients.tolist(),
                "n_species": self.n_species, "note": self.note, "losses": dict(self.losses),
                "collision_knots": None if self.collision_knots is None
                else self.collision_knots.tolist(),
                "scatter": None if self.scatter is None else self.scatter.to_dict(),
                "box": None if self.box is None else [self.box[0].tolist(),
                                                      self.box[1].tolist()]}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> PairInteractions:
        box = data.get("box")
        box = None if box is None else (np.asarray(box[0], float), np.asarray(box[1], bool))
        collision = data.get("collision_knots")
        return cls(float(data["cutoff"]), float(data["contact"]), np.asarray(data["knots"]),
                   np.asarray(data["scales"]), np.asarray(data["coefficients"]),
                   int(data["n_species"]), str(data["note"]), dict(data["losses"]), box,
                   None if collision is None else np.asarray(collision, dtype=np.float64),
                   NeighbourScatter.from_dict(data.get("scatter")))


def _pair_terms(positions, species, frame_key, cutoff, knots, n_species, box, pairs=None):
    """Per ordered pair (i, j): row i, species of j, distance and unit vector ``(E, 3)``.

    ``pairs`` (i, j, separation) found at a longer cutoff are reused instead of searched.
    """
    i, j, separation = pairs if pairs is not None else \
        pairs_within(positions, frame_key, cutoff, box)  # fmt: skip
    r = np.linalg.norm(separation, axis=1)
    keep = r < cutoff
    i, j, separation, r = i[keep], j[keep], separation[keep], r[keep]
    unit = separation / np.maximum(r, 1e-300)[:, None]
    return i, species[j], r, unit


def _pair_design(positions, species, frame_key, cutoff, knots, n_species, box,
                 pairs=None) -> np.ndarray:  # fmt: skip
    """(n, 3, S² (3 + HATS)): the pair-force columns of every row (row i's own species
    picks its block of S (3 + HATS) columns)."""
    n, per_pair = len(positions), 3 + len(knots)
    design = np.zeros((n, 3, n_species, n_species, per_pair))
    i, partner, r, unit = _pair_terms(positions, species, frame_key, cutoff, knots, n_species,
                                      box, pairs)  # fmt: skip
    values = _basis(np.maximum(r, 1e-300), knots)
    index = i * n_species + partner
    rows = np.arange(n)
    for c in range(3):
        for k in range(per_pair):
            summed = np.bincount(index, unit[:, c] * values[:, k], minlength=n * n_species)
            design[rows, c, species, :, k] = summed.reshape(n, n_species)
    return design.reshape(n, 3, -1)


def _collision_design(positions, velocities, species, frame_key, knots, n_species, box,
                      pairs=None) -> np.ndarray:  # fmt: skip
    """(n, 3, S² 4 COLLISION_HATS): the collision columns (module docstring) of every row,
    for pairs closer than the last knot."""
    n, hats = len(positions), len(knots)
    reach = float(knots[-1])
    i, j, separation = pairs if pairs is not None else \
        pairs_within(positions, frame_key, reach, box)  # fmt: skip
    r = np.linalg.norm(separation, axis=1)
    keep = r < reach
    i, j, separation, r = i[keep], j[keep], separation[keep], r[keep]
    unit = separation / np.maximum(r, 1e-300)[:, None]
    relative = velocities[i] - velocities[j]
    radial = np.sum(relative * unit, axis=1)
    terms = (unit * radial[:, None], relative, unit * np.sum(relative**2, axis=1)[:, None],
             unit * (radial**2)[:, None])
    spacing = knots[1] - knots[0]
    weight = np.clip(1 - np.abs(r[:, None] - knots) / spacing, 0, None)  # (E, hats)
    design = np.zeros((n, 3, n_species * n_species, len(terms), hats))
    pair = species[i] * n_species + species[j]
    index = i * n_species * n_species + pair
    for t, vector in enumerate(terms):
        for k in range(hats):
            for c in range(3):
                summed = np.bincount(index, vector[:, c] * weight[:, k],
                                     minlength=n * n_species * n_species)
                design[:, c, :, t, k] = summed.reshape(n, -1)
    # row i's own species picks its block of S (4 hats) columns, as in _pair_design
    out = np.zeros((n, 3, n_species, n_species, len(terms), hats))
    rows = np.arange(n)
    blocks = design.reshape(n, 3, n_species, n_species, len(terms), hats)
    out[rows, :, species] = blocks[rows, :, species]
    return out.reshape(n, 3, -1)


def _field_design(velocities: np.ndarray, species: np.ndarray, n_species: int) -> np.ndarray:
    """(n, 3, 12 S): E_s (3) and J_s (9) columns per species."""
    n = len(velocities)
    design = np.zeros((n, 3, 12 * n_species))
    rows = np.arange(n)
    for c in range(3):
        base = species * 12
        design[rows, c, base + c] = 1.0
        for k in range(3):
            design[rows, c, base + 3 + 3 * c + k] = velocities[:, k]
    return design


def contact_distance(positions: np.ndarray, frame_key: np.ndarray, box: Box = None) -> float:
    """First peak of :math:`g(r) \\propto n(r) / r^2` among pair distances within frames."""
    *_, separation = pairs_within(*_few_frames(positions, frame_key), np.inf, box)
    if len(separation) == 0:
        return float("nan")
    r = np.linalg.norm(separation, axis=1)
    top = np.quantile(r, 0.5)
    counts, edges = np.histogram(r[r < top], bins=60)
    middle = (edges[1:] + edges[:-1]) / 2
    density = counts / middle**2
    return float(middle[int(np.argmax(density))])


def fit_interactions(rows: dict, n_species: int, box: Box = None) -> PairInteractions | None:
    """Pair forces of whole-frame ``rows`` (positions, velocities, accelerations, species,
    frame_key), with a cutoff chosen from the data; None when they explain nothing
    (:data:`USEFUL`) or the frames hold single particles."""
    positions, key = rows["positions"], rows["frame_key"]
    frames = np.unique(key)
    if len(frames) < 4 or len(positions) <= len(frames):
        return None
    contact = contact_distance(positions, key, box)
    if not np.isfinite(contact) or contact <= 0:
        return None
    species, target = rows["species"].astype(np.int64), rows["accelerations"]
    fields = _field_design(rows["velocities"], species, n_species)
    # even and odd blocks of frames: train and held out (frames in time order by key)
    block = np.searchsorted(frames, key) * 10 // len(frames)
    train, test = block % 2 == 0, block % 2 == 1

    def solve(design, mask):
        # normal equations of unit-rms columns: an SVD of the (3 rows, P) design took 1 s a
        # candidate at 30k rows, the P x P Gram matrix takes milliseconds
        flat = design[mask].reshape(-1, design.shape[-1])
        scale = np.sqrt(np.mean(flat**2, axis=0))
        scale[scale == 0] = 1.0
        flat = flat / scale
        gram, moment = flat.T @ flat, flat.T @ target[mask].reshape(-1)
        coefficients, *_ = np.linalg.lstsq(gram, moment, rcond=1e-13)
        return coefficients, scale

    def held_out(design):
        coefficients, scale = solve(design, train)
        residual = target[test] - np.einsum("ncp,p->nc", design[test], coefficients / scale)
        return float(np.mean(residual**2))

    uniform = held_out(fields)
    r_min = _closest(positions, key, box)
    scores, designs = [], []
    # the minimum image is unique only within half the box's narrowest width
    widest = _half_width(box)
    factors = [f for f in CUTOFF_FACTORS if f * contact < widest] or [widest / contact]
    pairs = pairs_within(positions, key, max(factors) * contact, box)  # searched once
    for factor in factors:
        cutoff = factor * contact
        knots = np.linspace(r_min, cutoff, HATS)
        design = np.concatenate([_pair_design(positions, species, key, cutoff, knots,
                                              n_species, box, pairs), fields], axis=2)  # fmt: skip
        scores.append(held_out(design))
        designs.append((cutoff, knots))  # the design itself is rebuilt: memory stays one
    best = min(scores)
    # uniform fields that already leave only rounding (free charges) need nothing more: the
    # comparison of two rounding errors decides nothing
    rounding = 1e-20 * float(np.mean(target**2))
    if not best < (1 - USEFUL) * uniform or uniform <= rounding:
        return None
    chosen = next(k for k, score in enumerate(scores) if score <= (1 + CUTOFF_SLACK) * best)
    cutoff, knots = designs[chosen]
    design = np.concatenate([_pair_design(positions, species, key, cutoff, knots, n_species,
                                          box, pairs), fields], axis=2)  # fmt: skip
    score = scores[chosen]
    collision, collision_note = None, ""
    velocities, base = rows["velocities"], design[..., : -fields.shape[-1]]
    for factor in COLLISION_FACTORS:
        reach = min(factor * contact, cutoff)
        candidate_knots = np.linspace(r_min, reach, COLLISION_HATS)
        extra = _collision_design(positions, velocities, species, key, candidate_knots,
                                  n_species, box, pairs)  # fmt: skip
        candidate = np.concatenate([base, extra, fields], axis=2)
        candidate_score = held_out(candidate)
        if candidate_score < (1 - USEFUL) * score:
            collision_note = (f"; collision terms in the relative velocity within "
                              f"{reach:.3g} take it on to {candidate_score:.3g}")
            collision, design, score = candidate_knots, candidate, candidate_score
    factor = cutoff / contact
    coefficients, scale = solve(design, np.ones(len(target), dtype=bool))
    n_pair = design.shape[-1] - fields.shape[-1]
    residual = target - np.einsum("ncp,p->nc", design, coefficients / scale)
    first, _, separation = pairs
    scatter = NeighbourScatter.measure(
        nearest_distances(len(positions), first, separation, cutoff), residual, cutoff)
    note = (f"pair interactions within R = {cutoff:.3g} ({factor:.3g} x the first "
            f"peak of g(r), {contact:.3g}: the shortest candidate within {CUTOFF_SLACK:.0%} of "
            f"the best held-out loss) take the uniform-field model's held-out loss from "
            f"{uniform:.3g} to {scores[chosen]:.3g}{collision_note}")  # fmt: skip
    return PairInteractions(cutoff, contact, knots, scale[:n_pair], coefficients[:n_pair],
                            n_species, note, {"uniform": uniform, "interactions": score}, box,
                            collision, scatter)  # fmt: skip


def _few_frames(positions: np.ndarray, key: np.ndarray, pairs: int = 400_000):
    """Rows of the first frames holding about ``pairs`` pairs: enough for g(r)."""
    frames, counts = np.unique(key, return_counts=True)
    keep = frames[: max(1, int(np.searchsorted(np.cumsum(counts**2), pairs)))]
    mask = np.isin(key, keep)
    return positions[mask], key[mask]


def _half_width(box: Box) -> float:
    """Half the narrowest width of the periodic box (inf in free space)."""
    if box is None or not np.any(box[1]):
        return np.inf
    cell = box[0]
    volume = abs(np.linalg.det(cell))
    widths = [volume / np.linalg.norm(np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3]))
              for k in range(3) if box[1][k]]  # fmt: skip
    return 0.5 * min(widths)


def _closest(positions: np.ndarray, key: np.ndarray, box: Box) -> float:
    *_, separation = pairs_within(*_few_frames(positions, key), np.inf, box)
    return float(np.min(np.linalg.norm(separation, axis=1))) * 0.98


__all__ = ["PairInteractions", "contact_distance", "fit_interactions", "pairs_within"]
