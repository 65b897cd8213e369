"""Ctrl-C bookkeeping shared by the CLI and its entry point (:mod:`symbreak.__main__`).

Imports nothing: the entry point installs :func:`on_interrupt` before anything else loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

#: A SIGINT arrived (set by :func:`on_interrupt`).
interrupted = False
#: The CLI has told the user about it already (the fit's "interrupted after N epochs").
reported = False
_deferring = 0
_pending = False


def on_interrupt(signum, frame) -> None:
    """SIGINT handler: a KeyboardInterrupt now, or at the end of a :func:`deferred` block."""
    global interrupted, _pending
    interrupted = True
    if _deferring:
        _pending = True
        return
    raise KeyboardInterrupt


@contextmanager
def deferred() -> Iterator[None]:
    """Hold a Ctrl-C back until the block ends (around imports of torch and e3nn).

    Raised inside torch's C++ import code (pybind11), a KeyboardInterrupt cannot be caught:
    the process aborted with status -6 and a 90-line C++ dump (scripts/kill_fits.py, 1 of
    16 interrupts). After the block it is an ordinary KeyboardInterrupt.
    """
    global _deferring, _pending
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if _pending and not _deferring:
        _pending = False
        raise KeyboardInterrupt
