"""A weighted tensor product with few, large torch operations.

e3nn's ``FullyConnectedTensorProduct`` runs a handful of small operations per path; on
graphs of a few dozen edges that Python and autograd overhead dominates. This module
computes the same family of maps,

.. math:: z^{(c)}_{w} = \\sum_{p \\to c} \\sum_{u} W^{(p)}_{uw}
          \\left( x^{(a_p)}_u \\otimes y^{(b_p)} \\right)_{\\text{CG}(a_p, b_p \\to c)},

with all Clebsch-Gordan contractions in one gather-multiply-scatter over the non-zero
coefficients and one weight contraction per output irrep. The second input carries one
channel per irrep (as the relaxed weights and edge filters do); the coefficients are
e3nn's real Wigner 3j symbols (:mod:`._clebsch_gordan`), so equivariance holds exactly in
e3nn's basis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from symbreak.model._clebsch_gordan import wigner_3j
from symbreak.model._irreps import Irreps


@dataclass(frozen=True)
class _Path:
    in1: int  # index into irreps_in1
    in2: int  # index into irreps_in2 (each entry one channel)
    out: int  # index into irreps_out


def _single_channel(irreps: Irreps) -> Irreps:
    """``2x1o`` -> ``1x1o+1x1o``: the second input is handled one channel at a time."""
    return Irreps([(1, ir) for mul, ir in irreps for _ in range(mul)])


class WeightedTensorProduct(torch.nn.Module):
    """Every allowed path from ``irreps_in1 x irreps_in2`` to ``irreps_out``, each with weights.

    Parameters
    ----------
    irreps_in1
        First input; multiplicities are mixed by the weights (channels ``u`` -> ``w``).
    irreps_in2
        Second input; each of its channels is its own path.
    irreps_out
        Output irreps.
    shared_weights
        If True the weights are a parameter of the module; otherwise ``forward`` takes them
        per sample, shape ``(batch, weight_numel)``.

    Examples
    --------
    >>> tp = WeightedTensorProduct("2x0e + 1x1o", "1x1o", "1x0e + 1x1e")
    >>> tp.weight_numel  # 1o x 1o -> 0e and 1o x 1o -> 1e, one channel each
    2
    """

    def __init__(
        self, irreps_in1: str, irreps_in2: str, irreps_out: str, shared_weights: bool = True
    ) -> None:
        super().__init__()
        self.irreps_in1 = Irreps(irreps_in1)
        self.irreps_in2 = _single_channel(Irreps(irreps_in2))
        self.irreps_out = Irreps(irreps_out)
        self.shared_weights = shared_weights
        self.paths = [
            _Path(a, b, c)
            for c, (_, ir_c) in enumerate(self.irreps_out)
            for a, (_, ir_a) in enumerate(self.irreps_in1)
            for b, (_, ir_b) in enumerate(self.irreps_in2)
            if ir_c in ir_a * ir_b
        ]
        self._build_coefficients()
        self._build_weight_layout()
        self._build_weights_first()
        if shared_weights:
            self.weight = torch.nn.Parameter(torch.randn(self.weight_numel))

    def _build_coefficients(self) -> None:
        """Non-zero Clebsch-Gordan entries as (z, i, j, value): z indexes the path-major buffer."""
        slices1, slices2 = self.irreps_in1.slices(), self.irreps_in2.slices()
        z_index, i_index, j_index, values = [], [], [], []
        offset = 0
        self._z_blocks: list[tuple[int, int, int]] = []  # per path: start, mul_u, dim_out
        for path in self.paths:
            mul_u, ir_a = self.irreps_in1[path.in1]
            ir_b = self.irreps_in2[path.in2].ir
            ir_c = self.irreps_out[path.out].ir
            # Component normalisation: unit-variance inputs give unit-variance outputs.
            cg = torch.tensor(wigner_3j(ir_a.l, ir_b.l, ir_c.l)) * math.sqrt(ir_c.dim)
            nz = cg.abs() > 1e-12
            m1, m2, m3 = nz.nonzero(as_tuple=True)
            for u in range(mul_u):
                z_index.append(offset + u * ir_c.dim + m3)
                i_index.append(slices1[path.in1].start + u * ir_a.dim + m1)
                j_index.append(slices2[path.in2].start + m2)
                values.append(cg[nz])
            self._z_blocks.append((offset, mul_u, ir_c.dim))
            offset += mul_u * ir_c.dim
        self.z_dim = offset
        cat = torch.cat if z_index else (lambda _: torch.zeros(0, dtype=torch.int64))
        self.register_buffer("_z", cat(z_index).long(), persistent=False)
        self.register_buffer("_i", cat(i_index).long(), persistent=False)
        self.register_buffer("_j", cat(j_index).long(), persistent=False)
        cg_values = torch.cat(values) if values else torch.zeros(0, dtype=torch.float64)
        self.register_buffer("_cg", cg_values, persistent=False)  # float64: cast at use

    def _build_weight_layout(self) -> None:
        """Group the paths by output irrep: their weights stack into one (U_c, w_c) matrix."""
        self._out_groups: list[tuple[int, list[int]]] = []
        weight_offset = 0
        self._weight_slices: list[tuple[int, int, int]] = []  # per output: start, U_c, w_c
        for c, (mul_w, _) in enumerate(self.irreps_out):
            members = [k for k, path in enumerate(self.paths) if path.out == c]
            fan_in = sum(self._z_blocks[k][1] for k in members)
            self._out_groups.append((c, members))
            self._weight_slices.append((weight_offset, fan_in, mul_w))
            weight_offset += fan_in * mul_w
        self.weight_numel = weight_offset

    def _build_weights_first(self) -> None:
        """Coefficients for contracting per-sample weights with ``x1`` before the CG products.

        With per-sample weights :math:`W_{n,uw}`, the product is linear in :math:`x_1`, so
        :math:`y_{n,w} = \\sum_u W_{n,uw} x_{1,n,u}` can be formed first and the Clebsch-Gordan
        gather then runs over ``mul_w`` instead of ``mul_u`` channels. For the last layer
        (8 channels in, one ``1o`` out) that is 8x fewer gathered products; for the first
        (3 scalars in, 40 out) it would be more, so each module takes the cheaper order.
        """
        slices1, slices2 = self.irreps_in1.slices(), self.irreps_in2.slices()
        out_slices = self.irreps_out.slices()
        y_index, j_index, z_index, values, self._y_blocks = [], [], [], [], []
        y_offset, cost_first, cost_after = 0, 0, 0
        fan_in_of = {c: fan for (c, _), (_, fan, _) in zip(self._out_groups, self._weight_slices)}
        for k, path in enumerate(self.paths):
            mul_u, ir_a = self.irreps_in1[path.in1]
            ir_b = self.irreps_in2[path.in2].ir
            mul_w, ir_c = self.irreps_out[path.out]
            cg = torch.tensor(wigner_3j(ir_a.l, ir_b.l, ir_c.l)) * math.sqrt(ir_c.dim)
            nz = cg.abs() > 1e-12
            m1, m2, m3 = nz.nonzero(as_tuple=True)
            scale = 1.0 / math.sqrt(fan_in_of[path.out])
            for w in range(mul_w):
                y_index.append(y_offset + w * ir_a.dim + m1)
                j_index.append(slices2[path.in2].start + m2)
                z_index.append(out_slices[path.out].start + w * ir_c.dim + m3)
                values.append(cg[nz] * scale)
            # (path, x1 slice, weight rows within the output's block, y offset)
            start, fan_in, _ = self._weight_slices[path.out]
            row = sum(self._z_blocks[m][1] for m in self._out_groups[path.out][1] if m < k)
            self._y_blocks.append((slices1[path.in1], mul_u, ir_a.dim, start, row, mul_w))
            y_offset += mul_w * ir_a.dim
            cost_first += mul_w * int(nz.sum())
            cost_after += mul_u * int(nz.sum())
        self.weights_first = (not self.shared_weights) and cost_first < cost_after
        if not self.weights_first:
            return
        cat = torch.cat if y_index else (lambda _: torch.zeros(0, dtype=torch.int64))
        self.register_buffer("_wf_y", cat(y_index).long(), persistent=False)
        self.register_buffer("_wf_j", cat(j_index).long(), persistent=False)
        self.register_buffer("_wf_z", cat(z_index).long(), persistent=False)
        cg_values = torch.cat(values) if values else torch.zeros(0, dtype=torch.float64)
        self.register_buffer("_wf_cg", cg_values, persistent=False)

    def _forward_weights_first(self, x1, x2, weight) -> torch.Tensor:
        batch = x1.shape[0]
        # split, not slices: a slice's gradient is a zero-filled copy of the whole input
        x_parts = x1.split([mul * ir.dim for mul, ir in self.irreps_in1], 1)
        w_parts = weight.split([fan_in * mul_w for _, fan_in, mul_w in self._weight_slices], 1)
        rows = [
            w.reshape(batch, fan_in, mul_w).split([self._z_blocks[k][1] for k in members], 1)
            for w, (_, fan_in, mul_w), (_, members) in zip(
                w_parts, self._weight_slices, self._out_groups
            )
        ]
        blocks = []
        for k, path in enumerate(self.paths):
            _, mul_u, dim_a, _, _, _ = self._y_blocks[k]
            x = x_parts[path.in1].reshape(batch, mul_u, dim_a)
            w = rows[path.out][self._out_groups[path.out][1].index(k)]
            blocks.append(torch.einsum("nui,nuw->nwi", x, w).reshape(batch, -1))
        y = torch.cat(blocks, dim=1)
        products = y[:, self._wf_y] * x2[:, self._wf_j] * self._wf_cg.to(x1.dtype)
        out = torch.zeros(batch, self.irreps_out.dim, dtype=x1.dtype, device=x1.device)
        return out.index_add(1, self._wf_z, products)

    def _contract(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        """All Clebsch-Gordan products, shape (batch, z_dim)."""
        cg = self._cg.to(x1.dtype)
        if x2.dim() == 1:  # the second input is shared by the batch: fold it into a matrix
            return x1 @ self._shared_matrix(x2, x1)
        products = x1[:, self._i] * x2[:, self._j] * cg
        out = torch.zeros(x1.shape[0], self.z_dim, dtype=x1.dtype, device=x1.device)
        return out.index_add(1, self._z, products)

    def _shared_matrix(self, x2: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """The map x1 -> z for a second input shared by the batch, shape (in1.dim, z_dim)."""
        cg = self._cg.to(like.dtype)
        matrix = torch.zeros(self.irreps_in1.dim * self.z_dim, dtype=like.dtype, device=like.device)
        matrix = matrix.index_add(0, self._i * self.z_dim + self._z, cg * x2[self._j])
        return matrix.view(self.irreps_in1.dim, self.z_dim)

    def forward(
        self, x1: torch.Tensor, x2: torch.Tensor, weight: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Apply the product; ``x2`` may be a single vector shared by the whole batch."""
        if weight is None:
            weight = self.weight
        if self.weights_first and weight.dim() == 2 and x2.dim() == 2:
            return self._forward_weights_first(x1, x2, weight)
        if x2.dim() == 1 and weight.dim() == 1:
            # Everything but x1 is shared: build the (in1.dim, out.dim) matrix once and apply
            # it with one product. Slicing the (batch, z_dim) products per output instead cost
            # a zero-filled (batch, z_dim) gradient per slice: 20 ms of 21 per fit step.
            return x1 @ self._weigh(self._shared_matrix(x2, x1), weight)
        return self._weigh(self._contract(x1, x2), weight)

    def _weigh(self, z: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """Mix the channels of each output's paths with the weights: (batch, z_dim) -> out.

        Paths are ordered by output, so each output's blocks are contiguous in z, laid out
        (channel u, component d): a (batch, U_c, d) view. ``split`` rather than slicing:
        the gradient of a slice is a zero-filled copy of the whole input, once per output.
        """
        batch = z.shape[0]
        dims = [self.irreps_out[c].ir.dim for c, _ in self._out_groups]
        z_parts = z.split([fan_in * d for (_, fan_in, _), d in zip(self._weight_slices, dims)], 1)
        w_parts = weight.split([fan_in * mul_w for _, fan_in, mul_w in self._weight_slices], -1)
        outputs = []
        for (_, fan_in, mul_w), dim_c, z_c, w in zip(self._weight_slices, dims, z_parts, w_parts):
            if fan_in == 0:
                outputs.append(z.new_zeros(batch, mul_w * dim_c))
                continue
            stacked = z_c.reshape(batch, fan_in, dim_c)
            if w.dim() == 1:
                out_c = torch.einsum("nud,uw->nwd", stacked, w.view(fan_in, mul_w))
            else:
                out_c = torch.einsum("nud,nuw->nwd", stacked, w.view(batch, fan_in, mul_w))
            outputs.append(out_c.reshape(batch, mul_w * dim_c) / math.sqrt(fan_in))
        return torch.cat(outputs, dim=1)
