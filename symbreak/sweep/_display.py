"""What ``symbreak sweep`` prints: a live progress line and the closing summary (rich)."""

from __future__ import annotations

from contextlib import contextmanager

from symbreak.sweep._grid import SweepState
from symbreak.sweep._ray import SweepProgress


@contextmanager
def sweep_progress(console, quiet: bool = False):
    """A rich progress bar; yields the ``on_progress`` callback for :func:`run_sweep`."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]sweep[/]"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} done"),
        TextColumn("[red]{task.fields[failed]} failed[/]"),
        TextColumn("[cyan]{task.fields[running]} running[/]"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        bar = progress.add_task("sweep", total=0, failed=0, running=0)

        def show(counts: SweepProgress) -> None:
            progress.update(bar, total=counts.total, completed=counts.done,
                            failed=counts.failed, running=len(counts.running))  # fmt: skip

        yield show


def summary_sentence(state: SweepState, out) -> str:
    """``12 of 12 points done in SWEEP/ (2 workers x 1 thread, local Ray).``"""
    statuses = [p["status"] for p in state.points.values()]
    done, failed = statuses.count("done"), statuses.count("failed")
    where = state.execution
    how = (f" ({where['workers']} workers x {where['cpus_per_fit']} torch threads, "
           f"Ray at {where['address']})" if where else "")  # fmt: skip
    text = f"{done} of {len(statuses)} points done in {out}{how}."
    if failed:
        text += f" {failed} failed; run the same command again to retry them."
    return text


def print_failures(state: SweepState, console) -> None:
    """One line per failed point with its reason."""
    for name, point in state.points.items():
        if point["status"] == "failed":
            console.print(f"[red]failed[/] {name}: {point.get('error')}", highlight=False)
