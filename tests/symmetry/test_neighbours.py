"""Nearest neighbours without scipy for small sets: the same answers as scipy's cKDTree."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from symbreak.symmetry import _neighbours
from symbreak.symmetry._neighbours import close_pair, nearest, nearest_other


@pytest.fixture(params=["numpy", "tree"])
def route(request, monkeypatch):
    if request.param == "tree":
        monkeypatch.setattr(_neighbours, "BRUTE_FORCE_PAIRS", 0)
    return request.param


def test_nearest_equals_ckdtree_with_and_without_a_bound(route):
    rng = np.random.default_rng(0)
    reference, queries = rng.normal(size=(40, 3)), rng.normal(size=(30, 3))
    for bound in (np.inf, 0.3):
        want_d, want_i = cKDTree(reference).query(queries, distance_upper_bound=bound)
        got_d, got_i = nearest(reference, queries, upper_bound=bound)
        assert np.array_equal(np.isinf(got_d), np.isinf(want_d))
        found = np.isfinite(want_d)
        assert np.allclose(got_d[found], want_d[found], rtol=0, atol=1e-12)
        assert np.array_equal(got_i, want_i)
    assert bound == 0.3 and (~found).any() and found.any()  # both outcomes were checked


def test_nearest_other_and_close_pair(route):
    points = np.random.default_rng(1).normal(size=(25, 3))
    want = cKDTree(points).query(points, k=2)[0][:, 1]
    assert np.allclose(nearest_other(points), want, rtol=0, atol=1e-12)
    assert close_pair(points, 0.5 * want.min()) is None
    points[7] = points[3] + 1e-9
    assert close_pair(points, 1e-6) == (3, 7)
