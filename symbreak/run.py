"""The run directory: what ``symbreak fit`` leaves behind and ``explain``/``render`` read.

A run directory holds

- ``config.json``: every fit option (by namespace: model, pairs, trajectories, optimiser),
  the network's constructor arguments, versions, the input file and its SHA-256, the fit
  summary, and ``"schema": RUN_SCHEMA``;
- ``model.pt``: the best network state (``torch.save`` of the state dict);
- ``history.csv``: epoch, loss, fit_loss, reg_loss, seconds;
- ``data.h5``: the pairs the network was fitted to, in the input schema (pairs task);
  ``samples.npz``: an evaluation sample of the trajectories (trajectories task);
- ``report.json``: the analysis ``symbreak explain --json`` prints.

Writing is atomic: everything goes to a hidden sibling folder that is renamed into place
only when complete, so a crashed fit never leaves a directory that looks like a run. A run
being replaced is first renamed aside, so a reader sees the old run, the new one or none,
and :func:`load_run` re-reads ``config.json`` at the end to make sure that every file it
read belongs to one run. Which ``--out`` may be written, the writer's lock and staging
leftovers live in :mod:`symbreak._run_dir`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import symbreak
from symbreak._run_dir import (
    check_out,
    clean_leftovers,
    looks_like_run,
    restore_replaced,
    run_lock,
    write_run_marker,
    write_staging_marker,
)
from symbreak.errors import DataError, RunError, file_system_error
from symbreak.options import FitOptions

if TYPE_CHECKING:  # torch, e3nn and h5py load only when a run is written or read
    from symbreak.contract import Task
    from symbreak.model import RelaxedNetwork

#: 3: ``options`` nested by namespace, each kind its own
#: (:meth:`symbreak.options.FitOptions.to_dict`); 2: nested, one ``task`` part for every
#: kind; 1: flat. All three are read.
RUN_SCHEMA = 3
REQUIRED_FILES = ("config.json", "model.pt", "history.csv")
HISTORY_COLUMNS = ["epoch", "loss", "fit_loss", "reg_loss", "seconds"]

#: How often :func:`load_run` starts again when a writer replaced the run while it read.
READ_ATTEMPTS = 5


@dataclass
class Run:
    """A fitted run, loaded: answers the same questions as right after the fit."""

    path: Path
    config: dict
    network: RelaxedNetwork
    history: list[dict]
    #: The learning task on the data stored in the run, built once when the pipeline opens
    #: the run (:func:`symbreak.pipeline.open_run`); None for a run read alone.
    task: Task | None = None
    saved_report: dict | None = None

    @property
    def kind(self) -> str:
        """The kind of task (``config.json``'s ``"task"``: a kind's name in the registry)."""
        return self.config["task"]

    @property
    def options(self) -> FitOptions:
        """The fit's options, from any schema's ``config.json`` (schema 1 stored them flat)."""
        return FitOptions.from_dict(self.config.get("options", {}))

    def report(self) -> dict | None:
        """The saved ``report.json`` (read with the rest of the run), if the fit wrote one."""
        return self.saved_report


def versions() -> dict:
    import numpy
    import torch

    return {
        "symbreak": symbreak.__version__,
        "torch": torch.__version__,
        "e3nn": _installed_version("e3nn"),  # the conventions' source; no longer imported
        "numpy": numpy.__version__,
        "python": platform.python_version(),
    }


def _installed_version(package: str) -> str | None:
    """The installed version of ``package`` without importing it (None if not installed)."""
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def write_run(
    out: str | os.PathLike,
    config: dict,
    network: RelaxedNetwork,
    history: list,
    write_data: Callable[[Path], None],
    overwrite: bool = False,
    finish: Callable[[Path], None] | None = None,
) -> Path:
    """Write a complete run directory at ``out`` atomically; ``write_data(folder)`` adds data.

    ``finish(folder)`` runs on the complete run in its staging folder, before it is renamed
    into place: the fit's ``report.json`` is written there, so a run and its report appear
    together or not at all. ``overwrite`` replaces ``out`` only if it is a run symbreak
    provably wrote and holds nothing else (:func:`~symbreak._run_dir.check_out`); callers
    that fit first check before fitting.

    Raises
    ------
    RunError
        ``out`` may not be written; :class:`~symbreak.errors.FileSystemError` when the file
        system refuses a write (full disk, read-only): then nothing is left behind and a run
        being replaced is kept.
    """
    out = check_out(out, overwrite=overwrite)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as error:
        raise _write_error(out, error) from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        staging.chmod(0o777 & ~umask)  # mkdtemp's private 0700 would outlive the rename
        write_staging_marker(staging, out)
        # run_id: two writes never leave the same config.json, so load_run's before-and-after
        # comparison also catches a run replaced twice while it read (A, B, then A again)
        config = {"schema": RUN_SCHEMA, "run_id": uuid.uuid4().hex, "versions": versions(),
                  **config}  # fmt: skip
        (staging / "config.json").write_text(json.dumps(config, indent=2, default=str))
        _save_network(staging / "model.pt", network)
        _write_history(staging / "history.csv", history)
        write_data(staging)
        if finish is not None:
            finish(staging)
        write_run_marker(staging, config["run_id"])
        _move_into_place(staging, out, overwrite)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise _write_error(out, error) from None
        raise
    return out


def _save_network(file: Path, network: RelaxedNetwork) -> None:
    """``torch.save`` to memory, then a plain write: a full disk is then an ``OSError`` with
    its errno, where torch's own writer says "unexpected pos 5184 vs 5136"."""
    import torch

    buffer = io.BytesIO()
    torch.save(network.state_dict(), buffer)
    file.write_bytes(buffer.getvalue())


def _write_error(out: Path, error: BaseException) -> RunError:
    kept = "; nothing was saved and the run there is kept" if out.exists() else (
        "; nothing was saved")
    return file_system_error(f"cannot write the run {out}", error, kept)


def _move_into_place(staging: Path, out: Path, overwrite: bool) -> None:
    """Rename ``staging`` to ``out``; an existing run is renamed aside first, then deleted."""
    if not out.exists():
        staging.rename(out)
        return
    check_out(out, overwrite=overwrite)  # the folder may have changed during the fit
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    out.rename(aside)  # onto the empty folder mkdtemp made: rename(2) replaces it
    try:
        staging.rename(out)
    except BaseException:
        aside.rename(out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _write_history(path: Path, history: list) -> None:
    rows = [asdict(row) if not isinstance(row, dict) else row for row in history]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HISTORY_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def load_run(path: str | os.PathLike, task_of: Callable[[Run], Task] | None = None) -> Run:
    """Load a run directory written by ``symbreak fit``.

    Every file is read from one run: when a writer replaces the directory meanwhile
    (``config.json`` differs at the end), the read starts again. ``task_of(run)`` builds the
    run's task on the data stored in it, inside that same read (the pipeline passes the
    registry's :func:`symbreak.tasks.task_for_run`: :func:`symbreak.pipeline.open_run`).

    Raises
    ------
    RunError
        The directory is missing, incomplete, corrupt (the message names the file), or
        written by a newer symbreak.
    """
    path = Path(path)
    restore_replaced(path)  # a replacement killed between its two renames: the old run is back
    for _ in range(READ_ATTEMPTS):
        config_text = None
        try:
            config_text = _config_text(path)
            run = _read_run(path, config_text, task_of)
        except RunError:
            replaced = config_text is not None and not _same_config(path, config_text)
            if not (replaced or _being_written(path)):
                raise
        else:
            if _same_config(path, config_text):
                return run
        time.sleep(0.05)  # a writer is renaming runs; its window is milliseconds
    raise RunError(
        f"{path} kept changing while it was read (a symbreak fit is replacing it); "
        "try again when that fit has finished."
    )


def _being_written(path: Path) -> bool:
    """Whether a writer holds the lock of ``path`` (it may be between two renames)."""
    import fcntl

    from symbreak._run_dir import _lock_path

    try:
        descriptor = os.open(_lock_path(path), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)
    return False


def read_saved_report(
    path: str | os.PathLike, threshold: float | None = None, tolerance: float | None = None
) -> dict | None:
    """The run's ``report.json`` without loading the network (no torch), or None.

    None when the run has no saved report, when it was made with another ``threshold`` or
    ``tolerance`` (None: any), or by another symbreak version than this one, whose wording
    may differ. The run must be complete; a corrupt report is an error naming the file.
    """
    path = Path(path)
    for _ in range(READ_ATTEMPTS):
        config_text = _config_text(path)
        config = _parse_config(path, config_text)
        report = _read_report(path / "report.json")
        if _same_config(path, config_text):
            break
        time.sleep(0.05)
    else:
        raise RunError(f"{path} kept changing while it was read; try again when the fit ends.")
    versions = config.get("versions")
    made_by = versions.get("symbreak") if isinstance(versions, dict) else None
    if report is None or made_by != symbreak.__version__:
        return None
    for key, wanted in (("threshold", threshold), ("tolerance", tolerance)):
        if wanted is not None and report.get(key) != wanted:
            return None
    return report


def _config_text(path: Path) -> bytes:
    if not path.is_dir():
        raise RunError(f"{path} is not a run directory (it does not exist or is a file).")
    missing = [name for name in REQUIRED_FILES if not (path / name).exists()]
    if missing:
        raise RunError(f"{path} is not a complete run: {', '.join(missing)} missing.")
    return _read_bytes(path / "config.json")


def _same_config(path: Path, config_text: bytes) -> bool:
    try:
        return _read_bytes(path / "config.json") == config_text
    except RunError:
        return False


def _read_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise RunError(f"{file} cannot be read ({error.strerror or error}).") from None


def _parse_config(path: Path, config_text: bytes) -> dict:
    try:
        config = json.loads(config_text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8 text"
        raise RunError(f"{path}/config.json is not valid JSON ({reason}).") from None
    if not isinstance(config, dict) or not all(k in config for k in ("task", "network", "fit")):
        raise RunError(f"{path}/config.json is not a symbreak run config (keys missing).")
    schema = config.get("schema")
    if not isinstance(schema, int) or schema > RUN_SCHEMA:
        raise RunError(
            f"{path} was written by a newer symbreak (run schema {schema}, this version reads "
            f"{RUN_SCHEMA}); upgrade symbreak to read it."
        )
    return config


def _read_run(path: Path, config_text: bytes, task_of: Callable[[Run], Task] | None) -> Run:
    import torch

    from symbreak.model import RelaxedNetwork

    config = _parse_config(path, config_text)
    try:
        network = RelaxedNetwork(**config["network"])
    except (TypeError, ValueError, KeyError) as error:
        raise RunError(f"{path}/config.json: its network settings are invalid ({error}).") from None
    try:
        network.load_state_dict(torch.load(path / "model.pt", weights_only=True))
    except Exception as error:  # torch raises several types for corrupt or mismatched files
        raise RunError(
            f"{path}/model.pt is truncated or corrupt and cannot be loaded "
            f"({type(error).__name__}); fit the run again."
        ) from None
    network.eval()
    run = Run(path=path, config=config, network=network, history=_read_history(path))
    if task_of is not None:
        try:
            run.task = task_of(run)
        except DataError as error:
            raise RunError(f"{path} is not a complete run: {error}") from None
    run.saved_report = _read_report(path / "report.json")
    return run


def _read_history(path: Path) -> list[dict]:
    """The history rows; a header without the columns, a non-number, or a last line cut
    short (csv ends every row with a newline) is a damaged file."""
    file = path / "history.csv"
    damaged = RunError(f"{file} is truncated or corrupt; fit the run again.")
    try:
        text = file.read_text()
        rows = list(csv.DictReader(io.StringIO(text)))
        history = [{k: float(v) for k, v in row.items()} for row in rows]
    except (OSError, ValueError, TypeError, UnicodeDecodeError, csv.Error):
        raise damaged from None
    columns = text.split("\n", 1)[0].strip().split(",")
    if not text.endswith("\n") or not set(HISTORY_COLUMNS) <= set(columns):
        raise damaged
    return history


def _read_report(file: Path) -> dict | None:
    """The saved report, None when the run has none; a damaged one is an error naming it."""
    if not file.exists():
        return None
    try:
        report = json.loads(_read_bytes(file))
    except (json.JSONDecodeError, UnicodeDecodeError):
        report = None
    if not isinstance(report, dict):
        raise RunError(
            f"{file} is truncated or corrupt; delete it and `symbreak explain` rebuilds the "
            "report from the run."
        )
    return report


__all__ = [
    "READ_ATTEMPTS",
    "REQUIRED_FILES",
    "RUN_SCHEMA",
    "Run",
    "check_out",
    "clean_leftovers",
    "restore_replaced",
    "load_run",
    "looks_like_run",
    "read_saved_report",
    "run_lock",
    "versions",
    "write_run",
]
