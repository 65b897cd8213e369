"""The least-cost assignment against scipy's, the independent oracle: the same total cost on
random matrices, on matrices full of ties (symmetric molecules), and on the large ones that go
to scipy itself."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from symbreak.data._assignment import cheapest_assignment


@pytest.mark.parametrize("size", [1, 2, 5, 12, 30, 48, 60])
@pytest.mark.parametrize("kind", ["random", "ties", "distances"])
def test_the_total_cost_is_scipys(size, kind):
    rng = np.random.default_rng(size)
    if kind == "random":
        cost = rng.random((size, size))
    elif kind == "ties":  # few distinct values: many optima, and the fast path must step aside
        cost = rng.integers(0, 3, (size, size)).astype(float)
    else:  # squared distances between two noisy copies of one cloud, as matching builds them
        points = rng.normal(size=(size, 3))
        moved = points[rng.permutation(size)] + rng.normal(scale=0.05, size=(size, 3))
        cost = np.sum((points[:, None] - moved[None]) ** 2, axis=2)
    rows, cols = cheapest_assignment(cost)
    assert sorted(cols.tolist()) == list(range(size)) and rows.tolist() == list(range(size))
    best_rows, best_cols = linear_sum_assignment(cost)
    assert cost[rows, cols].sum() == pytest.approx(cost[best_rows, best_cols].sum(), abs=1e-12)
