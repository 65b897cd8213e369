"""The run directory: what ``symbreak fit`` leaves behind and ``explain``/``render`` read.

A run directory holds

- ``config.json``: every fit option, the network's constructor arguments, versions,
  the input file and its SHA-256, the fit summary, and ``"schema": RUN_SCHEMA``;
- ``model.pt``: the best network state (``torch.save`` of the state dict);
- ``history.csv``: epoch, loss, fit_loss, reg_loss, seconds;
- ``data.h5``: the pairs the network was fitted to, in the input schema (pairs task);
  ``samples.npz``: an evaluation sample of the trajectories (trajectories task);
- ``report.json``: the analysis ``symbreak explain --json`` prints.

Writing is atomic: everything goes to a hidden sibling folder that is renamed into place
only when complete, so a crashed fit never leaves a directory that looks like a run.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

import symbreak
from symbreak.data import DataError, PairDataset, load_pairs
from symbreak.errors import RunError
from symbreak.model import RelaxedNetwork

RUN_SCHEMA = 1
REQUIRED_FILES = ("config.json", "model.pt", "history.csv")


@dataclass
class Run:
    """A fitted run, loaded: answers the same questions as right after the fit."""

    path: Path
    config: dict
    network: RelaxedNetwork
    history: list[dict]
    pairs: PairDataset | None = None
    samples: dict = field(default_factory=dict)

    @property
    def task(self) -> str:
        return self.config["task"]

    def report(self) -> dict | None:
        """The saved ``report.json``, if the fit wrote one."""
        path = self.path / "report.json"
        return json.loads(path.read_text()) if path.exists() else None


def versions() -> dict:
    import e3nn
    import numpy

    return {
        "symbreak": symbreak.__version__,
        "torch": torch.__version__,
        "e3nn": e3nn.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
    }


def write_run(
    out: str | os.PathLike,
    config: dict,
    network: RelaxedNetwork,
    history: list,
    write_data: Callable[[Path], None],
    overwrite: bool = False,
) -> Path:
    """Write a complete run directory at ``out`` atomically; ``write_data(folder)`` adds data."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise RunError(f"{out} already exists; choose another --out or pass --force to replace it.")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's private 0700 would outlive the rename
    try:
        config = {"schema": RUN_SCHEMA, "versions": versions(), **config}
        (staging / "config.json").write_text(json.dumps(config, indent=2, default=str))
        torch.save(network.state_dict(), staging / "model.pt")
        _write_history(staging / "history.csv", history)
        write_data(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _write_history(path: Path, history: list) -> None:
    rows = [asdict(row) if not isinstance(row, dict) else row for row in history]
    columns = ["epoch", "loss", "fit_loss", "reg_loss", "seconds"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def load_run(path: str | os.PathLike) -> Run:
    """Load a run directory written by ``symbreak fit``.

    Raises
    ------
    RunError
        The directory is missing, incomplete, or written by a newer symbreak.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunError(f"{path} is not a run directory (it does not exist or is a file).")
    missing = [name for name in REQUIRED_FILES if not (path / name).exists()]
    if missing:
        raise RunError(f"{path} is not a complete run: {', '.join(missing)} missing.")
    try:
        config = json.loads((path / "config.json").read_text())
    except json.JSONDecodeError as error:
        raise RunError(f"{path}/config.json is not valid JSON ({error.msg}).") from None
    schema = config.get("schema")
    if not isinstance(schema, int) or schema > RUN_SCHEMA:
        raise RunError(
            f"{path} was written by a newer symbreak (run schema {schema}, this version reads "
            f"{RUN_SCHEMA}); upgrade symbreak to read it."
        )
    network = RelaxedNetwork(**config["network"])
    try:
        network.load_state_dict(torch.load(path / "model.pt", weights_only=True))
    except Exception as error:  # torch raises several types for corrupt or mismatched files
        raise RunError(f"{path}/model.pt cannot be loaded ({type(error).__name__}).") from None
    network.eval()
    with (path / "history.csv").open() as handle:
        history = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(handle)]
    run = Run(path=path, config=config, network=network, history=history)
    if config.get("task") == "pairs":
        try:
            run.pairs = load_pairs(path / "data.h5")
        except DataError as error:
            raise RunError(f"{path} is not a complete run: {error}") from None
    elif (path / "samples.npz").exists():
        import numpy as np

        with np.load(path / "samples.npz") as arrays:
            run.samples = {key: arrays[key] for key in arrays.files}
    return run
