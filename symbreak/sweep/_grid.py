"""The sweep's grid and its folder: ``SWEEP/sweep.json`` plus one run directory per point.

A grid is the product of the values of some :class:`~symbreak.options.FitOptions` fields (the
*axes*, seeds last) with every other field fixed. Each point is an ordinary run directory
``SWEEP/<point name>`` (loadable by :func:`symbreak.run.load_run`); ``sweep.json`` records the
grid and each point's state. Whether a point is finished is read off the folder, never off
``sweep.json``: runs are written atomically, so a complete run directory is a finished point,
and a rerun of the same command reruns exactly the others. Standard library only, so the CLI
can check a sweep before it imports Ray or torch.

>>> grid = SweepGrid({"l_relaxed": [2, 4], "seed": [0, 1]}, {"epochs": 50})
>>> [p.name for p in grid.points()]
['l2_seed0', 'l2_seed1', 'l4_seed0', 'l4_seed1']
>>> grid.points()[1].options
{'epochs': 50, 'l_relaxed': 2, 'seed': 1}
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from symbreak.errors import RunError

SWEEP_SCHEMA = 1
SWEEP_FILE = "sweep.json"
#: Where workers note which point they are fitting (pid, host), for the progress display.
RUNNING_FOLDER = ".running"
#: Files of a finished point (:data:`symbreak.run.REQUIRED_FILES`; no torch import here).
_RUN_FILES = ("config.json", "model.pt", "history.csv")

#: Short names of the axes in point names; other options use their own name.
SHORT_NAMES = {"l_relaxed": "l", "reg_strength": "lambda", "seed": "seed"}
#: Options that may be swept, with the type their values are parsed to.
SWEEPABLE = {
    "l_relaxed": int, "reg_strength": float, "seed": int, "multiplicity": int, "layers": int,
    "epochs": int, "lr": float, "reg": str, "target": str, "cutoff": float,
    "symmetry_tolerance": float,
}  # fmt: skip
#: Axis order in point names and tables: the issue's two, then the rest, seeds last.
_AXIS_ORDER = ["l_relaxed", "reg_strength", "multiplicity", "layers", "reg", "target", "lr",
               "cutoff", "symmetry_tolerance", "epochs", "seed"]  # fmt: skip


def format_value(value) -> str:
    """A value as it appears in point names and tables: ``1e-3`` -> ``'0.001'``."""
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class SweepPoint:
    """One grid point: its folder name and every fit option it sets."""

    name: str
    values: dict  # the axes' values only
    options: dict  # fixed options and the axes' values: FitOptions.from_flat(**options)


@dataclass(frozen=True)
class SweepGrid:
    """The product of ``axes`` (option name -> list of values) with ``fixed`` options.

    Parameters
    ----------
    axes : ``{"l_relaxed": [2, 4, 6], "reg_strength": [1e-4, 1e-3], "seed": [0, 1, 2]}``;
        every name must be in :data:`SWEEPABLE`, every list non-empty and without repeats.
    fixed : the other :class:`~symbreak.options.FitOptions` fields, stored unchanged.
    """

    axes: dict
    fixed: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.axes) - set(SWEEPABLE))
        if unknown:
            raise ValueError(f"{unknown[0]} cannot be swept (sweepable: {', '.join(SWEEPABLE)})")
        for name, values in self.axes.items():
            if not values:
                raise ValueError(f"--{name.replace('_', '-')} needs at least one value")
            if len(set(map(format_value, values))) != len(values):
                raise ValueError(f"--{name.replace('_', '-')} lists a value twice")
        both = sorted(set(self.axes) & set(self.fixed))
        if both:
            raise ValueError(f"{both[0]} is both swept and fixed")
        ordered = {name: list(self.axes[name]) for name in _AXIS_ORDER if name in self.axes}
        object.__setattr__(self, "axes", ordered)

    @property
    def hyper_parameters(self) -> list[str]:
        """The axes other than the seed, in table order."""
        return [name for name in self.axes if name != "seed"]

    def points(self) -> list[SweepPoint]:
        """Every point, the last axis (the seed) varying fastest."""
        names = list(self.axes)
        found = []
        for combination in itertools.product(*(self.axes[name] for name in names)):
            values = dict(zip(names, combination))
            label = "_".join(
                f"{SHORT_NAMES.get(n, n)}{format_value(v)}" for n, v in values.items()
            )
            found.append(SweepPoint(label or "point", values, {**self.fixed, **values}))
        return found

    def to_dict(self) -> dict:
        return {"axes": self.axes, "fixed": self.fixed}

    @classmethod
    def from_dict(cls, data: dict) -> SweepGrid:
        return cls(dict(data["axes"]), dict(data.get("fixed", {})))


def parse_axis(name: str, text: str | None) -> list | None:
    """``"2,4,6"`` -> ``[2, 4, 6]`` for the option ``name``; None stays None.

    >>> parse_axis("reg_strength", "1e-4, 1e-3")
    [0.0001, 0.001]
    """
    if text is None:
        return None
    kind = SWEEPABLE[name]
    try:
        return [kind(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        option = "--" + name.replace("_", "-")
        raise ValueError(
            f"{option} must be a comma-separated list of {kind.__name__} values, not {text!r}."
        ) from None


def is_finished(folder: Path) -> bool:
    """Whether ``folder`` is a complete run (written atomically, so present means complete)."""
    return all((folder / name).is_file() for name in _RUN_FILES)


@dataclass
class SweepState:
    """What ``sweep.json`` says: the data, the grid, and each point's state."""

    data: str
    grid: SweepGrid
    points: dict = field(default_factory=dict)  # name -> {"status", "error", "seconds"}
    execution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "schema": SWEEP_SCHEMA,
            "data": self.data,
            **self.grid.to_dict(),
            "execution": self.execution,
            "points": [
                {"name": point.name, "values": point.values,
                 **self.points.get(point.name, {"status": "pending"})}
                for point in self.grid.points()
            ],  # fmt: skip
        }


def read_sweep(path: str | os.PathLike) -> SweepState:
    """Read ``path/sweep.json``; one-sentence :class:`RunError` when it is missing or damaged."""
    file = Path(path) / SWEEP_FILE
    try:
        data = json.loads(file.read_text())
        if data["schema"] > SWEEP_SCHEMA:
            raise RunError(f"{file} was written by a newer symbreak; upgrade symbreak to read it.")
        grid = SweepGrid.from_dict(data)
        points = {p["name"]: {k: v for k, v in p.items() if k not in ("name", "values")}
                  for p in data["points"]}  # fmt: skip
        return SweepState(data["data"], grid, points, data.get("execution", {}))
    except FileNotFoundError:
        raise RunError(f"{path} is not a sweep ({SWEEP_FILE} missing).") from None
    except OSError as error:
        raise RunError(f"{file} cannot be read ({error.strerror or error}).") from None
    except (ValueError, KeyError, TypeError):
        raise RunError(f"{file} is truncated or corrupt; run the sweep command again.") from None


def write_sweep(path: Path, state: SweepState) -> None:
    """Write ``sweep.json`` atomically (a reader sees the old or the new file)."""
    partial = path / f".{SWEEP_FILE}.{os.getpid()}.partial"
    partial.write_text(json.dumps(state.to_dict() | {"updated": time.time()}, indent=2))
    partial.replace(path / SWEEP_FILE)


def input_paths(data: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """The sweep's input files as absolute paths: one file (HDF5, a trajectory) or the
    parent and child structure files, exactly as ``symbreak fit`` takes them."""
    paths = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    return [str(Path(path).resolve()) for path in paths]


def input_key(data: str | os.PathLike | Sequence[str | os.PathLike]) -> str:
    """How ``sweep.json`` names the input: the absolute path, or both joined by " + "."""
    return " + ".join(input_paths(data))


def open_sweep(out: str | os.PathLike, data: str | os.PathLike | Sequence[str | os.PathLike],
               grid: SweepGrid) -> SweepState:  # fmt: skip
    """The state to run: new, or the existing sweep in ``out`` if it is this same sweep.

    Points are marked done when their run directory is complete, anything else pending.

    Raises
    ------
    RunError
        ``out`` is a file, a folder that is neither empty nor a sweep, or another sweep.
    """
    out = Path(out)
    data = input_key(data)
    if out.exists() and not out.is_dir():
        raise RunError(f"{out} is a file; give a new folder as --out.")
    if (out / SWEEP_FILE).exists():
        state = read_sweep(out)
        if state.data != data or state.grid.to_dict() != grid.to_dict():
            what = "input" if state.data != data else "grid"
            raise RunError(
                f"{out} holds another sweep (its {what} differs); rerun that sweep's command "
                "to finish it, or give a new --out."
            )
    elif out.exists() and any(out.iterdir()):
        raise RunError(f"{out} is a folder that is not a sweep; give a new or empty --out.")
    else:
        state = SweepState(data, grid)
    for point in grid.points():
        previous = state.points.get(point.name, {})
        if is_finished(out / point.name):
            state.points[point.name] = {**previous, "status": "done"}
        else:
            state.points[point.name] = {"status": "pending", "error": previous.get("error")}
    return state


def grid_from_options(lists: dict, seeds: int, fixed: dict | None = None) -> SweepGrid:
    """The grid of ``symbreak sweep``: option name -> comma list (None: not given).

    A list of several values is an axis, one value is a fixed option, and the seeds
    ``0 .. seeds - 1`` are always the last axis. Every value is checked as ``symbreak fit``
    checks it, so a bad one fails before anything starts.

    >>> grid_from_options({"l_relaxed": "2,4", "epochs": "30"}, seeds=2).axes
    {'l_relaxed': [2, 4], 'seed': [0, 1]}
    """
    from symbreak.options import FitOptions

    if seeds < 1:
        raise ValueError(f"--seeds must be at least 1, not {seeds}.")
    axes, fixed = {}, dict(fixed or {})
    for name, text in lists.items():
        values = parse_axis(name, text)
        if values is None:
            continue
        if not values:
            raise ValueError(f"--{name.replace('_', '-')} needs at least one value.")
        for value in values:
            FitOptions.from_flat(**{name: value})  # the option's own check, as symbreak fit's
        if len(values) > 1:
            axes[name] = values
        else:
            fixed[name] = values[0]
    axes["seed"] = list(range(seeds))
    return SweepGrid(axes, fixed)
