"""The order-parameter direction of a symmetry mode: its coordinates in the irrep's space.

An irrep of the space group induced from a small irrep :math:`\\sigma` (dimension d) of the
little group at :math:`k_0` has :math:`|{}^*k| \\cdot d` dimensions: d partners per arm. With
explicit matrices :math:`D_\\sigma(R)`, the operators
:math:`P_{1a} = \\frac{d}{|\\bar G_k|}\\sum_R D_\\sigma(R)_{1a}^*\\,\\Delta(R)` carry the a-th
partner onto the first (Cornwell, *Group Theory in Physics*, vol. 1, sec. 5.2), so a mode
:math:`u = \\sum_{i,a} \\eta_{ia} e_{ia}` gives :math:`P_{1a} D(g_i)^{-1} u = \\eta_{ia} e_{11}`:
the vectors of all arms and partners are parallel, and their common direction :math:`\\eta`
(largest component 1) is the order-parameter direction, written as ISODISTORT does:
partners separated by commas, arms by semicolons (``(a,a,0)``, ``(a;0;0)``).

The matrices :math:`D_\\sigma` are found, not tabulated: the first of the vector, axial and
quadratic (traceless symmetric) representations, each times a one-dimensional irrep, that
holds :math:`\\sigma` exactly once, restricted to that copy, in a Cartesian frame whose x
axis is the first lattice vector and whose y axis lies in the plane of the first two. The
basis therefore follows the crystal axes (a T1u direction (a,0,0) is along a); it need not
be ISODISTORT's basis, so directions agree with its up to a change of partners and signs.
"""

from __future__ import annotations

import numpy as np

#: An orthonormal basis of traceless symmetric 3x3 matrices: 2z^2-x^2-y^2, x^2-y^2, xy, xz, yz.
_QUADRATIC = np.array([
    np.diag([-1.0, -1.0, 2.0]) / np.sqrt(6), np.diag([1.0, -1.0, 0.0]) / np.sqrt(2),
    (np.eye(3)[[0]].T @ np.eye(3)[[1]] + np.eye(3)[[1]].T @ np.eye(3)[[0]]) / np.sqrt(2),
    (np.eye(3)[[0]].T @ np.eye(3)[[2]] + np.eye(3)[[2]].T @ np.eye(3)[[0]]) / np.sqrt(2),
    (np.eye(3)[[1]].T @ np.eye(3)[[2]] + np.eye(3)[[2]].T @ np.eye(3)[[1]]) / np.sqrt(2),
])  # fmt: skip


def crystal_frame(lattice: np.ndarray) -> np.ndarray:
    """Orthonormal columns: x along a, y in the ab plane, z completing a right-handed set."""
    q, r = np.linalg.qr(np.asarray(lattice, float).T)
    return q * np.sign(np.diag(r))


def _candidates(matrices, table):
    """Representations (one (n, n) matrix per element) to look for an irrep in."""
    dets = [np.sign(np.linalg.det(m)) for m in matrices]
    vector = [np.asarray(m) for m in matrices]
    axial = [d * m for d, m in zip(dets, vector)]
    quadratic = [np.array([[np.trace(a @ m @ b @ m.T) for b in _QUADRATIC] for a in _QUADRATIC])
                 for m in vector]  # fmt: skip
    signs = [irrep.characters for irrep in table.irreps if irrep.dimension == 1]
    for base in (vector, axial, quadratic):
        for sign in signs:
            yield [s * b for s, b in zip(sign, base)]


def realization(irrep, matrices, table) -> list[np.ndarray] | None:
    """Explicit matrices of ``irrep`` (an :class:`~._irrep_tables.Irrep` of ``table``) on the
    elements ``matrices`` (Cartesian, crystal frame); None when no candidate holds it once."""
    if irrep.dimension == 1:
        return [np.array([[c]]) for c in irrep.characters]
    order = len(matrices)
    for candidate in _candidates(matrices, table):
        projector = sum(c * m for c, m in zip(irrep.characters, candidate))
        projector = projector * irrep.dimension / order
        if round(float(np.trace(projector))) != irrep.dimension:
            continue
        # a canonical basis: the standard basis vectors projected, first come first served
        basis: list[np.ndarray] = []
        for column in projector.T:
            for b in basis:
                column = column - (b @ column) * b
            if np.linalg.norm(column) > 1e-6:
                basis.append(column / np.linalg.norm(column))
            if len(basis) == irrep.dimension:
                break
        v = np.array(basis).T
        return [v.T @ m @ v for m in candidate]
    return None


def direction(projector, irrep, table, component: np.ndarray) -> str:
    """The order-parameter direction of ``component`` (one irrep's share of the field) in the
    irrep induced from ``irrep`` at ``projector``'s star, or '' when it cannot be written."""
    action = projector.action
    frame = crystal_frame(action.lattice)
    matrices = [frame.T @ action.cartesian(r) @ frame for r, _ in projector.little]
    matrices_d = realization(irrep, matrices, table)
    if matrices_d is None:
        return ""
    start = np.asarray(component, dtype=np.complex128)
    rows = []
    for rotation, shift in projector.cosets:
        inverse = np.round(np.linalg.inv(rotation.astype(float))).astype(np.int64)
        pulled = projector.fourier(projector.k0, action.apply(inverse, -inverse @ shift, start))
        moved = [np.exp(2j * np.pi * (projector.k0 @ w)) * action.apply(r, w, pulled)
                 for r, w in projector.little]  # fmt: skip
        for a in range(irrep.dimension):
            total = sum(np.conj(d[0, a]) * m for d, m in zip(matrices_d, moved))
            rows.append((total * irrep.dimension / len(projector.little)).ravel())
    w = np.array(rows)
    u, s, _ = np.linalg.svd(w, full_matrices=False)
    if s[0] < 1e-12 or (len(s) > 1 and s[1] > 1e-3 * s[0]):
        return "mixed" if s[0] >= 1e-12 else ""
    eta = u[:, 0] * s[0]
    eta = eta / eta[np.argmax(np.abs(eta))]
    return _format(np.real(eta), len(projector.cosets), irrep.dimension)


def _format(eta: np.ndarray, arms: int, dimension: int) -> str:
    """``(a,a,0)`` or ``(a;0;0)``: partners by commas, arms by semicolons."""

    def one(value: float) -> str:
        if abs(value) < 1e-3:
            return "0"
        if abs(value - 1) < 1e-3:
            return "a"
        if abs(value + 1) < 1e-3:
            return "-a"
        return f"{value:.3g}a"

    groups = [",".join(one(v) for v in eta[i * dimension:(i + 1) * dimension])
              for i in range(arms)]  # fmt: skip
    return "(" + ";".join(groups) + ")"


__all__ = ["crystal_frame", "direction", "realization"]
