"""Real Wigner 3j symbols in e3nn's basis, computed in numpy from a closed form.

The complex Clebsch-Gordan coefficients come from Racah's formula (Edmonds, *Angular
Momentum in Quantum Mechanics*, eq. 3.6.11), exact in rationals. The real coefficients are
the complex ones seen through e3nn's change of basis :math:`Q_l` from real to complex
harmonics (its ``change_basis_real_to_complex``, with the factor :math:`(-i)^l` that makes
them real),

.. math:: C_{jlm} = \\sum_{ikn} (Q_{l_1})_{ij} (Q_{l_2})_{kl} \\overline{(Q_{l_3})_{mn}}\\,
          \\langle l_1 i\\, l_2 k | l_3 n \\rangle, \\qquad \\textstyle\\sum C^2 = 1,

so they equal e3nn's ``o3.wigner_3j`` to rounding, signs included: networks saved with the
e3nn tables load and predict the same. The tests compare both to 1e-12 in float64.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from math import factorial, sqrt

import numpy as np


def real_to_complex(l: int) -> np.ndarray:
    """e3nn's change of basis (2l+1, 2l+1) from its real harmonics to the complex :math:`Y_l^m`.

    Rows are complex m = -l..l, columns real m; unitary.

    >>> bool(np.allclose(real_to_complex(2) @ real_to_complex(2).conj().T, np.eye(5)))
    True
    """
    q = np.zeros((2 * l + 1, 2 * l + 1), dtype=np.complex128)
    for m in range(-l, 0):
        q[l + m, l - m] = 1 / sqrt(2)
        q[l + m, l + m] = -1j / sqrt(2)
    q[l, l] = 1
    for m in range(1, l + 1):
        q[l + m, l + m] = (-1) ** m / sqrt(2)
        q[l + m, l - m] = 1j * (-1) ** m / sqrt(2)
    return (-1j) ** l * q


def _complex_coefficient(l1: int, m1: int, l2: int, m2: int, l3: int) -> float:
    """:math:`\\langle l_1 m_1\\, l_2 m_2 | l_3\\, m_1 + m_2 \\rangle` by Racah's formula."""
    m3 = m1 + m2
    f = factorial
    prefactor = (2 * l3 + 1) * Fraction(
        f(l3 + l1 - l2) * f(l3 - l1 + l2) * f(l1 + l2 - l3) * f(l3 + m3) * f(l3 - m3),
        f(l1 + l2 + l3 + 1) * f(l1 - m1) * f(l1 + m1) * f(l2 - m2) * f(l2 + m2),
    )
    total = Fraction(0)
    for v in range(max(-l1 + l2 + m3, -l1 + m1, 0), min(l2 + l3 + m1, l3 - l1 + l2, l3 + m3) + 1):
        total += (-1) ** (v + l2 + m2) * Fraction(
            f(l2 + l3 + m1 - v) * f(l1 - m1 + v),
            f(v) * f(l3 - l1 + l2 - v) * f(l3 + m3 - v) * f(v + l1 - l2 - m3),
        )
    return float(prefactor) ** 0.5 * float(total)


@cache
def _wigner_3j(l1: int, l2: int, l3: int) -> np.ndarray:
    complex_cg = np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
    for m1 in range(-l1, l1 + 1):
        for m2 in range(-l2, l2 + 1):
            if abs(m1 + m2) <= l3:
                complex_cg[l1 + m1, l2 + m2, l3 + m1 + m2] = _complex_coefficient(
                    l1, m1, l2, m2, l3
                )
    q1, q2, q3 = real_to_complex(l1), real_to_complex(l2), real_to_complex(l3)
    real = np.einsum("ij,kl,mn,ikn->jlm", q1, q2, q3.T.conj(), complex_cg)
    if np.abs(real.imag).max() > 1e-10:  # cannot happen with the (-i)^l factor; says so if it did
        raise ArithmeticError(f"the ({l1}, {l2}, {l3}) coefficients are not real")
    coefficients = real.real / np.linalg.norm(real.real)
    coefficients.flags.writeable = False  # cached and shared
    return coefficients


def wigner_3j(l1: int, l2: int, l3: int) -> np.ndarray:
    """e3nn's real Wigner 3j symbols, shape (2l1+1, 2l2+1, 2l3+1), float64, unit norm.

    Invariant: :math:`C_{ijk} = C_{abc} D^{l_1}_{ai}(R) D^{l_2}_{bj}(R) D^{l_3}_{ck}(R)`.

    >>> c = wigner_3j(1, 1, 0)
    >>> bool(np.allclose(c[:, :, 0], np.eye(3) / np.sqrt(3)))
    True
    """
    if not abs(l1 - l2) <= l3 <= l1 + l2:
        raise ValueError(f"l = {l3} is not in the product of l = {l1} and l = {l2}")
    return _wigner_3j(int(l1), int(l2), int(l3))
