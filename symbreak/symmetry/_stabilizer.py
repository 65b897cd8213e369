"""The subgroup of O(3) that fixes a set of irrep vectors.

For vectors :math:`v_i` in irreps :math:`(l_i, p_i)` (e3nn basis), the stabiliser is
:math:`\\{M \\in O(3) : \\|D(M)v - v\\| \\le \\epsilon \\|v\\|\\}`, v the stacked vector and
:math:`\\epsilon` = ``tolerance`` (relative, default 1e-6; relaxed weights of a fitted model need
a looser one, e.g. 1e-2).

1. *Continuous part, exactly.* A rotation axis u of continuous symmetry is a null vector of
   :math:`[L_x v, L_y v, L_z v]` (Lie-algebra generators, :func:`so3_generators`); null space of
   dimension 3 means SO(3) or O(3), dimension 1 an axial group whose components are decided by
   testing one mirror, one half-turn and -I.
2. *Finite part.* Candidate axes come from the invariant moment tensors of
   :math:`F = \\sum_i a_i f_i^2`, :math:`f_i = Y_{l_i}\\cdot v_i` (:mod:`._candidate_axes`):
   when the 3x3 moment M has a well separated eigenvalue, every element keeps its eigenvector
   u, and the turns and rotoreflections about u and the half-turns and mirrors perpendicular to
   it are tested exactly (:mod:`._axial_analysis`); this set provably holds the whole group.
   Otherwise (T ... Ih, or M isotropic by accident) the candidates are the cube axes read off
   the fourth moment (exact for the groups containing T) and the critical points of
   :math:`\\sum_i a_i (f_i^2 + |\\nabla f_i|^2 / l_i^2)` (:mod:`._critical_points`). Every
   candidate element is tested against every vector, the 0o ones included (a pseudoscalar
   rules out every improper element), and the passing ones generate the group.

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
from symbreak.errors import DataError
from symbreak.symmetry._axial import AXIAL_CLASSES, axial_representatives
from symbreak.symmetry._axial_analysis import (
    IrrepVectors,
    axis_generators,
    fixing_error,
    perpendicular_generators,
)
from symbreak.symmetry._candidate_axes import InvariantMoments
from symbreak.symmetry._critical_points import (
    SquaredSignal,
    critical_points,
    distinct_lines,
    refine_points,
)
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import close_group
from symbreak.symmetry._wigner import MAX_L, so3_generators

DEFAULT_STABILIZER_TOLERANCE = 1e-6


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
    # A tolerance loose enough to pass near-identity turns of nearly axial vectors yields
    # sets that are no point group (seen on fuzzed trajectories: 131 turns up to order 120).
    # Tighten it until the answer is a group; a smaller group is the honest fallback.
    for attempt in range(4):
        try:
            group = _stabilizer(parts, scale, tolerance / 10**attempt)
            group.name  # noqa: B018 - naming checks it is a point group
            return group
        except ValueError:
            continue
    return PointGroup.finite(np.eye(3))


def _stabilizer(parts: IrrepVectors, scale: float, tolerance: float) -> PointGroup:
    tol = tolerance * scale
    continuous = _continuous_group(parts, tol)
    if continuous is not None:
        return continuous
    # vectors far below the tolerance cannot change the answer; skipping them saves time.
    # Pseudoscalars stay: a 0o alone rules out every improper element.
    active = [part for part in parts if np.linalg.norm(part[3]) > 1e-3 * tol]
    generators = _finite_generators(active, scale, tolerance)
    if fixing_error(parts, -np.eye(3))[0] <= tol:
        generators.append(-np.eye(3))
    if not generators:
        return PointGroup.finite(np.eye(3))
    return PointGroup.finite(_verified(parts, _closure(parts, generators), tol))


#: Frobenius distance below which two passing elements are one element seen twice. Distinct
#: elements g, h of a finite stabiliser differ by g^T h, a turn of order <= l_max <= 12 (>= 0.73
#: from I) or an improper element (>= 2 from I); a loose tolerance (1e-2, measured) lets
#: through copies of one mirror 0.04 apart, whose products would fill a circle of small turns.
SAME_ELEMENT = 0.25


def _closure(parts: IrrepVectors, generators: list) -> np.ndarray:
    """The group generated by the passing elements, best first, skipping any element within
    ``SAME_ELEMENT`` of the group built so far."""
    stack = np.array(generators)
    elements = np.eye(3)[None]
    kept: list[np.ndarray] = []
    for g in stack[np.argsort(fixing_error(parts, stack), kind="stable")]:
        if np.linalg.norm(elements - g, axis=(1, 2)).min() > SAME_ELEMENT:
            kept.append(g)
            elements = close_group(kept)
    return elements


def _finite_generators(active: IrrepVectors, scale: float, tolerance: float) -> list:
    """Every element about the candidate axes of :mod:`._candidate_axes` that fixes ``active``.

    Where M has a well separated eigenvalue the candidates provably contain every element;
    otherwise (polyhedral groups, accidental isotropy) the cube axes of K and the critical points
    of F are tried, and the closure of what passes is the answer.
    """
    moving = [(l, v) for _, l, _, v in active if l > 0]
    if not moving:
        return []
    tol = tolerance * scale
    spread = np.random.default_rng(0).uniform(0.5, 1.5, len(moving))
    norms = np.array([np.linalg.norm(v) for _, v in moving])
    # 1 / (|v_i| scale): small parts still shape M, but a part at the noise level cannot
    # make M look anisotropic beyond the gap below
    moments = InvariantMoments(moving, spread / (norms * scale))
    # M inherits the relative noise of v (twice, it is quadratic); a gap 100x the tolerance
    # is noise-proof, and 1e-6 is far above rounding
    gap = max(1e-6, 100.0 * tolerance)
    signal = SquaredSignal(moving, spread / scale**2)
    separated = moments.separated_axes(gap)
    if len(separated):
        # the refined copy of an exact axis is the same axis: one test is enough
        axes = distinct_lines(np.concatenate([refine_points(signal, separated), separated]),
                              tol=1e-14)  # fmt: skip
        return axis_generators(active, axes, tol) + perpendicular_generators(active, axes, tol)
    framed = np.concatenate([moments.eigen_axes(), moments.cube_axes(gap)])
    # no merging across the three sources: a critical point can stop 1e-3 rad short of a
    # flat axis, which the cube frame gives exactly, while on noisy data the refined points
    # are the closer ones
    axes = np.concatenate([critical_points(signal), refine_points(signal, framed), framed])
    return axis_generators(active, axes, tol)


def _verified(parts: IrrepVectors, elements: np.ndarray, tol: float) -> np.ndarray:
    """The closure, checked against every part (l = 0 included).

    Each generator passed the tolerance, but products of near-misses can drift past it on
    noisy data; then the elements that pass are kept if they still form a group.
    """
    errors = fixing_error(parts, elements)
    if np.all(errors <= tol):
        return elements
    kept = elements[errors <= tol]
    return kept if len(close_group(kept)) == len(kept) else elements
