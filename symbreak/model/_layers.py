"""The network's non-tensor-product layers: the radial MLP and the gate, as e3nn builds them.

e3nn's ``nn.FullyConnectedNet`` and ``nn.Gate`` written without importing e3nn (see
:mod:`._irreps`), with the same parameter names and shapes, so saved networks load, and the
same arithmetic, so they predict the same. Activations are scaled to unit second moment under
a standard normal input, :math:`\\phi \\to \\phi / \\sqrt{E[\\phi(z)^2]}` (e3nn's
``normalize2mom``); the scales are e3nn's, which it estimates from 10^6 samples of a generator
seeded 0, and the tests recompute them with e3nn.
"""

from __future__ import annotations

import torch

from symbreak.model._irreps import Irreps

#: :math:`E[\phi(z)^2]^{-1/2}`, z ~ N(0, 1), as e3nn's ``normalize2mom`` estimates it.
SECOND_MOMENT_SCALE = {
    "silu": 1.6791767923989418,
    "tanh": 1.5937334472592695,
    "sigmoid": 1.8467055342154763,
}

_FUNCTIONS = {
    "silu": torch.nn.functional.silu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}


def normalised(name: str, x: torch.Tensor) -> torch.Tensor:
    """The activation ``name`` at ``x``, scaled to unit second moment."""
    return _FUNCTIONS[name](x).mul(SECOND_MOMENT_SCALE[name])


class _DenseLayer(torch.nn.Module):
    def __init__(self, fan_in: int, fan_out: int, activation: str | None) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(fan_in, fan_out))
        self.fan_in = fan_in
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x @ (self.weight / self.fan_in**0.5)
        if self.activation is None:
            return x
        return normalised(self.activation, x) * 1.0  # e3nn multiplies by var_out ** 0.5 = 1


class RadialMLP(torch.nn.Module):
    """e3nn's ``FullyConnectedNet(sizes, silu)``: weights ``layer{k}.weight`` of shape
    (n_k, n_{k+1}) drawn from N(0, 1), divided by :math:`\\sqrt{n_k}` at use; silu between.

    >>> RadialMLP([8, 16, 3])(torch.zeros(2, 8)).shape
    torch.Size([2, 3])
    """

    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        self.sizes = list(sizes)
        last = len(sizes) - 2
        for k, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
            setattr(self, f"layer{k}", _DenseLayer(fan_in, fan_out, None if k == last else "silu"))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_layer(self.hidden(x))

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """The input to :attr:`output_layer`; the output is linear in that layer's weight."""
        for k in range(len(self.sizes) - 2):
            x = getattr(self, f"layer{k}")(x)
        return x

    @property
    def output_layer(self) -> _DenseLayer:
        """The last layer (no activation): ``hidden(x) @ weight / sqrt(fan_in)``."""
        return getattr(self, f"layer{len(self.sizes) - 2}")


class _GateProduct(torch.nn.Module):
    """Holds the two empty state entries of e3nn's elementwise product (``mul.weight`` and
    ``mul.output_mask``), so that state dicts move between this gate and e3nn's."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("weight", torch.zeros(0))
        self.register_buffer("output_mask", torch.ones(dim))


class Gate(torch.nn.Module):
    """e3nn's gate: scalars through silu (``0e``) or tanh (``0o``), and every gated irrep
    multiplied by the sigmoid of its own gate scalar.

    The input is laid out as e3nn's ``Gate.irreps_in``: scalars, gates and gated irreps
    sorted by irrep (stable) and merged; the output is the scalars, then the gated irreps.

    >>> gate = Gate("2x0e + 2x0o", "2x0e", "1x1o + 1x1e")
    >>> str(gate.irreps_in), str(gate.irreps_out)
    ('2x0o+4x0e+1x1o+1x1e', '2x0e+2x0o+1x1o+1x1e')
    """

    def __init__(self, irreps_scalars: str, irreps_gates: str, irreps_gated: str) -> None:
        super().__init__()
        parts = [Irreps(part).simplify() for part in (irreps_scalars, irreps_gates, irreps_gated)]
        self.irreps_scalars, self.irreps_gates, self.irreps_gated = parts
        if self.irreps_gates.num_irreps != self.irreps_gated.num_irreps:
            raise ValueError("a gate needs one gate scalar per gated irrep")
        if any(ir.l for _, ir in self.irreps_scalars + self.irreps_gates):
            raise ValueError("scalars and gates must be scalars")
        entries = [entry for part in parts for entry in part]
        owner = [k for k, part in enumerate(parts) for _ in part]
        sorted_irreps, order = Irreps(entries).sort()
        self.irreps_in = sorted_irreps.simplify()
        # where each part's entries lie in the sorted input: gather them back part by part
        starts, at = {}, 0
        for entry, old in zip(sorted_irreps, order):
            starts[old] = at
            at += entry.dim
        gather = [[], [], []]
        for old, entry in enumerate(entries):
            gather[owner[old]].extend(range(starts[old], starts[old] + entry.dim))
        # the gate scalar of each gated component is repeated over the irrep's 2l+1 components
        repeat = [ir.dim for mul, ir in self.irreps_gated for _ in range(mul)]
        for name, index in zip(("_scalars", "_gates", "_gated", "_repeat"), gather + [repeat]):
            self.register_buffer(name, torch.tensor(index, dtype=torch.int64), persistent=False)
        self._scalar_acts = [("silu" if ir.p == 1 else "tanh", mul) for mul, ir in parts[0]]
        self.irreps_out = (
            Irreps([(mul, (0, 1 if ir.p == 1 else -1)) for mul, ir in self.irreps_scalars])
            + self.irreps_gated
        )
        self.mul = _GateProduct(self.irreps_gated.dim)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        scalars = features[..., self._scalars]
        acted = [
            normalised(name, part)
            for (name, _), part in zip(
                self._scalar_acts, scalars.split([m for _, m in self._scalar_acts], dim=-1)
            )
        ]
        if self._gated.numel() == 0:
            return torch.cat(acted, dim=-1)
        gates = normalised("sigmoid", features[..., self._gates])
        gated = features[..., self._gated] * gates.repeat_interleave(self._repeat, dim=-1)
        return torch.cat(acted + [gated], dim=-1)
