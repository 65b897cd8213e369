"""Scoped default dtype: e3nn builds its tables in the default dtype, so precision is set there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from e3nn import o3


@contextmanager
def default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """Run a block with ``torch``'s default dtype set to ``dtype``, then restore it."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def representation_matrix(irreps: o3.Irreps | str, matrix: torch.Tensor) -> torch.Tensor:
    """The matrix by which the O(3) element ``matrix`` acts on features of type ``irreps``:
    block diagonal, one Wigner D block per irrep, in float64 and exact to rounding.

    This is e3nn's ``Irreps.D_from_matrix``, which follows the default dtype (in float32 it is
    off by 1e-7). Not to be confused with :func:`symbreak.symmetry.wigner_D`, the numpy D of one
    irrep for a batch of elements.

    >>> R = torch.eye(3, dtype=torch.float64)
    >>> float((representation_matrix("2e", -R) - torch.eye(5)).abs().max()) < 1e-12
    True
    """
    with default_dtype(torch.float64):
        return o3.Irreps(irreps).D_from_matrix(matrix.to(torch.float64))
