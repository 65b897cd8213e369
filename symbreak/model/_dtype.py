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


def wigner_D(irreps: o3.Irreps | str, matrix: torch.Tensor) -> torch.Tensor:
    """Representation matrix of an O(3) element in float64, exact to rounding.

    e3nn's ``D_from_matrix`` follows the default dtype; in float32 it is off by 1e-7.

    >>> R = torch.eye(3, dtype=torch.float64)
    >>> float((wigner_D("2e", -R) - torch.eye(5)).abs().max()) < 1e-12
    True
    """
    with default_dtype(torch.float64):
        return o3.Irreps(irreps).D_from_matrix(matrix.to(torch.float64))
