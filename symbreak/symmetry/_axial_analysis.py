"""Exact tests of every element of O(3) that keeps a given line, for a set of irrep vectors.

In a frame whose y axis (e3nn's m = 0 axis) is the line u, the rotation :math:`R_\\theta` about
u turns the component pair :math:`z_m = (v_m, v_{-m})` of every irrep by :math:`m\\theta`, so

.. math::

    \\|D(R_\\theta)v - v\\|^2 = \\sum_{i,m>0} |z_{i,m}|^2\\, 2(1 - \\cos m\\theta)

and, for the improper :math:`-R_\\theta` (:math:`D(-R) = p\\,D_l(R)`), the same with
:math:`\\cos m\\theta \\to p_i\\cos m\\theta` plus :math:`(1 - p_i)^2 |v_{i,0}|^2`. A finite
stabiliser has some :math:`z_m \\neq 0` with :math:`m \\le l_{max}`, so its turns about u have
orders n <= l_max and its rotoreflections orders <= 2 l_max: testing every angle
:math:`2\\pi k/n`, n <= 2 l_max, is exhaustive (:func:`axis_generators`).

The elements that reverse u are the half-turns :math:`g(\\alpha) = R_\\alpha g_0 R_\\alpha^{-1}`
about the axes perpendicular to u, with :math:`g_0` the half-turn about x, and the mirrors
containing u (:math:`g_0` the mirror with normal x). :math:`D(g_0)` reverses every pair, so on
each pair it is a reflection :math:`B` across the line at angle :math:`\\gamma/2`, and
:math:`D(g(\\alpha))v = v` needs, on each pair with :math:`z_m = |z_m| e^{i\\psi}`,

.. math::

    \\psi - m\\alpha \\equiv \\gamma / 2 \\pmod \\pi, \\quad
    \\text{i.e. } \\alpha \\in \\{(\\psi - \\gamma/2 + k\\pi)/m : k = 0..m-1\\} \\pmod \\pi.

The largest pair gives these m candidates per :math:`g_0`; each is refined by Newton on the
residual of all pairs (noisy data) and tested on the full vector
(:func:`perpendicular_generators`). Both tests are exact: no search, no grid.
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry._rotations import frames_to_y, mirror_matrix, rotation_matrix
from symbreak.symmetry._wigner import wigner_D

IrrepVectors = list[tuple[str, int, int, np.ndarray]]

_Y = np.array([0.0, 1.0, 0.0])
#: the two elements that reverse y about which the perpendicular search turns
_REVERSERS = (rotation_matrix([1.0, 0.0, 0.0], np.pi), mirror_matrix([1.0, 0.0, 0.0]))


def fixing_error(parts: IrrepVectors, matrices) -> np.ndarray:
    """:math:`\\|D(M)v - v\\|` of the stacked vector for each matrix in ``matrices`` (n, 3, 3)."""
    m = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
    squared = np.zeros(len(m))
    for name, _, _, v in parts:
        squared += np.sum((wigner_D(name, m) @ v - v) ** 2, axis=1)
    return np.sqrt(squared)


def _in_frames(parts: IrrepVectors, frames: np.ndarray) -> list[tuple[str, int, int, np.ndarray]]:
    """Each part seen from each frame: (name, l, p, (A, 2l+1) components)."""
    return [(name, l, p, wigner_D(name, frames) @ v) for name, l, p, v in parts]


def axis_generators(parts: IrrepVectors, axes: np.ndarray, tol: float) -> list[np.ndarray]:
    """Smallest passing turn and smallest passing :math:`-R_\\theta` about each axis.

    ``parts`` must include the l = 0 ones: a pseudoscalar rules out every improper element.
    """
    if len(axes) == 0:
        return []
    l_max = max(l for _, l, _, _ in parts)
    turns = sorted({2 * np.pi * k / n for n in range(2, 2 * max(l_max, 1) + 1)
                    for k in range(1, n)})  # fmt: skip
    thetas = np.array(turns)
    proper = np.zeros((len(axes), len(thetas)))
    twisted = np.zeros((len(axes), len(thetas)))
    for _, l, p, w in _in_frames(parts, frames_to_y(axes)):
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


def _pair_table(framed: list, base: np.ndarray) -> tuple[tuple[np.ndarray, ...], float]:
    """Every pair (m > 0) of every part in one frame: weight |z|^2, order m, psi and gamma;
    and the squared error :math:`\\sum (D(g_0)_{00} - 1)^2 v_0^2` of the m = 0 components,
    which no turn about y changes."""
    weight, order, psi, gamma = [], [], [], []
    fixed = 0.0
    for name, l, _, w in framed:
        d = wigner_D(name, base)
        fixed += (d[l, l] - 1.0) ** 2 * w[l] ** 2
        for m in range(1, l + 1):
            weight.append(w[l + m] ** 2 + w[l - m] ** 2)
            order.append(m)
            psi.append(np.arctan2(w[l - m], w[l + m]))
            gamma.append(np.arctan2(d[l + m, l - m], d[l + m, l + m]))
    table = tuple(np.array(column, dtype=float) for column in (weight, order, psi, gamma))
    return table, float(fixed)


def _pair_errors(alphas: np.ndarray, table: tuple[np.ndarray, ...]):
    """The squared error of the pairs :math:`E(\\alpha) = \\sum 2|z|^2 (1 - \\cos\\phi)`,
    :math:`\\phi = 2\\psi - \\gamma - 2m\\alpha`, and its first two derivatives."""
    weight, order, psi, gamma = table
    phase = 2.0 * psi[None, :] - gamma[None, :] - 2.0 * order[None, :] * alphas[:, None]
    value = 2.0 * np.sum(weight * (1.0 - np.cos(phase)), axis=1)
    slope = -4.0 * np.sum(weight * order * np.sin(phase), axis=1)
    curvature = 8.0 * np.sum(weight * order**2 * np.cos(phase), axis=1)
    return value, slope, curvature


def _refine_angles(alphas: np.ndarray, table: tuple[np.ndarray, ...], steps: int = 3):
    """A few Newton steps on the pair error :math:`E(\\alpha)` (noisy data)."""
    for _ in range(steps):
        _, slope, curvature = _pair_errors(alphas, table)
        safe = curvature > 0.0  # far from a zero of E a Newton step could jump away from it
        alphas = np.where(safe, alphas - slope / np.where(safe, curvature, 1.0), alphas)
    return alphas


def perpendicular_generators(parts: IrrepVectors, axes: np.ndarray, tol: float):
    """Every passing half-turn about, and mirror containing, each axis u of ``axes``, among
    the candidates perpendicular to u (module doc).

    The pair errors and the m = 0 term add up to the exact error, which screens the
    candidates; the few that pass are checked again on the full vectors.
    """
    if len(axes) == 0 or not any(l > 0 for _, l, _, _ in parts):
        return []
    frames = frames_to_y(axes)
    framed_all = _in_frames(parts, frames)
    candidates = []
    for a, frame in enumerate(frames):
        framed = [(name, l, p, w[a]) for name, l, p, w in framed_all]
        for base in _REVERSERS:
            table, fixed = _pair_table(framed, base)
            weight, order, psi, gamma = table
            best = int(np.argmax(weight))
            if weight[best] == 0.0:
                continue
            m = order[best]
            alphas = _refine_angles((psi[best] - gamma[best] / 2.0 + np.pi * np.arange(m)) / m,
                                    table)  # fmt: skip
            errors = np.sqrt(np.maximum(_pair_errors(alphas, table)[0] + fixed, 0.0))
            for alpha in alphas[errors <= tol]:
                turn = rotation_matrix(_Y, alpha)
                candidates.append(frame.T @ turn @ base @ turn.T @ frame)
    if not candidates:
        return []
    candidates = np.array(candidates)
    return list(candidates[fixing_error(parts, candidates) <= tol])
