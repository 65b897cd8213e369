"""Irreps bookkeeping for the network: which O(3) irreps, how many copies, where in a tensor.

The same notation and layout as e3nn's ``o3.Irreps`` (``"2x0e+1x1o"``; copies of an irrep are
contiguous, ``mul`` blocks of ``2l+1`` components), written here so that building a network
does not import e3nn (``import e3nn.o3`` pulls in ``torch._dynamo``: 1.4 s on the 2-core
machine). Only what the model uses is here; e3nn stays the oracle in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from symbreak.conventions import parse_irrep


class Irrep(NamedTuple):
    """One O(3) irrep: degree ``l`` and parity ``p`` (+1 even, -1 odd).

    Ordered as e3nn orders them, by ``(l, p)``: ``0o < 0e < 1o < 1e``.

    >>> Irrep.parse("2o").dim, str(Irrep(1, 1))
    (5, '1e')
    """

    l: int
    p: int

    @classmethod
    def parse(cls, irrep: str | Irrep | tuple[int, int]) -> Irrep:
        if isinstance(irrep, str):
            return cls(*parse_irrep(irrep.strip()))
        return cls(int(irrep[0]), int(irrep[1]))

    @property
    def dim(self) -> int:
        return 2 * self.l + 1

    def __str__(self) -> str:
        return f"{self.l}{'e' if self.p == 1 else 'o'}"

    __repr__ = __str__

    def __mul__(self, other: Irrep) -> list[Irrep]:  # type: ignore[override]
        """The irreps in the product: :math:`|l_1 - l_2| \\le l \\le l_1 + l_2`, parity p1 p2."""
        degrees = range(abs(self.l - other.l), self.l + other.l + 1)
        return [Irrep(l, self.p * other.p) for l in degrees]


class MulIrrep(NamedTuple):
    """``mul`` copies of one irrep."""

    mul: int
    ir: Irrep

    @property
    def dim(self) -> int:
        return self.mul * self.ir.dim

    def __str__(self) -> str:
        return f"{self.mul}x{self.ir}"

    __repr__ = __str__


class Irreps(tuple):
    """A direct sum of O(3) irreps, as e3nn writes and lays it out.

    >>> irreps = Irreps("2x0e + 1x1o")
    >>> irreps.dim, irreps.num_irreps, irreps.slices()
    (5, 3, [slice(0, 2, None), slice(2, 5, None)])
    >>> str(Irreps.spherical_harmonics(2))
    '1x0e+1x1o+1x2e'
    """

    def __new__(cls, irreps: str | Iterable = ()) -> Irreps:
        if isinstance(irreps, Irreps):
            return super().__new__(cls, irreps)
        if isinstance(irreps, str):
            entries = []
            for term in filter(None, (t.strip() for t in irreps.split("+"))):
                mul, _, ir = term.rpartition("x")
                entries.append(MulIrrep(int(mul) if mul else 1, Irrep.parse(ir)))
            return super().__new__(cls, entries)
        entries = []
        for entry in irreps:
            if isinstance(entry, (str, Irrep)):
                entries.append(MulIrrep(1, Irrep.parse(entry)))
            else:
                mul, ir = entry
                entries.append(MulIrrep(int(mul), Irrep.parse(ir)))
        return super().__new__(cls, entries)

    @classmethod
    def spherical_harmonics(cls, l_max: int) -> Irreps:
        """``1x0e+1x1o+1x2e+...``: the parity of :math:`Y_l` is :math:`(-1)^l`."""
        return cls([(1, (l, (-1) ** l)) for l in range(l_max + 1)])

    def __iter__(self) -> Iterator[MulIrrep]:
        return super().__iter__()

    def __add__(self, other: Irreps) -> Irreps:
        return Irreps(tuple(self) + tuple(Irreps(other)))

    @property
    def dim(self) -> int:
        return sum(entry.dim for entry in self)

    @property
    def num_irreps(self) -> int:
        return sum(entry.mul for entry in self)

    @property
    def lmax(self) -> int:
        return max(entry.ir.l for entry in self)

    def slices(self) -> list[slice]:
        """Where each entry lies in a feature vector."""
        out, start = [], 0
        for entry in self:
            out.append(slice(start, start + entry.dim))
            start += entry.dim
        return out

    def simplify(self) -> Irreps:
        """Merge neighbouring entries of the same irrep (e3nn's rule: no sorting)."""
        merged: list[MulIrrep] = []
        for mul, ir in self:
            if merged and merged[-1].ir == ir:
                merged[-1] = MulIrrep(merged[-1].mul + mul, ir)
            elif mul > 0:
                merged.append(MulIrrep(mul, ir))
        return Irreps(merged)

    def sort(self) -> tuple[Irreps, tuple[int, ...]]:
        """Entries sorted by irrep (stable), and ``inv``: the old index of each new entry."""
        order = sorted(range(len(self)), key=lambda k: (self[k].ir, k))
        return Irreps([self[k] for k in order]), tuple(order)

    def __str__(self) -> str:
        return "+".join(str(entry) for entry in self)

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Irreps(other)
        return tuple(self) == tuple(other) if isinstance(other, tuple) else NotImplemented

    __hash__ = tuple.__hash__

    def randn(self, *size: int, dtype=None):
        """A random feature tensor; ``-1`` in ``size`` stands for :attr:`dim`."""
        import torch

        return torch.randn(*[self.dim if s == -1 else s for s in size], dtype=dtype)
