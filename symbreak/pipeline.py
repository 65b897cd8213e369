"""From an input file to a saved run: load, choose the task, fit, write, report."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from symbreak.data import PairDataset, load_dataset, write_pairs
from symbreak.fit import FitOptions, FitResult, HistoryRow, fit
from symbreak.run import write_run
from symbreak.tasks import PairsTask


def make_task(dataset, options: FitOptions):
    """The learning task for a loaded dataset."""
    if isinstance(dataset, PairDataset):
        return PairsTask(dataset, options.target, options.cutoff)
    from symbreak.trajectory_task import TrajectoryTask

    return TrajectoryTask(dataset, options)


def pairs_data_writer(dataset: PairDataset) -> Callable[[Path], None]:
    """A ``write_data`` for :func:`~symbreak.run.write_run`: the pairs as the run's ``data.h5``."""

    def write(folder: Path) -> None:
        pairs = {
            pair.name: (pair.source, pair.target, [dataset.species_names[s] for s in pair.species])
            for pair in dataset.pairs
        }
        write_pairs(folder / "data.h5", pairs)

    return write


def fit_summary(result: FitResult) -> dict:
    return {
        "loss": result.loss_,
        "initial_loss": result.initial_loss_,
        "relative_loss": result.loss_ / result.initial_loss_ if result.initial_loss_ else 0.0,
        "epochs": result.epochs_,
        "seconds": result.seconds_,
        "converged": result.converged_,
        "interrupted": result.interrupted_,
    }


def fit_file(
    data_path: str | os.PathLike,
    out: str | os.PathLike,
    options: FitOptions,
    on_epoch: Callable[[HistoryRow], None] | None = None,
    overwrite: bool = False,
    analyse: bool = True,
) -> tuple[Path, FitResult]:
    """Fit ``data_path`` and write the run directory ``out``; returns its path and the result.

    Raises ``DataError`` for unusable input before anything is written.
    """
    dataset = load_dataset(data_path)
    task = make_task(dataset, options)
    result = fit(task, options, on_epoch=on_epoch)
    config = {
        "task": task.name,
        "input": {"path": str(Path(data_path).resolve()), "sha256": dataset.sha256},
        "options": asdict(options),
        "network": result.network_config_,
        "fit": fit_summary(result),
    }
    write_data = (
        pairs_data_writer(dataset) if isinstance(dataset, PairDataset) else task.write_samples
    )
    path = write_run(out, config, result.network_, result.history_, write_data, overwrite)
    if analyse:
        _write_report(path)
    return path, result


def _write_report(path: Path) -> None:
    """Save ``report.json`` beside the run (``symbreak explain --json`` of the fresh run)."""
    import json

    from symbreak.report import UnexplainedTaskError, build_report
    from symbreak.run import load_run

    try:
        report = build_report(load_run(path))
    except UnexplainedTaskError:  # a task without a symmetry analysis yet: the run stands alone
        return
    tmp = path / ".report.json.partial"
    tmp.write_text(json.dumps(report.to_dict(), indent=2))
    tmp.replace(path / "report.json")


def task_for_run(run):
    """The task of a loaded run, on the data stored in the run (to evaluate its network)."""
    options = run.config["options"]
    if run.task == "pairs":
        return PairsTask(run.pairs, options["target"], options["cutoff"])
    from symbreak.trajectory_task import TrajectoryTask

    return TrajectoryTask.from_samples(run.samples, FitOptions(**options), network=run.network)
