"""Scoped default dtype (new parameters follow it); the matrices by which O(3) acts on features."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from symbreak.model._irreps import Irreps
from symbreak.symmetry import wigner_D


@contextmanager
def default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """Run a block with ``torch``'s default dtype set to ``dtype``, then restore it."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def representation_matrix(irreps: Irreps | str, matrix: torch.Tensor) -> torch.Tensor:
    """The matrix by which the O(3) element ``matrix`` acts on features of type ``irreps``:
    block diagonal, one Wigner D block per irrep, in float64 and exact to rounding.

    Equal to e3nn's ``Irreps.D_from_matrix`` in float64 (tested to 1e-12), assembled from
    :func:`symbreak.symmetry.wigner_D`, the numpy D of one irrep for a batch of elements.

    >>> R = torch.eye(3, dtype=torch.float64)
    >>> float((representation_matrix("2e", -R) - torch.eye(5)).abs().max()) < 1e-12
    True
    """
    m = np.asarray(torch.as_tensor(matrix).detach().to(torch.float64).cpu())
    blocks = [_irrep_matrix(ir, m) for mul, ir in Irreps(irreps) for _ in range(mul)]
    dim = sum(len(b) for b in blocks)
    out = np.zeros(m.shape[:-2] + (dim, dim))
    at = 0
    for block in blocks:
        size = block.shape[-1]
        out[..., at : at + size, at : at + size] = block
        at += size
    return torch.from_numpy(out)


def _irrep_matrix(ir, m: np.ndarray) -> np.ndarray:
    """D of one irrep; l = 0 and 1 exactly (``p`` or ``det``, and the matrix itself), as e3nn."""
    if ir.l > 1:
        return wigner_D(str(ir), m)
    sign = np.sign(np.linalg.det(m))[..., None, None] if ir.p * (-1) ** ir.l == -1 else 1.0
    return sign * (m if ir.l == 1 else np.ones(m.shape[:-2] + (1, 1)))
