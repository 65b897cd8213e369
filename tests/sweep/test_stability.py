"""The stability measures on constructed answers (exact angles, planted changes), and on real
sweeps: cube -> prism is stable, a near-cube distortion near the symmetry tolerance is not."""

from __future__ import annotations

import numpy as np
import pytest

from symbreak.report import FitSummary, IrrepRow, Report, ReportGroups
from symbreak.sweep import SweepGrid
from symbreak.sweep._stability import RunAnswer, stability
from symbreak.symmetry import named_group
from symbreak.symmetry._rotations import rotation_matrix
from tests.sweep.conftest import needs_ray

GRID = SweepGrid({"l_relaxed": [2, 4], "reg_strength": [1e-4, 1e-3, 1e-2], "seed": [0, 1]})


def _answers(group_at, vector_at=None) -> list[RunAnswer]:
    """One answer per grid point; ``group_at(values)`` names its residual group."""
    found = []
    for point in GRID.points():
        name = group_at(point.values)
        vector = np.array([0.0, 0.0, 1.0, 0.0, 0.0]) if vector_at is None else vector_at(
            point.values)  # fmt: skip
        found.append(RunAnswer(
            name=point.name, values=point.values, residual=name,
            residual_group=named_group(name), input_group=named_group("Oh"),
            activated=["2e"] if name != "Oh" else [],
            vectors={"2e layer 0": vector / np.linalg.norm(vector)} if name != "Oh" else {},
        ))  # fmt: skip
    return found


def test_one_answer_everywhere_is_stable_with_three_domains():
    result = stability(None, GRID, _answers(lambda v: "D4h"), [])
    assert result.stable and not result.flags
    assert result.consensus == {"group": "D4h", "agree": 12, "same_domain": 12, "runs": 12,
                                "others": {}}  # fmt: skip
    assert result.activity == {"2e": 1.0}
    assert [d.principal_axis for d in result.domains][0] == (0.0, 0.0, 1.0)
    assert result.domain_counts == [12, 0, 0]


def test_a_change_with_lambda_is_flagged_at_the_values_where_it_happens():
    answers = _answers(lambda v: "Oh" if v["reg_strength"] == 1e-2 else "D4h")
    result = stability(None, GRID, answers, [])
    assert not result.stable
    assert [flag["parameter"] for flag in result.flags] == ["reg_strength"]
    (change,) = result.flags[0]["changes"]
    assert (change["from"], change["to"], change["groups"]) == (1e-3, 1e-2, ["D4h", "Oh"])
    assert "between 0.001 and 0.01" in result.flags[0]["sentence"]
    table = {tuple(row["values"].values()): row["groups"] for row in result.table}
    assert table[(2, 1e-2)] == {"Oh": 2} and table[(4, 1e-4)] == {"D4h": 2}
    assert result.activity == {"2e": pytest.approx(8 / 12)}


def test_seeds_that_disagree_are_flagged_as_the_seed():
    answers = _answers(lambda v: "D2h" if (v["l_relaxed"], v["seed"]) == (4, 1) else "D4h")
    result = stability(None, GRID, answers, [])
    assert [flag["parameter"] for flag in result.flags] == ["l_relaxed", "seed"]
    seed_flag = result.flags[1]
    assert [c["at"] for c in seed_flag["changes"]] == [
        {"l_relaxed": 4, "reg_strength": r} for r in (1e-4, 1e-3, 1e-2)]


@pytest.mark.parametrize("degrees", [0.0, 0.5, 7.0, 30.0])
def test_direction_spread_is_the_angle_between_seeds_and_ignores_the_sign(degrees):
    base = np.array([0.3, -0.2, 0.8, 0.1, 0.4])
    other = np.array([0.1, 0.5, -0.1, 0.2, 0.3])
    other -= (other @ base) / (base @ base) * base  # perpendicular, same plane each time
    turned = np.cos(np.radians(degrees)) * base / np.linalg.norm(base) + np.sin(
        np.radians(degrees)) * other / np.linalg.norm(other)  # fmt: skip

    def vector(values):  # seed 1 turned by `degrees` and flipped: the sign is a gauge
        return -turned if values["seed"] == 1 else base

    result = stability(None, GRID, _answers(lambda v: "D4h", vector), [])
    assert result.spread["2e layer 0"] == pytest.approx(degrees, abs=1e-6)


def test_domains_are_counted_by_orientation():
    turn = rotation_matrix([1.0, 1.0, 1.0], 2 * np.pi / 3)  # z -> x: another domain
    answers = _answers(lambda v: "D4h")
    answers[0].residual_group = named_group("D4h", turn)
    result = stability(None, GRID, answers, [])
    assert result.consensus["same_domain"] in (11, 1)
    assert sorted(result.domain_counts, reverse=True) == [11, 1, 0]


@needs_ray
def test_cube_to_prism_is_stable_over_l_lambda_and_seeds(prism_sweep):
    from symbreak.sweep import analyse_sweep

    result = analyse_sweep(prism_sweep)
    assert result.stable and result.consensus["agree"] == 8 == result.consensus["same_domain"]
    assert result.consensus["group"] == "D4h"
    assert max(result.spread.values()) < 1.0  # degrees
    assert len(result.domains) == 3 and result.domain_counts[0] == 8


@needs_ray
def test_a_distortion_near_the_symmetry_tolerance_is_flagged(tmp_path):
    from symbreak.data import cube
    from symbreak.data.pairs import write_pairs
    from symbreak.sweep import analyse_sweep, run_sweep

    # a cube stretched by 0.1 %: D4h where the tolerance sees it, Oh where it hides it
    strain = 1e-3
    source = cube()
    target = 2.0 * source * np.array([1 - strain, 1 - strain, 1 + 2 * strain])
    data = tmp_path / "near_cube.h5"
    write_pairs(data, {"near_cube": (source, target)})
    grid = SweepGrid({"symmetry_tolerance": [1e-4, 1e-2], "seed": [0, 1]},
                     {"l_relaxed": 2, "epochs": 40})  # fmt: skip
    run_sweep(data, tmp_path / "sweep", grid, workers=2)
    result = analyse_sweep(tmp_path / "sweep")
    assert not result.stable
    assert [flag["parameter"] for flag in result.flags] == ["symmetry_tolerance"]
    assert result.flags[0]["changes"][0]["groups"] == ["D4h", "Oh"]
    table = {row["values"]["symmetry_tolerance"]: row["groups"] for row in result.table}
    assert table == {1e-4: {"D4h": 2}, 1e-2: {"Oh": 2}}


def _report(vector_4e) -> Report:
    """A minimal Report with one active 4e block (D4h in Oh)."""
    d4h = named_group("D4h")
    row = IrrepRow(layer=1, irrep="4e", copy=0, vector=tuple(vector_4e), norm=1.0,
                   breaking_norm=1.0, relative_norm=1.0, relative_breaking_norm=1.0,
                   loss_zeroed=1.0, significant=True, active=True, interpretation="",
                   needed=True)  # fmt: skip
    return Report(
        task="pairs", groups=ReportGroups(input=named_group("Oh"), target=d4h, data=d4h,
                                          relaxed_weights=d4h, residual=d4h),
        rows=(row,), predicted_irreps=("2e", "4e"), consistent=True, verdict="",
        fit=FitSummary(loss=0.0, initial_loss=1.0, relative_loss=0.0, epochs=1, seconds=0.0,
                       converged=True),
        l_relaxed=4, threshold=1e-3, tolerance=1e-2,
    )  # fmt: skip


def test_spread_ignores_the_input_invariant_part_of_a_block():
    from symbreak.sweep._stability import run_answer
    from symbreak.symmetry import invariant_projector

    def direction(projector):  # the projector's range is one-dimensional here
        values, vectors = np.linalg.eigh(projector)
        return vectors[:, -1]

    cubic = direction(invariant_projector("4e", named_group("Oh")))
    tetragonal = invariant_projector("4e", named_group("D4h")) - invariant_projector(
        "4e", named_group("Oh"))  # fmt: skip
    breaking = direction(tetragonal)
    grid = SweepGrid({"seed": [0, 1]})
    answers = [run_answer(p.name, p.values, _report(mix * cubic + 0.3 * breaking))
               for p, mix in zip(grid.points(), (0.1, 2.0))]  # fmt: skip
    # the whole vectors are 80 degrees apart; their breaking parts coincide
    assert np.degrees(np.arccos(abs(
        (0.1 * cubic + 0.3 * breaking) @ (2.0 * cubic + 0.3 * breaking)
        / np.linalg.norm(0.1 * cubic + 0.3 * breaking)
        / np.linalg.norm(2.0 * cubic + 0.3 * breaking)))) > 60  # fmt: skip
    assert stability(None, grid, answers, []).spread["4e layer 1"] == pytest.approx(0, abs=1e-6)


def test_a_polar_domain_counts_the_runs_on_its_side_only():
    """C4v along +z and along -z are one set of elements but two domains of Oh: runs whose
    data point either way are counted once each, never in both."""
    from symbreak.sweep._stability import RunAnswer, in_domain
    from symbreak.symmetry import domains, named_group

    oh, c4v = named_group("Oh"), named_group("C4v")
    found = domains(oh, c4v, reference=[0.0, 0.0, 1.0])
    up = RunAnswer("up", {}, "C4v", c4v, oh, ["1o"], {}, polar_reference=[0.0, 0.0, 1.0])
    down = RunAnswer("down", {}, "C4v", c4v, oh, ["1o"], {}, polar_reference=[0.0, 0.0, -1.0])
    counts = [sum(in_domain(a, d) for a in (up, down)) for d in found]
    assert sorted(counts) == [0, 0, 0, 0, 1, 1]
    assert found[0].polar_axis == (0.0, 0.0, 1.0) and in_domain(up, found[0])
