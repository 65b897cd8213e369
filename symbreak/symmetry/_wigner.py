"""Wigner D matrices and Lie-algebra generators of O(3) irreps in e3nn's real basis, in numpy.

e3nn's spherical harmonics :math:`Y_l` (not normalised to the sphere) are homogeneous polynomials
of degree l, equivariant: :math:`Y_l(Rx) = D_l(R) Y_l(x)`. Their monomial coefficients were read
off e3nn (least squares, exact to rounding) into :mod:`._harmonic_table` for l <= :data:`MAX_L`,
so nothing here needs torch or e3nn. Then for fixed generic points :math:`X`
:math:`D_l(R) = Y_l(RX)\\, Y_l(X)^+`, batched over many R in plain numpy. Parity follows e3nn:
:math:`D_{l,p}(M) = p\\, D_l(-M)` for improper M, i.e. :math:`(p(-1)^l)\\, Y_l(MX) Y_l(X)^+`.

>>> import numpy as np
>>> R = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
>>> bool(np.allclose(wigner_D("1o", R), R)), bool(np.allclose(wigner_D("1e", -R), R))
(True, True)
"""

from __future__ import annotations

from functools import cache

import numpy as np

from symbreak.conventions import MAX_L, parse_irrep


@cache
def monomial_exponents(l: int) -> np.ndarray:
    """Exponents (k, 3) of the degree-l monomials :math:`x^a y^b z^c`, a + b + c = l."""
    return np.array([(a, b, l - a - b) for a in range(l, -1, -1) for b in range(l - a, -1, -1)])


def coordinate_powers(points: np.ndarray, degree: int) -> np.ndarray:
    """:math:`x_j^k` (..., 3, degree + 1) for k = 0..degree, by repeated multiplication.

    ``points[..., None] ** np.arange(...)`` calls the general float power and is 20 times
    slower (7 ms against 0.4 ms for the 120 x 30 probe points of an Ih test at l = 6).
    """
    powers = np.empty(points.shape + (degree + 1,))
    powers[..., 0] = 1.0
    for k in range(1, degree + 1):
        powers[..., k] = powers[..., k - 1] * points
    return powers


def monomials(points: np.ndarray, l: int) -> np.ndarray:
    """Values (..., k) of the degree-l monomials at ``points`` (..., 3)."""
    e = monomial_exponents(l)
    powers = coordinate_powers(points, l)  # (..., 3, l+1)
    return powers[..., 0, e[:, 0]] * powers[..., 1, e[:, 1]] * powers[..., 2, e[:, 2]]


@cache
def harmonic_coefficients(l: int) -> np.ndarray:
    """(2l+1, k) matrix C with e3nn's :math:`Y_l(x) = C\\, m_l(x)` (``normalize=False``), read-only.

    Read from :mod:`._harmonic_table` (``scripts/make_harmonic_table.py``). Above
    :data:`MAX_L` there is no fallback: e3nn itself stops there, so a ValueError says so.
    """
    if not 0 <= l <= MAX_L:
        raise ValueError(f"spherical harmonics are tabulated for l = 0..{MAX_L} "
                         f"(e3nn's limit), not l = {l}")  # fmt: skip
    # Imported here, not at the top: without bytecode caching, parsing the 46 kB table costs
    # 20 ms, which `import symbreak.symmetry` would pay even when no Wigner matrix is needed.
    from symbreak.symmetry._harmonic_table import COEFFICIENTS

    coefficients = np.zeros((2 * l + 1, len(monomial_exponents(l))))
    for row, entries in enumerate(COEFFICIENTS[l]):
        columns, values = zip(*entries, strict=True)
        coefficients[row, list(columns)] = values
    coefficients.flags.writeable = False  # cached and shared by every caller
    return coefficients


def spherical_harmonics(l: int, points) -> np.ndarray:
    """e3nn's real spherical harmonics of degree l, (..., 2l+1), unnormalised (homogeneous)."""
    return monomials(np.asarray(points, dtype=np.float64), l) @ harmonic_coefficients(l).T


@cache
def _probe(l: int) -> tuple[np.ndarray, np.ndarray]:
    """Generic unit points X (P, 3) and the right inverse of :math:`Y_l(X)` (P, 2l+1)."""
    points = np.random.default_rng(1000 + l).normal(size=(2 * (2 * l + 1) + 4, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points, np.linalg.pinv(spherical_harmonics(l, points).T)


def wigner_D(irrep: str, matrices) -> np.ndarray:
    """:math:`D(M)` of the O(3) irrep ``irrep`` for orthogonal ``matrices`` (..., 3, 3)."""
    l, parity = parse_irrep(irrep)
    m = np.asarray(matrices, dtype=np.float64)
    points, right_inverse = _probe(l)
    moved = np.einsum("...ij,pj->...pi", m, points)
    d = np.einsum("...pa,pb->...ab", spherical_harmonics(l, moved), right_inverse)
    if parity * (-1) ** l == -1:
        d = d * np.sign(np.linalg.det(m))[..., None, None]
    return d


def exponent_derivatives(points: np.ndarray, exponents: np.ndarray):
    """Values (K, k), gradients (3, K, k) and Hessians (9, K, k; index 3i + j) of the
    monomials :math:`x^e` (rows e of ``exponents``) at ``points`` (K, 3).

    :math:`\\partial_j x^e = e_j x^{e - \\delta_j}`, applied twice.
    """
    e = exponents
    powers = coordinate_powers(points, int(e.max()))  # (K, 3, p)

    def term(shift: np.ndarray) -> np.ndarray:
        coefficient = np.ones(len(e))
        for j in range(3):  # falling factorial e_j (e_j - 1) ... of the differentiated power
            for s in range(int(shift[j])):
                coefficient = coefficient * np.maximum(e[:, j] - s, 0)
        f = np.maximum(e - shift, 0)
        x, y, z = powers[:, 0, f[:, 0]], powers[:, 1, f[:, 1]], powers[:, 2, f[:, 2]]
        return coefficient * x * y * z

    unit = np.eye(3, dtype=int)
    values = term(np.zeros(3, dtype=int))
    gradients = np.array([term(unit[j]) for j in range(3)])
    second = {(i, j): term(unit[i] + unit[j]) for i in range(3) for j in range(i, 3)}
    hessians = np.array([second[min(i, j), max(i, j)] for i in range(3) for j in range(3)])
    return values, gradients, hessians


@cache
def so3_generators(l: int) -> np.ndarray:
    """:math:`L_x, L_y, L_z` (3, 2l+1, 2l+1) with :math:`D_l(e^{tK_a}) = e^{tL_a}`.

    :math:`K_a` generates rotations about axis a (:math:`K_z = e_y e_x^T - e_x e_y^T`).
    Differentiating :math:`D_l(R) = Y_l(RX) Y_l(X)^+` at R = I gives
    :math:`L_a = [\\nabla Y_l(X) \\cdot K_a X]\\, Y_l(X)^+`, exact in float64.
    """
    points, right_inverse = _probe(l)
    _, gradients, _ = exponent_derivatives(points, monomial_exponents(l))
    coefficients = harmonic_coefficients(l)
    out = []
    for a in range(3):
        k = np.zeros((3, 3))
        b, c = (a + 1) % 3, (a + 2) % 3
        k[c, b], k[b, c] = 1.0, -1.0
        velocity = points @ k.T  # (P, 3)
        dy = np.einsum("ck,jpk,pj->cp", coefficients, gradients, velocity)
        out.append(dy @ right_inverse)
    return np.array(out)
