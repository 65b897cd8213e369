"""Point group of a labelled point set, and the symmetry a source -> target map keeps.

Every symmetry operation M (about the centre) maps a reference atom a to some atom b of the same
*shell* (same species, same distance from the centre) and a second, non-collinear reference atom
a' to some b' with :math:`|b - b'| = |a - a'|`. The frames (a, a', a x a') and (b, b', +-b x b')
fix M. So trying every such pair (b, b') finds *all* operations, with no axis search and no
guessed orders; each candidate is refined by orthogonal Procrustes on its atom matching and kept
when every atom lands within ``tolerance`` of an atom of the same species, one to one.
Linear structures (all atoms on a line through the centre) are C∞v or D∞h; a structure with all
atoms at the centre is O(3).

``tolerance`` is in the structure's length unit and must exceed the noise of the coordinates
(0.05 - 0.1 for coordinates with 0.01 noise; 0.01 for clean ones).

>>> import numpy as np
>>> water = np.array([[0.0, 0.0, 0.117], [0.0, 0.757, -0.469], [0.0, -0.757, -0.469]])
>>> point_group(water, ["O", "H", "H"]).name
'C2v'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.errors import DataError
from symbreak.symmetry._neighbours import nearest
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import close_group, unique_indices


@dataclass
class LabelledPoints:
    """Centred positions (N, 3) with integer species labels (N,)."""

    positions: np.ndarray
    labels: np.ndarray

    def __post_init__(self) -> None:
        self.groups = [np.flatnonzero(self.labels == label) for label in np.unique(self.labels)]

    def nearest(self, matrix: np.ndarray, tol: float) -> np.ndarray | None:
        """For each atom i, the atom of the same label nearest to M x_i within ``tol``, or None."""
        moved = self.positions @ matrix.T
        index = np.empty(len(moved), dtype=int)
        for members in self.groups:
            dist, local = nearest(self.positions[members], moved[members], upper_bound=tol)
            if not np.all(np.isfinite(dist)):
                return None
            index[members] = members[local]
        return index

    def match(self, matrix: np.ndarray, tol: float) -> np.ndarray | None:
        """Permutation p with M x_i = x_p(i) (within ``tol``, same labels), or None."""
        index = self.nearest(matrix, tol)
        if index is None or len(np.unique(index)) != len(index):
            return None
        return index


def _as_labels(species, count: int) -> np.ndarray:
    if species is None:
        return np.zeros(count, dtype=int)
    species = list(species)
    if len(species) != count:
        raise DataError(f"got {len(species)} species for {count} positions")
    names = sorted({str(s) for s in species})
    return np.array([names.index(str(s)) for s in species])


def _as_positions(positions) -> np.ndarray:
    array = np.asarray(positions, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 3 or len(array) == 0:
        raise DataError(f"positions must be an (N, 3) array, not shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise DataError("positions contain NaN or infinite values")
    return array


def _shells(points: LabelledPoints, tol: float) -> np.ndarray:
    """Shell index per atom: same label and radius within a chain of gaps <= tol."""
    radius = np.linalg.norm(points.positions, axis=1)
    shell = np.zeros(len(radius), dtype=int)
    next_id = 0
    for label in np.unique(points.labels):
        members = np.flatnonzero(points.labels == label)
        order = members[np.argsort(radius[members])]
        gaps = np.diff(radius[order]) > tol
        shell[order] = next_id + np.concatenate([[0], np.cumsum(gaps)])
        next_id = shell[order].max() + 1
    return shell


def _frames(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Orthonormal frames (K, 3, 3) with rows along a, the part of b normal to a, and a x b."""
    e1 = a / np.linalg.norm(a, axis=-1, keepdims=True)
    e2 = b - np.sum(b * e1, axis=-1, keepdims=True) * e1
    e2 /= np.linalg.norm(e2, axis=-1, keepdims=True)
    return np.stack([e1, e2, np.cross(e1, e2)], axis=-2)


def _refine(points: LabelledPoints, matrix: np.ndarray, tol: float) -> np.ndarray | None:
    """Procrustes fit of M to its nearest-atom matching (within 3 tol), keeping det M."""
    index = points.nearest(matrix, 3 * tol)
    if index is None:
        return None
    u, _, vt = np.linalg.svd(points.positions[index].T @ points.positions)
    fix = np.diag([1.0, 1.0, np.sign(np.linalg.det(matrix)) * np.sign(np.linalg.det(u @ vt))])
    return u @ fix @ vt


def _reference_pair(points: LabelledPoints, shell: np.ndarray, tol: float) -> tuple[int, int]:
    """Reference atoms a, a' (not at the centre, not collinear) with the fewest candidate pairs."""
    x = points.positions
    radius = np.linalg.norm(x, axis=1)
    away = np.flatnonzero(radius > tol)
    sizes = np.bincount(shell)
    a = min(away, key=lambda i: (sizes[shell[i]], -radius[i]))
    sines = np.linalg.norm(np.cross(x[a], x), axis=1) / (radius[a] * np.maximum(radius, 1e-300))
    candidates = [i for i in away if sines[i] * radius[i] > 2 * tol and sines[i] > 0.1]
    if not candidates:
        candidates = [i for i in away if sines[i] * radius[i] > tol]
    return a, min(candidates, key=lambda i: (sizes[shell[i]], -sines[i] * radius[i]))


def symmetry_operations(points: LabelledPoints, tol: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every (M, permutation) mapping the labelled set onto itself; finite (non-linear) sets."""
    shell = _shells(points, tol)
    a, a2 = _reference_pair(points, shell, tol)
    x = points.positions
    targets = np.flatnonzero(shell == shell[a])
    targets2 = np.flatnonzero(shell == shell[a2])
    span = np.linalg.norm(x[a] - x[a2])
    gap = np.linalg.norm(x[targets][:, None] - x[targets2][None], axis=2)
    bi, bj = np.nonzero(np.abs(gap - span) <= 2 * tol)
    b, b2 = targets[bi], targets2[bj]
    source = _frames(x[a][None], x[a2][None])[0]
    image = _frames(x[b], x[b2])
    found = []
    for sign in (1.0, -1.0):
        flipped = image * np.array([1.0, 1.0, sign])[:, None]
        for m in np.einsum("kji,jl->kil", flipped, source):
            refined = _refine(points, m, tol)
            if refined is None:
                continue
            permutation = points.match(refined, tol)
            if permutation is not None:
                found.append((refined, permutation))
    if not found:
        return []
    return [found[i] for i in unique_indices(np.array([m for m, _ in found]))]


def _linear_axis(x: np.ndarray, tol: float) -> np.ndarray | None:
    """Direction of the line through the centre holding every atom, or None."""
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    u = vt[0]
    off_line = x - np.outer(x @ u, u)
    return u if np.all(np.linalg.norm(off_line, axis=1) <= tol) else None


def point_group(positions, species=None, tolerance: float = DEFAULT_SYMMETRY_TOLERANCE,
                centre=None) -> PointGroup:  # fmt: skip
    """Point group of a labelled point set about its centroid (or ``centre``).

    Parameters
    ----------
    positions : (N, 3) coordinates.
    species : optional N labels (ints or strings); atoms only map onto atoms of the same label.
    tolerance : largest displacement (length unit of ``positions``) an operation may leave;
        choose it above the coordinate noise (e.g. 0.05 for 0.01 noise).
    centre : optional fixed point; default the centroid.

    Returns
    -------
    PointGroup in the frame of ``positions`` (elements act on vectors from the centre).
    """
    x = _as_positions(positions)
    labels = _as_labels(species, len(x))
    x = x - (x.mean(axis=0) if centre is None else np.asarray(centre, dtype=np.float64))
    return _group_of(LabelledPoints(x, labels), tolerance, lambda m, p: True)


def _group_of(points: LabelledPoints, tol: float, accept) -> PointGroup:
    """Group of the operations of ``points`` for which ``accept(M, permutation)`` holds."""
    x = points.positions
    if np.all(np.linalg.norm(x, axis=1) <= tol):
        return PointGroup.spherical(improper=True)
    axis = _linear_axis(x, tol)
    if axis is not None:
        permutation = points.match(-np.eye(3), tol)
        flip = permutation is not None and accept(-np.eye(3), permutation)
        return PointGroup.axial("Dinfh" if flip else "Cinfv", axis)
    operations = [m for m, p in symmetry_operations(points, tol) if accept(m, p)]
    try:
        return PointGroup.finite(close_group(operations, max_order=240))
    except ValueError:
        raise DataError(
            "the symmetry operations found do not form a point group; "
            "the tolerance is probably below the noise of the coordinates"
        ) from None


def transformation_group(source, target, species=None,
                         tolerance: float = DEFAULT_SYMMETRY_TOLERANCE,
                         keep_translation: bool = False) -> PointGroup:  # fmt: skip
    """Elements of O(3) that map the source onto itself by some permutation p *and* the
    target onto itself by the same p (row i of source becomes row i of target).

    This is the symmetry a deformation keeps: cube -> rectangular prism gives D4h. Each
    structure is taken about its own centroid: a uniform shift of the target is no
    distortion (clusters cut from two published cells shift by 0.02-0.07 Å, which turned
    D4 into C4). ``keep_translation=True`` takes both about the source centroid.
    """
    s, t = _as_positions(source), _as_positions(target)
    if s.shape != t.shape:
        raise DataError(f"source {s.shape} and target {t.shape} must have the same shape")
    if not keep_translation:
        t = t - t.mean(axis=0) + s.mean(axis=0)
    labels = _as_labels(species, len(s))
    centre = s.mean(axis=0)
    n = len(s)
    # the union with source/target tags: its operations include every candidate
    both = LabelledPoints(np.concatenate([s - centre, t - centre]),
                          np.concatenate([2 * labels, 2 * labels + 1]))  # fmt: skip

    def same_permutation(_: np.ndarray, permutation: np.ndarray) -> bool:
        return bool(np.array_equal(permutation[n:] - n, permutation[:n]))

    return _group_of(both, tolerance, same_permutation)
