"""Learning tasks: how a dataset becomes network inputs, targets, a loss and a data group.

Every kind implements :class:`symbreak.contract.Task` and has one line in
:data:`TASKS`. The rest of symbreak gets a task from :func:`task_for_dataset` or
:func:`task_for_run` and asks it; nothing outside this package branches on the kind.
"""

from __future__ import annotations

from typing import Any

from symbreak.contract import Task
from symbreak.errors import DataError, UnexplainedTaskError
from symbreak.options import FitOptions
from symbreak.tasks._graph_task import GraphTask
from symbreak.tasks.crystals import CrystalTask
from symbreak.tasks.pairs import PairsTask
from symbreak.tasks.trajectories import TrajectoryTask

#: Every kind of task by the name ``config.json`` stores. Each says whether it accepts a
#: dataset; exactly one must (crystals take periodic pairs, pairs finite ones).
TASKS: dict[str, type[Task]] = {
    kind.name: kind for kind in (CrystalTask, PairsTask, TrajectoryTask)
}


def task_for_dataset(dataset: Any, options: FitOptions | None = None, seed: int = 0) -> Task:
    """The task of the one kind in :data:`TASKS` that accepts ``dataset``, made with that
    kind's namespace of ``options`` (``options.pairs`` for pairs and crystals, ...; the whole
    :class:`~symbreak.options.FitOptions` for a kind that names none)."""
    options = FitOptions() if options is None else options
    kinds = [kind for kind in TASKS.values() if kind.accepts(dataset)]
    if not kinds:
        raise DataError(f"symbreak has no task for data of type {type(dataset).__name__}.")
    if len(kinds) > 1:  # the kinds' tests of their data must exclude each other
        raise DataError(f"kinds {', '.join(k.name for k in kinds)} all accept these data.")
    (kind,) = kinds
    namespace = getattr(kind, "options_namespace", None)
    return kind.from_dataset(dataset, getattr(options, namespace) if namespace else options,
                             seed)  # fmt: skip


def task_for_run(run: Any) -> Task:
    """The task of a loaded run, on the data stored in the run (to evaluate its network)."""
    kind = TASKS.get(run.kind)
    if kind is None:
        raise UnexplainedTaskError(f"{run.path}: symbreak cannot explain a {run.kind!r} run.")
    return kind.from_run(run)


__all__ = ["TASKS", "CrystalTask", "GraphTask", "PairsTask", "Task", "TrajectoryTask",
           "task_for_dataset", "task_for_run"]  # fmt: skip
