"""Running a sweep's points on Ray: locally, or unchanged on an existing cluster.

With no address (and no ``RAY_ADDRESS``) a private local Ray instance is started with
``workers x cpus_per_fit`` CPUs; with ``address`` (``host:port`` of ``ray start --head``, or
``ray://host:port`` for Ray Client) the same tasks go to that cluster, whose nodes must see
the input file and the sweep folder at the same paths (a shared file system). Each point is
one Ray task asking for ``cpus_per_fit`` CPUs and fitting with that many torch threads.

At most ``workers`` points are in flight at a time. A task that fails, or whose worker dies,
costs only its own point (``max_retries=0``: a point that kills its worker, by running out of
memory for example, is not retried over and over); ``sweep.json`` is rewritten after every
point, and the next run of the same command fits exactly the unfinished points.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from symbreak.errors import RayMissingError, RunError
from symbreak.sweep._grid import (
    RUNNING_FOLDER,
    SweepGrid,
    SweepState,
    input_paths,
    is_finished,
    open_sweep,
    write_sweep,
)
from symbreak.sweep._worker import fit_point

INSTALL_HINT = 'symbreak sweep runs on Ray, which is not installed: pip install "symbreak[sweep]".'


def ray_available() -> bool:
    """Whether Ray can be imported (checked without importing it)."""
    return importlib.util.find_spec("ray") is not None


def available_cores() -> int:
    """Cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


@dataclass
class SweepProgress:
    """Counts for the progress display, updated while the sweep runs."""

    total: int
    done: int = 0
    failed: int = 0
    running: list[str] = field(default_factory=list)


def connect(address: str | None, workers: int | None,
            cpus_per_fit: int | None) -> tuple[int, int, str]:  # fmt: skip
    """Start or join Ray; returns ``(workers, cpus_per_fit, where)``.

    Local: ``workers`` defaults to one per core and ``cpus_per_fit`` to the cores divided
    among the workers. Cluster: ``cpus_per_fit`` defaults to 1 and ``workers`` to the cluster's
    CPUs divided by it.
    """
    if not ray_available():
        raise RayMissingError(INSTALL_HINT)
    import ray

    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address is None:
        workers = workers or available_cores()
        cpus_per_fit = cpus_per_fit or max(1, available_cores() // workers)
        # Ray runs its workers at nice 15 by default: on a machine shared with other work they
        # then got 0.64 of 2 cores (0.44 each) while a lone `symbreak fit` got 0.72. This Ray
        # is the sweep's own, its workers do what single fits would do: same priority.
        ray.init(address="local", num_cpus=workers * cpus_per_fit, include_dashboard=False,
                 _system_config={"worker_niceness": 0}, **quiet)  # fmt: skip
        return workers, cpus_per_fit, "local"
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RunError(
            f"cannot reach the Ray cluster at {address} ({reason}); a cluster with token "
            "authentication (Ray's default) also needs RAY_AUTH_MODE=token and its token."
        ) from None
    cpus_per_fit = cpus_per_fit or 1
    workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1) // cpus_per_fit))
    return workers, cpus_per_fit, address


def run_sweep(
    data: str | os.PathLike | Sequence[str | os.PathLike],
    out: str | os.PathLike,
    grid: SweepGrid,
    workers: int | None = None,
    address: str | None = None,
    cpus_per_fit: int | None = None,
    on_progress: Callable[[SweepProgress], None] | None = None,
    dt: float | None = None,
) -> SweepState:
    """Fit every unfinished point of ``grid`` on ``data`` into ``out`` (resumable).

    ``data`` is what ``symbreak fit`` takes: one HDF5 or trajectory file, or the parent and
    child structure files; ``dt`` the time step of a trajectory file that gives none.

    Returns the final state; points whose fit failed or whose worker died are ``"failed"``
    with the reason. Ctrl-C (``KeyboardInterrupt``) cancels the points in flight, records
    the state and propagates; finished points stay.

    Raises
    ------
    RayMissingError
        Ray is not installed.
    RunError
        ``out`` holds something else (:func:`~symbreak.sweep.open_sweep`) or the cluster
        cannot be reached.
    """
    out = Path(out)
    state = open_sweep(out, data, grid)
    if not ray_available():
        raise RayMissingError(INSTALL_HINT)
    out.mkdir(parents=True, exist_ok=True)
    running = out / RUNNING_FOLDER
    for stale in running.glob("*") if running.is_dir() else []:
        stale.unlink(missing_ok=True)  # markers of workers killed in an earlier run
    progress = SweepProgress(total=len(state.points))
    progress.done = sum(p["status"] == "done" for p in state.points.values())
    pending = [p for p in grid.points() if state.points[p.name]["status"] != "done"]
    write_sweep(out, state)
    if not pending:
        return state
    import ray

    connecting = time.perf_counter()
    workers, cpus_per_fit, where = connect(address, workers, cpus_per_fit)
    state.execution = {"address": where, "workers": workers, "cpus_per_fit": cpus_per_fit,
                       "connect_seconds": time.perf_counter() - connecting}  # fmt: skip
    remote = ray.remote(fit_point).options(num_cpus=cpus_per_fit, max_retries=0)
    in_flight: dict = {}
    try:
        while pending or in_flight:
            while pending and len(in_flight) < workers:
                point = pending.pop(0)
                state.points[point.name] = {"status": "running"}
                folder = out.resolve() / point.name  # workers have their own working folder
                ref = remote.remote(input_paths(data), str(folder), point.options,
                                    cpus_per_fit, str(running.resolve()), dt)  # fmt: skip
                in_flight[ref] = point
            ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=0.5)
            for ref in ready:
                point = in_flight.pop(ref)
                state.points[point.name] = _outcome(ray, ref)
                (running / point.name).unlink(missing_ok=True)
                write_sweep(out, state)
            _count(progress, state, running)
            if on_progress is not None:
                on_progress(progress)
    except BaseException:
        for ref, point in in_flight.items():
            ray.cancel(ref, force=True)
            # the run may be complete with only its report missing: then it is finished
            finished = is_finished(out / point.name)
            state.points[point.name] = ({"status": "done"} if finished
                                        else {"status": "pending", "error": "interrupted"})
        write_sweep(out, state)
        raise
    finally:
        ray.shutdown()
    write_sweep(out, state)
    return state


def _outcome(ray, ref) -> dict:
    """The point's entry in ``sweep.json`` from its finished task."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as error:  # an exception inside fit_file
        cause = getattr(error, "cause", None) or error
        return {"status": "failed", "error": f"{type(cause).__name__}: {cause}".splitlines()[0]}
    except ray.exceptions.RayError as error:  # the worker died (killed, out of memory, ...)
        return {"status": "failed", "error": f"the Ray worker died ({type(error).__name__})"}


def _count(progress: SweepProgress, state: SweepState, running: Path) -> None:
    statuses = [p["status"] for p in state.points.values()]
    progress.done, progress.failed = statuses.count("done"), statuses.count("failed")
    progress.running = sorted(marker.name for marker in running.glob("*")) if running.is_dir() \
        else []  # fmt: skip
