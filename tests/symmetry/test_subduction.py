"""Subduction of O(3) irreps to crystallographic point groups, against textbook tables.

Ground truth: the decomposition of the spherical harmonics of degree l in Oh (Altmann and
Herzig, *Point-Group Theory Tables*; e.g. l = 2: Eg + T2g, l = 3: A2u + T1u + T2u), and the
identity that the dimensions add up to 2l + 1 in any group, in any frame.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.symmetry import named_group, subduce

#: l, parity -> Oh irreps (CDML: GM1+ A1g, GM2- A2u, GM3+ Eg, GM4+ T1g, GM4- T1u, GM5+ T2g,
#: GM5- T2u); the harmonics of degree l have parity (-1)^l, the other parity flips g and u.
OH = {"0e": {"GM1+": 1}, "1o": {"GM4-": 1}, "2e": {"GM3+": 1, "GM5+": 1},
      "3o": {"GM2-": 1, "GM4-": 1, "GM5-": 1},
      "4e": {"GM1+": 1, "GM3+": 1, "GM4+": 1, "GM5+": 1},
      "1e": {"GM4+": 1}, "2o": {"GM3-": 1, "GM5-": 1}}  # fmt: skip

def test_oh_subductions_are_the_textbook_ones():
    group = named_group("Oh").elements
    for irrep, expected in OH.items():
        assert subduce(irrep, group) == expected, irrep


@pytest.mark.parametrize("name", ["Oh", "D4h", "D6h", "D3d", "C4v", "D2h", "Td"])
@pytest.mark.parametrize("l", [1, 2, 3, 4])
def test_dimensions_add_up_to_2l_plus_1_in_a_random_frame(name, l):
    """In a random frame, with the group's own axes as the references: the split is a
    decomposition of the (2l+1)-dimensional irrep, so the dimensions of the parts add up."""
    from symbreak.symmetry._irrep_tables import table_for

    turn = Rotation.random(random_state=l).as_matrix()
    group = [turn @ m @ turn.T for m in named_group(name).elements]
    references = np.eye(3) @ turn.T  # the frame's axes, turned with the group
    table = table_for(group, references)
    assert table is not None
    dimension = {(f"GM{row.cdml}" if row.cdml else row.mulliken): row.dimension
                 for row in table.irreps}  # fmt: skip
    for parity in "eo":
        parts = subduce(f"{l}{parity}", group, references)
        assert sum(count * dimension[label] for label, count in parts.items()) == 2 * l + 1
