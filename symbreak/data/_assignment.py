"""The assignment of least total cost (rows to columns of a square cost matrix), without
importing ``scipy.optimize`` for the small matrices of atom matching: that import alone takes
0.2-0.4 s, a third of a whole ``symbreak fit`` of a small cluster above the torch floor.
"""

from __future__ import annotations

import numpy as np


def cheapest_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The assignment of rows to columns of least total cost, for a square ``cost``.

    When every row's cheapest column is strictly cheapest and no two rows share one, that
    choice is the optimum (it reaches the sum of the row minima, a lower bound). Otherwise
    small matrices go to :func:`_hungarian` and large ones to scipy's
    ``linear_sum_assignment``: importing ``scipy.optimize`` takes 0.2-0.4 s, as long as a
    whole ``symbreak modes`` of a small cell.
    """
    rows = np.arange(len(cost))
    if len(cost) == 1:
        return rows, np.zeros(1, int)
    nearest = np.argsort(cost, axis=1)[:, :2]
    best, second = cost[rows, nearest[:, 0]], cost[rows, nearest[:, 1]]
    if len(set(nearest[:, 0].tolist())) == len(rows) and np.all(second > best + 1e-12):
        return rows, nearest[:, 0]
    if len(cost) <= _HUNGARIAN_LIMIT:
        return rows, _hungarian(cost)
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(cost)


#: Largest matrix solved by :func:`_hungarian` (O(n^3) in Python: 2 ms at n = 48, random costs).
_HUNGARIAN_LIMIT = 48


def _hungarian(cost: np.ndarray) -> np.ndarray:
    """Column of each row in an assignment of least total cost (the Hungarian method with
    potentials and shortest augmenting paths; Kuhn 1955, Munkres 1957).

    >>> _hungarian(np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])).tolist()
    [1, 0, 2]
    """
    n = len(cost)
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    owner = [0] * (n + 1)  # owner[j]: row (1-based) holding column j; column 0 is a sentinel
    way = [0] * (n + 1)
    table = cost.tolist()
    for row in range(1, n + 1):
        owner[0], column = row, 0
        reach, used = [float("inf")] * (n + 1), [False] * (n + 1)
        while owner[column]:
            used[column] = True
            i, delta, nxt = owner[column], float("inf"), 0
            for j in range(1, n + 1):
                if not used[j]:
                    reduced = table[i - 1][j - 1] - u[i] - v[j]
                    if reduced < reach[j]:
                        reach[j], way[j] = reduced, column
                    if reach[j] < delta:
                        delta, nxt = reach[j], j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    reach[j] -= delta
            column = nxt
        while column:
            previous = way[column]
            owner[column] = owner[previous]
            column = previous
    assignment = np.empty(n, int)
    for j in range(1, n + 1):
        assignment[owner[j] - 1] = j - 1
    return assignment


__all__ = ["cheapest_assignment"]
