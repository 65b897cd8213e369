"""The contract between a learning task and the rest of symbreak.

A task turns one kind of dataset into what the trainer needs (irreps, graph geometry, a
loss), keeps what the run directory stores (its data), and answers what the report asks
(the data's groups). The trainer, the run directory, the report and the pictures ask the
task; none of them branches on its kind. A new kind of data is one module in
``symbreak/tasks/`` that implements :class:`Task`, plus its line in ``tasks/__init__.py``'s
registry (docs/architecture.md walks through one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    import torch

    from symbreak.model import Graph, RelaxedNetwork
    from symbreak.options import TaskOptions
    from symbreak.symmetry import PointGroup
    from symbreak.tasks.data_symmetry import DataSymmetry, SymmetryConstraint


@runtime_checkable
class Task(Protocol):
    """One kind of learning problem (pairs, crystals, trajectories).

    Made by the registry (:func:`symbreak.tasks.task_for_dataset`,
    :func:`symbreak.tasks.task_for_run`), never by the callers' own branching.
    """

    #: The kind's name in the registry and in ``config.json``'s ``"task"``.
    name: ClassVar[str]
    #: Convolutions when the user gives no ``--layers``.
    default_layers: ClassVar[int]

    # ---------------------------------------------------------------- made by the registry
    @classmethod
    def accepts(cls, dataset: Any) -> bool:
        """Whether this kind fits ``dataset`` (the registry asks each kind in turn)."""

    @classmethod
    def from_dataset(cls, dataset: Any, options: TaskOptions, seed: int = 0) -> Task:
        """The task on freshly loaded data; what it did to the data first (rigid motion
        removed, tolerance chosen) is in :attr:`preparation`. ``seed`` orders samples."""

    @classmethod
    def from_run(cls, run: Any) -> Task:
        """The task of a saved run, on the data stored in the run (to evaluate its network)."""

    #: What was done to the data before the fit (JSON; ``config.preparation``).
    preparation: dict

    # ---------------------------------------------------------------- for the trainer
    @property
    def irreps_in(self) -> str:
        """Node input irreps of the network (e3nn string)."""

    @property
    def irreps_out(self) -> str:
        """Node output irreps of the network."""

    #: True: the data do not fit one batch; the trainer uses :meth:`minibatches`, and
    #: :meth:`fit_loss` is measured on an evaluation sample.
    streaming: bool
    #: Rows per mini-batch when streaming (None: the trainer's default).
    minibatch_rows: int | None

    def network_geometry(self) -> dict:
        """``max_radius`` and ``neighbour_norm`` of the network, suited to the data."""

    def size(self) -> int:
        """Nodes plus edges of one full evaluation of :meth:`fit_loss` (to choose threads)."""

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """The fit loss (mean squared error) of ``network`` on the task's data."""

    def data_loss(self) -> float:
        """The fit loss of a network that predicts zero: the data's own mean square, the
        scale against which the report measures what a block of relaxed weights explains."""

    def minibatches(self, epoch: int, batch_size: int) -> Iterator[tuple[Graph, torch.Tensor]]:
        """One pass over the data in shuffled (graph, target) batches; streaming tasks only."""

    # ---------------------------------------------------------------- before the fit
    def symmetry_constraint(self, l_relaxed: int) -> SymmetryConstraint | None:
        """The data's group and its invariant projectors; None where the task has no
        geometric data group before the fit (trajectories read theirs from fitted fields)."""

    def data_checks(self) -> dict:
        """What the verdict needs to name a misfit's cause (``config.fit``), e.g. edges."""

    # ---------------------------------------------------------------- the run directory
    def write_data(self, folder: Path) -> None:
        """Store the data the network was fitted to in the run's staging ``folder``."""

    # ---------------------------------------------------------------- for the report
    def data_symmetry(self, tolerance: float) -> DataSymmetry:
        """Input, target and data groups (and extra sections such as fields) at
        ``tolerance``, in the input's length unit."""

    def data_residual(self, group: PointGroup, tolerance: float) -> float | None:
        """Share of the data's signal that ``group`` does not fix (noise), or None."""
