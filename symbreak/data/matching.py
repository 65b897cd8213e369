"""Which atom of the target is which atom of the source: the correspondence of a finite pair.

Two files of one molecule, written by two programs, often list its atoms in another order.
Read row by row, such a pair describes atoms that swap places, a displacement as large as the
bonds, and every group computed from it is wrong. Crystals are matched in
:mod:`symbreak.data.cells`; this module matches finite pairs.

The correspondence sought is, per species, the permutation :math:`\\pi` minimising

.. math:: \\min_{R \\in SO(3)} \\sum_i |R (s_i - \\bar s) - (t_{\\pi(i)} - \\bar t)|^2,

the displacement left after the best rigid alignment (a permutation does not move the centroid,
so the centroids align first). For a fixed R the best :math:`\\pi` is an assignment problem
(Hungarian algorithm, :func:`~symbreak.data._assignment.cheapest_assignment`), and for a fixed
:math:`\\pi` the best R is Kabsch's; alternating the two converges to the nearest local
optimum. It is started from the identity (most files share a frame) and from every rotation
that carries a reference pair of source atoms onto a pair of target atoms of the same species
and nearly the same distances, so a target in another frame is matched as well.

*Equivalent answers.* When the source is symmetric, every operation g of its group gives an
assignment with the same aligned displacement (rotated by g). They are the same physics in
different frames, so among the assignments within rounding of the best one the one needing the
smallest rigid rotation is taken: the answer stays in the user's frame. Ties are broken by the
lexicographically smallest permutation, so the choice is deterministic.

>>> import numpy as np
>>> source = np.array([[0.0, 0, 0], [1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]])
>>> target = source * [1, 1, 1.05]
>>> shuffled = target[[0, 3, 1, 4, 2]]
>>> match = match_pair_atoms(source, shuffled, [0, 1, 1, 1, 1])
>>> match.permutation.tolist(), match.reordered
([0, 2, 4, 1, 3], 4)
>>> bool(match.rmsd_after < 0.05 < match.rmsd_before)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.data._alignment import affine_rotation, kabsch, rotation_angle
from symbreak.data._assignment import cheapest_assignment

#: Assignments whose aligned mean square is within this factor of the best are equivalent.
EQUIVALENT_FACTOR = 1.5
#: The file's order is kept unless the best order's aligned RMS displacement is below it by
#: this factor, or the two are equivalent and the file's order needs a larger rigid rotation.
CLEARLY_WORSE = 1.5
#: Degrees by which the file's order must need more rigid rotation than the match to be
#: replaced when both are equally good after alignment.
ROTATION_MARGIN_DEGREES = 1.0
#: Alternations of assignment and rotation per start; 3 suffice on every cluster tried.
_ROUNDS = 6
#: A match from the file's frame whose every atom moves less than this fraction of the nearest
#: neighbour distance is unambiguous: no other start is tried (any other assignment moves
#: some atom by about a neighbour distance, or is the same up to a symmetry rotation).
UNAMBIGUOUS = 0.3
#: Reference pairs tried in the target (starting rotations), at most.
_MAX_STARTS = 400


@dataclass(frozen=True)
class AtomMatch:
    """The correspondence found for one pair.

    Attributes
    ----------
    permutation : (N,) int; row i of the source corresponds to row ``permutation[i]`` of
        the target as given.
    reordered : how many atoms the permutation moves.
    rmsd_before, rmsd_after : RMS displacement per atom after the best rigid alignment, with
        the file's order and with the match (input length unit).
    rotation_before, rotation_after : angle in degrees of that best rigid rotation.
    applied : whether the match replaces the file's order (see :func:`match_atoms`).
    """

    permutation: np.ndarray
    reordered: int
    rmsd_before: float
    rmsd_after: float
    rotation_before: float
    rotation_after: float
    applied: bool
    #: Largest displacement of one atom after the best rigid alignment, with the match used,
    #: and the source's nearest-neighbour distance: a match that still moves an atom by more
    #: than half of it does not tell which atom became which.
    largest_step: float = 0.0
    nearest_neighbour: float = float("inf")

    @property
    def ambiguous(self) -> bool:
        """A re-ordering that still moves some atom by over half a neighbour distance."""
        return self.applied and self.largest_step > 0.5 * self.nearest_neighbour

    def sentence(self, name: str) -> str:
        """One sentence for the user."""
        if not self.applied:
            return (f"the atoms of '{name}' keep the file's order (RMS displacement "
                    f"{self.rmsd_before:.3g} after the best rigid alignment).")  # fmt: skip
        return (f"the target of '{name}' listed its atoms in another order: {self.reordered} of "
                f"{len(self.permutation)} re-ordered to match the source, which takes the RMS "
                f"displacement after the best rigid alignment from {self.rmsd_before:.3g} to "
                f"{self.rmsd_after:.3g} and the rigid rotation from "
                f"{self.rotation_before:.3g}° to {self.rotation_after:.3g}° (--keep-order keeps "
                "the file's order).")  # fmt: skip

    def to_dict(self, name: str) -> dict:
        return {
            "pair": name,
            "reordered": self.reordered,
            "applied": self.applied,
            "rmsd_before": self.rmsd_before,
            "rmsd_after": self.rmsd_after,
            "rotation_before_degrees": self.rotation_before,
            "rotation_after_degrees": self.rotation_after,
            "largest_step": self.largest_step,
            "nearest_neighbour": self.nearest_neighbour,
            "ambiguous": self.ambiguous,
            "sentence": self.sentence(name),
        }


def _aligned(source: np.ndarray, target: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Mean square after the best rotation, its angle, and the rotation (centred inputs)."""
    rotation = kabsch(source, target)
    residual = source @ rotation.T - target
    return float(np.mean(np.sum(residual**2, axis=1))), rotation_angle(rotation), rotation


def _assign(source: np.ndarray, target: np.ndarray, groups: list[np.ndarray],
            rotation: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per species, the assignment minimising :math:`\\sum |R s_i - t_{\\pi(i)}|^2`."""
    moved = source @ rotation.T
    permutation = np.empty(len(source), dtype=np.int64)
    for members in groups:
        cost = np.sum((moved[members][:, None] - target[members][None]) ** 2, axis=2)
        rows, cols = cheapest_assignment(cost)
        permutation[members[rows]] = members[cols]
    return permutation


def _descend(source, target, groups, rotation) -> tuple[float, float, np.ndarray]:
    """Alternate assignment and rotation from ``rotation``: (mean square, angle, permutation)."""
    permutation = None
    for _ in range(_ROUNDS):
        new = _assign(source, target, groups, rotation)
        if permutation is not None and np.array_equal(new, permutation):
            break
        permutation = new
        msd, angle, rotation = _aligned(source, target[permutation])
    msd, angle, _ = _aligned(source, target[permutation])
    return msd, angle, permutation


def _frames(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Right-handed orthonormal frames (K, 3, 3): rows along a, b's part normal to a, a x b."""
    e1 = a / np.linalg.norm(a, axis=-1, keepdims=True)
    e2 = b - np.sum(b * e1, axis=-1, keepdims=True) * e1
    e2 /= np.maximum(np.linalg.norm(e2, axis=-1, keepdims=True), 1e-300)
    return np.stack([e1, e2, np.cross(e1, e2)], axis=-2)


def _starting_rotations(source: np.ndarray, target: np.ndarray, labels: np.ndarray,
                        slack: float) -> list[np.ndarray]:  # fmt: skip
    """The identity, then rotations carrying a reference source pair (a, b) onto target pairs
    of the same species whose radii and separation agree within ``slack``."""
    starts = [np.eye(3)]
    radius_s, radius_t = np.linalg.norm(source, axis=1), np.linalg.norm(target, axis=1)
    scale = float(radius_s.max())
    away = np.flatnonzero(radius_s > 0.1 * scale)
    if len(away) < 2:
        return starts
    counts = {label: np.count_nonzero(labels == label) for label in np.unique(labels)}
    a = min(away, key=lambda i: (counts[labels[i]], -radius_s[i], i))
    sines = np.linalg.norm(np.cross(source[a], source), axis=1) / (
        radius_s[a] * np.maximum(radius_s, 1e-300))
    partners = [i for i in away if sines[i] > 0.3]
    if not partners:
        return starts
    b = min(partners, key=lambda i: (counts[labels[i]], -sines[i] * radius_s[i], i))
    span = np.linalg.norm(source[a] - source[b])
    first = np.flatnonzero((labels == labels[a]) & (np.abs(radius_t - radius_s[a]) <= slack))
    second = np.flatnonzero((labels == labels[b]) & (np.abs(radius_t - radius_s[b]) <= slack))
    gap = np.linalg.norm(target[first][:, None] - target[second][None], axis=2)
    fi, si = np.nonzero((np.abs(gap - span) <= 2 * slack) & (first[:, None] != second[None]))
    if len(fi) == 0:
        return starts
    order = np.argsort(np.abs(gap[fi, si] - span), kind="stable")[:_MAX_STARTS]
    reference = _frames(source[a][None], source[b][None])[0]
    images = _frames(target[first[fi[order]]], target[second[si[order]]])
    starts.extend(np.einsum("kji,jl->kil", images, reference))
    return starts


def _groups(labels: np.ndarray) -> list[np.ndarray]:
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


def match_pair_atoms(source, target, species) -> AtomMatch:
    """The atom correspondence of a finite pair (module docstring), and whether to use it.

    Parameters
    ----------
    source, target : (N, 3) positions; the target may list its atoms in any order.
    species : (N,) labels shared by the rows of both (an atom keeps its species).

    Returns
    -------
    :class:`AtomMatch`. The match is ``applied`` when the file's order is clearly worse:
    its aligned RMS displacement exceeds the match's by :data:`CLEARLY_WORSE`, or both are
    equally good and the file's order needs a rigid rotation larger by more than
    :data:`ROTATION_MARGIN_DEGREES` (a symmetry operation of the source, undone).
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    labels = np.unique(np.asarray(species), return_inverse=True)[1].reshape(-1)
    s, t = source - source.mean(axis=0), target - target.mean(axis=0)
    groups = _groups(labels)
    identity = np.arange(len(s))
    msd_given, angle_given, _ = _aligned(s, t)
    scale2 = float(np.mean(np.sum(s**2, axis=1))) or 1.0
    floor = 1e-24 * scale2  # rounding of float64 coordinates, squared
    slack, nearest = _slack(s, t, labels)
    found = [_descend(s, t, groups, np.eye(3))]
    if _worst_step(s, t, found[0]) > UNAMBIGUOUS * nearest:
        for rotation in _starting_rotations(s, t, labels, slack)[1:]:
            found.append(_descend(s, t, groups, rotation))
    best = min(msd for msd, _, _ in found)
    equivalent = [f for f in found if f[0] <= EQUIVALENT_FACTOR * best + floor]
    msd, angle, permutation = min(equivalent, key=lambda f: (f[1], tuple(f[2])))
    clearly_worse = msd_given > CLEARLY_WORSE**2 * msd + floor
    rotated = (msd_given <= EQUIVALENT_FACTOR * msd + floor
               and angle_given > angle + ROTATION_MARGIN_DEGREES)  # fmt: skip
    applied = bool((clearly_worse or rotated) and not np.array_equal(permutation, identity))
    if not applied:
        permutation, msd, angle = identity, msd_given, angle_given
    step = _worst_step(s, t, (msd, angle, permutation))
    # the angles reported are those of the rigid motion (rotation of the best affine map), the
    # same measure as the rigid-motion note; Kabsch's aligned the assignments above
    angle_given = rotation_angle(affine_rotation(s, t))
    angle = rotation_angle(affine_rotation(s, t[permutation]))
    return AtomMatch(
        permutation=permutation,
        reordered=int(np.count_nonzero(permutation != identity)),
        rmsd_before=float(np.sqrt(msd_given)),
        rmsd_after=float(np.sqrt(msd)),
        rotation_before=angle_given,
        rotation_after=angle,
        applied=applied,
        largest_step=step,
        nearest_neighbour=nearest,
    )


def _worst_step(source: np.ndarray, target: np.ndarray, found) -> float:
    """Largest displacement of one atom after the best rigid alignment of a descent's match."""
    permutation = found[2]
    rotation = kabsch(source, target[permutation])
    return float(np.max(np.linalg.norm(source @ rotation.T - target[permutation], axis=1)))


def _slack(source: np.ndarray, target: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """How far radii may differ between matched atoms: the largest change of any species'
    sorted radii (a distortion moves radii by at most its size), plus a fifth of the nearest
    neighbour distance for noise; and that nearest neighbour distance."""
    change = 0.0
    for members in _groups(labels):
        rs = np.sort(np.linalg.norm(source[members], axis=1))
        rt = np.sort(np.linalg.norm(target[members], axis=1))
        change = max(change, float(np.max(np.abs(rs - rt))))
    gaps = np.linalg.norm(source[:, None] - source[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    nearest = float(gaps.min()) if len(source) > 1 else 1.0
    return 2.0 * change + 0.2 * nearest, nearest
