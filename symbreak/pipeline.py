"""From an input file to a saved run: load, choose the task, fit, write, report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from symbreak.conventions import DEFAULT_SYMMETRY_TOLERANCE
from symbreak.data import PairDataset, TrajectoryDataset, load_dataset, write_pairs
from symbreak.fit import FitResult, HistoryRow, fit
from symbreak.options import FitOptions
from symbreak.run import check_out, clean_leftovers, run_lock, write_run
from symbreak.tasks.pairs import PairsTask


def make_task(dataset, options: FitOptions):
    """The learning task for a loaded dataset."""
    if isinstance(dataset, PairDataset) and dataset.periodic:  # symbreak/crystal_task.py
        from symbreak.tasks.crystals import CrystalTask, crystal_tolerance

        return CrystalTask(
            dataset, options.task.cutoff, crystal_tolerance(options.task)["tolerance"]
        )
    if isinstance(dataset, PairDataset):
        return PairsTask(dataset, options.task.target, options.task.cutoff)
    from symbreak.tasks.trajectories import TrajectoryTask

    return TrajectoryTask(dataset, options.task, seed=options.optimiser.seed)


def pairs_data_writer(dataset: PairDataset) -> Callable[[Path], None]:
    """A ``write_data`` for :func:`~symbreak.run.write_run`: the pairs as the run's ``data.h5``."""

    def write(folder: Path) -> None:
        pairs = {
            pair.name: (pair.source, pair.target, [dataset.species_names[s] for s in pair.species])
            for pair in dataset.pairs
        }
        if dataset.periodic:  # crystals keep their cells (symbreak/crystal_task.py)
            pairs = {pair.name: pair for pair in dataset.pairs}
        write_pairs(folder / "data.h5", pairs, species_names=dataset.species_names)

    return write


def prepare_pairs(dataset: PairDataset, options: FitOptions) -> tuple[PairDataset, list[dict]]:
    """The pairs as the network sees them: rigid translation (and rotation) removed as asked."""
    from symbreak.data.rigid import remove_rigid_motion

    dataset, motions = remove_rigid_motion(
        dataset,
        translation=not options.task.keep_translation,
        rotation=options.task.remove_rotation,
    )
    return dataset, [motion.to_dict() | {"sentence": motion.sentence()} for motion in motions]


def structure_tolerance(dataset: PairDataset, options: FitOptions) -> dict:
    """The symmetry tolerance of the run: the user's, or read off each pair's ladder.

    With several pairs the smallest chosen tolerance serves them all (it keeps the most
    symmetry-breaking visible). The returned dict (JSON) goes into ``config.preparation``.
    """
    if dataset.periodic:  # spglib's symprec for crystals (symbreak/crystal_task.py)
        from symbreak.tasks.crystals import crystal_tolerance

        return crystal_tolerance(options.task)
    if options.task.symmetry_tolerance is not None:
        return {"tolerance": options.task.symmetry_tolerance, "chosen": False, "pairs": []}
    from symbreak.symmetry import choose_tolerance

    pairs = []
    for pair in dataset.pairs:
        species = [dataset.species_names[s] for s in pair.species]
        choice = choose_tolerance(pair.source, pair.target, species)
        pairs.append({"pair": pair.name, **choice.to_dict()})
    return {"tolerance": min(p["tolerance"] for p in pairs), "chosen": True, "pairs": pairs}


def symmetry_constraint(
    task, options: FitOptions, tolerance: float | None
) -> tuple[dict | None, dict | None]:
    """Projectors onto the data group's invariant vectors, and what to tell the user of it.

    ``(None, None)`` when symmetry-adapted fitting is off or the task has no geometric
    data group before the fit (trajectories read their group from fitted fields).
    """
    if not options.optimiser.symmetry_adapted or task.name not in ("pairs", "crystals"):
        return None, None
    from symbreak.conventions import relaxed_irrep_names
    from symbreak.symmetry import invariant_projector

    group = task.data_symmetry(tolerance).data_group
    projectors = {
        irrep: invariant_projector(irrep, group)
        for irrep in relaxed_irrep_names(options.model.l_relaxed)
    }
    note = {
        "group": group.name,
        "tolerance": tolerance,
        "sentence": (
            f"the relaxed weights were kept inside the {group.pretty_name}-invariant subspace, "
            f"the symmetry the data keep within {tolerance:.3g} "
            "(--free-symmetry lets them leave it)."
        ),
    }
    if task.name == "crystals":  # what weights shared by every edge can see
        from symbreak.tasks.crystal_symmetry import ZONE_BOUNDARY_NOTE

        note["sentence"] += " " + ZONE_BOUNDARY_NOTE[0].upper() + ZONE_BOUNDARY_NOTE[1:]
    return projectors, note


def symmetric_floor(task, dataset: PairDataset, options: FitOptions, tolerance: float) -> float:
    """The fit loss (MSE) no network inside the data group's invariant subspace can beat.

    The part of the displacements that the data's group does not fix (noise, or breaking
    below the tolerance) is out of reach of a symmetry-adapted fit; its mean square is the
    loss floor. Displacement target only (0 for the signal target).
    """
    if options.task.target != "displacement" or task.name != "pairs":  # clusters only
        return 0.0
    from symbreak.report._data_checks import symmetry_residual

    group = task.data_symmetry(tolerance).data_group
    share = symmetry_residual(dataset, group, tolerance)
    if share is None:
        return 0.0
    displacements = [pair.target - pair.source for pair in dataset.pairs]
    return share * float(np.mean(np.concatenate(displacements) ** 2))


def data_checks(task, dataset, options: FitOptions, tolerance: float | None) -> dict:
    """What the verdict needs to name a misfit's cause: edges, and pairs that contradict."""
    if not isinstance(dataset, PairDataset):
        return {}
    from symbreak.report._data_checks import contradicting_pairs

    sets, floor = contradicting_pairs(dataset, tolerance or DEFAULT_SYMMETRY_TOLERANCE)
    return {
        "edges": int(task.graph.edge_vec.shape[0]),
        "cutoff": options.task.cutoff,
        "contradicting_pairs": sets,
        "contradiction_floor": floor,
    }


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
    dataset: PairDataset | TrajectoryDataset | None = None,
    on_leftovers: Callable[[list[str]], None] | None = None,
) -> tuple[Path, FitResult]:
    """Fit ``data_path`` and write the run directory ``out``; returns its path and the result.

    Raises ``DataError`` for unusable input and ``RunError`` for an ``out`` that may not be
    written (:func:`~symbreak.run.check_out`), another fit writing ``out``, or a file system
    that refuses the run, all before anything is fitted except the last. ``dataset`` is
    ``load_dataset(data_path)`` when the caller has it already. Staging folders a killed fit
    left beside ``out`` are removed and their names passed to ``on_leftovers``.
    """
    check_out(out, [data_path], overwrite)
    if dataset is None:
        dataset = load_dataset(data_path)
    with run_lock(out):
        check_out(out, [data_path], overwrite)  # again: a fit may have finished meanwhile
        removed = clean_leftovers(out)
        if removed and on_leftovers is not None:
            on_leftovers(removed)
        return _fit_and_write(data_path, out, options, dataset, on_epoch, overwrite, analyse)


def _fit_and_write(data_path, out, options, dataset, on_epoch, overwrite, analyse):
    sha256, preparation = dataset.sha256, {}
    tolerance = None
    if isinstance(dataset, PairDataset):
        dataset, preparation["rigid_motion"] = prepare_pairs(dataset, options)
        preparation["symmetry_tolerance"] = structure_tolerance(dataset, options)
        tolerance = preparation["symmetry_tolerance"]["tolerance"]
    task = make_task(dataset, options)
    projectors, preparation["symmetry_adapted"] = symmetry_constraint(task, options, tolerance)
    floor = symmetric_floor(task, dataset, options, tolerance) if projectors else 0.0
    if projectors:
        preparation["symmetry_adapted"]["floor"] = floor
    result = fit(task, options, on_epoch=on_epoch, projectors=projectors, floor=floor)
    config = {
        "task": task.name,
        "input": {"path": str(Path(data_path).resolve()), "sha256": sha256},
        "options": options.to_dict(),
        "network": result.network_config_,
        "fit": fit_summary(result) | data_checks(task, dataset, options, tolerance),
        "preparation": preparation,
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
    options = run.options
    if run.task == "crystals":  # symbreak/crystal_task.py
        from symbreak.tasks.crystals import CrystalTask

        return CrystalTask.from_run(run)
    if run.task == "pairs":
        return PairsTask(run.pairs, options.task.target, options.task.cutoff)
    from symbreak.tasks.trajectories import TrajectoryTask

    return TrajectoryTask.from_samples(run.samples, options.task, network=run.network)
