"""Symmetry modes of a crystal pair: the child's distortion in irreps of the parent's space group.

The glue between the files and the group theory of :func:`symbreak.symmetry.decompose`:

1. :func:`~symbreak.data.cells.map_cells` finds the supercell M, the origin shift and the
   atom matching;
2. spglib gives the parent's operations *in the parent's own cell and origin* (the labels
   are for the parent as the user gave it) and the child's space group;
3. the displacements are measured in the undistorted parent lattice (the strain is taken
   out and reported on its own, as irreps of the parent's point group), and their mean
   (a rigid translation) is removed;
4. per mode: its isotropy subgroup (spglib on the parent plus that mode alone), and whether
   it is the child's group (a primary order parameter) or a proper supergroup (secondary).

spglib is imported when called (``pip install symbreak[crystals]``); nothing here imports
torch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from symbreak.data.cells import map_cells
from symbreak.data.structures import Structure
from symbreak.errors import DataError

#: spglib's symprec (Angstrom) for the parent's and child's groups.
DEFAULT_SYMPREC = 1e-3

#: Modes below this amplitude (Angstrom) are numerical noise of a decomposition.
NOISE_AMPLITUDE = 1e-5

#: Modes of at least this amplitude (Angstrom) get their displacements in a run's report,
#: for its pictures (as in ``symbreak modes --render``).
DRAWN_AMPLITUDE = 0.01

#: Printed with every decomposition.
LATTICE_NOTE = (
    "Displacements are measured in the undistorted parent lattice (strain taken out and given "
    "separately); amplitudes are sqrt(sum |u|^2) over the child's primitive cell (AMPLIMODES), "
    "so they add in quadrature to the total."
)
ORIGIN_NOTE = (
    "Labels are for the parent's origin as given; moving the origin to another site of full "
    "symmetry relabels zone-boundary modes (R4+ <-> R5-, M2+ <-> M3+, X5+ <-> X5- in a "
    "perovskite): --other-origin prints that setting."
)


@dataclass(frozen=True)
class ModeDecomposition:
    """The symmetry modes of one crystal pair (see the module docstring).

    Attributes
    ----------
    parent_group, child_group : (number, Hermann-Mauguin symbol)
    supercell : (3, 3) int; origin_shift : (3,) (from :func:`map_cells`)
    origin : (3,) the parent origin the labels refer to (fractional, parent cell)
    modes : list of dicts (label, k, amplitude, ...), largest first
    strain : list of dicts (label, amplitude), the strain's irreps
    total : Angstrom, the whole distortion (same normalisation)
    notes : sentences for people
    lattice : (3, 3) the parent's lattice; cell : (3, 3) int, the supercell n I the modes live
        on (n Z^3 is kept by every operation of the parent); positions : (N, 3) its atoms,
        parent fractional; symbols : their elements; fields : (N, 3) Cartesian displacement
        of each mode, in the order of ``modes`` (not in JSON)
    """

    parent_group: tuple[int, str]
    child_group: tuple[int, str]
    supercell: np.ndarray
    origin_shift: np.ndarray
    origin: np.ndarray
    modes: list
    strain: list
    total: float
    notes: list = field(default_factory=list)
    lattice: np.ndarray = field(default=None, repr=False, compare=False)
    cell: np.ndarray = field(default=None, repr=False, compare=False)
    positions: np.ndarray = field(default=None, repr=False, compare=False)
    symbols: tuple = field(default=(), repr=False, compare=False)
    fields: tuple = field(default=(), repr=False, compare=False)
    rotations: np.ndarray = field(default=None, repr=False, compare=False)

    def point_group(self) -> list[np.ndarray]:
        """The parent's point group as Cartesian matrices (parent frame)."""
        lattice = np.asarray(self.lattice, float)
        rotations = {np.asarray(r).tobytes(): np.asarray(r) for r in self.rotations}
        return [lattice.T @ r @ np.linalg.inv(lattice.T) for r in rotations.values()]

    def subduction(self, l_max: int = 4) -> dict[str, dict[str, int]]:
        """Each O(3) irrep up to ``l_max`` in the parent point group's Gamma irreps."""
        from symbreak.conventions import relaxed_irrep_names
        from symbreak.symmetry import subduce

        matrices = self.point_group()
        lattice = np.asarray(self.lattice, float)
        references = lattice / np.linalg.norm(lattice, axis=1, keepdims=True)
        return {name: subduce(name, matrices, references) for name in relaxed_irrep_names(l_max)}

    columns = property(lambda self: MODE_COLUMNS)

    def in_child_cell(self, minimum: float = DRAWN_AMPLITUDE) -> dict:
        """JSON-ready, for pictures: the parent in the child's cell (``cell``, rows; the
        atoms' Cartesian ``positions`` inside it and their ``species``; parent frame,
        undistorted parent lattice) and ``displacements``: per mode of at least ``minimum``
        A, its label, k and amplitude and each atom's displacement (A, rounded to 1e-5).

        Each mode is periodic in the child's cell (the projectors commute with the child's
        translations, which belong to the parent's group), so its field on the n Z^3 cell
        the modes were split on is that of the child's atoms, repeated.
        """
        supercell = np.asarray(self.supercell, dtype=np.float64)
        in_child = np.mod(np.asarray(self.positions) @ np.linalg.inv(supercell) + 1e-9, 1.0) - 1e-9
        _, first = np.unique(np.round(in_child, 5) % 1.0, axis=0, return_index=True)
        first = np.sort(first)
        cell = supercell @ np.asarray(self.lattice, dtype=np.float64)
        drawn = [{"label": mode["label"], "k": mode["k"], "amplitude": mode["amplitude"],
                  "displacement": np.round(np.asarray(field_)[first], 5).tolist()}
                 for mode, field_ in zip(self.modes, self.fields)
                 if mode["amplitude"] >= minimum]  # fmt: skip
        return {"cell": np.round(cell, 6).tolist(),
                "positions": np.round(in_child[first] @ cell, 6).tolist(),
                "species": [str(self.symbols[i]) for i in first], "displacements": drawn}

    def to_dict(self) -> dict:
        """JSON-ready: ``{"modes": [...], ...}``."""
        return {
            "kind": "crystal",
            "parent": {"number": self.parent_group[0], "symbol": self.parent_group[1]},
            "child": {"number": self.child_group[0], "symbol": self.child_group[1]},
            "supercell": np.asarray(self.supercell).astype(int).tolist(),
            "origin_shift": np.round(self.origin_shift, 6).tolist(),
            "origin": np.round(self.origin, 6).tolist(),
            "total_amplitude": round(self.total, 6),
            "modes": self.modes,
            "strain": self.strain,
            "notes": self.notes,
        }

    def headline(self) -> str:
        """One line: the groups, the cell and the total amplitude."""
        matrix = " ".join("[" + " ".join(str(int(v)) for v in row) + "]" for row in self.supercell)
        return (f"{self.parent_group[1]} (No. {self.parent_group[0]}) -> {self.child_group[1]} "
                f"(No. {self.child_group[0]}); child cell {matrix} in parent units; total "
                f"amplitude {self.total:.4f} A")  # fmt: skip

    def rows(self, minimum: float = 1e-4) -> list[tuple[str, ...]]:
        """Table rows (see :data:`MODE_COLUMNS`) for modes of at least ``minimum`` A."""
        rows = []
        for mode in self.modes:
            if mode["amplitude"] < minimum:
                continue
            group = mode["isotropy_subgroup"]
            rows.append((
                mode["label"], f"{mode['k_name']} {mode['k']}",
                f"{len(mode['arms'])} of {len(mode['star'])}", mode["direction"],
                f"{mode['amplitude']:.4f}", f"{group['symbol']} ({group['number']})",
                "primary" if mode["primary"] else "secondary",
            ))  # fmt: skip
        return rows

    def sites_line(self, minimum: float = 1e-4) -> str:
        """The atoms each mode moves (Wyckoff site of the parent, amplitude on them)."""
        parts = [mode["label"] + ": " + ", ".join(f"{name} {value:.3f}"
                                                   for name, value in mode["sites"].items())
                 for mode in self.modes if mode["amplitude"] >= minimum]  # fmt: skip
        return "atoms (parent site, A): " + "; ".join(parts)

    def strain_line(self) -> str:
        """The strain's irreps in one line."""
        parts = [f"{item['label']} {item['amplitude']:.4g}" for item in self.strain]
        return "strain (dimensionless, Frobenius norm per irrep): " + (", ".join(parts) or "none")


#: Column titles of :meth:`ModeDecomposition.rows`.
MODE_COLUMNS = ("irrep", "k", "arms", "direction", "amplitude (A)", "isotropy subgroup",
                "order")


def _spglib():
    os.environ.setdefault("SPGLIB_WARNING", "OFF")
    try:
        import spglib
    except ImportError:
        raise DataError(
            "symmetry modes need spglib; install it with `pip install symbreak[crystals]`."
        ) from None
    return spglib


def _types(symbols) -> np.ndarray:
    names = sorted(set(symbols))
    return np.array([names.index(s) for s in symbols])


def _dataset(cell, fractional, symbols, symprec, where):
    dataset = _spglib().get_symmetry_dataset(
        (np.asarray(cell), np.asarray(fractional), _types(symbols)), symprec=symprec
    )
    if dataset is None:
        raise DataError(f"{where}: spglib finds no space group at symprec {symprec:g}.")
    return dataset


def _family(dataset) -> tuple[str | None, np.ndarray | None]:
    """The lattice family for k-point letters and spglib's transformation P to the standard
    basis, when the cell is a primitive lattice's conventional cell in some setting (P an
    integer matrix of determinant +-1); (None, None) otherwise."""
    transform = np.asarray(dataset.transformation_matrix, dtype=np.float64)
    integral = np.allclose(transform, np.round(transform), atol=1e-6)
    unimodular = abs(abs(np.linalg.det(transform)) - 1) < 1e-6
    number = int(dataset.number)
    centred = {"F": "cubic-F", "I": "cubic-I" if number >= 195 else "tetragonal-I"}
    if dataset.international[0] in "FI" and number >= 75:  # a primitive cell of it
        return centred[dataset.international[0]], transform
    if dataset.international[0] != "P" or not integral or not unimodular:
        return None, None
    for family, first in (("cubic", 195), ("hexagonal", 143), ("tetragonal", 75),
                          ("orthorhombic", 16)):  # fmt: skip
        if number >= first:
            return family, np.round(transform)
    return None, None


def _other_origin(parent: Structure, dataset, origin) -> np.ndarray | None:
    """A parent atom site of full point symmetry that is not the current origin."""
    rotations = np.asarray(dataset.rotations)
    for position in parent.fractional:
        shift = position - origin
        if np.abs(shift - np.round(shift)).max() < 1e-3:
            continue
        moved = np.einsum("nij,j->ni", rotations, position) + dataset.translations
        delta = moved - position
        if np.abs(delta - np.round(delta)).max() < 1e-3:
            return np.mod(position, 1.0)
    return None


def crystal_modes(
    parent: Structure,
    child: Structure,
    *,
    symprec: float = DEFAULT_SYMPREC,
    other_origin: bool = False,
) -> ModeDecomposition:
    """The symmetry-mode decomposition of ``child`` against ``parent`` (two periodic cells).

    ``other_origin`` labels the modes for the parent's origin moved to another site of full
    symmetry (the B site of a perovskite given with A at the origin, and back).

    Raises
    ------
    DataError
        One sentence when the atoms cannot be matched, or the child's group is not a
        subgroup of the parent's (some operation of the child does not keep the parent).
    """
    from symbreak.symmetry import SupercellAction, decompose

    parent_data = _dataset(parent.cell, parent.fractional, parent.symbols, symprec, parent.where)
    notes = [LATTICE_NOTE, ORIGIN_NOTE]
    if parent_data.international[0] != "P":
        # a centred lattice: its conventional cell holds several primitive cells, whose wave
        # vectors (X at (0,1,0) of fcc) a supercell of the conventional cell cannot name
        parent = _standard_parent(parent, symprec, primitive=True)
        parent_data = _dataset(parent.cell, parent.fractional, parent.symbols, symprec,
                               parent.where)  # fmt: skip
        notes[1] = ("The parent's lattice is centred: the modes are split in spglib's primitive "
                    "cell of it (its origin), k-points named in the conventional basis.")
    elif abs(abs(np.linalg.det(parent_data.transformation_matrix)) - 1) > 1e-6:
        # a parent given as a supercell (or a centred lattice's primitive cell): spglib's
        # operations of that cell miss those that do not keep it, so use its standard cell
        parent = _standard_parent(parent, symprec)
        parent_data = _dataset(parent.cell, parent.fractional, parent.symbols, symprec,
                               parent.where)  # fmt: skip
        notes[1] = ("The parent was not given in a conventional cell; labels are for spglib's "
                    "standard cell and origin of it.")  # fmt: skip
    mapping = map_cells(parent, child)
    child_data = _dataset(child.cell, child.fractional, child.symbols, symprec, child.where)
    positions, displacement, supercell, source = _symmetric_supercell(
        *_parent_frame(mapping, parent), mapping.supercell
    )
    symbols = np.asarray(mapping.symbols)[source]
    _check_subgroup(mapping, symprec, parent.where, child.where)
    origin = np.zeros(3)
    if other_origin:
        found = _other_origin(parent, parent_data, origin)
        if found is None:
            raise DataError(f"{parent.where}: has no second atom site of full symmetry to move "
                            "the origin to.")  # fmt: skip
        origin = found
    rotations = np.asarray(parent_data.rotations)
    translations = np.asarray(parent_data.translations)
    translations = translations + np.einsum("nij,j->ni", rotations, origin) - origin
    action = SupercellAction(rotations, translations, parent.cell, positions - origin, supercell)
    n_primitive = len(set(np.asarray(child_data.mapping_to_primitive).tolist()))
    normalisation = n_primitive / len(positions)
    labels = _site_labels(parent, parent_data, positions)
    family, to_standard = _family(parent_data)
    modes = decompose(action, displacement, normalisation=normalisation, family=family,
                      to_standard=to_standard, site_labels=labels,
                      references=None if to_standard is None
                      else np.linalg.inv(to_standard).T @ parent.cell,
                      threshold=NOISE_AMPLITUDE)  # fmt: skip
    total = float(np.sqrt(normalisation * np.sum(displacement**2)))
    records = [_record(mode, action, symbols, symprec) for mode in modes]
    _mark_primary(records, modes, action, symbols, symprec)
    strain = strain_modes(mapping.rotation @ mapping.strain @ mapping.rotation.T,
                          rotations, parent.cell)  # fmt: skip
    if other_origin:
        where = ", ".join(f"{v:.4g}" for v in origin)
        notes[1] = (f"Labels are for the parent's origin moved to ({where}), its other site of "
                    "full symmetry; without --other-origin they are for the origin as given.")
    found = float(np.sqrt(sum(m["amplitude"] ** 2 for m in records)))
    if abs(found - total) > max(1e-3 * total, 2 * NOISE_AMPLITUDE):
        notes.append(f"The modes add in quadrature to {found:.4f} A, not to the total "
                     f"{total:.4f} A: the split is not reliable for this pair (a centred "
                     "parent's modes at general k-points); the total is.")  # fmt: skip
    if any(not m["labelled"] for m in records):
        notes.append("Modes marked '?' are at k-points whose small irreps are not tabulated "
                     "here (a non-symmorphic zone boundary, or an origin off a site of full "
                     "symmetry); their amplitudes are still exact.")  # fmt: skip
    return ModeDecomposition(
        parent_group=(int(parent_data.number), str(parent_data.international)),
        child_group=(int(child_data.number), str(child_data.international)),
        supercell=mapping.supercell, origin_shift=mapping.origin_shift, origin=origin,
        modes=records, strain=strain, total=total, notes=notes,
        lattice=np.asarray(parent.cell), cell=supercell, positions=positions,
        symbols=tuple(symbols.tolist()), fields=tuple(mode.displacement for mode in modes),
        rotations=rotations,
    )  # fmt: skip


def _standard_parent(parent: Structure, symprec: float, primitive: bool = False) -> Structure:
    """spglib's conventional (or primitive) cell of the parent, in the parent's own frame."""
    lattice, positions, numbers = _spglib().standardize_cell(
        (parent.cell, parent.fractional, _types(parent.symbols)), to_primitive=primitive,
        no_idealize=True, symprec=symprec)  # fmt: skip
    names = sorted(set(parent.symbols))
    return Structure(positions @ lattice, tuple(names[n] for n in numbers), lattice,
                     np.ones(3, bool), parent.where)  # fmt: skip


def _parent_frame(mapping, parent: Structure) -> tuple[np.ndarray, np.ndarray]:
    """The supercell's atoms in the parent's fractional coordinates (its own origin), and the
    displacements in the parent's Cartesian frame and undistorted lattice, mean removed."""
    source_fractional = mapping.source @ np.linalg.inv(mapping.source_cell)
    target_fractional = mapping.target @ np.linalg.inv(mapping.target_cell)
    positions = (source_fractional - mapping.origin_shift) @ mapping.supercell
    step = (target_fractional - source_fractional) @ mapping.supercell @ parent.cell
    return positions, step - step.mean(axis=0)


def _symmetric_supercell(positions, displacement, supercell):
    """The displacement field repeated onto the supercell n Z^3 (n the smallest integer with
    n M^{-1} integral), which every operation of the parent keeps: the child's own cell (the
    sqrt(2) x sqrt(2) x 2 cell of I4/mcm) is not invariant under the parent's point group,
    so the parent's group does not act on its atoms alone."""
    inverse = np.linalg.inv(supercell.astype(float))
    n = next(n for n in range(1, 25) if np.allclose(n * inverse, np.round(n * inverse), atol=1e-8))
    big = n * np.eye(3, dtype=np.int64)
    if n == 1:
        return positions, displacement, big, np.arange(len(positions))
    cells = np.array(np.meshgrid(*[np.arange(n)] * 3, indexing="ij")).reshape(3, -1).T
    wrapped = np.mod(positions, 1.0)
    _, first = np.unique(np.round(wrapped, 5) % 1.0, axis=0, return_index=True)
    candidates = (wrapped[np.sort(first)][None] + cells[:, None]).reshape(-1, 3)
    delta = (candidates[:, None] - positions[None]) @ inverse
    off = np.abs(delta - np.round(delta)).max(axis=-1)
    source = np.argmin(off, axis=1)
    return candidates, displacement[source], big, source


def _check_subgroup(mapping, symprec: float, parent_where: str, child_where: str) -> None:
    """Refuse a child whose operations do not all keep the parent (not a subgroup)."""
    spglib = _spglib()
    types = _types(mapping.symbols)
    child_cell = mapping.target_cell
    child_fractional = mapping.target @ np.linalg.inv(child_cell)
    parent_fractional = mapping.source @ np.linalg.inv(mapping.source_cell)
    symmetry = spglib.get_symmetry((child_cell, child_fractional, types), symprec=symprec)
    for rotation, translation in zip(symmetry["rotations"], symmetry["translations"]):
        moved = parent_fractional @ rotation.T + translation
        delta = moved[:, None] - parent_fractional[None]
        delta = (delta - np.round(delta)) @ mapping.source_cell
        distance = np.linalg.norm(delta, axis=-1)
        distance[types[:, None] != types[None]] = np.inf
        # a uniform offset of the child against the parent is allowed (the mean is removed)
        if distance.min(axis=1).max() > max(10 * symprec, 0.02) and not _offset_ok(
            moved, parent_fractional, types, mapping.source_cell
        ):
            raise DataError(
                f"{child_where}'s space group is not a subgroup of {parent_where}'s: one of "
                "its operations does not map the parent onto itself, so no symmetry-mode "
                "decomposition exists."
            )


def _offset_ok(moved, fractional, types, cell) -> bool:
    """Whether ``moved`` is ``fractional`` up to one uniform offset and a permutation."""
    for j in np.flatnonzero(types == types[0]):
        offset = fractional[j] - moved[0]
        delta = (moved + offset)[:, None] - fractional[None]
        delta = (delta - np.round(delta)) @ cell
        distance = np.linalg.norm(delta, axis=-1)
        distance[types[:, None] != types[None]] = np.inf
        if distance.min(axis=1).max() < 0.02:
            return True
    return False


def _site_labels(parent: Structure, dataset, positions) -> list[str]:
    """'O 3d' per supercell atom: the parent's element and Wyckoff position."""
    counts = np.bincount(np.asarray(dataset.equivalent_atoms), minlength=parent.n_atoms)
    names = [f"{s} {counts[dataset.equivalent_atoms[i]]}{dataset.wyckoffs[i]}"
             for i, s in enumerate(parent.symbols)]  # fmt: skip
    delta = positions[:, None] - parent.fractional[None]
    off = np.abs(delta - np.round(delta)).max(axis=-1)
    return [names[i] for i in np.argmin(off, axis=1)]


def _mark_primary(records, modes, action, symbols, symprec) -> None:
    """Primary: a mode that lowers the symmetry when the modes are added largest first
    (CaTiO3: R4+ gives Imma, M3+ then Pnma, and X5+, R5+, M2+ leave Pnma: secondary, driven
    by their coupling to the first two). The isotropy subgroup of a primary mode alone is
    the child's group when one order parameter drives the transition (SrTiO3's R4+)."""
    total = np.zeros_like(modes[0].displacement) if modes else None
    operations = _isotropy(np.zeros((1, 3)), action, symbols, symprec)[2]
    for record, mode in zip(records, modes):
        total = total + mode.displacement
        now = _isotropy(total, action, symbols, symprec, scale=False)[2]
        record["primary"] = bool(now < operations)
        operations = min(operations, now)


def _record(mode, action, symbols, symprec) -> dict:
    from symbreak.symmetry import format_k

    isotropy = _isotropy(mode.displacement, action, symbols, symprec)
    return {
        "label": mode.label,
        "labelled": "?" not in mode.label,
        "k": format_k(mode.k),
        "k_name": mode.k_name,
        "arms": [format_k(k) for k in mode.arms],
        "star": [format_k(k) for k in mode.star],
        "small_irrep": mode.small_irrep,
        "dimension": mode.dimension,
        "direction": mode.direction,
        "amplitude": round(mode.amplitude, 6),
        "sites": {name: round(value, 6) for name, value in mode.sites.items()},
        "isotropy_subgroup": {"number": isotropy[0], "symbol": isotropy[1]},
        "primary": False,
    }


def _isotropy(displacement, action, symbols, symprec, scale=True) -> tuple[int, str, int]:
    """spglib's group of the parent supercell plus ``displacement``: number, symbol and the
    operations in the supercell. ``scale`` makes the largest atomic step 0.1 A (the
    direction, not the size, fixes the group)."""
    largest = np.linalg.norm(displacement, axis=1).max()
    step = displacement * (0.1 / largest) if scale and largest > 0 else displacement
    cell = action.supercell @ action.lattice
    fractional = (action.positions + step @ np.linalg.inv(action.lattice)) @ np.linalg.inv(
        action.supercell.astype(float)
    )
    dataset = _spglib().get_symmetry_dataset(
        (cell, np.mod(fractional, 1.0), _types(symbols)), symprec=min(symprec, 1e-3)
    )
    if dataset is None:
        return 0, "?", 0
    return int(dataset.number), str(dataset.international), len(dataset.rotations)


def strain_modes(strain: np.ndarray, rotations, lattice) -> list[dict]:
    """The strain tensor (parent frame) split into irreps of the parent's point group.

    Each irrep's share is :math:`\\frac{d}{|P|}\\sum_R \\chi(R) R\\, e\\, R^T`; its size is the
    Frobenius norm (dimensionless). Labels are CDML's Gamma-point labels (GM1+, GM3+, GM5+
    in :math:`m\\bar 3m`).
    """
    from symbreak.symmetry import table_for

    lattice = np.asarray(lattice, float)
    unique = {np.asarray(r).tobytes(): np.asarray(r) for r in rotations}
    matrices = [lattice.T @ r @ np.linalg.inv(lattice.T) for r in unique.values()]
    references = lattice / np.linalg.norm(lattice, axis=1, keepdims=True)
    table = table_for(matrices, references)
    if table is None:
        return [{"label": "strain", "amplitude": round(float(np.linalg.norm(strain)), 6)}]
    out = []
    for irrep in table.irreps:
        part = sum(c * m @ strain @ m.T for c, m in zip(irrep.characters, matrices))
        part = part * irrep.dimension / len(matrices)
        size = float(np.linalg.norm(part))
        if size > 1e-6:
            label = f"GM{irrep.cdml}" if irrep.cdml else f"GM?{irrep.mulliken}"
            out.append({"label": label, "small_irrep": irrep.mulliken, "amplitude": round(size, 6),
                        "tensor": np.round(part, 6).tolist()})  # fmt: skip
    return sorted(out, key=lambda item: -item["amplitude"])


@dataclass(frozen=True)
class ClusterModes:
    """The symmetry modes of a finite pair: irreps of the parent's point group (Mulliken)."""

    group: str
    modes: list
    total: float
    notes: list = field(default_factory=list)
    columns = ("irrep", "dim", "amplitude (A)", "sites (A)")

    def to_dict(self) -> dict:
        return {"kind": "cluster", "parent": {"point_group": self.group},
                "total_amplitude": round(self.total, 6), "modes": self.modes,
                "notes": self.notes}  # fmt: skip

    def headline(self) -> str:
        return f"point group {self.group}; total amplitude {self.total:.4f} A"

    def rows(self, minimum: float = 1e-4) -> list[tuple[str, ...]]:
        return [(m["label"], str(m["dimension"]), f"{m['amplitude']:.4f}",
                 ", ".join(f"{k} {v:.3f}" for k, v in m["sites"].items()))
                for m in self.modes if m["amplitude"] >= minimum]  # fmt: skip

    def strain_line(self) -> str:
        return "no lattice, no strain."

    def sites_line(self) -> str:
        return "amplitudes are over all atoms of the cluster."


def cluster_modes(parent: Structure, child: Structure, tolerance: float) -> ClusterModes:
    """The point-group modes of two finite structures with the same atoms in the same order."""
    from symbreak.data.formats import structure_pair
    from symbreak.symmetry import cluster_modes as split

    arrays, _ = structure_pair(parent, child, "pair")
    displacement = np.asarray(arrays["target"]) - np.asarray(arrays["source"])
    group, modes = split(arrays["source"], arrays["symbols"], displacement, tolerance)
    records = [{"label": m.label, "k": None, "dimension": m.dimension,
                "amplitude": round(m.amplitude, 6),
                "sites": {k: round(v, 6) for k, v in m.sites.items()}} for m in modes]  # fmt: skip
    total = float(np.linalg.norm(displacement - displacement.mean(axis=0)))
    notes = ["Amplitudes are sqrt(sum |u|^2) over all atoms, the rigid translation removed; they "
             "add in quadrature to the total. A rigid rotation is kept (T1g in Oh)."]  # fmt: skip
    if any(m["label"] == "?" for m in records):
        notes.append(f"{group} has no character table here; only the total is given.")
    return ClusterModes(group, records, total, notes)


def _read_one(path) -> Structure:
    """One structure; a simple CIF without ASE, whose import alone takes longer than the
    decomposition (:mod:`symbreak.data._cif`, which gives the same atoms)."""
    from symbreak.data._cif import read_cif
    from symbreak.data.structures import read_one_structure

    if str(path).lower().endswith(".cif"):
        structure = read_cif(path)
        if structure is not None:
            return structure
    return read_one_structure(path)


def _two_structures(paths) -> tuple[Structure, Structure]:
    """Parent and child from two files or one file with two frames (as ``fit`` reads them;
    without :mod:`symbreak.data.formats`, which loads h5py)."""
    from symbreak.data.structures import read_structures

    if len(paths) == 2:
        return _read_one(paths[0]), _read_one(paths[1])
    if len(paths) != 1:
        raise DataError(f"give one file with two frames or two files, not {len(paths)} files.")
    frames = read_structures(paths[0])
    if len(frames) != 2:
        raise DataError(f"{paths[0]}: holds {len(frames)} structure(s); a pair is one file with "
                        "exactly two frames (parent, then child) or two files.")  # fmt: skip
    return frames[0], frames[1]


def read_modes(paths, *, other_origin: bool = False, symprec: float = DEFAULT_SYMPREC):
    """The modes of two files (or one file with two frames), parent first: space-group modes
    for two crystals (:func:`crystal_modes`), point-group modes for two clusters."""
    parent, child = _two_structures(paths)
    if not parent.periodic and not child.periodic:
        return cluster_modes(parent, child, tolerance=max(symprec, 0.01))
    if not (parent.periodic and child.periodic):
        raise DataError("give two periodic crystals or two clusters, not one of each.")
    return crystal_modes(parent, child, symprec=symprec, other_origin=other_origin)


def pair_modes(source, target, source_cell, target_cell, symbols,
               symprec: float = DEFAULT_SYMPREC) -> dict:  # fmt: skip
    """The symmetry modes of one crystal pair as a fit stores it (the parent in the child's
    cell, row i of one becoming row i of the other), for the report.

    The parent's conventional cell is recovered by spglib (so its origin, and hence the
    labels, are spglib's standard one); the answer is :meth:`ModeDecomposition.to_dict`
    plus ``subduction`` (each O(3) irrep up to l = 4 in the parent point group's irreps) and
    ``origin_note`` and ``picture`` (:meth:`ModeDecomposition.in_child_cell`: the parent in
    the child's cell and each mode's displacements, for ``symbreak render``). A pair that
    cannot be decomposed gives ``{"error": sentence}``.
    """
    symbols = tuple(str(s) for s in symbols)
    source_cell, target_cell = np.asarray(source_cell, float), np.asarray(target_cell, float)
    child = Structure(np.asarray(target, float), symbols, target_cell, np.ones(3, bool), "child")
    fractional = np.asarray(source, float) @ np.linalg.inv(source_cell)
    try:
        lattice, positions, numbers = _spglib().standardize_cell(
            (source_cell, fractional, _types(symbols)), to_primitive=False, symprec=symprec
        )
        names = sorted(set(symbols))
        parent = Structure(positions @ lattice, tuple(names[n] for n in numbers), lattice,
                           np.ones(3, bool), "parent (spglib's standard cell)")  # fmt: skip
        result = crystal_modes(parent, child, symprec=symprec)
    except (DataError, ValueError, TypeError) as error:
        return {"error": str(error)}
    out = result.to_dict()
    out["subduction"] = result.subduction()
    out["picture"] = result.in_child_cell()
    out["origin_note"] = ("labels are for spglib's standard origin of the parent; "
                          "`symbreak modes --other-origin` gives the other setting.")  # fmt: skip
    out["notes"] = [LATTICE_NOTE]
    return out


#: The name the tests and the benchmark first used.
read_crystal_modes = read_modes


__all__ = ["DRAWN_AMPLITUDE", "MODE_COLUMNS", "ClusterModes", "ModeDecomposition",
           "cluster_modes", "crystal_modes", "pair_modes", "read_crystal_modes", "read_modes",
           "strain_modes"]  # fmt: skip
