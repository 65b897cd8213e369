"""Rigid motion between the two structures of a pair: measured, and the translation removed.

A uniform shift of the whole target is not a distortion: two published cells with different
origins, or a cluster whose centre of mass drifted, give target = source + d + t with the
same t for every atom. Yet t is a ``1o`` vector, and a fit (or the transformation group)
that sees it reports polar breaking along t. Measured on clusters cut from published cells,
t is 0.02 - 0.07 Å, and it turned the D4 of a K-centred KCuF3 cluster into C4 and the C4v of
BaTiO3 P4mm into Cs. symbreak therefore moves each target so that its centroid coincides
with its source's (the least-squares translation), and says how far it moved.

A rigid rotation is only *measured* (the rotation of the polar decomposition of the best
affine map, so that a pure strain turns nothing), not removed: removing it changes what the
map keeps. A cube whose top face alone twists keeps C4; with the best rigid rotation taken
out, the top turns by +φ/2 and the bottom by -φ/2, a map that keeps D4. Which frame the user
meant is theirs to say, so ``remove_rigid_rotation`` is available and off by default.

>>> import numpy as np
>>> square = np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]])
>>> rigid_translation(square, square + [0.0, 0.0, 0.05])
array([0.  , 0.  , 0.05])
>>> round(rigid_rotation_angle(square, square @ np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])), 6)
90.0
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from symbreak.data._alignment import affine_rotation, rotation_angle
from symbreak.data.pairs import PairDataset


def rigid_translation(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The translation that best maps ``source`` onto ``target``: the centroid difference."""
    return np.asarray(target, dtype=np.float64).mean(axis=0) - np.mean(source, axis=0)


def best_rotation(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The rigid rotation in the map from ``source`` to ``target``: the rotation of the polar
    decomposition of the best affine map (:func:`symbreak.data._alignment.affine_rotation`),
    so that a pure strain turns nothing."""
    return affine_rotation(source, target)


def rigid_rotation_angle(source: np.ndarray, target: np.ndarray) -> float:
    """Angle in degrees of :func:`best_rotation`."""
    return rotation_angle(best_rotation(source, target))


@dataclass(frozen=True)
class RigidMotion:
    """What rigid motion one pair's target made as a whole, and what was removed.

    Attributes
    ----------
    name : the pair's name.
    translation : (3,) centroid shift of the target, in the input's length unit.
    rotation_degrees : angle of the best rigid rotation about the centroids.
    translation_removed, rotation_removed : whether the target was moved back.
    """

    name: str
    translation: np.ndarray
    rotation_degrees: float
    translation_removed: bool
    rotation_removed: bool

    def to_dict(self) -> dict:
        return {
            "pair": self.name,
            "translation": [float(x) for x in self.translation],
            "translation_norm": float(np.linalg.norm(self.translation)),
            "rotation_degrees": self.rotation_degrees,
            "translation_removed": self.translation_removed,
            "rotation_removed": self.rotation_removed,
        }

    def sentence(self) -> str:
        """One sentence for the user, in the input's length unit."""
        shift = float(np.linalg.norm(self.translation))
        moved = "removed" if self.translation_removed else "kept (--keep-translation)"
        text = f"the target of '{self.name}' moved by {shift:.3g} as a whole; {moved}"
        if self.rotation_degrees > 1e-6:
            turned = "removed" if self.rotation_removed else "kept"
            text += f"; its best rigid rotation is {self.rotation_degrees:.3g}°, {turned}"
        return text + "."


def remove_rigid_motion(
    dataset: PairDataset, translation: bool = True, rotation: bool = False
) -> tuple[PairDataset, list[RigidMotion]]:
    """The dataset with each target's rigid translation (and optionally rotation) taken out.

    Parameters
    ----------
    dataset : the pairs as read.
    translation : move each target so its centroid is its source's.
    rotation : also rotate each target back by its best rigid rotation (Kabsch).

    Returns
    -------
    The corrected dataset and one :class:`RigidMotion` per pair, measured before correction.
    """
    pairs, motions = [], []
    for pair in dataset.pairs:
        shift = rigid_translation(pair.source, pair.target)
        angle = rigid_rotation_angle(pair.source, pair.target)
        target = pair.target
        if rotation:
            centre = target.mean(axis=0)
            target = (target - centre) @ best_rotation(pair.source, target) + centre
        if translation:
            target = target - shift
        pairs.append(replace(pair, target=target))
        motions.append(RigidMotion(pair.name, shift, angle, translation, rotation))
    return replace(dataset, pairs=tuple(pairs)), motions
