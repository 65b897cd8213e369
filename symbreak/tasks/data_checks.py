"""Measurements on pair data that the verdict needs: how far the data deviate from their own
group (noise), whether pairs contradict each other, and what is wrong with the pairs
themselves (:func:`pair_checks`, :func:`pair_diagnoses`: shared by clusters and crystals).

Both work on the displacements :math:`y_i = x'_i - x_i` of each pair, about its source
centroid (the frame :class:`symbreak.tasks.PairsTask` fits in), and are shares of the data's
mean square :math:`\\sum \\|y\\|^2`, comparable with the fit's relative loss.

- :func:`symmetry_residual`: :math:`\\|y - P_D y\\|^2 / \\|y\\|^2`, with
  :math:`(P_D y)_i = \\frac{1}{|D|}\\sum_{g \\in D} g^{T} y_{\\pi_g(i)}` the Reynolds average of
  the displacement field over the data group D (:math:`\\pi_g` the permutation g makes of the
  source points). Exact data give rounding (1e-30); coordinates with noise σ give about
  :math:`\\sigma^2 / \\overline{\\|y\\|^2}`.
- :func:`contradicting_pairs`: pairs whose sources coincide (same species at the same places
  about the centroid, up to ``tolerance`` and a permutation) but whose displacements differ. A
  network gives one answer per source, so the best it can do is their mean; the floor is the
  loss that leaves, in the fit loss's own units (mean square over every point and component
  of every pair, for the ``displacement`` target):
  :math:`\\sum_{\\text{sets}} \\sum_m \\|y_m - \\bar y\\|^2 / (3 N)`.

>>> import numpy as np
>>> from symbreak.data.pairs import PairDataset, StructurePair
>>> square = np.array([[1.0, 1, 0], [1, -1, 0], [-1, 1, 0], [-1, -1, 0]])
>>> def pair(name, stretch):
...     return StructurePair(name, square, square * stretch, np.zeros(4, dtype=int))
>>> data = PairDataset((pair("x", [1.1, 1, 1]), pair("y", [1, 1.1, 1])), ("X",), None, None)
>>> names, floor = contradicting_pairs(data, 0.01)
>>> names, round(floor, 6)  # each point is off by 0.05 in x and in y
([['x', 'y']], 0.001667)
"""

from __future__ import annotations

import numpy as np

from symbreak.symmetry import PointGroup, atom_permutation


def _centred(pair) -> tuple[np.ndarray, np.ndarray]:
    centre = pair.source.mean(axis=0)
    return pair.source - centre, pair.target - pair.source


def symmetry_residual(dataset, group: PointGroup, tolerance: float) -> float | None:
    """Share of the displacements' mean square that ``group`` does not fix (module docstring);
    ``None`` when it cannot be measured (a continuous group, or an element that does not map
    a source onto itself within ``tolerance``)."""
    if not group.is_finite:
        return None
    total = deviation = 0.0
    for pair in dataset.pairs:
        source, y = _centred(pair)
        labels = np.asarray(pair.species)
        average = np.zeros_like(y)
        for g in group.elements:
            p = atom_permutation(source @ g.T, source, tolerance, species=labels)
            if p is None:
                return None
            average += y[p] @ g  # row i: g^T y_{p(i)}
        average /= len(group.elements)
        deviation += float(np.sum((y - average) ** 2))
        total += float(np.sum(y**2))
    return deviation / total if total > 0 else 0.0


def contradicting_pairs(dataset, tolerance: float) -> tuple[list[list[str]], float]:
    """Sets of pair names with one source and different displacements, and the fit loss their
    disagreement alone leaves (module docstring); ``([], 0.0)`` when there are none."""
    pairs = [(pair, *_centred(pair)) for pair in dataset.pairs]
    unassigned = list(range(len(pairs)))
    sets, floor, entries = [], 0.0, sum(y.size for _, _, y in pairs)
    while unassigned:
        first = unassigned.pop(0)
        pair, source, y = pairs[first]
        labels = np.asarray(pair.species)
        members = [y]
        names = [pair.name]
        for other in list(unassigned):
            candidate, other_source, other_y = pairs[other]
            if len(other_source) != len(source):
                continue
            other_labels = np.asarray(candidate.species)
            if sorted(other_labels.tolist()) != sorted(labels.tolist()):
                continue
            # p[i]: the other pair's point at the first pair's point i, same species
            p = atom_permutation(source, other_source, tolerance, species=other_labels,
                                 moved_species=labels)
            if p is not None:
                members.append(other_y[p])  # in the first pair's point order
                names.append(candidate.name)
                unassigned.remove(other)
        if len(members) < 2:
            continue
        stack = np.stack(members)
        spread = stack - stack.mean(axis=0)
        if np.max(np.linalg.norm(spread, axis=-1)) > tolerance:
            sets.append(names)
            floor += float(np.sum(spread**2))
    return sets, (floor / entries if entries else 0.0)


def pair_checks(dataset, edges: int, cutoff: float | None, tolerance: float) -> dict:
    """What keeps any network from fitting the pairs (``config.fit``'s ``obstacles``): a
    graph without edges, pairs with one source and different targets (and the loss their
    disagreement alone leaves)."""
    obstacles = []
    if int(edges) == 0:
        why = f"--cutoff {cutoff:g} is below" if cutoff is not None else "the cutoff is below"
        obstacles.append({"key": "no_edges", "sentence": (
            f"The graph has no edges ({why} every distance between points): the network sees "
            "each point alone and cannot fit anything that depends on the geometry; raise "
            "--cutoff or leave it out.")})  # fmt: skip
    sets, floor = contradicting_pairs(dataset, tolerance)
    if sets:
        names = "; ".join(" and ".join(group) for group in sets)
        share = f" (their disagreement alone leaves a loss of {floor:.2e})" if floor else ""
        obstacles.append({"key": "contradicting_pairs", "floor": floor, "sentence": (
            f"The data contradict each other: pairs {names} have the same source but different "
            "targets, and a network gives one answer per source, so their disagreement cannot "
            f"be fitted{share}; remove or correct the pairs that disagree.")})  # fmt: skip
    return {"obstacles": obstacles}


#: A rigid rotation of the whole target beyond this many degrees is named in the verdict: kept
#: in the map (the default), it is read as breaking, and a user rarely means it. A twisted
#: cube's face turned by 11.5° turns the whole by 5.7°; two programs' frames differ by more.
LARGE_ROTATION_DEGREES = 15.0
#: Displacements below this fraction of the structure's size are rounding: nothing changed.
UNCHANGED = 1e-9


def pair_diagnoses(dataset, preparation: dict) -> dict:
    """What is wrong with the pairs themselves, for the verdict (``config.fit``).

    ``data_problems`` (each ``{"key", "sentence"}``; any one keeps the verdict from
    "Consistent"): a large rigid rotation kept in the map, an atom correspondence that the
    geometry does not settle. ``data_notes``: sentences to read first (nothing changed).
    """
    problems, notes = [], []
    for motion in preparation.get("rigid_motion") or []:
        angle = motion.get("rotation_degrees", 0.0)
        if angle > LARGE_ROTATION_DEGREES and not motion.get("rotation_removed"):
            problems.append({"key": "rigid_rotation", "sentence": (
                f"The target of '{motion['pair']}' is turned by {angle:.3g}° as a whole (the "
                "rotation of the best affine map onto it): kept in the map, that rotation is "
                "read as breaking, so the groups below describe a rotated structure; if the two "
                "files are in different frames, fit again with --remove-rotation.")})  # fmt: skip
    for match in preparation.get("atom_order") or []:
        if match.get("ambiguous"):
            problems.append({"key": "atom_order", "sentence": (
                f"Which atom became which in '{match['pair']}' is not clear: even the best "
                f"correspondence (after re-ordering {match['reordered']} atoms) moves an atom "
                f"by {match['largest_step']:.3g}, more than half the nearest-neighbour distance "
                f"{match['nearest_neighbour']:.3g}; check that the two files hold the same "
                "structure, or give the order yourself with --keep-order.")})  # fmt: skip
    for pair in dataset.pairs:
        size = float(np.ptp(pair.source, axis=0).max()) or 1.0
        moved = float(np.linalg.norm(pair.target - pair.source, axis=1).max())
        if moved <= UNCHANGED * size:
            notes.append(f"Nothing changed in '{pair.name}': its target equals its source to "
                         f"{moved:.1e} (rounding), so there is no breaking to find.")  # fmt: skip
    return {"data_problems": problems, "data_notes": notes}
