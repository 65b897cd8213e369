"""Character tables against group theory and against the Bilbao tables in ``irreptables``.

``irreptables`` (GPL, a test-only oracle in the ``dev`` extra) lists, per space group and
k-point, the CDML label and the characters of every small irrep; at a k-point whose little
group has no fractional translations these are characters of the little co-group, so each
of our labels must name the irrep with exactly those characters.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from symbreak.symmetry._irrep_tables import table_for
from symbreak.symmetry._space_modes import shortest_wave_vector

HEXAGONAL = np.array([[1.0, 0, 0], [-0.5, np.sqrt(3) / 2, 0], [0, 0, 1.1]])
ORTHORHOMBIC = np.diag([1.0, 1.2, 1.4])
TETRAGONAL = np.diag([1.0, 1.0, 1.3])

#: Space group -> lattice (rows), a spread of the crystal families and point groups.
GROUPS = {221: np.eye(3), 215: np.eye(3), 207: np.eye(3), 200: np.eye(3), 123: TETRAGONAL,
          99: TETRAGONAL, 111: TETRAGONAL, 115: TETRAGONAL, 89: TETRAGONAL, 47: ORTHORHOMBIC,
          25: ORTHORHOMBIC, 16: ORTHORHOMBIC, 10: ORTHORHOMBIC, 2: ORTHORHOMBIC,
          180: HEXAGONAL, 177: HEXAGONAL, 191: HEXAGONAL, 164: HEXAGONAL, 162: HEXAGONAL,
          156: HEXAGONAL, 149: HEXAGONAL, 183: HEXAGONAL, 187: HEXAGONAL, 189: HEXAGONAL,
          192: HEXAGONAL}  # fmt: skip


def bilbao_table(number: int):
    """(operations, [(k name, little group indices, [(label, characters)])]) of irreptables."""
    irreptables = pytest.importorskip("irreptables")
    path = Path(irreptables.__file__).parent / "data" / "tables" / f"irreps-SG={number}-scal.dat"
    lines = path.read_text().splitlines()
    start = lines.index("symmetries=") + 1
    operations = []
    for line in itertools.takewhile(str.strip, lines[start:]):
        values = line.split()
        operations.append((np.array(values[:9], int).reshape(3, 3), np.array(values[9:12], float)))
    points = []
    for j, line in enumerate(lines):
        if not line.strip().startswith("kpoint"):
            continue
        head, _, indices = line.split(":")
        little = [int(i) - 1 for i in indices.split()]
        irreps = []
        for row in itertools.takewhile(lambda r: r.strip() and "kpoint" not in r, lines[j + 1:]):
            values = row.split()
            if "i" not in row:  # complex characters: not among the tabulated real groups
                irreps.append((values[0], np.array(values[2:2 + len(little)], float)))
        points.append((head.split()[1], little, irreps))
    return operations, points


@pytest.mark.parametrize("number", sorted(GROUPS))
def test_labels_match_the_bilbao_tables(number):
    lattice = GROUPS[number]
    operations, points = bilbao_table(number)
    checked = 0
    for name, little, irreps in points:
        if name != "GM" and any(np.abs(operations[i][1]).max() > 1e-9 for i in little):
            continue  # fractional translations off Gamma: a projective small representation
        matrices = [lattice.T @ operations[i][0] @ np.linalg.inv(lattice.T) for i in little]
        table = table_for(matrices, lattice)
        if table is None:
            continue
        for label, characters in irreps:
            ours = [irrep for irrep in table.irreps if np.allclose(irrep.characters, characters)]
            assert len(ours) == 1, (number, name, label)
            if name in ("M", "L") and number >= 168:  # hexagonal D2, D2h, C2v: all labelled
                assert ours[0].cdml, (number, name, label)
            if ours[0].cdml:  # unlabelled (C6v/D3h at GM, A) is allowed, wrong is not
                assert name + ours[0].cdml == label, (number, name, label)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("number", sorted(GROUPS))
def test_characters_are_orthonormal_and_complete(number):
    """Row orthogonality, sum of d^2 = |G|: a wrong class assignment breaks both."""
    lattice = GROUPS[number]
    operations, _ = bilbao_table(number)
    unique = {w.tobytes(): w for w, _ in operations}
    matrices = [lattice.T @ w @ np.linalg.inv(lattice.T) for w in unique.values()]
    table = table_for(matrices, lattice)
    if table is None:  # only the tetrahedral groups, whose E irreps are complex, are left out
        assert number in (200,)
        return
    characters = np.array([irrep.characters for irrep in table.irreps])
    gram = characters @ characters.T / len(matrices)
    assert np.allclose(gram, np.eye(len(characters)))
    assert sum(irrep.dimension**2 for irrep in table.irreps) == len(matrices)


#: Body-centred groups whose little co-group at N (cubic) or X (tetragonal), k along [110],
#: has two-folds or mirrors across the lattice vectors, and the lattice they are given in.
BODY_CENTRED = {229: ("cubic-I", np.eye(3)), 211: ("cubic-I", np.eye(3)),
                217: ("cubic-I", np.eye(3)), 204: ("cubic-I", np.eye(3)),
                197: ("cubic-I", np.eye(3)), 139: ("tetragonal-I", TETRAGONAL),
                140: ("tetragonal-I", TETRAGONAL), 97: ("tetragonal-I", TETRAGONAL),
                107: ("tetragonal-I", TETRAGONAL), 119: ("tetragonal-I", TETRAGONAL),
                121: ("tetragonal-I", TETRAGONAL), 87: ("tetragonal-I", TETRAGONAL)}  # fmt: skip


@pytest.mark.parametrize("number", sorted(BODY_CENTRED))
@pytest.mark.parametrize("arm", [(1, 1, 0), (1, -1, 0), (-1, -1, 0)])
def test_n_and_x_of_body_centred_lattices_are_numbered_as_bilbao_numbers_them(number, arm):
    """N of Im-3m and its subgroups, X of I4/mmm and its subgroups: the irreps are numbered
    relative to the wave vector, which is given as the arm the Bilbao table lists or as
    another one the little co-group's two-folds single out the same way (the classes, and
    so the labels, are conjugate). Every Bilbao irrep has exactly one of ours, same label."""
    family, lattice = BODY_CENTRED[number]
    letter = "N" if family == "cubic-I" else "X"
    operations, points = bilbao_table(number)
    (little, irreps), = [(little, irreps) for name, little, irreps in points if name == letter]
    # the arm (1/2, 1/2, 0) turned onto ``arm`` by a four-fold or a mirror of the lattice
    turn = {(1, 1, 0): np.eye(3), (1, -1, 0): np.diag([1.0, -1, 1]),
            (-1, -1, 0): np.diag([-1.0, -1, 1])}[arm]  # fmt: skip
    matrices = [turn @ lattice.T @ operations[i][0] @ np.linalg.inv(lattice.T) @ turn.T
                for i in little]  # fmt: skip
    wave = turn @ (np.array([0.5, 0.5, 0.0]) @ np.linalg.inv(lattice).T)
    wave = wave + np.array([0.0, 0.0, 2.0]) @ np.linalg.inv(lattice).T * (arm[0] < 0)
    primitive = 0.5 * np.array([[-1.0, 1, 1], [1, -1, 1], [1, 1, -1]]) @ lattice  # body-centred
    shortest = shortest_wave_vector(wave @ primitive.T, primitive)  # reduced in its zone
    assert np.allclose(np.abs(shortest), np.abs(turn @ np.array([0.5, 0.5, 0]) @ np.linalg.inv(
        lattice).T))  # the arm itself, or its negative
    table = table_for(matrices, lattice, wave_vector=shortest, lattice=family)
    assert table is not None
    for label, characters in irreps:
        ours = [irrep for irrep in table.irreps if np.allclose(irrep.characters, characters)]
        assert len(ours) == 1, (number, label)
        assert letter + ours[0].cdml == label, (number, arm, label, ours[0].mulliken)


def bilbao_characters(number: int):
    """(name, operations, [(k name, k, little group indices, [(label, characters)])]) of
    irreptables, complex characters read from their modulus-and-phase columns (phase in
    units of pi), which the tables use at points where some phase is not real."""
    irreptables = pytest.importorskip("irreptables")
    path = Path(irreptables.__file__).parent / "data" / "tables" / f"irreps-SG={number}-scal.dat"
    lines = path.read_text().splitlines()
    name = next(line.split("=")[1].strip() for line in lines if line.strip().startswith("name="))
    start = lines.index("symmetries=") + 1
    operations = []
    for line in itertools.takewhile(str.strip, lines[start:]):
        values = line.split()
        operations.append((np.array(values[:9], int).reshape(3, 3), np.array(values[9:12], float)))
    points = []
    for j, line in enumerate(lines):
        if not line.strip().startswith("kpoint"):
            continue
        head, coordinates, indices = line.split(":")
        little = [int(i) - 1 for i in indices.split()]
        n, irreps = len(little), []
        for row in itertools.takewhile(lambda r: r.strip() and "kpoint" not in r, lines[j + 1:]):
            values = np.array(row.split()[2:], float)
            polar = len(values) >= 2 * n
            irreps.append((row.split()[0], values[:n] * np.exp(1j * np.pi * values[n:2 * n])
                           if polar else values[:n]))  # fmt: skip
        points.append((head.split()[1], np.array(coordinates.split(), float), little, irreps))
    return name, operations, points


#: The one labelled point where Bilbao numbers the small irreps against their co-group's
#: characters (L1 odd under the two-fold of P3_112 that has no translation): a known
#: disagreement, left as it is.
DISAGREE = {(151, "L")}


def test_every_labelled_point_of_the_primitive_lattices_is_labelled_as_bilbao_labels_it():
    """Space groups 16-230 with a primitive lattice, every tabulated k-point where the
    small representations are ordinary with real phases e^{-2 pi i k.w} (where the modes
    get a label; the others are given whole, as 'K?'): each Bilbao irrep is
    e^{-2 pi i k.w} times exactly one of our co-group irreps, with the same label."""
    checked = 0
    for number in range(16, 231):
        name, operations, points = bilbao_characters(number)
        if name[0] != "P":
            continue
        lattice = (np.eye(3) if number >= 195 else HEXAGONAL if number >= 143
                   else TETRAGONAL if number >= 75 else ORTHORHOMBIC)  # fmt: skip
        for letter, k, little, irreps in points:
            rotations = np.array([operations[i][0] for i in little], float)
            shifts = np.array([operations[i][1] for i in little])
            factors = (shifts @ k)[None, :] - np.einsum("i,aij,bj->ab", k, rotations, shifts)
            if (np.abs(factors - np.round(factors)).max() > 1e-3
                    or np.abs(np.sin(2 * np.pi * shifts @ k)).max() > 1e-3):  # fmt: skip
                continue
            matrices = [lattice.T @ w @ np.linalg.inv(lattice.T) for w in rotations]
            table = table_for(matrices, lattice)
            if table is None:
                continue
            phases = np.cos(2 * np.pi * shifts @ k)  # real: +-1
            for label, characters in irreps:
                ours = [irrep for irrep in table.irreps
                        if np.allclose(irrep.characters * phases, characters, atol=1e-6)]
                assert len(ours) == 1, (number, letter, label)
                if ours[0].cdml and (number, letter) not in DISAGREE:
                    assert letter + ours[0].cdml == label, (number, letter, label)
                    checked += 1
    assert checked > 1500
