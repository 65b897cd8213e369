"""O(3) groups, point groups of structures, space groups of crystals, stabilisers of irrep
vectors and breaking analysis.

Pure numpy/scipy (spglib, for crystals, is imported when first called); Wigner D matrices in
e3nn's real basis (see :mod:`symbreak.conventions`).

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
from symbreak.symmetry._irrep_tables import table_for
from symbreak.symmetry._lattice import minimum_image, nearest_rotation, strain_tensor
from symbreak.symmetry._named_groups import named_group
from symbreak.symmetry._neighbours import close_pair
from symbreak.symmetry._permutation import atom_permutation
from symbreak.symmetry._point_group import PointGroup
from symbreak.symmetry._point_modes import PointMode, cluster_modes
from symbreak.symmetry._rotations import (
    ELEMENT_TOLERANCE,
    Operation,
    canonical_axis,
    describe_operation,
    find_matrix,
)
from symbreak.symmetry._space_group import (
    CrystalGroups,
    SpaceGroup,
    cartesian_point_group,
    crystal_groups,
    kept_space_group,
    space_group,
    translation_classes,
)
from symbreak.symmetry._space_modes import SupercellAction, decompose, format_k
from symbreak.symmetry._stabilizer import DEFAULT_STABILIZER_TOLERANCE, stabilizer
from symbreak.symmetry._structure import point_group, transformation_group
from symbreak.symmetry._subduction import subduce
from symbreak.symmetry._symprec import DEFAULT_SYMPREC, SymprecChoice, symprec_ladder
from symbreak.symmetry._tolerance import ToleranceChoice, choose_tolerance, tolerance_ladder
from symbreak.symmetry._wigner import (
    harmonic_coefficients,
    monomial_exponents,
    so3_generators,
    spherical_harmonics,
    wigner_D,
)

__all__ = [
    "harmonic_coefficients",
    "monomial_exponents",
    "CrystalGroups",
    "DEFAULT_STABILIZER_TOLERANCE",
    "DEFAULT_SYMPREC",
    "Domain",
    "ELEMENT_TOLERANCE",
    "Operation",
    "PointGroup",
    "PointMode",
    "SpaceGroup",
    "SupercellAction",
    "SymprecChoice",
    "ToleranceChoice",
    "atom_permutation",
    "breaking_irreps",
    "breaking_part",
    "canonical_axis",
    "cartesian_point_group",
    "choose_tolerance",
    "close_pair",
    "cluster_modes",
    "crystal_groups",
    "decompose",
    "describe_operation",
    "domains",
    "find_matrix",
    "format_k",
    "invariant_dimension",
    "invariant_projector",
    "irreps_to_symmetric",
    "kept_space_group",
    "minimum_image",
    "named_group",
    "nearest_rotation",
    "point_group",
    "residual_group",
    "so3_generators",
    "space_group",
    "spherical_harmonics",
    "stabilizer",
    "strain_tensor",
    "subduce",
    "symmetric_to_irreps",
    "symprec_ladder",
    "table_for",
    "tolerance_ladder",
    "transformation_group",
    "translation_classes",
    "wigner_D",
]
