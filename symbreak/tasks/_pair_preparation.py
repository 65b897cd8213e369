"""What the two kinds of structure pairs (clusters and crystals) do to their data before a fit.

- the atom correspondence of finite pairs (:func:`matched_pairs`): a target that lists its
  atoms in another order is re-ordered to match its source;
- the rigid motion of each target, removed as asked (:func:`prepared_pairs`);
- a structure tolerance given by the user, refused when any atom could stand for its neighbour
  (:func:`check_tolerance`).

What was done is recorded, JSON-ready, in ``config.preparation``.
"""

from __future__ import annotations

from symbreak.data import PairDataset
from symbreak.errors import DataError
from symbreak.options import PairOptions


def prepared_pairs(dataset: PairDataset, options: PairOptions) -> tuple[PairDataset, dict]:
    """The pairs as the network sees them, and what was done (``config.preparation``).

    Finite pairs first get their atom correspondence (unless ``keep_order``): a target that
    lists its atoms in another order is re-ordered to match the source
    (:func:`symbreak.data.matching.match_pair_atoms`). Then each target's rigid translation
    (and rotation) is removed as asked (:func:`symbreak.data.rigid.remove_rigid_motion`).
    """
    from symbreak.data.rigid import remove_rigid_motion

    preparation: dict = {}
    if not options.keep_order and not dataset.periodic:
        dataset, preparation["atom_order"] = matched_pairs(dataset)
    dataset, motions = remove_rigid_motion(
        dataset, translation=not options.keep_translation, rotation=options.remove_rotation
    )
    preparation["rigid_motion"] = [motion.to_dict() | {"sentence": motion.sentence()}
                                   for motion in motions]  # fmt: skip
    return dataset, preparation


def matched_pairs(dataset: PairDataset) -> tuple[PairDataset, list[dict]]:
    """Each finite pair's target in the order of its source's atoms, and one record per pair."""
    from dataclasses import replace

    from symbreak.data.matching import match_pair_atoms

    pairs, records = [], []
    for pair in dataset.pairs:
        match = match_pair_atoms(pair.source, pair.target, pair.species)
        pairs.append(replace(pair, target=pair.target[match.permutation]))
        records.append(match.to_dict(pair.name))
    return replace(dataset, pairs=tuple(pairs)), records



def check_tolerance(dataset: PairDataset, tolerance: float, shortest=None) -> None:
    """Refuse a structure tolerance as large as a pair's shortest distance between two atoms
    (``shortest(pair)``; by default between the source's rows): within it any atom may stand
    for its neighbour, so every operation would count as a symmetry (a cube at 1e6 came out
    O(3))."""
    from scipy.spatial.distance import pdist

    for pair in dataset.pairs:
        if pair.n_points < 2 and shortest is None:
            continue
        distance = float(pdist(pair.source).min()) if shortest is None else shortest(pair)
        if tolerance >= distance:
            raise DataError(
                f"--symmetry-tolerance {tolerance:g} is not below the shortest distance between "
                f"two atoms of '{pair.name}' ({distance:.3g}), so any atom could stand for its "
                "neighbour; give a tolerance well below it, or leave it out to read it off "
                "the data."
            )


__all__ = ["check_tolerance", "matched_pairs", "prepared_pairs"]
