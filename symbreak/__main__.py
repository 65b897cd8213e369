"""The ``symbreak`` console entry point (also ``python -m symbreak``).

Ctrl-C may come at any moment, including while typer, h5py or torch are being imported,
when a half-imported module can fail with some other exception. This module imports nothing
heavy itself, so from its first line on every interrupt ends in one line and exit code 130.
"""

import contextlib
import os
import signal
import sys

from symbreak import _interrupts


def _exit_interrupted() -> None:
    """Say it (unless the command did), and leave with 130 without Python's own exit path.

    Python remembers a KeyboardInterrupt raised inside code it ran through ``PyRun_*``
    (as some imports do) and, at exit, kills itself with SIGINT whatever ``sys.exit`` said:
    1 of 16 interrupts in scripts/kill_fits.py ended with status -2 after this line.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this line
    if not _interrupts.reported:
        sys.stderr.write("symbreak: interrupted (Ctrl-C).\n")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to flush to
            stream.flush()
    os._exit(130)


def _pin_blas_threads() -> None:
    """OpenBLAS threads as the fit's torch threads are chosen for large work: the cores free
    now (cores minus the 1-minute load), unless the user set a count. It must happen before
    numpy loads OpenBLAS. Beside one busy process on two cores, OpenBLAS's default two threads
    made ``symbreak fit`` of a 32 x 498 LAMMPS dump 3.8-4.5 s instead of 3.1-3.3 s (the
    pair-force least squares and the data's fields are numpy)."""
    if any(os.environ.get(name) for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS",
                                             "OMP_NUM_THREADS")):  # fmt: skip
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    os.environ["OPENBLAS_NUM_THREADS"] = str(max(1, min(cores or 1, round((cores or 1) - load))))


def main() -> None:
    _pin_blas_threads()
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupts.on_interrupt)
    try:
        from symbreak.cli import app

        app(prog_name="symbreak")
    except SystemExit as exit_:
        if exit_.code == 130 and _interrupts.interrupted:
            _exit_interrupted()
        raise
    except Exception as error:
        if _interrupts.interrupted:
            _exit_interrupted()
        if os.environ.get("SYMBREAK_DEBUG"):
            raise
        # Every error a user can cause is a DataError or RunError, printed by the CLI as one
        # sentence; what arrives here is a bug, still said in one line (with a way to see more).
        reason = " ".join(str(error).split())[:200]
        sys.stderr.write(
            f"symbreak: internal error ({type(error).__name__}: {reason}); this is a bug in "
            "symbreak: rerun with SYMBREAK_DEBUG=1 for the traceback and report it.\n"
        )
        sys.exit(1)
    except BaseException:
        if not _interrupts.interrupted:
            raise
        _exit_interrupted()
    finally:
        # The work is done. Python's finalisation resets a Python-level SIGINT handler to the
        # default (but leaves SIG_IGN alone), and tearing torch down takes up to a second on
        # a busy machine: a Ctrl-C then killed the process silently with status -2
        # (scripts/kill_fits.py, 2 of 10 interrupts).
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
