"""The symmetry the data offer and keep: input, target and transformation groups.

Every task answers ``task.data_symmetry(tolerance, network) -> DataSymmetry``; the fit uses the
group to keep the relaxed weights in its invariant subspace, and the report compares the
network's residual group with it. Pairs are analysed here (:func:`pairs_symmetry`); trajectories
fit their fields (:mod:`symbreak.tasks.trajectories`).

For pairs, every pair is analysed about its own source centroid (the frame the network sees:
:class:`symbreak.tasks.PairsTask` centres each pair on it, without rotating). Several pairs are
fitted with one set of relaxed weights, so the dataset's groups are the intersections over the
pairs; each pair's own groups are listed too.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from symbreak.contract import DataSymmetry, StructuresSection
from symbreak.data import PairDataset
from symbreak.symmetry import PointGroup, point_group, transformation_group


def _common(groups: list[PointGroup]) -> PointGroup:
    return reduce(lambda a, b: a & b, groups)


def pairs_symmetry(pairs: PairDataset, tolerance: float) -> DataSymmetry:
    """Groups of a pair dataset at ``tolerance`` (length unit of the positions).

    >>> import numpy as np
    >>> from symbreak.data import make_example, load_pairs
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/prism.h5"
    >>> make_example("cube_to_prism", path)
    >>> s = pairs_symmetry(load_pairs(path), 0.01)
    >>> s.input_group.name, s.target_group.name, s.data_group.name
    ('Oh', 'D4h', 'D4h')
    """
    inputs, targets, datas, parts = [], [], [], []
    for pair in pairs.pairs:
        species = [pairs.species_names[s] for s in pair.species]
        g_in = point_group(pair.source, species, tolerance)
        g_out = point_group(pair.target, species, tolerance)
        # the pairs are as the fit saw them: a rigid shift left in was kept on purpose
        g_data = transformation_group(pair.source, pair.target, species, tolerance,
                                      keep_translation=True)  # fmt: skip
        inputs.append(g_in)
        targets.append(g_out)
        datas.append(g_data)
        parts.append({
            "name": pair.name,
            "centre": pair.source.mean(axis=0).tolist(),
            "input_point_group": g_in.name,
            "target_point_group": g_out.name,
            "data_point_group": g_data.name,
        })  # fmt: skip
    centre = np.mean([pair.source.mean(axis=0) for pair in pairs.pairs], axis=0)
    return DataSymmetry(
        input_group=_common(inputs),
        target_group=_common(targets),
        data_group=_common(datas),
        centre=centre.tolist() if len(pairs.pairs) == 1 else None,
        parts=parts,
        sections=[structures_section(pairs)],
        polar_direction=polar_direction(pairs),
    )


def structures_section(pairs: PairDataset) -> StructuresSection:
    """The first pair as fitted, for the pictures (:class:`~symbreak.contract.StructuresSection`);
    crystal pairs carry the source's cell."""
    pair = pairs.pairs[0]
    cell = getattr(pair, "source_cell", None)
    return StructuresSection({
        "pair": pair.name, "count": len(pairs.pairs),
        "species": [pairs.species_names[s] for s in pair.species],
        "source": np.asarray(pair.source, dtype=float).tolist(),
        "target": np.asarray(pair.target, dtype=float).tolist(),
        "cell": None if cell is None else np.asarray(cell, dtype=float).tolist(),
    })  # fmt: skip


def polar_direction(pairs: PairDataset) -> list[float] | None:
    """Where the data's polar distortion points, from the displacements alone.

    The sign of a fitted ``1o`` weight is a gauge: flipping it and the output weights it
    feeds gives the same network. The direction of a polar distortion therefore comes from
    the data: the shift of the centre of nuclear charge relative to the centroid,
    :math:`p = \\sum_i Z_i d_i / \\sum_i Z_i - \bar d` (cations moving against anions give
    the ferroelectric's sense of polarisation). Labels that are not chemical symbols weigh 1,
    and where that leaves nothing (one kind of atom), the first polar moment of the
    displacement field, :math:`\\sum_i (d_i \\cdot s_i) s_i`, about the source centroid.
    Returns the unit vector, or None when both vanish (to 1e-9 of the displacements).
    """
    from symbreak.data import atomic_number

    charge_shift, moment, scale = np.zeros(3), np.zeros(3), 0.0
    for pair in pairs.pairs:
        d = pair.target - pair.source
        d = d - d.mean(axis=0)
        s = pair.source - pair.source.mean(axis=0)
        weights = np.array([atomic_number(pairs.species_names[k]) or 1 for k in pair.species],
                           dtype=np.float64)  # fmt: skip
        charge_shift += weights @ d / weights.sum()
        moment += np.sum(d * s, axis=1) @ s / max(float(np.sum(s * s)), 1e-300)
        scale = max(scale, float(np.abs(d).max()))
    for vector in (charge_shift, moment):
        norm = float(np.linalg.norm(vector))
        if norm > 1e-9 * scale and norm > 0:
            return (vector / norm).tolist()
    return None
