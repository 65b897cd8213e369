"""Symmetric 3x3 tensors as O(3) irreps: :math:`\\mathrm{Sym}^2(\\mathbb{R}^3) = 0e \\oplus 2e`.

The orthonormal basis is e3nn's (``io.CartesianTensor("ij=ji")``), written in closed form:
the ``0e`` part is :math:`\\mathrm{tr}\\,M / \\sqrt3`, and the ``2e`` part, in e3nn's order
m = -2..2 (its m = 0 axis is y), is

.. math:: \\sqrt2 M_{xz},\\; \\sqrt2 M_{xy},\\; (2M_{yy} - M_{xx} - M_{zz})/\\sqrt6,\\;
          \\sqrt2 M_{yz},\\; (M_{zz} - M_{xx})/\\sqrt2,

which are the degree-2 harmonics of :mod:`._harmonic_table` as quadratic forms, normalised.
The tests compare both directions with e3nn to 1e-12.

>>> import numpy as np
>>> [round(float(v), 6) for v in symmetric_to_irreps(np.diag([1.0, 1.0, 1.0]))]
[1.732051, 0.0, 0.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numpy as np

_R2, _R3, _R6 = np.sqrt(2.0), np.sqrt(3.0), np.sqrt(6.0)


def _basis() -> np.ndarray:
    basis = np.zeros((6, 3, 3))
    basis[0] = np.eye(3) / _R3
    basis[1][0, 2] = basis[1][2, 0] = 1 / _R2
    basis[2][0, 1] = basis[2][1, 0] = 1 / _R2
    basis[3] = np.diag([-1.0, 2.0, -1.0]) / _R6
    basis[4][1, 2] = basis[4][2, 1] = 1 / _R2
    basis[5] = np.diag([-1.0, 0.0, 1.0]) / _R2
    basis.flags.writeable = False
    return basis


#: (6, 3, 3): row k is the symmetric matrix of component k of ``0e + 2e``; orthonormal.
SYMMETRIC_BASIS = _basis()


def symmetric_to_irreps(matrix) -> np.ndarray:
    """The ``0e + 2e`` components (..., 6) of the symmetric part of ``matrix`` (..., 3, 3)."""
    return np.einsum("kij,...ij->...k", SYMMETRIC_BASIS, np.asarray(matrix, dtype=np.float64))


def irreps_to_symmetric(vector) -> np.ndarray:
    """The symmetric matrix (..., 3, 3) with ``0e + 2e`` components ``vector`` (..., 6)."""
    return np.einsum("kij,...k->...ij", SYMMETRIC_BASIS, np.asarray(vector, dtype=np.float64))
