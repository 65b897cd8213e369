"""The subgroup of O(3) that fixes a set of irrep vectors.

For vectors :math:`v_i` in irreps :math:`(l_i, p_i)` (e3nn basis), the stabiliser is
:math:`\\{M \\in O(3) : \\|D(M)v - v\\| \\le \\epsilon \\|v\\|\\}`, v the stacked vector and
:math:`\\epsilon` = ``tolerance`` (relative, default 1e-6; relaxed weights of a fitted model need
a looser one, e.g. 1e-2).

1. *Continuous part, exactly.* A rotation axis u of continuous symmetry is a null vector of
   :math:`[L_x v, L_y v, L_z v]` (Lie-algebra generators, :func:`so3_generators`); null space of
   dimension 3 means SO(3) or O(3), dimension 1 an axial group whose components are decided by
   testing one mirror, one half-turn and -I.
2. *Finite part.* Candidate axes are the critical points of
   :math:`\\sum_i a_i (f_i^2 + |\\nabla f_i|^2 / l_i^2)`
   (:mod:`._critical_points`). In a frame whose y axis (e3nn's m = 0 axis) is a candidate axis,
   rotation by :math:`\\theta` turns the pair :math:`(v_m, v_{-m})` by :math:`m\\theta`, so
   :math:`\\|D(R_\\theta)v - v\\|^2 = \\sum_{i,m>0} |v_{i,\\pm m}|^2\\, 2(1 - \\cos m\\theta)`
   and, for the improper :math:`-R_\\theta`, the same with
   :math:`\\cos m\\theta \\to p_i\\cos m\\theta` plus
   :math:`(1 - p_i)^2|v_{i,0}|^2`. Exact errors for every angle :math:`2\\pi k/n`, n <= 2 l_max,
   at the cost of one Wigner matrix per axis; the passing elements generate the group.

>>> import numpy as np
>>> stabilizer({"1o": np.array([0.0, 0.0, 1.0])}).name
'Cinfv'
>>> stabilizer({"1o": [1.0, 0.0, 0.0], "1e": [0.0, 1.0, 0.0]}).symmetry_elements()
[{'kind': 'mirror', 'normal': [0.0, 1.0, 0.0]}]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from symbreak.conventions import parse_irrep
from symbreak.data.errors import DataError
from symbreak.symmetry._critical_points import SquaredSignal, critical_points
from symbreak.symmetry._point_group import AXIAL_CLASSES, PointGroup, axial_representatives
from symbreak.symmetry._rotations import frames_to_y, rotation_matrix
from symbreak.symmetry._wigner import so3_generators, wigner_D

DEFAULT_STABILIZER_TOLERANCE = 1e-6

#: e3nn's spherical harmonics, from which the Wigner matrices are built, stop at l = 12.
MAX_L = 12

IrrepVectors = list[tuple[str, int, int, np.ndarray]]


def parse_irrep_vectors(vectors: Mapping[str, object]) -> IrrepVectors:
    """``{"2e": v or [v1, v2], ...}`` -> list of (name, l, parity, vector), one per vector."""
    parts = []
    for name, value in vectors.items():
        try:
            l, parity = parse_irrep(name)
        except ValueError as error:
            raise DataError(str(error)) from None
        if l > MAX_L:
            raise DataError(f"irrep {name} is above l = {MAX_L}, the highest e3nn provides")
        array = np.asarray(value, dtype=np.float64)
        if array.shape[-1:] != (2 * l + 1,) or array.ndim > 2:
            raise DataError(f"a vector in irrep {name} needs {2 * l + 1} components, "
                            f"not an array of shape {array.shape}")  # fmt: skip
        if not np.all(np.isfinite(array)):
            raise DataError(f"the {name} vector contains NaN or infinite values")
        parts += [(name, l, parity, row) for row in array.reshape(-1, 2 * l + 1)]
    return parts


def fixing_error(parts: IrrepVectors, matrices) -> np.ndarray:
    """:math:`\\|D(M)v - v\\|` of the stacked vector for each matrix in ``matrices`` (n, 3, 3)."""
    m = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
    squared = np.zeros(len(m))
    for name, _, _, v in parts:
        squared += np.sum((wigner_D(name, m) @ v - v) ** 2, axis=1)
    return np.sqrt(squared)


def _continuous_group(parts: IrrepVectors, tol: float) -> PointGroup | None:
    """SO(3)/O(3)/an axial group when the Lie algebra has a null direction, else None."""
    columns = np.concatenate([np.stack([g @ v for g in so3_generators(l)], axis=1)
                              for _, l, _, v in parts])  # fmt: skip
    _, singular, vt = np.linalg.svd(columns, full_matrices=False)
    free = 3 - int(np.sum(singular > tol))
    if free >= 2:
        odd = sum(float(v @ v) for _, _, p, v in parts if p == -1)
        return PointGroup.spherical(improper=np.sqrt(odd) <= tol / 2)
    if free == 0:
        return None
    axis = vt[-1]
    reps = axial_representatives(axis, AXIAL_CLASSES["Dinfh"])
    kept = reps[fixing_error(parts, reps) <= tol]
    return PointGroup(kept, "axial", tuple(PointGroup.axial("Cinf", axis).axis))


def _axis_generators(parts: IrrepVectors, axes: np.ndarray, tol: float) -> list[np.ndarray]:
    """Smallest proper turn and smallest rotoreflection fixing v about each candidate axis."""
    l_max = max(l for _, l, _, _ in parts)
    turns = sorted({2 * np.pi * k / n for n in range(2, 2 * l_max + 1) for k in range(1, n)})
    thetas = np.array(turns)
    frames = frames_to_y(axes)
    proper = np.zeros((len(axes), len(thetas)))
    twisted = np.zeros((len(axes), len(thetas)))
    for name, l, p, v in parts:
        w = wigner_D(name, frames) @ v  # (A, 2l+1), components m = -l..l
        twisted += (1 - p) ** 2 * w[:, l : l + 1] ** 2
        for m in range(1, l + 1):
            pair = w[:, l + m] ** 2 + w[:, l - m] ** 2
            cos = np.cos(m * thetas)
            proper += pair[:, None] * 2.0 * (1.0 - cos)
            twisted += pair[:, None] * (2.0 - 2.0 * p * cos)
    generators = []
    for a, axis in enumerate(axes):
        for errors, sign in ((proper[a], 1.0), (twisted[a], -1.0)):
            passing = np.flatnonzero(np.sqrt(np.maximum(errors, 0.0)) <= tol)
            if len(passing):
                generators.append(sign * rotation_matrix(axis, thetas[passing[0]]))
    return generators


def stabilizer(vectors: Mapping[str, object],
               tolerance: float = DEFAULT_STABILIZER_TOLERANCE) -> PointGroup:  # fmt: skip
    """Subgroup of O(3) fixing every vector of ``vectors`` (irrep name -> vector or vectors).

    Parameters
    ----------
    vectors : mapping such as ``{"2e": v2, "4e": v4, "1o": [w1, w2]}`` in e3nn's real basis.
    tolerance : relative; M is kept when :math:`\\|D(M)v - v\\| \\le` tolerance :math:`\\|v\\|`.

    Returns
    -------
    PointGroup, finite or continuous. All-zero input gives O(3).
    """
    parts = parse_irrep_vectors(vectors)
    scale = float(np.sqrt(sum(float(v @ v) for *_, v in parts)))
    if scale == 0.0:
        return PointGroup.spherical(improper=True)
    tol = tolerance * scale
    continuous = _continuous_group(parts, tol)
    if continuous is not None:
        return continuous
    # vectors far below the tolerance cannot change the answer; skipping them saves time
    active = [part for part in parts if part[1] > 0 and np.linalg.norm(part[3]) > 1e-3 * tol]
    generators = []
    if active:
        moving = [(l, v) for _, l, _, v in active]
        weights = np.random.default_rng(0).uniform(0.5, 1.5, len(moving)) / scale**2
        axes = critical_points(SquaredSignal(moving, weights))
        generators = _axis_generators(active, axes, tol)
    if fixing_error(parts, -np.eye(3))[0] <= tol:
        generators.append(-np.eye(3))
    return PointGroup.generated(generators) if generators else PointGroup.finite(np.eye(3))
