"""The threshold ladder: windows of threshold with the residual group each one gives."""

import math

import numpy as np
import pytest

from symbreak.report import build_report, quadrupole_vector
from symbreak.report._activity import IrrepRow
from symbreak.report._ladder import threshold_ladder
from symbreak.symmetry import named_group, wigner_D

_Q = np.linalg.qr(np.random.default_rng(11).normal(size=(3, 3)))[0]
FRAMES = [np.eye(3), _Q]  # _Q may be improper: the ladder holds in any O(3) frame


def row(irrep: str, vector, relative_norm: float, loss_zeroed: float) -> IrrepRow:
    vector = np.asarray(vector, dtype=np.float64)
    return IrrepRow(layer=0, irrep=irrep, copy=0, vector=vector.tolist(),
                    norm=float(np.linalg.norm(vector)), breaking_norm=0.0,
                    relative_norm=relative_norm, relative_breaking_norm=relative_norm,
                    loss_zeroed=loss_zeroed, significant=True, active=True,
                    interpretation="", needed=True)  # fmt: skip


def tetragonal(stretch: float, frame) -> tuple[np.ndarray, float]:
    """A 2e uniaxial about z plus ``stretch`` of x² - y² (D2h), in ``frame``, and the relative
    move of that tensor under the C4 about z: where D4h takes over from D2h."""
    q = np.diag([-1.0, -1.0, 2.0]) + stretch * np.diag([1.0, -1.0, 0.0])
    c4 = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    move = np.linalg.norm(c4 @ q @ c4.T - q) / np.linalg.norm(q)
    return wigner_D("2e", frame) @ quadrupole_vector(q), float(move)


@pytest.mark.parametrize("frame", FRAMES)
def test_windows_of_a_constructed_tensor(frame):
    vector, c4_move = tetragonal(0.01, frame)
    ladder = threshold_ladder([row("2e", vector, 0.5, 0.3)], named_group("Oh", frame),
                              loss=1e-12, data_loss=1.0, threshold=1e-3)  # fmt: skip
    assert [w.name for w in ladder] == ["D2h", "D4h", "Oh"]
    assert ladder[0].low == 1e-3 and math.isinf(ladder[-1].high)
    assert ladder[0].high == pytest.approx(c4_move, rel=1e-6)  # 0.02·√2 / |Q|
    assert ladder[1].low == ladder[0].high and ladder[1].high == 0.5
    assert [w.to_dict()["high"] for w in ladder][-1] is None
    assert ladder[1].group == named_group("D4h", frame)


def test_the_loss_test_moves_a_window_edge():
    # zeroing the block costs 1e-4 of the data: it stops counting where t² passes 1e-4
    vector, _ = tetragonal(0.0, np.eye(3))
    ladder = threshold_ladder([row("2e", vector, 0.5, 1e-4)], named_group("Oh"),
                              loss=1e-12, data_loss=1.0, threshold=1e-3)  # fmt: skip
    assert [w.name for w in ladder] == ["D4h", "Oh"]
    assert ladder[0].high == pytest.approx(1e-2, rel=1e-6)


def test_no_counted_block_leaves_the_input_group():
    vector, _ = tetragonal(0.3, np.eye(3))
    unneeded = row("2e", vector, 0.5, 1e-12 + 1e-14)  # zeroing it changes nothing
    ladder = threshold_ladder([unneeded], named_group("Oh"), 1e-12, 1.0, 1e-3)
    assert [(w.low, w.high, w.name) for w in ladder] == [(1e-3, math.inf, "Oh")]


def test_continuous_input_group_is_sampled():
    # trajectories: input O(3); a polar vector (gravity) and a small axial one (a weak B)
    # along the same axis: C∞ while the axial one counts, C∞v above its relative norm, O(3)
    # once the threshold, as the stabiliser's tolerance, lets every rotation fix the 1o
    rows = [row("1o", [0.0, 0.0, 1.0], 0.9, 0.5), row("1e", [0.0, 0.0, 0.03], 0.03, 0.01)]
    ladder = threshold_ladder(rows, named_group("O3"), 1e-12, 1.0, 1e-3)
    assert [w.name for w in ladder] == ["Cinf", "Cinfv", "O3"]
    assert ladder[1].low == pytest.approx(0.03) and ladder[1].high <= 0.9
    assert all(a.high == b.low for a, b in zip(ladder[:-1], ladder[1:]))


def test_first_window_is_the_reports_group(fitted):
    run = fitted("cube_to_prism", rotated=True)
    report = build_report(run)
    fit = run.config["fit"]
    ladder = threshold_ladder(report.rows, report.groups["input"], fit["loss"],
                              run.task.data_loss(), report.threshold)  # fmt: skip
    assert ladder[0].low == report.threshold
    assert ladder[0].group == report.residual_group
    assert ladder[-1].group == report.groups["input"] and math.isinf(ladder[-1].high)
    for lower, upper in zip(ladder[:-1], ladder[1:]):  # a chain of growing groups
        assert lower.high == upper.low and lower.group <= upper.group
