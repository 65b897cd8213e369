"""The relaxed blocks tile every layer's θ: one block per copy of each irrep, in order."""

from e3nn import o3

from symbreak.model import RelaxedNetwork


def test_blocks_tile_each_layer_in_irrep_order():
    network = RelaxedNetwork("1x0e", "1x1o", l_relaxed=2, multiplicity=2, layers=2, hidden_mul=2)
    blocks = list(network.relaxed_blocks())
    for layer, conv in enumerate(network.convolutions):
        own = [b for b in blocks if b.layer == layer]
        assert own[0].start == 0 and own[-1].stop == conv.relaxed_weights.numel()
        assert all(a.stop == b.start for a, b in zip(own, own[1:]))
        assert all(b.stop - b.start == o3.Irrep(b.irrep).dim for b in own)
        assert [(b.irrep, b.copy) for b in own] == [
            (str(ir), c) for mul, ir in conv.irreps_relaxed for c in range(mul)
        ]
    assert [b.invariant for b in blocks].count(True) == 2 * 2  # 0e: two copies, two layers
