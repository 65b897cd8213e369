"""Pictures of a sweep (``symbreak render SWEEP``), drawn from its stability report dict.

- ``stability.png``: a heat map of the residual group against the hyper-parameters; rows are
  the settings of every hyper-parameter but the last, columns the last one's values; each
  cell is coloured by its most common group and says how many seeds gave it.
- ``directions.png``: the axis of each active block's largest lobe, one dot per run (and its
  antipode: the sign is free), all on one sphere; dots of one block that land together
  mean the seeds agree on the direction.

Reads the dict of :meth:`symbreak.sweep.Stability.to_dict`; never re-derives science.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from symbreak.conventions import pretty_group_name  # noqa: E402

SWEEP_FILES = ("stability.png", "directions.png")


def _label(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _axis_label(name: str) -> str:
    return {"reg_strength": "λ (reg_strength)", "l_relaxed": "l_relaxed"}.get(name, name)


def render_stability_map(stability: dict, path: Path, size: tuple[int, int]) -> Path:
    """The heat map of residual groups over the hyper-parameter grid (module docstring)."""
    names = [n for n in stability["axes"] if n != "seed"]
    rows_by = names[:-1]
    columns = stability["axes"][names[-1]] if names else [None]
    row_keys = list(itertools.product(*(stability["axes"][n] for n in rows_by)))
    cells = {tuple(r["values"][n] for n in names): r["groups"]
             for r in stability["residual_groups"]}  # fmt: skip
    groups = sorted({g for r in stability["residual_groups"] for g in r["groups"]},
                    key=lambda g: g != stability["consensus"].get("group"))  # consensus first
    palette = plt.get_cmap("tab10")
    colour_of = {g: palette(i % 10) for i, g in enumerate(groups)}
    dpi = 100
    figure, axes = plt.subplots(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    try:
        image = np.ones((len(row_keys), len(columns), 4))
        for (i, row), (j, column) in itertools.product(enumerate(row_keys), enumerate(columns)):
            key = row + ((column,) if names else ())
            found = cells.get(key)
            if not found:
                axes.text(j, i, "missing", ha="center", va="center", color="0.4")
                continue
            group, runs = max(found.items(), key=lambda item: item[1])
            image[i, j] = colour_of[group]
            image[i, j, 3] = 0.35 + 0.65 * runs / sum(found.values())  # pale: seeds disagree
            text = "\n".join(f"{pretty_group_name(g)} {n}/{sum(found.values())}"
                             for g, n in sorted(found.items(), key=lambda it: -it[1]))  # fmt: skip
            axes.text(j, i, text, ha="center", va="center", fontsize=10)
        axes.imshow(image, aspect="auto", interpolation="nearest")
        axes.set_xticks(range(len(columns)), [_label(c) for c in columns])
        axes.set_xlabel(_axis_label(names[-1]) if names else "")
        axes.set_yticks(range(len(row_keys)),
                        [", ".join(f"{n}={_label(v)}" for n, v in zip(rows_by, row)) or "all"
                         for row in row_keys])  # fmt: skip
        state = "stable" if stability["stable"] else "unstable"
        consensus = stability["consensus"]
        axes.set_title(f"residual group over the grid: {state}, consensus "
                       f"{pretty_group_name(consensus['group'])} in {consensus['agree']} of "
                       f"{consensus['runs']} runs")  # fmt: skip
        handles = [plt.Rectangle((0, 0), 1, 1, color=colour_of[g]) for g in groups]
        axes.legend(handles, [pretty_group_name(g) for g in groups], loc="upper left",
                    bbox_to_anchor=(1.01, 1.0), frameon=False)  # fmt: skip
        figure.tight_layout()
        figure.savefig(path, dpi=dpi)
    finally:
        plt.close(figure)
    return path


def render_directions(stability: dict, path: Path, size: tuple[int, int]) -> Path:
    """Every run's lobe axis of every active block on one unit sphere (module docstring)."""
    dpi = 100
    figure = plt.figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    try:
        axes = figure.add_subplot(projection="3d")
        polar, azimuth = np.mgrid[0 : np.pi : 13j, 0 : 2 * np.pi : 25j]
        axes.plot_wireframe(np.sin(polar) * np.cos(azimuth), np.sin(polar) * np.sin(azimuth),
                            np.cos(polar), color="0.85", linewidth=0.5)  # fmt: skip
        for name, end in zip("xyz", np.eye(3)):
            axes.plot(*np.stack([-1.25 * end, 1.25 * end]).T, color="0.6", linewidth=0.8)
            axes.text(*(1.32 * end), name, color="0.4")
        palette = plt.get_cmap("tab10")
        for k, (block, runs) in enumerate(stability.get("directions", {}).items()):
            points = np.array([run["axis"] for run in runs], dtype=float)
            both = np.concatenate([points, -points])
            axes.scatter(*both.T, s=40, color=palette(k % 10), depthshade=False,
                         label=f"{block} ({len(runs)} runs, spread "
                               f"{stability['direction_spread_degrees'].get(block, 0.0):.2g}°)")
        axes.set_box_aspect((1, 1, 1), zoom=1.5)
        figure.subplots_adjust(left=0.0, right=1.0, bottom=0.0, top=0.92)
        axes.set_axis_off()
        axes.set_title("directions of the active blocks across runs (largest lobe; ± axis)")
        if axes.collections[1:]:
            axes.legend(loc="lower left", frameon=False, fontsize=9)
        else:
            axes.text2D(0.5, 0.5, "no active block in any run", transform=axes.transAxes,
                        ha="center")  # fmt: skip
        figure.savefig(path, dpi=dpi)
    finally:
        plt.close(figure)
    return path


def render_sweep(stability: dict, out: str | Path, size: tuple[int, int]) -> list[Path]:
    """Write ``stability.png`` and ``directions.png`` of a sweep's report into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [render_stability_map(stability, out / SWEEP_FILES[0], size),
            render_directions(stability, out / SWEEP_FILES[1], size)]  # fmt: skip
