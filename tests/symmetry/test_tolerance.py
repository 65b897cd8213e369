"""The tolerance ladder: the group a distortion keeps, read off exact and noisy data.

Ground truth: clusters distorted by a Reynolds-averaged random field, which keeps exactly the
named group (symbreak.data.published.symmetric_distortion), in random frames.
"""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from symbreak.data.published import symmetric_distortion
from symbreak.symmetry import choose_tolerance, tolerance_ladder

GROUPS = ["C4v", "C3v", "C4", "D3", "S4", "D2d", "C4h", "S6", "C3h", "Cs", "Ci", "C2"]


def _noisy(pair, sigma_fraction, rng):
    displacement = np.linalg.norm(pair.target - pair.source, axis=1)
    smallest = displacement[displacement > 1e-9].min()
    return pair.target + rng.normal(size=pair.target.shape) * sigma_fraction * smallest


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("amplitude", [0.015, 0.2])
def test_exact_and_noisy_data_give_the_distortions_group(group, amplitude):
    rng = np.random.default_rng(GROUPS.index(group) * 1000 + int(amplitude * 1000))
    rotation = Rotation.random(random_state=rng).as_matrix()
    pair = symmetric_distortion(group, amplitude=amplitude, seed=3, rotation=rotation)
    exact = choose_tolerance(pair.source, pair.target, pair.species)
    assert exact.group.name == group
    noisy = choose_tolerance(pair.source, _noisy(pair, 0.02, rng), pair.species)
    assert noisy.group.name == group
    assert noisy.gap[0] < noisy.tolerance < noisy.gap[1]


def test_ladder_climbs_from_the_kept_group_to_the_parent():
    pair = symmetric_distortion("C4v", amplitude=0.05, seed=1)
    ladder = tolerance_ladder(pair.source, pair.target, pair.species)
    assert ladder[0].group.name == "C4v" and ladder[-1].group.name == "Oh"
    assert ladder[-1].high == np.inf
    orders = [rung.group.order for rung in ladder]
    assert orders == sorted(orders)  # a larger tolerance never loses an operation
    for lower, upper in zip(ladder, ladder[1:]):
        assert lower.high <= upper.low and lower.group <= upper.group


def test_a_random_map_keeps_nothing():
    rng = np.random.default_rng(5)
    pair = symmetric_distortion("C1", amplitude=0.2, seed=2)
    noisy = pair.target + rng.normal(size=pair.target.shape) * 1e-4
    assert choose_tolerance(pair.source, noisy, pair.species).group.name == "C1"


def test_noise_near_the_distortion_still_finds_the_kept_group():
    """CH4 with one C-H bond stretched by 0.15 (kept group C3v) and noise of 0.01 on the
    target in random frames: the C3v rung spans only a factor 2-4 above the noise, and the
    identity's rung below it must not win (it did in 153 of 200 frames before)."""
    c = 0.629118
    source = np.array([[0, 0, 0], [c, c, c], [-c, -c, c], [c, -c, -c], [-c, c, -c]])
    target = source.copy()
    target[1] += 0.15 * source[1] / np.linalg.norm(source[1])
    found = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        turn = Rotation.random(random_state=rng).as_matrix()
        noisy = target @ turn.T + rng.normal(size=target.shape) * 0.01
        found.append(choose_tolerance(source @ turn.T, noisy, ["C"] + ["H"] * 4).group.name)
    assert found.count("C3v") >= 17, found
