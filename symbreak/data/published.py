"""Real distortions from published crystal structures, and synthetic clusters with a known group.

Each :data:`CASES` entry is a structural phase transition: a high-symmetry *parent* and the
published low-symmetry *child*, both built with ``ase.spacegroup.crystal`` from space group, cell
and Wyckoff positions. The parent is written in the child's cell (an integer supercell matrix and
an origin shift per entry), atoms are matched per species by the smallest periodic displacement
(:func:`scipy.optimize.linear_sum_assignment`), and a finite cluster is cut around a named site:
every atom within ``radius`` of the site in the *parent* (so the source cluster has the parent's
site symmetry, e.g. :math:`O_h`), and the same atoms in the *child*, each at its parent position
plus its minimum-image displacement, in the child's own lattice (so strain is included).

The ground truth is the site symmetry of that atom in the child as spglib reports it
(:func:`site_symmetry_group`); a correct symmetry analysis of the cluster pair must find it, e.g.
``transformation_group(source, target, species).name == pair.expected_group``.

Perovskite parents are the ideal :math:`Pm\\bar 3m` aristotype with the child's volume per formula
unit (pseudo-cubic :math:`a`), so the source and target differ by the symmetry-breaking strain and
displacements but not by thermal expansion. The quartz parent is the published beta phase.

ASE and spglib are optional (``pip install symbreak[crystals]``); only :data:`CASES`,
:func:`schoenflies_name` and the synthetic clusters work without them.

The synthetic part needs neither: :func:`frustum_cube` (:math:`C_{4v}`), :func:`twisted_cube`
(:math:`C_4`) and :func:`symmetric_distortion`, a 15-21 atom, 3-species cluster whose distortion
has exactly a chosen point group H: the Reynolds average over H of a random displacement field.

>>> schoenflies_name("4/m.."), schoenflies_name("m.2m"), schoenflies_name("-3m.")
('C4h', 'C2v', 'D3d')
>>> CASES["BaTiO3_P4mm_Ti"].expected_group
'C4v'
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from symbreak.data._lattice import match_atoms
from symbreak.data._shapes import cube
from symbreak.data.pairs import write_pairs
from symbreak.errors import DataError
from symbreak.symmetry import atom_permutation
from symbreak.symmetry import minimum_image as _minimum_image

# ----------------------------------------------------------------------------- point-group names

#: Dot-free Hermann-Mauguin symbols, in every setting spglib writes, -> Schoenflies name.
#: spglib's oriented site symbols ('m.2m', '.2.', '-3m.', '4/m..') become these once the dots
#: are dropped; full symbols ('2/m2/m2/m') are listed too.
HERMANN_MAUGUIN_TO_SCHOENFLIES = {
    "1": "C1", "-1": "Ci", "2": "C2", "m": "Cs", "2/m": "C2h",
    "222": "D2", "mm2": "C2v", "m2m": "C2v", "2mm": "C2v", "mmm": "D2h", "2/m2/m2/m": "D2h",
    "4": "C4", "-4": "S4", "4/m": "C4h", "422": "D4", "4mm": "C4v",
    "-42m": "D2d", "-4m2": "D2d", "4/mmm": "D4h", "4/m2/m2/m": "D4h",
    "3": "C3", "-3": "S6", "32": "D3", "321": "D3", "312": "D3",
    "3m": "C3v", "3m1": "C3v", "31m": "C3v",
    "-3m": "D3d", "-3m1": "D3d", "-31m": "D3d", "-32/m": "D3d", "-32/m1": "D3d", "-312/m": "D3d",
    "6": "C6", "-6": "C3h", "6/m": "C6h", "622": "D6", "6mm": "C6v",
    "-6m2": "D3h", "-62m": "D3h", "6/mmm": "D6h", "6/m2/m2/m": "D6h",
    "23": "T", "m-3": "Th", "m3": "Th", "2/m-3": "Th", "432": "O", "-43m": "Td",
    "m-3m": "Oh", "m3m": "Oh", "4/m-32/m": "Oh",
}  # fmt: skip


def schoenflies_name(hermann_mauguin: str) -> str:
    """Schoenflies name of a crystallographic point-group symbol in any orientation.

    Dots (spglib's placeholders for symmetry directions without an element) and spaces are
    dropped before the look-up, so ``'2/m..'``, ``'.2/m.'`` and ``'2/m'`` all give ``'C2h'``.

    >>> schoenflies_name("m.mm"), schoenflies_name("-4m.2"), schoenflies_name("..2")
    ('D2h', 'D2d', 'C2')
    """
    key = hermann_mauguin.replace(".", "").replace(" ", "")
    try:
        return HERMANN_MAUGUIN_TO_SCHOENFLIES[key]
    except KeyError:
        message = f"{hermann_mauguin!r} is not a crystallographic point-group symbol."
        raise DataError(message) from None


# ----------------------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class CrystalPhase:
    """One published crystal structure: what ``ase.spacegroup.crystal`` needs, and its source.

    ``basis`` lists one ``(element, (x, y, z))`` per Wyckoff orbit, fractional, in the standard
    (ITA) setting of ``spacegroup``.
    """

    spacegroup: int
    cellpar: tuple[float, float, float, float, float, float]
    basis: tuple[tuple[str, tuple[float, float, float]], ...]
    citation: str


@dataclass(frozen=True)
class PublishedCase:
    """A phase transition and the site whose neighbourhood becomes a cluster pair.

    Attributes
    ----------
    name, formula : str
    child : CrystalPhase
        The published distorted phase.
    parent : CrystalPhase or None
        The published parent; None for the ideal cubic perovskite (A at the origin, B at
        (1/2, 1/2, 1/2), X at (0, 1/2, 1/2)) with the child's volume per formula unit.
    supercell : 3x3 ints
        Rows are the child's cell vectors in units of the parent's (right-handed).
    origin_shift : 3 floats
        Added to the parent's fractional coordinates in the child cell to reach the child's origin.
    site : (element, (x, y, z))
        The cluster's centre, as a position of the child (fractional).
    radius : float
        Cluster radius in the parent, in Angstrom; chosen inside a gap between shells.
    expected_group : str
        Schoenflies name of the child's site symmetry (spglib), checked by the tests.
    parent_group : str
        Schoenflies name of the site's symmetry in the parent (spglib), checked by the tests.
    """

    name: str
    formula: str
    child: CrystalPhase
    parent: CrystalPhase | None
    supercell: tuple[tuple[int, int, int], ...]
    origin_shift: tuple[float, float, float]
    site: tuple[str, tuple[float, float, float]]
    radius: float
    expected_group: str
    parent_group: str = "Oh"

    @property
    def citation(self) -> str:
        """The source of the child's coordinates (and of the parent's, when published)."""
        if self.parent is None:
            return self.child.citation
        return f"{self.child.citation}; parent: {self.parent.citation}"


def _pbnm_to_pnma(basis):
    """Pbnm coordinates (x, y, z) -> Pnma (y, z, x); the cell (a, b, c) becomes (b, c, a)."""
    return tuple((element, (y, z, x)) for element, (x, y, z) in basis)


_IDENTITY = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
#: I4/mcm a^0a^0c^- cell: a = a1 + a2, b = -a1 + a2, c = 2 a3.
_I4MCM_CELL = ((1, 1, 0), (-1, 1, 0), (0, 0, 2))
#: Pnma a^-b^+a^- cell: a = a1 + a3, b = 2 a2, c = -a1 + a3.
_PNMA_CELL = ((1, 0, 1), (0, 2, 0), (-1, 0, 1))

_BATIO3_TETRAGONAL = CrystalPhase(
    99, (3.9920, 3.9920, 4.0361, 90, 90, 90),
    (("Ba", (0, 0, 0)), ("Ti", (0.5, 0.5, 0.5135)), ("O", (0.5, 0.5, -0.0250)),
     ("O", (0.5, 0.0, 0.4850))),
    "J. Harada, T. Pedersen, Z. Barnea, Acta Cryst. A26, 336 (1970), room temperature",
)  # fmt: skip
_BATIO3_ORTHORHOMBIC = CrystalPhase(
    38, (3.9841, 5.6741, 5.6916, 90, 90, 90),
    (("Ba", (0, 0, 0)), ("Ti", (0.5, 0, 0.5170)), ("O", (0, 0, 0.4890)),
     ("O", (0.5, 0.2561, 0.2343))),
    "G. H. Kwei, A. C. Lawson, S. J. L. Billinge, S.-W. Cheong, J. Phys. Chem. 97, 2368 (1993), "
    "orthorhombic phase",
)  # fmt: skip
_PBTIO3_TETRAGONAL = CrystalPhase(
    99, (3.904, 3.904, 4.152, 90, 90, 90),
    (("Pb", (0, 0, 0)), ("Ti", (0.5, 0.5, 0.540)), ("O", (0.5, 0.5, 0.112)),
     ("O", (0.5, 0.0, 0.612))),
    "G. Shirane, R. Pepinsky, B. C. Frazer, Acta Cryst. 9, 131 (1956), room temperature",
)  # fmt: skip
_SRTIO3_TETRAGONAL = CrystalPhase(
    140, (5.5100, 5.5100, 7.8000, 90, 90, 90),
    (("Sr", (0, 0.5, 0.25)), ("Ti", (0, 0, 0)), ("O", (0, 0, 0.25)),
     ("O", (0.2413, 0.7413, 0))),
    "W. Jauch, A. Palmer, Phys. Rev. B 60, 2961 (1999), 50 K (TiO6 rotation about 2 degrees)",
)  # fmt: skip
_KCUF3_TETRAGONAL = CrystalPhase(
    140, (5.8569, 5.8569, 7.8487, 90, 90, 90),
    (("K", (0, 0, 0.25)), ("Cu", (0, 0.5, 0)), ("F", (0, 0.5, 0.25)),
     ("F", (0.2280, 0.7280, 0))),
    "R. H. Buttner, E. N. Maslen, N. Spadaccini, Acta Cryst. C46, 131 (1990), d-type polytype",
)  # fmt: skip
_LAMNO3_ORTHORHOMBIC = CrystalPhase(
    62, (5.7473, 7.6929, 5.5367, 90, 90, 90),
    _pbnm_to_pnma((("La", (0.9922, 0.0490, 0.25)), ("Mn", (0.5, 0, 0)),
                   ("O", (0.0745, 0.4874, 0.25)), ("O", (0.7256, 0.3066, 0.0384)))),
    "J. Rodriguez-Carvajal, M. Hennion, F. Moussa, A. H. Moudden, L. Pinsard, A. Revcolevschi, "
    "Phys. Rev. B 57, R3189 (1998), room temperature (Pbnm, here in Pnma)",
)  # fmt: skip
_CATIO3_ORTHORHOMBIC = CrystalPhase(
    62, (5.4224, 7.6510, 5.4043, 90, 90, 90),
    _pbnm_to_pnma((("Ca", (0.9916, 0.0123, 0.25)), ("Ti", (0.5, 0, 0)),
                   ("O", (0.0586, 0.4687, 0.25)), ("O", (0.7130, 0.2880, 0.0371)))),
    "T. Yamanaka, M. Hirai, Y. Komatsu, Am. Mineral. 87, 1183 (2002), ambient (AMCSD 0002890; "
    "Pbnm, here in Pnma)",
)  # fmt: skip
# Levien et al. give Si at (x, 0, 0) in a P3_221 setting whose origin is shifted by -c/6 from the
# ITA one that ASE uses; +1/6 on z puts the atoms on ITA positions 3b and 6c.
_QUARTZ_ALPHA = CrystalPhase(
    154, (4.916, 4.916, 5.4054, 90, 90, 120),
    (("Si", (0.4697, 0, 1 / 6)), ("O", (0.4135, 0.2669, 0.1191 + 1 / 6))),
    "L. Levien, C. T. Prewitt, D. J. Weidner, Am. Mineral. 65, 920 (1980), 1 atm (AMCSD 0000789)",
)  # fmt: skip
_QUARTZ_BETA = CrystalPhase(
    180, (4.9965, 4.9965, 5.4570, 90, 90, 120),
    (("Si", (0.5, 0, 0)), ("O", (0.4152, 0.2076, 1 / 6))),
    "K. Kihara, Eur. J. Mineral. 2, 63 (1990), 848 K (AMCSD 0006370)",
)  # fmt: skip


def _case(name, formula, child, site, radius, expected, *, parent=None, supercell=_IDENTITY,
          origin_shift=(0.0, 0.0, 0.0), parent_group="Oh"):  # fmt: skip
    return name, PublishedCase(name, formula, child, parent, supercell, origin_shift, site,
                               radius, expected, parent_group)  # fmt: skip


#: Catalogue name -> :class:`PublishedCase`. Origin shifts: the parent's B site (1/2, 1/2, 1/2)
#: lands on the child's B site; quartz needs the c/6 of the P3_221 setting (see above).
CASES: dict[str, PublishedCase] = dict([
    _case("BaTiO3_P4mm_Ti", "BaTiO3", _BATIO3_TETRAGONAL, ("Ti", (0.5, 0.5, 0.5135)), 4.2, "C4v"),
    _case("BaTiO3_Amm2_Ti", "BaTiO3", _BATIO3_ORTHORHOMBIC, ("Ti", (0.5, 0, 0.5170)), 4.2, "C2v",
          supercell=((1, 0, 0), (0, 1, -1), (0, 1, 1))),
    _case("PbTiO3_P4mm_Pb", "PbTiO3", _PBTIO3_TETRAGONAL, ("Pb", (0, 0, 0)), 4.3, "C4v"),
    _case("SrTiO3_I4mcm_Ti", "SrTiO3", _SRTIO3_TETRAGONAL, ("Ti", (0, 0, 0)), 4.2, "C4h",
          supercell=_I4MCM_CELL, origin_shift=(0.5, 0, -0.25)),
    _case("SrTiO3_I4mcm_Sr", "SrTiO3", _SRTIO3_TETRAGONAL, ("Sr", (0, 0.5, 0.25)), 4.3, "D2d",
          supercell=_I4MCM_CELL, origin_shift=(0.5, 0, -0.25)),
    _case("KCuF3_I4mcm_K", "KCuF3", _KCUF3_TETRAGONAL, ("K", (0, 0, 0.25)), 4.4, "D4",
          supercell=_I4MCM_CELL, origin_shift=(0.5, 0.5, -0.25)),
    _case("KCuF3_I4mcm_Cu", "KCuF3", _KCUF3_TETRAGONAL, ("Cu", (0, 0.5, 0)), 4.3, "D2h",
          supercell=_I4MCM_CELL, origin_shift=(0.5, 0.5, -0.25)),
    _case("LaMnO3_Pnma_Mn", "LaMnO3", _LAMNO3_ORTHORHOMBIC, ("Mn", (0, 0, 0.5)), 4.3, "Ci",
          supercell=_PNMA_CELL, origin_shift=(-0.5, -0.25, 0.5)),
    _case("CaTiO3_Pnma_Ti", "CaTiO3", _CATIO3_ORTHORHOMBIC, ("Ti", (0, 0, 0.5)), 4.2, "Ci",
          supercell=_PNMA_CELL, origin_shift=(-0.5, -0.25, 0.5)),
    _case("quartz_P3221_Si", "SiO2", _QUARTZ_ALPHA, ("Si", (0.4697, 0, 1 / 6)), 4.5, "C2",
          parent=_QUARTZ_BETA, origin_shift=(0, 0, 1 / 6), parent_group="D2"),
])  # fmt: skip


# ----------------------------------------------------------------------------- the pairs


@dataclass(frozen=True)
class DistortionPair:
    """A cluster before (``source``, parent) and after (``target``, child) a distortion.

    Attributes
    ----------
    name : str
    source, target : (N, 3) float64 arrays
        Row i of ``source`` becomes row i of ``target``; Angstrom for crystals. Row 0 is the
        central site.
    species : tuple of str
        Element (or label) per row.
    expected_group : str
        Schoenflies name of the symmetry the distortion keeps (spglib's child site symmetry for
        crystals, the constructed group for synthetic clusters).
    parent_group : str
        Schoenflies name of the source cluster's own point group.
    citation : str
    """

    name: str
    source: np.ndarray
    target: np.ndarray
    species: tuple[str, ...]
    expected_group: str
    parent_group: str
    citation: str
    extras: dict = field(default_factory=dict, compare=False)

    @property
    def displacement(self) -> np.ndarray:
        """``target - source``."""
        return self.target - self.source

    @property
    def max_displacement(self) -> float:
        """Largest ``|target - source|`` over the atoms (includes any rigid shift)."""
        return float(np.linalg.norm(self.displacement, axis=1).max())


#: The name the catalogue's API was first sketched with.
PublishedPair = DistortionPair


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DataError(
            f"the published crystal structures need {module.split('.')[0]}; "
            "install them with `pip install symbreak[crystals]` (ase and spglib)."
        ) from None


def build_crystal(phase: CrystalPhase):
    """The ASE ``Atoms`` of a :class:`CrystalPhase` (its conventional cell)."""
    spacegroup = _optional("ase.spacegroup")
    symbols = [element for element, _ in phase.basis]
    positions = [position for _, position in phase.basis]
    return spacegroup.crystal(symbols, positions, spacegroup=phase.spacegroup,
                              cellpar=list(phase.cellpar))  # fmt: skip


def site_symmetry_group(atoms, index: int, symprec: float = 1e-3) -> str:
    """Schoenflies name of the site symmetry of atom ``index`` in a periodic ``atoms``.

    spglib's ``site_symmetry_symbols`` (oriented Hermann-Mauguin) through
    :func:`schoenflies_name`. ``symprec`` in Angstrom, as spglib takes it.
    """
    spglib = _optional("spglib")
    cell = (np.asarray(atoms.cell), atoms.get_scaled_positions(), atoms.numbers)
    dataset = spglib.get_symmetry_dataset(cell, symprec=symprec)
    if dataset is None:
        raise DataError("spglib found no symmetry for the structure.")
    symbols = getattr(dataset, "site_symmetry_symbols", None)
    if symbols is None:  # spglib < 2.5 returns a dict
        symbols = dataset["site_symmetry_symbols"]
    return schoenflies_name(symbols[index])


def _standard_cell(cell: np.ndarray) -> np.ndarray:
    """The same lattice with a along x and b in the xy plane (the ``cellpar`` orientation)."""
    geometry = _optional("ase.geometry")
    return geometry.cellpar_to_cell(geometry.cell_to_cellpar(cell))


def _parent_in_child_cell(case: PublishedCase, child):
    """The parent as ``Atoms`` in the child's cell (standard orientation), origin shifted."""
    build = _optional("ase.build")
    supercell = np.array(case.supercell)
    if case.parent is None:
        volume = abs(np.linalg.det(np.asarray(child.cell))) / abs(np.linalg.det(supercell))
        a_site, b_site, x_site = _perovskite_elements(case.formula)
        length = volume ** (1 / 3)
        parent = CrystalPhase(221, (length, length, length, 90, 90, 90),
                              ((a_site, (0, 0, 0)), (b_site, (0.5, 0.5, 0.5)),
                               (x_site, (0, 0.5, 0.5))), "")  # fmt: skip
    else:
        parent = case.parent
    big = build.make_supercell(build_crystal(parent), supercell)
    fractional = big.get_scaled_positions(wrap=False) + np.asarray(case.origin_shift)
    return big, np.mod(fractional, 1.0), _standard_cell(np.asarray(big.cell))


def _perovskite_elements(formula: str) -> tuple[str, str, str]:
    """('Ba', 'Ti', 'O') from 'BaTiO3'."""
    elements = re.findall(r"[A-Z][a-z]?", formula)
    if len(elements) != 3:
        raise DataError(f"{formula!r} is not an ABX3 perovskite formula.")
    return elements[0], elements[1], elements[2]


def published_pair(name: str, *, rotation=None, radius: float | None = None,
                   site: tuple[str, tuple] | None = None) -> DistortionPair:  # fmt: skip
    """The cluster pair of catalogue entry ``name`` (a key of :data:`CASES`).

    Parameters
    ----------
    rotation : optional 3x3 orthogonal matrix applied to source and target (random frames).
    radius : optional cluster radius in Angstrom, instead of the entry's.
    site : optional centre ``(element, (x, y, z))`` (a child position, fractional), instead of
        the entry's: another site of the same transition (the expected group is still
        spglib's site symmetry of the site used).

    Returns
    -------
    DistortionPair with ``expected_group`` from spglib on the child and ``parent_group`` from
    spglib on the parent; ``extras`` holds ``child_cell`` and ``parent_cell`` (the lattices in
    the cluster's frame before ``rotation``, rows are cell vectors).
    """
    if name not in CASES:
        raise DataError(f"unknown published case {name!r}; choose one of {', '.join(CASES)}.")
    case = CASES[name]
    child = build_crystal(case.child)
    child_fractional = child.get_scaled_positions()
    child_cell = np.asarray(child.cell)
    parent, parent_fractional, parent_cell = _parent_in_child_cell(case, child)
    parent_symbols = parent.get_chemical_symbols()
    partner, shift = match_atoms(parent_fractional, parent_symbols, child_fractional,
                                 child.get_chemical_symbols(), child_cell)  # fmt: skip
    site = _site_index(child, site or case.site)
    centre = int(np.flatnonzero(partner == site)[0])
    rows, images = _cluster(parent_fractional, parent_cell, centre, radius or case.radius)
    # Fractional coordinates about the site, so that each lattice strains the cluster about the
    # site rather than about the cell's origin (which would add a rigid shift of up to 0.3 A).
    relative = parent_fractional[rows] + images - parent_fractional[centre]
    source = relative @ parent_cell
    target = (relative + shift[rows]) @ child_cell
    if rotation is not None:
        rotation = np.asarray(rotation, dtype=np.float64)
        source, target = source @ rotation.T, target @ rotation.T
    return DistortionPair(
        name=name, source=source, target=target,
        species=tuple(parent_symbols[i] for i in rows),
        expected_group=site_symmetry_group(child, site),
        parent_group=site_symmetry_group(parent, centre),
        citation=case.citation,
        extras={"child_cell": child_cell, "parent_cell": parent_cell},
    )  # fmt: skip


def _site_index(atoms, site) -> int:
    element, position = site
    symbols = np.asarray(atoms.get_chemical_symbols())
    delta = _minimum_image(atoms.get_scaled_positions() - np.asarray(position))
    distance = np.linalg.norm(delta @ np.asarray(atoms.cell), axis=1)
    distance[symbols != element] = np.inf
    index = int(np.argmin(distance))
    if distance[index] > 1e-3:
        raise DataError(f"no {element} atom at {position} in the child structure.")
    return index


def _cluster(fractional, cell, centre: int, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Atom rows and lattice images within ``radius`` of atom ``centre``, nearest first."""
    heights = 1.0 / np.linalg.norm(np.linalg.inv(cell), axis=0)
    reach = np.ceil(radius / heights).astype(int) + 1
    grid = np.stack(np.meshgrid(*[np.arange(-r, r + 1) for r in reach], indexing="ij"), -1)
    images = grid.reshape(-1, 3)
    offset = fractional[None] + images[:, None] - fractional[centre]
    distance = np.linalg.norm(offset @ cell, axis=-1)
    image_index, rows = np.nonzero(distance <= radius)
    order = np.argsort(np.round(distance[image_index, rows], 6), kind="stable")
    return rows[order], images[image_index[order]]


def write_distortion_pairs(path: str | os.PathLike, pairs: Sequence[DistortionPair]) -> None:
    """Write distortion pairs to a symbreak pairs file with :func:`~symbreak.data.write_pairs`.

    The file attribute ``expected_groups`` (JSON) maps each pair's name to its expected group.
    """
    expected = json.dumps({pair.name: pair.expected_group for pair in pairs})
    write_pairs(path, {p.name: (p.source, p.target, list(p.species)) for p in pairs},
                attrs={"example": "published", "expected_groups": expected})  # fmt: skip


def write_published_pairs(path: str | os.PathLike, names: Sequence[str] | None = None,
                          rotation=None) -> None:  # fmt: skip
    """Write catalogue entries (all by default) to a symbreak pairs file, one pair per name."""
    write_distortion_pairs(path, [published_pair(name, rotation=rotation)
                                  for name in (names or list(CASES))])  # fmt: skip


# ----------------------------------------------------------------------------- synthetic shapes


def frustum_cube(shrink: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """The cube :math:`[-1, 1]^3` with its top face (z = 1) scaled by ``shrink`` in x and y.

    The frustum keeps :math:`C_{4v}`: the four vertical mirrors, no horizontal one.
    """
    source = cube()
    target = source.copy()
    top = source[:, 2] > 0
    target[top, :2] *= shrink
    return source, target


def twisted_cube(angle: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """The cube :math:`[-1, 1]^3` with only its top face turned by ``angle`` (radians) about z.

    The twist keeps :math:`C_4`: mirrors reverse its sense and the half-turns about x and y swap
    the twisted and untwisted faces.
    """
    source = cube()
    c, s = np.cos(angle), np.sin(angle)
    turn = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    target = source.copy()
    top = source[:, 2] > 0
    target[top] = source[top] @ turn.T
    return source, target


def octahedral_cluster(polyhedral: bool = False) -> tuple[np.ndarray, tuple[str, ...]]:
    """15 atoms with :math:`O_h` symmetry: centre 'C', octahedron 'O' (distance 1), cube 'M'.

    The cube vertices are at :math:`(\\pm 0.75, \\pm 0.75, \\pm 0.75)`; the nearest-neighbour
    distance is 1 (centre to octahedron). With ``polyhedral`` the cube is replaced by the 24
    atoms :math:`(\\pm 0.6, \\pm 0.6, \\pm 1.6)` and permutations (31 atoms): they sit on no
    rotation axis, so a T-, Th- or O-symmetric field on them is not automatically Td or Oh.
    """
    octahedron = np.concatenate([np.eye(3), -np.eye(3)])
    signs = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)])
    if polyhedral:
        shell = np.concatenate([signs * np.roll([0.6, 0.6, 1.6], k) for k in range(3)])
    else:
        shell = 0.75 * signs
    positions = np.concatenate([np.zeros((1, 3)), octahedron, shell])
    return positions, ("C",) + ("O",) * 6 + ("M",) * len(shell)


def hexagonal_cluster() -> tuple[np.ndarray, tuple[str, ...]]:
    """21 atoms with :math:`D_{6h}` symmetry: centre 'C', hexagon 'O' (radius 1, a vertex on x),
    two apices 'O' at :math:`z = \\pm 1.2` and a hexagonal prism 'M' (radius 1, :math:`z = \\pm
    0.8`) turned by 30 degrees. Nearest-neighbour distance 1."""
    angles = np.arange(6) * np.pi / 3
    ring = np.stack([np.cos(angles), np.sin(angles), np.zeros(6)], axis=1)
    turned = np.stack([np.cos(angles + np.pi / 6), np.sin(angles + np.pi / 6), np.zeros(6)], 1)
    prism = np.concatenate([turned + [0, 0, 0.8], turned - [0, 0, 0.8]])
    apices = np.array([[0.0, 0.0, 1.2], [0.0, 0.0, -1.2]])
    positions = np.concatenate([np.zeros((1, 3)), ring, apices, prism])
    return positions, ("C",) + ("O",) * 8 + ("M",) * 12


def _permutation(matrix: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """p with matrix @ x_i = x_p(i) (to 1e-9); the positions must be symmetric under ``matrix``."""
    p = atom_permutation(positions @ matrix.T, positions, 1e-9)
    if p is None:
        raise DataError("the group is not a symmetry of the parent cluster.")
    return p


def reynolds_average(displacement: np.ndarray, positions: np.ndarray, elements) -> np.ndarray:
    r"""The H-equivariant part of a displacement field on an H-symmetric cluster.

    .. math:: \bar d(x_{p_h(i)}) = \frac{1}{|H|} \sum_{h \in H} h\, d(x_i),
        \qquad h x_i = x_{p_h(i)},

    the average over h of :math:`h \cdot d \circ h^{-1}`, so :math:`\bar d(h x) = h \bar d(x)`
    for every h in H (e.g. Fulton & Harris, *Representation Theory*, Sec. 2.2).
    """
    average = np.zeros_like(displacement)
    for matrix in elements:
        average[_permutation(matrix, positions)] += displacement @ matrix.T
    return average / len(elements)


def symmetric_distortion(group: str, amplitude: float = 0.02, seed: int = 0,
                         rotation=None) -> DistortionPair:  # fmt: skip
    """A 15-, 21- or 31-atom, 3-species cluster whose distortion keeps exactly the point group
    ``group`` (a Schoenflies name in :func:`~symbreak.symmetry.named_group`'s orientation).

    The parent is :func:`octahedral_cluster` (:math:`O_h`) when it contains the group, else
    :func:`hexagonal_cluster` (:math:`D_{6h}`). A normal random displacement per atom is
    :func:`reynolds_average`-d over the group and scaled so that the largest displacement is
    ``amplitude`` times the nearest-neighbour distance (1). For a generic draw nothing larger
    than the group survives; the tests check that with
    :func:`~symbreak.symmetry.transformation_group`.

    >>> pair = symmetric_distortion("D2d", amplitude=0.01)
    >>> pair.expected_group, pair.parent_group, len(pair.source), round(pair.max_displacement, 3)
    ('D2d', 'Oh', 15, 0.01)
    """
    from symbreak.symmetry import named_group

    elements = named_group(group).elements
    # On the small cluster every T/Th/O-symmetric field is also Td/Oh-symmetric (its atoms sit
    # on 3- and 4-fold axes), so those three groups get the 31-atom one.
    positions, species = octahedral_cluster(polyhedral=group in ("T", "Th", "O"))
    parent_group = "Oh"
    if not _contains(named_group("Oh").elements, elements):
        positions, species = hexagonal_cluster()
        parent_group = "D6h"
        if not _contains(named_group("D6h").elements, elements):
            raise DataError(f"{group} is not a subgroup of Oh or D6h in standard orientation.")
    raw = np.random.default_rng(seed).standard_normal(positions.shape)
    field = reynolds_average(raw, positions, elements)
    largest = np.linalg.norm(field, axis=1).max()
    if largest == 0:
        raise DataError(f"{group} leaves no room to move any atom of the parent cluster.")
    source, target = positions, positions + field * (amplitude / largest)
    if rotation is not None:
        rotation = np.asarray(rotation, dtype=np.float64)
        source, target = source @ rotation.T, target @ rotation.T
    return DistortionPair(f"synthetic_{group}", source, target, species, group, parent_group,
                          "synthetic: Reynolds average of a random field")  # fmt: skip


def _contains(group_elements: np.ndarray, elements: np.ndarray) -> bool:
    difference = np.abs(elements[:, None] - group_elements[None]).max(axis=(-1, -2))
    return bool(np.all(difference.min(axis=1) < 1e-8))


def write_crystal_pair(folder: str | os.PathLike, name: str, seed: int = 0):
    """Parent and child cells of a catalogue case as ASE ``.traj`` files, each in its own
    random frame and the child's atoms shuffled, as a user's two files would come.

    A case without a parent phase gets the ideal cubic perovskite with the child's volume per
    formula unit. Returns the parent's path, the child's path and the child as written.
    """
    from ase.io import write
    from ase.spacegroup import crystal
    from scipy.spatial.transform import Rotation

    case = CASES[name]
    child = build_crystal(case.child)
    if case.parent is None:
        a_site, b_site, x_site = _perovskite_elements(case.formula)
        length = (child.get_volume() / (len(child) // 5)) ** (1 / 3)
        parent = crystal([a_site, b_site, x_site], [(0, 0, 0), (0.5, 0.5, 0.5), (0, 0.5, 0.5)],
                         spacegroup=221, cellpar=[length] * 3 + [90] * 3)  # fmt: skip
    else:
        parent = build_crystal(case.parent)
    rng = np.random.default_rng(seed)
    for atoms in (parent, child):
        turn = Rotation.random(random_state=rng).as_matrix()
        atoms.set_cell(np.asarray(atoms.cell) @ turn.T, scale_atoms=True)
    child = child[rng.permutation(len(child))]
    folder = Path(folder)
    write(folder / f"{name}_parent.traj", parent)
    write(folder / f"{name}_child.traj", child)
    return folder / f"{name}_parent.traj", folder / f"{name}_child.traj", child


__all__ = [
    "CASES",
    "HERMANN_MAUGUIN_TO_SCHOENFLIES",
    "CrystalPhase",
    "DistortionPair",
    "PublishedCase",
    "PublishedPair",
    "build_crystal",
    "frustum_cube",
    "hexagonal_cluster",
    "match_atoms",
    "octahedral_cluster",
    "published_pair",
    "reynolds_average",
    "schoenflies_name",
    "site_symmetry_group",
    "symmetric_distortion",
    "twisted_cube",
    "write_crystal_pair",
    "write_distortion_pairs",
    "write_published_pairs",
]
