"""A small CIF reader for the common case, so that ``symbreak modes`` starts fast.

ASE reads every CIF dialect, but importing ``ase.io`` loads ``ase.spacegroup`` ->
``ase.lattice`` -> ``ase.dft`` -> ``scipy.integrate`` and ``scipy.special``: 0.4-0.6 s of a
``symbreak modes`` process that otherwise takes about as long (docs/benchmarks.md). This
module reads the CIFs that crystallographic programs usually write, one data block with a
cell, fractional ``_atom_site`` coordinates of full occupancy, and either an explicit list of
symmetry operations or P 1, and builds the same atoms as ASE: the same cell
(``ase.geometry.cellpar_to_cell``), the same orbit of each listed site in the same order
(``ase.spacegroup.Spacegroup.equivalent_sites`` with its ``symprec=1e-3`` in fractional
coordinates) and the same symbols. :func:`read_cif` answers ``None`` for anything else
(several blocks, Cartesian coordinates, partial occupancy, a space group named without its
operations, deuterium, ...), and the caller asks ASE, which stays the reference: the tests
read every CIF at hand both ways and require the same atoms.
"""

from __future__ import annotations

import math
import os
import re
import shlex

import numpy as np

from symbreak.data._species import _ELEMENTS

#: ASE's distance below which two fractional positions are one site (``equivalent_sites``).
SITE_PRECISION = 1e-3

#: Space groups whose Laue class holds the inversion (ASE may add -R for every listed R
#: there: its ``Spacegroup.centrosymmetric`` comes from the number's table, not from the file).
_CENTROSYMMETRIC = frozenset(
    [2, *range(10, 16), *range(47, 75), *range(83, 89), *range(123, 143), 147, 148,
     *range(162, 168), 175, 176, *range(191, 195), *range(200, 207), *range(221, 231)]
)  # fmt: skip

_CELL_TAGS = ("_cell_length_a", "_cell_length_b", "_cell_length_c",
              "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma")  # fmt: skip
_OPERATION_TAGS = ("_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz",
                   "_symmetry_equiv_pos_as_xyz")  # fmt: skip
_NUMBER_TAGS = ("_space_group.it_number", "_space_group_it_number", "_symmetry_int_tables_number")
_NAME_TAGS = ("_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m",
              "_space_group.patterson_name_h-m")  # fmt: skip
#: Tags with which ASE changes the setting or the atoms in ways this reader does not follow.
_UNFOLLOWED_TAGS = ("_symmetry_space_group_setting", "_space_group_crystal_system",
                    "_symmetry_cell_setting", "_atom_site_cartn_x")  # fmt: skip

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:\(\d+\))?$")


class _NotSimple(Exception):
    """The file is outside what this reader follows; ASE reads it instead."""


def _number(value: str) -> float:
    """A CIF number, its standard uncertainty ``(12)`` dropped."""
    if not _NUMBER.match(value):
        raise _NotSimple(value)
    return float(value.split("(")[0])


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def _text_field(lines: list[str], start: int) -> int:
    """Index just past a semicolon text field that opens at ``lines[start]``."""
    end = start + 1
    while end < len(lines) and not lines[end].startswith(";"):
        end += 1
    return end + 1


def _tags(text: str) -> dict[str, str | list[str]]:
    """The one data block of a CIF as tag -> value (a list for looped tags), tags lowercased."""
    lines = [line.strip() for line in text.splitlines()]
    tags: dict[str, str | list[str]] = {}
    blocks, i = 0, 0
    while i < len(lines):
        line = lines[i]
        lower = line.lower()
        if not line or line.startswith("#"):
            i += 1
        elif lower.startswith("data_"):
            blocks += 1
            i += 1
        elif line.startswith(";"):
            i = _text_field(lines, i)
        elif lower.startswith("loop_"):
            i = _loop(lines, i + 1, tags)
        elif line.startswith("_"):
            parts = line.split(None, 1)
            if len(parts) == 2:
                tags[parts[0].lower()] = parts[1].strip()
                i += 1
            else:  # the value on a later line, maybe a text field
                i += 1
                while i < len(lines) and (not lines[i] or lines[i].startswith("#")):
                    i += 1
                if i < len(lines) and lines[i].startswith(";"):
                    i = _text_field(lines, i)
                    tags[parts[0].lower()] = ""
                elif i < len(lines):
                    tags[parts[0].lower()] = lines[i]
                    i += 1
        else:
            raise _NotSimple(line)
    if blocks != 1:
        raise _NotSimple("blocks")
    return tags


def _loop(lines: list[str], i: int, tags: dict) -> int:
    headers = []
    while i < len(lines) and lines[i].startswith("_") and len(lines[i].split()) == 1:
        headers.append(lines[i].lower())
        i += 1
    if not headers or len(set(headers)) != len(headers):
        raise _NotSimple("loop headers")
    columns: list[list[str]] = [[] for _ in headers]
    row: list[str] = []
    while i < len(lines):
        line = lines[i]
        lower = line.lower()
        if not line or line.startswith("_") or lower.startswith(("data_", "loop_")):
            break
        i += 1
        if line.startswith("#"):
            continue
        if line.startswith(";"):
            raise _NotSimple("text field in a loop")
        line = line.split(" #")[0]
        row += [line] if len(headers) == 1 else shlex.split(line, posix=False)
        if len(row) > len(headers):
            raise _NotSimple("loop row")
        if len(row) == len(headers):
            for column, value in zip(columns, row, strict=True):
                column.append(value)
            row = []
    if row:
        raise _NotSimple("incomplete loop row")
    tags.update(zip(headers, columns, strict=True))
    return i


def _first(tags: dict, names: tuple[str, ...]):
    for name in names:
        if name in tags:
            return tags[name]
    return None


def cellpar_to_cell(lengths, angles) -> np.ndarray:
    """Lattice vectors as rows from a, b, c and alpha, beta, gamma (degrees), a along x and b
    in the xy plane, with right angles kept exact (the convention of ASE's ``cellpar_to_cell``).

    >>> cellpar_to_cell([2.0, 3.0, 4.0], [90.0, 90.0, 90.0]).diagonal().tolist()
    [2.0, 3.0, 4.0]
    """
    eps = 2 * np.spacing(90.0)

    def cosine(angle: float) -> float:
        return 0.0 if abs(abs(angle) - 90) < eps else math.cos(angle * math.pi / 180.0)

    alpha, beta, gamma = (float(x) for x in angles)
    if abs(gamma - 90) < eps:
        cos_gamma, sin_gamma = 0.0, 1.0
    elif abs(gamma + 90) < eps:
        cos_gamma, sin_gamma = 0.0, -1.0
    else:
        cos_gamma, sin_gamma = math.cos(gamma * math.pi / 180.0), math.sin(gamma * math.pi / 180.0)
    cx = cosine(beta)
    cy = (cosine(alpha) - cx * cos_gamma) / sin_gamma
    cz_squared = 1.0 - cx * cx - cy * cy
    if not cz_squared >= 0:
        raise _NotSimple("angles")
    a, b, c = (float(x) for x in lengths)
    unit = np.array([[1.0, 0.0, 0.0], [cos_gamma, sin_gamma, 0.0], [cx, cy, math.sqrt(cz_squared)]])
    return np.array([[a], [b], [c]]) * unit @ np.eye(3)


def _operation(text: str) -> tuple[np.ndarray, np.ndarray]:
    """One operation written as ``-y+1/2, x, z`` -> (rotation, translation), read as ASE's
    ``parse_sitesym`` reads it."""
    parts = text.lower().split(",")
    if len(parts) != 3:
        raise _NotSimple(text)
    rotation, translation = np.zeros((3, 3), int), np.zeros(3)
    for row, part in enumerate(parts):
        part = part.replace(" ", "")
        if not re.fullmatch(r"([+-]?([xyz]|\d+(\.\d*)?(/\d+)?))+", part):
            raise _NotSimple(text)
        terms = re.findall(r"([+-]?)([xyz]|[\d.]+(?:/\d+)?)", part)
        if sum(term not in "xyz" for _, term in terms) > 1:
            raise _NotSimple(text)  # ASE joins the digits of two numbers; not followed
        for sign, term in terms:
            value = -1 if sign == "-" else 1
            if term in "xyz":
                rotation[row, "xyz".index(term)] = value
            else:
                numerator, _, denominator = term.partition("/")
                translation[row] += value * float(numerator) / float(denominator or 1)
    return rotation, translation


def _operations(tags: dict) -> tuple[np.ndarray, np.ndarray]:
    listed = _first(tags, _OPERATION_TAGS)
    number = _first(tags, _NUMBER_TAGS)
    name = _first(tags, _NAME_TAGS)
    if isinstance(listed, str):
        listed = [listed]
    if not listed:
        # ASE takes the operations of a named group from its tables; only P 1 is followed
        if (number is not None and number.strip("'\"") != "1") or (
            name is not None and _unquote(name).replace(" ", "") != "P1"
        ):
            raise _NotSimple("space group without operations")
        return np.eye(3, dtype=int)[None], np.zeros((1, 3))
    pairs = [_operation(_unquote(op)) for op in listed]
    rotations = np.array([r for r, _ in pairs])
    translations = np.array([t for _, t in pairs])
    if number is None:
        raise _NotSimple("operations without a space-group number")
    number = int(_number(number.strip("'\"")))
    if not _closed_under_inversion(rotations, translations) and (
        number in _CENTROSYMMETRIC or any((r == -np.eye(3, dtype=int)).all() for r in rotations)
    ):
        # ASE appends (-R, t) for each listed (R, t) when its table has the inversion at the
        # origin of the number's first setting; only when those are listed already (or the
        # group has no inversion) is the answer independent of that table
        raise _NotSimple("inversion not at the origin")
    return rotations, translations


def _closed_under_inversion(rotations: np.ndarray, translations: np.ndarray) -> bool:
    """Whether (-R, t) is listed for every listed (R, t), translations modulo the lattice."""
    def key(rotation, translation):
        return rotation.tobytes(), tuple(np.round(translation % 1.0, 6) % 1.0)

    listed = {key(r, t) for r, t in zip(rotations, translations, strict=True)}
    return all(key(-r, t) in listed for r, t in zip(rotations, translations, strict=True))


def _orbit(site: np.ndarray, rotations: np.ndarray, translations: np.ndarray) -> list:
    """The images of one fractional site, first occurrence kept (ASE's ``find_orbit``)."""
    candidates = ((rotations @ site) + translations % 1.0) % 1.0
    orbit = [candidates[0]]
    for member in candidates[1:]:
        difference = member - np.array(orbit)
        difference -= np.rint(difference)
        if not np.any(np.all(np.abs(difference) < SITE_PRECISION, axis=1)):
            orbit.append(member)
    return orbit


def _symbol(label: str) -> str:
    match = re.search(r"[A-Z][a-z]?", label)
    if match is None or match.group(0) not in (*_ELEMENTS, "X"):  # "X": ASE's dummy atom
        raise _NotSimple(label)
    return match.group(0)


def _atoms(tags: dict) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    if any(tag in tags for tag in _UNFOLLOWED_TAGS):
        raise _NotSimple("setting")
    values = [tags.get(tag) for tag in _CELL_TAGS]
    if any(v is None or isinstance(v, list) for v in values):
        raise _NotSimple("cell")
    cell_numbers = [_number(v) for v in values]
    if not (all(x > 0 for x in cell_numbers[:3]) and all(0 < x < 180 for x in cell_numbers[3:])):
        raise _NotSimple("cell")  # read_structures says what is wrong in one sentence
    cell = cellpar_to_cell(cell_numbers[:3], cell_numbers[3:])
    columns = [tags.get(f"_atom_site_fract_{axis}") for axis in "xyz"]
    labels = _first(tags, ("_atom_site_type_symbol", "_atom_site_label"))
    if any(not isinstance(c, list) for c in columns) or not isinstance(labels, list):
        raise _NotSimple("atom sites")
    occupancy = tags.get("_atom_site_occupancy")
    if occupancy is not None and (
        not isinstance(occupancy, list) or any(_number(v) != 1.0 for v in occupancy)
    ):
        raise _NotSimple("partial occupancy")
    listed = np.array([[_number(v) for v in column] for column in columns]).T
    # ASE goes through Cartesian positions and back, then wraps twice (Atoms.get_scaled_positions)
    sites = np.linalg.solve(cell.T, (listed @ cell).T).T
    sites %= 1.0
    sites %= 1.0
    rotations, translations = _operations(tags)
    positions, symbols, kept = [], [], []
    for site, label in zip(sites, labels, strict=True):
        symbol = _symbol(_unquote(label))
        if any(_same_orbit(site, orbit) for orbit in kept):
            raise _NotSimple("two listed sites are one")  # ASE's occupancy rules pick one
        orbit = _orbit(site, rotations, translations)
        kept.append(np.array(orbit))
        positions += orbit
        symbols += [symbol] * len(orbit)
    return np.array(positions) @ cell, tuple(symbols), cell


def _same_orbit(site: np.ndarray, orbit: np.ndarray) -> bool:
    difference = site - orbit
    difference -= np.rint(difference)
    return bool(np.any(np.all(np.abs(difference) < SITE_PRECISION, axis=1)))


def read_cif(path: str | os.PathLike):
    """The :class:`~symbreak.data.structures.Structure` of a simple CIF, as ASE would read it,
    or ``None`` when the file needs ASE (see the module's docstring).

    Raises
    ------
    DataError
        From :meth:`Structure.from_arrays` when the atoms read are not a valid crystal.
    """
    from symbreak.data.structures import Structure, check_file

    path = check_file(path)
    try:
        text = path.read_bytes().decode("latin1")
        positions, symbols, cell = _atoms(_tags(text))
    except (_NotSimple, OSError, ValueError, IndexError, ZeroDivisionError):
        return None
    return Structure.from_arrays(positions, symbols, cell, np.ones(3, bool), str(path))


__all__ = ["SITE_PRECISION", "cellpar_to_cell", "read_cif"]
