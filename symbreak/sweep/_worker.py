"""One grid point, fitted inside a Ray worker: an ordinary ``fit_file`` with its own threads.

Kept free of Ray so that it can be called (and tested) without it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path


def fit_point(data: str | list[str], out: str, options: dict, threads: int, running: str,
              dt: float | None = None) -> dict:  # fmt: skip
    """Fit ``data`` with ``FitOptions.from_flat(**options)`` into the run directory ``out``.

    ``data`` is one input file or the parent and child files, read as ``symbreak fit`` reads
    them (:func:`symbreak.data.formats.load_input`, ``dt`` for a trajectory without one).

    ``threads`` torch threads: the worker's cores. A fit that shares cores with other fits'
    threads runs about 15 times slower (docs/sweep.md), so Ray gives each point ``threads``
    CPUs and torch uses exactly those. While it fits, ``running/<name of out>`` holds the
    worker's pid and host (the progress display counts them; a test kills that pid).

    Returns ``{"status": "done", "seconds": ...}`` or ``{"status": "failed", "error": ...}``
    for a fit that refused its input; a crash of the worker itself reaches the driver as a
    Ray error instead.
    """
    import torch

    torch.set_num_threads(threads)
    marker = Path(running) / Path(out).name
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                  "threads": threads, "started": time.time()}))  # fmt: skip
    from symbreak.data.formats import load_input
    from symbreak.errors import DataError, RunError
    from symbreak.options import FitOptions
    from symbreak.pipeline import fit_file

    inputs = [data] if isinstance(data, str) else list(data)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        dataset = load_input(inputs, dt)
        _, result = fit_file(inputs[0], out, FitOptions.from_flat(**options), dataset=dataset)
    except (DataError, RunError, ValueError) as error:
        return {"status": "failed", "error": str(error)}
    finally:
        marker.unlink(missing_ok=True)
    return {
        "status": "done",
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,  # every thread of this worker
        "fit_seconds": result.seconds_,
        "epochs": result.epochs_,
        "converged": result.converged_,
        "threads": threads,
        "host": socket.gethostname(),
    }
