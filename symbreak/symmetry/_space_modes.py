"""Symmetry modes: a displacement field split into irreps of the parent space group.

The parent's space group G acts on the displacements u of the atoms of a supercell (rows of
M are the supercell's vectors in units of the parent's, so the lattice translations that
survive are :math:`M\\mathbb{Z}^3`). An operation :math:`g = (W|w)` (fractional, parent
basis) sends atom j at :math:`r_j` to the atom at :math:`W r_j + w` and turns its
displacement by the Cartesian :math:`L^T W L^{-T}` (L: the parent's lattice vectors as rows).

1. Fourier: the wave vectors the supercell allows are the k with :math:`M k \\in \\mathbb{Z}^3`;
   :math:`P_k = \\langle e^{2\\pi i k\\cdot t} D(t) \\rangle_t` projects onto the field of
   wave vector k. They fall into stars :math:`{}^*k = \\{k W^{-1}\\}` under G.
2. Small irreps: on the field of one arm :math:`k_0`, the little group's operations act as
   :math:`e^{-2\\pi i k_0\\cdot w} \\Delta(W)`, and where :math:`\\Delta` is a representation of
   the little co-group (symmorphic groups with the origin on a site of the full point group;
   every group at :math:`\\Gamma`), its irreps :math:`\\sigma` come from the character tables
   of :mod:`symbreak.symmetry._irrep_tables` and the isotypic projector is
   :math:`Q_\\sigma = \\frac{d_\\sigma}{|\\bar G_k|} \\sum_W \\chi_\\sigma(W)^* \\Delta(W) P_{k_0}`
   (Bradley and Cracknell, *The Mathematical Theory of Symmetry in Solids*, ch. 4).
3. The irrep of G induced by :math:`\\sigma`, labelled :math:`K\\sigma` (R4+, M3+, GM4-), has the
   projector :math:`\\sum_i D(g_i) Q_\\sigma D(g_i)^{-1}` over coset representatives
   :math:`g_i k_0 = k_i` of the star's arms; a star without :math:`-k_0` is taken with its
   negative, so that every component is a real field.

The components are orthogonal and add up to u, so their norms add in quadrature to the
whole: the identity the tests check first. Amplitudes are
:math:`\\sqrt{f \\sum_j |u_j|^2}` with f the fraction of the supercell's atoms that make up
the child's primitive cell (AMPLIMODES' normalisation, Orobengoa et al., J. Appl. Cryst. 42,
820 (2009)).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from symbreak.symmetry._irrep_tables import table_for
from symbreak.symmetry._order_parameter import direction

#: Special points of the Brillouin zone by CDML letter, for the lattices whose conventional
#: cell is primitive (Bradley and Cracknell, table 3.6). Keys: crystal family.
SPECIAL_POINTS = {
    "cubic": {"GM": (0, 0, 0), "X": (0, 0.5, 0), "M": (0.5, 0.5, 0), "R": (0.5, 0.5, 0.5)},
    "hexagonal": {"GM": (0, 0, 0), "A": (0, 0, 0.5), "M": (0.5, 0, 0), "L": (0.5, 0, 0.5),
                  "K": (1 / 3, 1 / 3, 0), "H": (1 / 3, 1 / 3, 0.5)},
    "tetragonal": {"GM": (0, 0, 0), "Z": (0, 0, 0.5), "X": (0, 0.5, 0), "M": (0.5, 0.5, 0),
                   "R": (0, 0.5, 0.5), "A": (0.5, 0.5, 0.5)},
    "orthorhombic": {"GM": (0, 0, 0), "X": (0.5, 0, 0), "Y": (0, 0.5, 0), "Z": (0, 0, 0.5),
                     "S": (0.5, 0.5, 0), "U": (0.5, 0, 0.5), "T": (0, 0.5, 0.5),
                     "R": (0.5, 0.5, 0.5)},
    # the centred lattices, in the conventional cell's reciprocal basis (Bilbao's names;
    # a parent given with a centred lattice is decomposed in its primitive cell)
    "cubic-F": {"GM": (0, 0, 0), "X": (0, 1, 0), "L": (0.5, 0.5, 0.5), "W": (0.5, 1, 0)},
    "cubic-I": {"GM": (0, 0, 0), "H": (1, 1, 1), "P": (0.5, 0.5, 0.5), "N": (0.5, 0.5, 0)},
    "tetragonal-I": {"GM": (0, 0, 0), "M": (1, 1, 1), "P": (0.5, 0.5, 0.5), "X": (0.5, 0.5, 0),
                     "N": (0.5, 0, 0.5)},
}  # fmt: skip

#: Fractional tolerance for matching atom images and k-vectors.
_FRACTIONAL = 1e-3


@dataclass(frozen=True)
class SymmetryMode:
    """One irrep's share of a displacement field.

    Attributes
    ----------
    label : str, CDML label (``'R4+'``); ``'R?'`` where the small irrep has no label here.
    k_name : str, the k-point's letter (``'R'``), or ``'k'`` off the tabulated lattices.
    k : (3,) the star's first arm, parent reciprocal fractional coordinates.
    star : tuple of arms (the whole star of k among the supercell's wave vectors).
    arms : tuple of the arms that carry this mode.
    small_irrep : Mulliken name of the little co-group's irrep (``'T1g'``).
    dimension : dimension of the irrep of G (arms of the star times the small irrep's).
    amplitude : Angstrom, normalised to the child's primitive cell.
    displacement : (N, 3) the component, Cartesian, parent frame.
    sites : site label -> amplitude of this mode on those atoms (same normalisation).
    direction : the order-parameter direction (:mod:`symbreak.symmetry._order_parameter`),
        e.g. ``'(a,a,0)'``; ``''`` where it cannot be written.
    """

    label: str
    k_name: str
    k: tuple
    star: tuple
    arms: tuple
    small_irrep: str
    dimension: int
    amplitude: float
    displacement: np.ndarray = field(repr=False, compare=False)
    sites: dict = field(default_factory=dict)
    direction: str = ""


class SupercellAction:
    """How the parent's space group permutes and turns the atoms of a supercell.

    Parameters
    ----------
    rotations, translations : (n, 3, 3) int and (n, 3) float, the parent's operations in its
        fractional basis (spglib's ``get_symmetry``; centring translations included).
    lattice : (3, 3) the parent's lattice vectors as rows.
    positions : (N, 3) the supercell's atoms in the parent's fractional coordinates.
    supercell : (3, 3) int, rows are the supercell's vectors in the parent's basis.
    """

    def __init__(self, rotations, translations, lattice, positions, supercell):
        self.rotations = np.asarray(rotations, dtype=np.int64)
        self.translations = np.asarray(translations, dtype=np.float64)
        self.lattice = np.asarray(lattice, dtype=np.float64)
        self.positions = np.asarray(positions, dtype=np.float64)
        self.supercell = np.asarray(supercell, dtype=np.int64)
        self._inverse_supercell = np.linalg.inv(self.supercell.astype(np.float64))
        self._to_cartesian = self.lattice.T
        self._from_cartesian = np.linalg.inv(self.lattice.T)
        self._images: dict[bytes, np.ndarray] = {}

    def cartesian(self, rotation: np.ndarray) -> np.ndarray:
        """:math:`L^T W L^{-T}`."""
        return self._to_cartesian @ rotation @ self._from_cartesian

    def permutation(self, rotation, translation) -> np.ndarray:
        """``image[j]``: the atom that atom j lands on."""
        rotation = np.asarray(rotation, dtype=np.int64)
        translation = np.asarray(translation, dtype=np.float64)
        key = rotation.tobytes() + np.round(translation, 6).tobytes()
        if key not in self._images:
            self._images[key] = self._permutation(rotation, translation)
        return self._images[key]

    def _permutation(self, rotation, translation) -> np.ndarray:
        moved = self.positions @ np.asarray(rotation, float).T + translation
        delta = (moved[:, None, :] - self.positions[None]) @ self._inverse_supercell
        off = np.abs(delta - np.round(delta)).max(axis=-1)
        image = np.argmin(off, axis=1)
        if off[np.arange(len(image)), image].max() > _FRACTIONAL or len(set(image)) < len(image):
            raise ValueError("the operation does not map the supercell's atoms onto themselves")
        return image

    def apply(self, rotation, translation, field_: np.ndarray) -> np.ndarray:
        """:math:`D(g) u`: the field moved with its atoms and turned."""
        image = self.permutation(rotation, translation)
        out = np.empty_like(field_)
        out[image] = field_ @ self.cartesian(rotation).T
        return out

    def lattice_translations(self) -> np.ndarray:
        """The parent's lattice translations modulo the supercell's (det M of them), plus
        the centring translations among the operations."""
        corners = np.array(list(itertools.product((0, 1), repeat=3))) @ self.supercell
        ranges = [range(lo, hi + 1) for lo, hi in zip(corners.min(0), corners.max(0))]
        found: dict[tuple, np.ndarray] = {}
        centring = self.translations[np.all(self.rotations == np.eye(3, dtype=int), axis=(1, 2))]
        for n in itertools.product(*ranges):
            for c in centring:
                t = np.asarray(n, float) + c
                key = tuple(np.round(np.mod(t @ self._inverse_supercell, 1.0), 6) % 1.0)
                found.setdefault(key, t)
        return np.array(list(found.values()))

    def wave_vectors(self) -> np.ndarray:
        """The k (parent reciprocal fractional, in [0, 1)) with :math:`M k` integer."""
        size = int(round(abs(np.linalg.det(self.supercell))))
        found = {}
        for m in itertools.product(range(size), repeat=3):
            k = np.mod(self._inverse_supercell @ np.asarray(m, float), 1.0)
            found.setdefault(tuple(np.round(k, 6) % 1.0), k)
        return np.array(list(found.values()))


def _same_k(a, b) -> bool:
    delta = np.asarray(a) - np.asarray(b)
    return bool(np.abs(delta - np.round(delta)).max() < _FRACTIONAL)


def _stars(wave_vectors: np.ndarray, rotations: np.ndarray) -> list[list[np.ndarray]]:
    """The wave vectors grouped into stars under the rotations (k -> k W^{-1})."""
    inverses = [np.linalg.inv(r.astype(float)) for r in rotations]
    left = list(wave_vectors)
    stars = []
    while left:
        k0 = left.pop(0)
        star = [k0]
        for inverse in inverses:
            image = np.mod(k0 @ inverse, 1.0)
            if not any(_same_k(image, k) for k in star):
                star.append(image)
        left = [k for k in left if not any(_same_k(k, s) for s in star)]
        stars.append(star)
    return stars


def k_point_name(star, family: str | None, to_standard=None) -> str:
    """The CDML letter of a star (``'R'``), or ``'k'`` off the tabulated lattices.

    ``to_standard`` is spglib's P (:math:`x_s = P x + p`), so that :math:`k_s = k P^{-1}`:
    a cell given in another setting, or a centred lattice's primitive cell, gets the
    standard letters. Points are compared modulo the reciprocal lattice of the cell the
    arms are written in (:math:`k = k_s P`).

    >>> k_point_name([np.array([0.5, 0.5, 0.0])], "cubic")
    'M'
    """
    transform = np.eye(3) if to_standard is None else np.asarray(to_standard, float)
    for name, point in SPECIAL_POINTS.get(family or "", {}).items():
        if any(_same_k(np.asarray(point, float) @ transform, arm) for arm in star):
            return name
    if any(_same_k(arm, np.zeros(3)) for arm in star):
        return "GM"
    return "k"


def format_k(k) -> str:
    """``(1/2,1/2,0)`` from fractions with small denominators."""
    from fractions import Fraction

    parts = []
    for value in np.asarray(k, float):
        if abs(value - 1.0) > 1e-6:  # 1 stays: X = (0,1,0) of a centred lattice's cell
            value = np.mod(value + 1e-9, 1.0) - 1e-9
            value = value - 1.0 if value > 0.5 + 1e-6 else value
        parts.append(str(Fraction(float(value)).limit_denominator(12)))
    return "(" + ",".join(parts) + ")"


class _Projector:
    """The projectors of one (physical) star, built once per decomposition."""

    def __init__(self, action: SupercellAction, star, translations):
        self.action, self.star = action, star
        self.translations = translations
        self.k0 = star[0]
        rotations, shifts = action.rotations, action.translations
        keep = []
        for index, rotation in enumerate(rotations):
            fixes = _same_k(self.k0 @ np.linalg.inv(rotation.astype(float)), self.k0)
            if fixes and not any(np.array_equal(rotation, rotations[j]) for j in keep):
                keep.append(index)
        self.little = [(rotations[j], shifts[j]) for j in keep]
        self.cosets = []
        for arm in star:
            j = next(j for j, r in enumerate(rotations)
                     if _same_k(self.k0 @ np.linalg.inv(r.astype(float)), arm))  # fmt: skip
            self.cosets.append((rotations[j], shifts[j]))

    def fourier(self, k, field_: np.ndarray) -> np.ndarray:
        """:math:`P_k u`."""
        total = np.zeros_like(field_, dtype=np.complex128)
        for t in self.translations:
            total += np.exp(2j * np.pi * (k @ t)) * self.action.apply(np.eye(3, dtype=int), t,
                                                                       field_)  # fmt: skip
        return total / len(self.translations)

    def ordinary(self) -> bool:
        """Whether :math:`\\Delta` is a representation: :math:`k_0 \\cdot (w_b - W_a w_b)`
        integer for every pair of the little co-group, and its phases
        :math:`e^{-2\\pi i k_0 \\cdot w}` real.

        Where a phase is :math:`\\pm i` (a screw or glide at a zone-boundary point, Z of
        Pca2_1), the small irreps are complex and pair with their conjugates into one
        physically irreducible representation (CrystOD's Z1Z4); split one by one, the real
        parts are neither orthogonal nor labelled as Bilbao labels them (measured: Pca2_1,
        Pmc2_1, P4_2mc, P3_1c at Z or A gave four modes whose squares summed to half the
        total's). Such a star is given whole, with its exact amplitude."""
        rotations = np.array([r for r, _ in self.little], dtype=np.float64)
        shifts = np.array([w for _, w in self.little])
        values = (shifts @ self.k0)[None, :] - np.einsum("i,aij,bj->ab", self.k0, rotations, shifts)
        real = np.abs(np.sin(2 * np.pi * (shifts @ self.k0))).max() <= _FRACTIONAL
        return bool(np.abs(values - np.round(values)).max() <= _FRACTIONAL) and bool(real)

    def induced(self, small, field_: np.ndarray) -> np.ndarray:
        """:math:`\\sum_i D(g_i)\\, \\mathrm{small}(D(g_i)^{-1} u)` over the arms."""
        total = np.zeros_like(field_, dtype=np.complex128)
        for rotation, shift in self.cosets:
            inverse = np.round(np.linalg.inv(rotation.astype(float))).astype(np.int64)
            back = self.action.apply(inverse, -inverse @ shift, field_)
            total += self.action.apply(rotation, shift, small(back))
        return total

    def small_projector(self, characters, dimension):
        """:math:`Q_\\sigma` as a function of a field."""

        def project(field_):
            start = self.fourier(self.k0, field_)
            total = np.zeros_like(start)
            for (rotation, shift), character in zip(self.little, characters):
                phase = np.exp(2j * np.pi * (self.k0 @ shift))
                total += np.conj(character) * phase * self.action.apply(rotation, shift, start)
            return total * dimension / len(self.little)

        return project


def decompose(
    action: SupercellAction,
    displacement: np.ndarray,
    *,
    normalisation: float = 1.0,
    family: str | None = None,
    to_standard=None,
    site_labels=None,
    threshold: float = 1e-6,
    references=None,
) -> list[SymmetryMode]:
    """The symmetry modes of ``displacement`` ((N, 3) Cartesian, parent frame).

    ``normalisation`` f scales :math:`\\sum |u|^2` (see the module docstring); ``family`` names
    the lattice for k-point letters (a key of :data:`SPECIAL_POINTS`, or None) and
    ``to_standard`` the cell's setting (:func:`k_point_name`);
    ``site_labels`` (one per atom) group the per-site amplitudes; ``references`` are the
    conventional lattice vectors (rows) that name the two-fold classes, by default the
    cell's own (they differ for a centred lattice's primitive cell). Modes with amplitude below
    ``threshold`` are dropped. Sorted by amplitude, largest first.
    """
    displacement = np.asarray(displacement, dtype=np.float64)
    translations = action.lattice_translations()
    stars = _physical_stars(_stars(action.wave_vectors(), action.rotations))
    modes = []
    for star, paired in stars:
        projector = _Projector(action, star, translations)
        name = k_point_name(star, family, to_standard)
        k = (tuple(SPECIAL_POINTS[family][name]) if family in SPECIAL_POINTS and name != "k"
             else tuple(np.round(star[0], 6)))  # fmt: skip
        pieces = _star_pieces(projector, name, paired, displacement, references, family)
        for label, mulliken, dimension, part, labelled in pieces:
            amplitude = float(np.sqrt(normalisation * np.sum(part**2)))
            if amplitude < threshold:
                continue
            opd = direction(projector, *labelled, part) if labelled else ""
            size = np.linalg.norm(part)
            arms = tuple(tuple(np.round(arm, 6)) for arm in star
                         if np.linalg.norm(projector.fourier(arm, part)) > 1e-3 * size)  # fmt: skip
            modes.append(SymmetryMode(
                label=label, k_name=name, k=k, star=tuple(tuple(np.round(a, 6)) for a in star),
                arms=arms, small_irrep=mulliken, dimension=dimension, amplitude=amplitude,
                displacement=part, sites=_site_amplitudes(part, site_labels, normalisation),
                direction=opd,
            ))  # fmt: skip
    return sorted(modes, key=lambda mode: -mode.amplitude)


def _star_pieces(projector: _Projector, name: str, paired: bool, displacement, references=None,
                 family: str | None = None):  # fmt: skip
    """(label, small irrep, dimension, component) per irrep of G at one star."""
    weight = 2.0 if paired else 1.0  # a star without -k stands for itself and its negative
    table = None
    if projector.ordinary():
        lattice = projector.action.lattice if references is None else np.asarray(references)
        matrices = [projector.action.cartesian(r) for r, _ in projector.little]
        wave = shortest_wave_vector(projector.k0, projector.action.lattice)
        table = table_for(matrices, lattice / np.linalg.norm(lattice, axis=1, keepdims=True),
                          wave_vector=wave, lattice=family)  # fmt: skip
    if table is None:
        whole = sum(projector.fourier(k, displacement) for k in projector.star)
        return [(f"{name}?", "?", len(projector.star), weight * np.real(whole), None)]
    pieces = []
    for irrep in table.irreps:
        small = projector.small_projector(irrep.characters, irrep.dimension)
        part = weight * np.real(projector.induced(small, displacement))
        label = f"{name}{irrep.cdml}" if irrep.cdml else f"{name}?{irrep.mulliken}"
        pieces.append((label, irrep.mulliken, len(projector.star) * irrep.dimension, part,
                       (irrep, table)))  # fmt: skip
    return pieces


def shortest_wave_vector(k, lattice) -> np.ndarray:
    """The shortest Cartesian vector among :math:`k + G` (``k`` fractional in the reciprocal
    basis of the rows of ``lattice``; G its reciprocal lattice vectors, factor :math:`2\\pi`
    left out): its direction names the two-folds along and across k.

    >>> shortest_wave_vector([0.0, 0.25, 0.75], np.eye(3)).tolist()
    [0.0, 0.25, -0.25]
    """
    reciprocal = np.linalg.inv(np.asarray(lattice, dtype=np.float64)).T
    steps = np.array(list(itertools.product((-2, -1, 0, 1, 2), repeat=3)), dtype=np.float64)
    candidates = (np.asarray(k, dtype=np.float64) + steps) @ reciprocal
    lengths = np.linalg.norm(candidates, axis=1)
    best = np.flatnonzero(lengths < lengths.min() + 1e-9)  # k and -k tie at a face centre
    return candidates[best[0]] + 0.0


def _physical_stars(stars):
    """Each star once, with a flag for those merged with the star of their negative."""
    out, used = [], set()
    for index, star in enumerate(stars):
        if index in used:
            continue
        negative = next((j for j, other in enumerate(stars)
                         if any(_same_k(-star[0], k) for k in other)), index)  # fmt: skip
        used.update({index, negative})
        out.append((star, negative != index))
    return out


def _site_amplitudes(part, site_labels, normalisation) -> dict:
    if site_labels is None:
        return {}
    labels = np.asarray(site_labels)
    amplitudes = {}
    for label in dict.fromkeys(site_labels):
        value = float(np.sqrt(normalisation * np.sum(part[labels == label] ** 2)))
        if value > 1e-6:
            amplitudes[str(label)] = value
    return amplitudes


__all__ = ["SPECIAL_POINTS", "SupercellAction", "SymmetryMode", "decompose", "format_k",
           "k_point_name", "shortest_wave_vector"]  # fmt: skip
