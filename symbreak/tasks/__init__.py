"""Learning tasks: how a dataset becomes network inputs, targets, a loss and a data group.

Every kind implements :class:`symbreak.contract.Task` and has one line in
:data:`TASKS`. The rest of symbreak gets a task from :func:`task_for_dataset` or
:func:`task_for_run` and asks it; nothing outside this package branches on the kind.
"""

from __future__ import annotations

from typing import Any

from symbreak.contract import Task
from symbreak.errors import DataError, UnexplainedTaskError
from symbreak.options import TaskOptions
from symbreak.tasks._graph_task import GraphTask
from symbreak.tasks.crystals import CrystalTask
from symbreak.tasks.pairs import PairsTask
from symbreak.tasks.trajectories import TrajectoryTask

#: Every kind of task by the name ``config.json`` stores, asked in this order whether it
#: accepts a dataset (crystals before pairs: both hold structure pairs).
TASKS: dict[str, type[Task]] = {
    kind.name: kind for kind in (CrystalTask, PairsTask, TrajectoryTask)
}


def task_for_dataset(dataset: Any, options: TaskOptions | None = None, seed: int = 0) -> Task:
    """The task of the first kind in :data:`TASKS` that accepts ``dataset``."""
    options = TaskOptions() if options is None else options
    for kind in TASKS.values():
        if kind.accepts(dataset):
            return kind.from_dataset(dataset, options, seed)
    raise DataError(f"symbreak has no task for data of type {type(dataset).__name__}.")


def task_for_run(run: Any) -> Task:
    """The task of a loaded run, on the data stored in the run (to evaluate its network)."""
    kind = TASKS.get(run.kind)
    if kind is None:
        raise UnexplainedTaskError(f"{run.path}: symbreak cannot explain a {run.kind!r} run.")
    return kind.from_run(run)


__all__ = ["TASKS", "CrystalTask", "GraphTask", "PairsTask", "Task", "TrajectoryTask",
           "task_for_dataset", "task_for_run"]  # fmt: skip
