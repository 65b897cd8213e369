"""The one place that composes the rooms: input -> task -> fit -> run -> report.

Only this module (and the Python face and CLI above it) brings a kind from the registry
(``symbreak.tasks``) together with the trainer, the run directory and the report; those
rooms speak to :mod:`symbreak.contract` alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from symbreak.data import PairDataset, TrajectoryDataset, load_dataset
from symbreak.options import FitOptions
from symbreak.run import (
    Run,
    check_out,
    clean_leftovers,
    load_run,
    restore_replaced,
    run_lock,
    write_run,
)
from symbreak.tasks import task_for_dataset, task_for_run
from symbreak.trainer import FitResult, HistoryRow, choose_threads, fit, torch_threads


def open_run(path: str | os.PathLike) -> Run:
    """Load the run at ``path`` with its task, built once on the data stored in the run
    (what ``explain``, ``render`` and the report all ask)."""
    return load_run(path, task_of=task_for_run)


def fit_summary(result: FitResult) -> dict:
    """``config.json``'s fit summary of ``result`` (:class:`symbreak.report.FitSummary`,
    the one source of its keys); the kind's ``task.data_checks()`` are added beside it."""
    from symbreak.report import FitSummary

    return FitSummary.from_result(result).to_dict()


def fit_file(
    data_path: str | os.PathLike,
    out: str | os.PathLike,
    options: FitOptions,
    on_epoch: Callable[[HistoryRow], None] | None = None,
    overwrite: bool = False,
    analyse: bool = True,
    dataset: PairDataset | TrajectoryDataset | None = None,
    on_leftovers: Callable[[list[str]], None] | None = None,
    on_restored: Callable[[str], None] | None = None,
) -> tuple[Path, FitResult]:
    """Fit ``data_path`` and write the run directory ``out``; returns its path and the result.

    Raises ``DataError`` for unusable input and ``RunError`` for an ``out`` that may not be
    written (:func:`~symbreak.run.check_out`), another fit writing ``out``, or a file system
    that refuses the run, all before anything is fitted except the last. ``dataset`` is
    ``load_dataset(data_path)`` when the caller has it already. Staging folders a killed fit
    left beside ``out`` are removed and their names passed to ``on_leftovers``; a run that a
    fit killed mid-replacement left aside is put back first (its folder's name goes to
    ``on_restored``), so ``overwrite`` decides about it as about any run.
    """
    check_out(out, [data_path], overwrite)
    if dataset is None:
        dataset = load_dataset(data_path)
    with run_lock(out):
        # a replacement killed between its two renames left the old run aside: put it back
        # first, so that --force decides about it as about any run
        restored = restore_replaced(out, locked=True)
        if restored and on_restored is not None:
            on_restored(restored)
        check_out(out, [data_path], overwrite)  # again: a fit may have finished meanwhile
        removed = clean_leftovers(out)
        if removed and on_leftovers is not None:
            on_leftovers(removed)
        return _fit_and_write(data_path, out, options, dataset, on_epoch, overwrite, analyse)


def _fit_and_write(data_path, out, options, dataset, on_epoch, overwrite, analyse):
    task = task_for_dataset(dataset, options, options.optimiser.seed)
    preparation = dict(task.preparation)
    adapted = options.optimiser.symmetry_adapted
    constraint = task.symmetry_constraint(options.model.l_relaxed) if adapted else None
    preparation["symmetry_adapted"] = None if constraint is None else constraint.note
    projectors = None if constraint is None else constraint.projectors
    floor = 0.0 if constraint is None else constraint.floor
    # The report's forward passes run with the fit's threads: torch's default (every core)
    # spin-waits beside a busy process, and cost 50 ms per pass instead of 5 on cube -> prism.
    with torch_threads(choose_threads(options.optimiser.threads, task)):
        return _fit_write_and_report(data_path, out, options, dataset, task, preparation,
                                     projectors, floor, on_epoch, overwrite, analyse)  # fmt: skip


def _fit_write_and_report(data_path, out, options, dataset, task, preparation, projectors, floor,
                          on_epoch, overwrite, analyse):  # fmt: skip
    result = fit(task, options, on_epoch=on_epoch, projectors=projectors, floor=floor)
    config = {
        "task": task.name,
        "input": {"path": str(Path(data_path).resolve()), "sha256": dataset.sha256},
        "options": options.to_dict(),
        "network": result.network_config_,
        "fit": fit_summary(result) | task.data_checks(),
        "preparation": preparation,
    }
    finish = _write_report if analyse else None
    path = write_run(out, config, result.network_, result.history_, task.write_data, overwrite,
                     finish=finish)  # fmt: skip
    return path, result


def _write_report(folder: Path) -> None:
    """Save ``report.json`` in the staged run ``folder`` (``symbreak explain --json`` of the
    fresh run), so that it is renamed into place with the run: both or neither."""
    import json

    from symbreak.report import UnexplainedTaskError, build_report

    try:
        report = build_report(open_run(folder))
    except UnexplainedTaskError:  # a task without a symmetry analysis yet: the run stands alone
        return
    (folder / "report.json").write_text(json.dumps(report.to_dict(), indent=2))
