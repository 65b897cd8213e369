"""O(3) groups, point groups of structures, stabilisers of irrep vectors and breaking analysis.

Pure numpy/scipy; Wigner D matrices in e3nn's real basis (see :mod:`symbreak.conventions`).

>>> from symbreak.symmetry import named_group
>>> named_group("Oh").order
48
"""

from symbreak.symmetry._breaking import (
    breaking_irreps,
    breaking_part,
    invariant_dimension,
    invariant_projector,
    residual_group,
)
from symbreak.symmetry._cartesian import irreps_to_symmetric, symmetric_to_irreps
from symbreak.symmetry._domains import Domain, domains
from symbreak.symmetry._named_groups import named_group
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._rotations import (
    ELEMENT_TOLERANCE,
    Operation,
    describe_operation,
    find_matrix,
)
from symbreak.symmetry._stabilizer import DEFAULT_STABILIZER_TOLERANCE, stabilizer
from symbreak.symmetry._structure import point_group, transformation_group
from symbreak.symmetry._tolerance import ToleranceChoice, choose_tolerance, tolerance_ladder
from symbreak.symmetry._wigner import so3_generators, spherical_harmonics, wigner_D

__all__ = [
    "DEFAULT_STABILIZER_TOLERANCE",
    "Domain",
    "ELEMENT_TOLERANCE",
    "Operation",
    "PointGroup",
    "ToleranceChoice",
    "breaking_irreps",
    "breaking_part",
    "choose_tolerance",
    "describe_operation",
    "find_matrix",
    "domains",
    "invariant_dimension",
    "invariant_projector",
    "irreps_to_symmetric",
    "named_group",
    "point_group",
    "residual_group",
    "so3_generators",
    "spherical_harmonics",
    "stabilizer",
    "symmetric_to_irreps",
    "tolerance_ladder",
    "transformation_group",
    "wigner_D",
]
