"""Every kind against the written contract (:mod:`symbreak.contract`), the way scikit-learn
checks its estimators: each registered kind, and a toy kind defined here, goes through a tiny
fit -> run -> report -> explain -> render -> load round trip and answers every member of
:class:`~symbreak.contract.Task`.

The toy kind proves the claim of docs/architecture.md: a new kind is its own module, one
registry line and its tests. It lives in this file alone; nothing in ``symbreak/`` knows it.
Its data are a point cloud with one scalar per point (say, a charge), its target those
scalars, and its report section a key nobody registered a renderer for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import torch
from rich.console import Console

from symbreak.contract import TASK_MEMBERS, DataSymmetry, Section, Task
from symbreak.model import point_cloud_graph
from symbreak.options import FitOptions
from symbreak.pipeline import fit_file, open_run
from symbreak.render import render_run
from symbreak.report import Report, build_report, print_report
from symbreak.symmetry import point_group
from symbreak.tasks import TASKS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
#: One input per registered kind: the smallest sample of each.
INPUTS = {
    "pairs": [SAMPLES / "cube_to_prism.h5"],
    "crystals": [SAMPLES / "BaTiO3_cubic.cif", SAMPLES / "BaTiO3_P4mm.cif"],
    "trajectories": [SAMPLES / "lorentz.h5"],
}
QUICK = {"epochs": 4}


# ------------------------------------------------------------------------------ a toy kind
@dataclass(frozen=True)
class ChargedCloud:
    """The toy kind's data: points and one scalar each."""

    positions: np.ndarray
    charges: np.ndarray

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.positions.tobytes() + self.charges.tobytes()).hexdigest()


@dataclass(frozen=True)
class ChargeSection(Section):
    """A section only the toy kind has: no renderer is registered for its key."""

    key: ClassVar[str] = "toy_charges"


class ChargeTask:
    """Scalars on the points of a cloud: the network learns each point's charge."""

    name = "toy_charges"
    default_layers = 1
    options_namespace = None
    tolerance = 1e-3
    streaming = False
    minibatch_rows = None
    irreps_in = "1x0e"
    irreps_out = "1x0e"

    def __init__(self, cloud: ChargedCloud) -> None:
        self.cloud = cloud
        self.graph = point_cloud_graph(cloud.positions, np.ones((len(cloud.positions), 1)))
        self.targets = torch.as_tensor(cloud.charges[:, None])
        self.preparation: dict = {}

    @classmethod
    def accepts(cls, dataset) -> bool:
        return isinstance(dataset, ChargedCloud)

    @classmethod
    def from_dataset(cls, dataset, options, seed: int = 0) -> ChargeTask:
        return cls(dataset)

    @classmethod
    def from_run(cls, run) -> ChargeTask:
        stored = np.load(run.path / "cloud.npz")
        return cls(ChargedCloud(stored["positions"], stored["charges"]))

    def network_geometry(self) -> dict:
        return {"max_radius": 3.0, "neighbour_norm": float(len(self.cloud.positions))}

    def size(self) -> int:
        return len(self.cloud.positions) + int(self.graph.edge_vec.shape[0])

    def fit_loss(self, network) -> torch.Tensor:
        return (network(self.graph) - self.targets).pow(2).mean()

    def data_loss(self) -> float:
        return float(self.targets.pow(2).mean())

    def loss_resolution(self) -> None:
        return None

    def minibatches(self, epoch: int, batch_size: int):
        raise NotImplementedError("the toy kind fits in one batch")

    def symmetry_constraint(self, l_relaxed: int) -> None:
        return None

    def data_checks(self) -> dict:
        return {"obstacles": [], "data_problems": [], "data_notes": []}

    def write_data(self, folder: Path) -> None:
        np.savez(Path(folder) / "cloud.npz", positions=self.cloud.positions,
                 charges=self.cloud.charges)  # fmt: skip

    def data_symmetry(self, tolerance: float, network) -> DataSymmetry:
        labels = [f"q{charge:+.3f}" for charge in self.cloud.charges]
        shape = point_group(self.cloud.positions, ["X"] * len(labels), tolerance)
        kept = point_group(self.cloud.positions, labels, tolerance)
        section = ChargeSection({"points": len(labels), "total_charge": float(
            self.cloud.charges.sum())})  # fmt: skip
        return DataSymmetry(shape, None, kept, self.cloud.positions.mean(axis=0).tolist(),
                            sections=[section])  # fmt: skip

    def data_residual(self, group, tolerance: float) -> None:
        return None


def _square_with_charges() -> ChargedCloud:
    """A square (D4h) whose charges alternate along one diagonal pair: D2h is kept."""
    square = np.array([[1.0, 1, 0], [-1, 1, 0], [-1, -1, 0], [1, -1, 0]])
    return ChargedCloud(square, np.array([1.0, -0.5, 1.0, -0.5]))


@pytest.fixture()
def toy_kind(monkeypatch):
    """The toy kind's one registry line, for this test only."""
    monkeypatch.setitem(TASKS, ChargeTask.name, ChargeTask)
    return ChargeTask


# ------------------------------------------------------------------------------ the checks
def test_every_registered_kind_declares_every_member_of_the_contract():
    for name, kind in TASKS.items():
        assert kind.name == name
        missing = [m for m in TASK_MEMBERS if m not in ("preparation", "tolerance")
                   and not hasattr(kind, m)]  # fmt: skip
        assert not missing, f"{name} lacks {missing}"
        assert isinstance(kind.default_layers, int) and kind.default_layers >= 1


def _round_trip(out: Path, report: Report, run) -> None:
    """What every kind must survive after its fit: the checks shared by all."""
    assert isinstance(run.task, Task)  # the runtime protocol: every member present
    for member in TASK_MEMBERS:
        assert hasattr(run.task, member), member
    saved = json.loads((out / "report.json").read_text())
    assert saved == json.loads(json.dumps(report.to_dict()))  # the fit's report, rebuilt alike
    again = Report.from_dict(saved)
    assert again.to_dict() == report.to_dict()
    assert [s.key for s in again.sections] == saved["sections"] == [s.key for s in report.sections]
    console = Console(file=io.StringIO(), width=120, record=True, color_system=None)
    print_report(again, console)
    text = console.export_text()
    assert "Verdict." in text and report.groups.residual.pretty_name in text
    rendering = render_run(run, out.parent / f"{out.name}-pictures", layer=0, size=(160, 80),
                           report=again, resolution=8)  # fmt: skip
    names = [f.name for f in rendering.files]
    assert "layer0_signal.png" in names and all((rendering.out / n).stat().st_size for n in names)


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_each_kind_round_trips_fit_run_report_render_load(kind, tmp_path):
    assert set(INPUTS) == set(TASKS), "a kind without a round-trip input"
    from symbreak.data.formats import load_input

    paths = INPUTS[kind]
    dataset = load_input(paths)
    assert [name for name, k in TASKS.items() if k.accepts(dataset)][0] == kind
    out = tmp_path / "run"
    fit_file(paths[0], out, FitOptions.from_flat(**QUICK), dataset=dataset)
    run = open_run(out)
    assert run.task.name == run.kind == kind
    _round_trip(out, build_report(run), run)


def test_a_toy_kind_needs_only_its_module_registry_line_and_tests(toy_kind, tmp_path):
    cloud = _square_with_charges()
    source = tmp_path / "cloud.txt"
    source.write_text("the toy kind's data live in memory")
    out = tmp_path / "run"
    fit_file(source, out, FitOptions.from_flat(epochs=40), dataset=cloud)
    run = open_run(out)
    assert isinstance(run.task, ChargeTask)
    report = build_report(run)
    # the groups come from the kind; the verdict, the table and the pictures from the rest
    assert report.groups.input.name == "D4h" and report.groups.data.name == "D2h"
    section = report.section("toy_charges")
    assert isinstance(section, ChargeSection) and section.data["points"] == 4
    _round_trip(out, report, run)
    # its section has no renderer: explain shows it as a plain table of its entries
    console = Console(file=io.StringIO(), width=120, record=True, color_system=None)
    print_report(report, console)
    assert "total_charge" in console.export_text()


def test_a_section_of_an_unknown_key_survives_report_json(toy_kind, tmp_path):
    """A report written by a kind this process does not know (a newer version's, a
    plug-in's) still loads, prints and saves its section unchanged."""
    saved = dataclasses.replace(_hand_report(), sections=[Section.of("from_the_future",
                                                                     {"answer": 42})])
    data = json.loads(json.dumps(saved.to_dict()))
    again = Report.from_dict(data)
    assert again.section("from_the_future").data["answer"] == 42
    assert again.to_dict() == saved.to_dict()


def _hand_report() -> Report:
    from tests.render.conftest import hand_made_report

    return hand_made_report()
