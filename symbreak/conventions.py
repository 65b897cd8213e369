"""One source of truth for the conventions every part of symbreak shares.

Irreps of O(3) are written the e3nn way: ``"1o"`` is angular momentum l = 1 with
odd parity (a polar vector), ``"1e"`` l = 1 with even parity (an axial vector).
Vectors in an irrep use e3nn's real basis: for l = 1 the components are
(x, y, z); for l >= 2 the m = 0 axis is y (e3nn 0.6). Reports convert to
Cartesian x, y, z before they speak to the user.

>>> relaxed_irrep_names(1)
['0e', '0o', '1e', '1o']
>>> irrep_meaning("1e")
'axial vector'
"""

from __future__ import annotations

from collections.abc import Iterator

#: Largest accepted absolute value of a coordinate (or velocity, acceleration). The network
#: and the analysis square and multiply coordinates in float64 (largest 1.8e308), so 1e15
#: leaves room for sums of squares of products; data this large need rescaling anyway.
MAX_MAGNITUDE = 1e15

#: Highest degree l of spherical harmonics: every l e3nn provides (and
#: :mod:`symbreak.symmetry._harmonic_table` tabulates), so the highest ``--l-relaxed``.
MAX_L = 12

#: What a pairs fit can learn per node (symbreak.tasks): the displacement or the paper's signal.
PAIR_TARGETS = ("displacement", "signal")

#: Penalties on the non-scalar relaxed weights (symbreak.trainer).
REGULARISERS = ("group-lasso", "l2", "none")

#: The paper's example datasets (symbreak.data.examples): the cube deformations of its Sec. 4.1
#: and the charged particles of Sec. 4.2.
PAPER_EXAMPLES = ("cube_to_cube", "cube_to_prism", "cube_to_random", "lorentz")

#: Published phase transitions cut as clusters around a site, parent -> child
#: (symbreak.data.published.CASES, in its order; writing them needs symbreak[crystals]).
PUBLISHED_EXAMPLES = (
    "BaTiO3_P4mm_Ti", "BaTiO3_Amm2_Ti", "PbTiO3_P4mm_Pb", "SrTiO3_I4mcm_Ti", "SrTiO3_I4mcm_Sr",
    "KCuF3_I4mcm_K", "KCuF3_I4mcm_Cu", "LaMnO3_Pnma_Mn", "CaTiO3_Pnma_Ti", "quartz_P3221_Si",
)  # fmt: skip

#: What ``symbreak example NAME`` writes (symbreak.data.examples.EXAMPLES).
EXAMPLE_NAMES = PAPER_EXAMPLES + PUBLISHED_EXAMPLES

#: Picture formats of ``symbreak render`` (symbreak.render): pictures, vector graphics, pages.
RENDER_FORMATS = ("png", "svg", "pdf", "html")

#: Formats of ``symbreak render`` that are vector graphics (for papers): every picture in them.
VECTOR_FORMATS = ("svg", "pdf")

#: Length unit in which tolerances are given: the unit of the input positions.
DEFAULT_SYMMETRY_TOLERANCE = 0.01

#: Relative size (of a layer's whole relaxed weights) above which a block can count as active
#: (``symbreak explain --threshold``; docs/report.md).
DEFAULT_THRESHOLD = 1e-3

#: Picture size (width, height) in pixels of ``symbreak render``.
DEFAULT_RENDER_SIZE = (1200, 600)

#: Names of the continuous point groups, ASCII for machines (JSON, file names).
INFINITE_GROUP_NAMES = ("Cinf", "Cinfv", "Cinfh", "Dinf", "Dinfh", "SO3", "O3")

#: The same names as a person reads them.
PRETTY_GROUP_NAMES = {
    "Cinf": "C∞",
    "Cinfv": "C∞v",
    "Cinfh": "C∞h",
    "Dinf": "D∞",
    "Dinfh": "D∞h",
    "SO3": "SO(3)",
    "O3": "O(3)",
}

_MEANINGS = {
    "0e": "scalar",
    "0o": "pseudoscalar (chirality)",
    "1o": "polar vector",
    "1e": "axial vector",
    "2e": "symmetric traceless tensor (quadrupolar strain)",
    "2o": "pseudo-quadrupole (chiral rank-2 tensor)",
    "3o": "octupole",
    "3e": "axial octupole",
    "4e": "hexadecapole (cubic-type rank-4 tensor)",
    "4o": "pseudo-hexadecapole",
}


def irrep_name(l: int, parity: int) -> str:
    """Name of the O(3) irrep with degree ``l`` and parity ``+1`` (even) or ``-1`` (odd).

    >>> irrep_name(2, -1)
    '2o'
    """
    if parity not in (1, -1):
        raise ValueError(f"parity must be +1 or -1, not {parity}")
    return f"{l}{'e' if parity == 1 else 'o'}"


def parse_irrep(name: str) -> tuple[int, int]:
    """``"2e"`` -> ``(2, 1)``; ``"1o"`` -> ``(1, -1)``.

    >>> parse_irrep("3o")
    (3, -1)
    """
    name = name.strip()
    if len(name) < 2 or name[-1] not in "eo" or not name[:-1].isdigit():
        raise ValueError(f"{name!r} is not an O(3) irrep name such as '1o' or '2e'")
    return int(name[:-1]), 1 if name[-1] == "e" else -1


def relaxed_irreps(l_relaxed: int) -> Iterator[tuple[int, int]]:
    """Every O(3) irrep up to ``l_relaxed``, both parities, in symbreak's fixed order.

    The order is by l, then even before odd. The relaxed weights of a layer, the
    rows of a report and the pictures all follow it.
    """
    for l in range(l_relaxed + 1):
        yield l, 1
        yield l, -1


def relaxed_irrep_names(l_relaxed: int) -> list[str]:
    """Names of :func:`relaxed_irreps`, e.g. ``['0e', '0o', '1e', '1o']`` for l = 1."""
    return [irrep_name(l, p) for l, p in relaxed_irreps(l_relaxed)]


def irrep_meaning(name: str) -> str:
    """What a vector in this irrep means physically, in a few words."""
    l, parity = parse_irrep(name)
    if name in _MEANINGS:
        return _MEANINGS[name]
    kind = "even" if parity == 1 else "odd"
    return f"rank-{l} {kind}-parity multipole"


def pretty_group_name(name: str) -> str:
    """Human spelling of a group name: ``'Cinfv'`` -> ``'C∞v'``; finite names pass through.

    >>> pretty_group_name("Dinfh")
    'D∞h'
    """
    return PRETTY_GROUP_NAMES.get(name, name)
