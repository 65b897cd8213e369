"""Nearest neighbours of point sets: numpy for the clusters symbreak usually sees, k-d trees
for large ones.

``scipy.spatial`` costs 0.25 s to import on the 2-core machine, a quarter of the ``fit``
command's budget over the bare ``import torch``; a cluster of a few dozen atoms needs no tree.
Below :data:`BRUTE_FORCE_PAIRS` distance pairs every distance is computed (a few MB at most);
above it ``scipy.spatial.cKDTree`` answers, with the same results.

>>> import numpy as np
>>> distance, index = nearest(np.eye(3), np.array([[0.9, 0.0, 0.1]]), upper_bound=0.5)
>>> [round(float(d), 6) for d in distance], index.tolist()
([0.141421], [0])
"""

from __future__ import annotations

import numpy as np

#: Up to this many (query, reference) pairs, distances are computed directly.
BRUTE_FORCE_PAIRS = 250_000


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)


def nearest(reference: np.ndarray, queries: np.ndarray,
            upper_bound: float = np.inf) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Distance and index of the nearest reference point of each query; a distance of inf
    (and index ``len(reference)``) where none is closer than ``upper_bound``, as cKDTree."""
    reference, queries = np.asarray(reference, float), np.asarray(queries, float)
    if len(reference) * len(queries) > BRUTE_FORCE_PAIRS:
        from scipy.spatial import cKDTree

        return cKDTree(reference).query(queries, distance_upper_bound=upper_bound)
    if len(reference) == 0:
        return np.full(len(queries), np.inf), np.full(len(queries), 0)
    distances = _distances(queries, reference)
    index = np.argmin(distances, axis=1)
    distance = distances[np.arange(len(queries)), index]
    missing = ~(distance < upper_bound)
    return np.where(missing, np.inf, distance), np.where(missing, len(reference), index)


def nearest_other(points: np.ndarray) -> np.ndarray:
    """The distance from each point to its nearest other point (needs two points or more)."""
    points = np.asarray(points, float)
    if len(points) ** 2 > BRUTE_FORCE_PAIRS:
        from scipy.spatial import cKDTree

        return cKDTree(points).query(points, k=2)[0][:, 1]
    distances = _distances(points, points)
    np.fill_diagonal(distances, np.inf)
    return distances.min(axis=1)


def close_pair(points: np.ndarray, radius: float) -> tuple[int, int] | None:
    """Two points (i < j) closer than ``radius``, or None."""
    points = np.asarray(points, float)
    if len(points) ** 2 > BRUTE_FORCE_PAIRS:
        from scipy.spatial import cKDTree

        close = cKDTree(points).query_pairs(radius, output_type="ndarray")
        return (int(close[0, 0]), int(close[0, 1])) if len(close) else None
    distances = _distances(points, points)
    i, j = np.nonzero(np.triu(distances <= radius, k=1))
    return (int(i[0]), int(j[0])) if len(i) else None
