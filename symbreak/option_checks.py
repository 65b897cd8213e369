"""Ranges of the command options, checked before torch loads so a wrong value costs no wait.

Each check raises ``ValueError`` with one sentence that names the option as it is typed.
:class:`symbreak.fit.FitOptions` keeps its own checks for Python callers.

>>> check_fit_options(lr=0.0)
Traceback (most recent call last):
ValueError: --lr must be a positive number, not 0.0.
"""

from __future__ import annotations

import math

#: Seeds go to numpy and torch; torch takes at most 64-bit unsigned ones.
MAX_SEED = 2**64 - 1


def _integer_at_least(name: str, value: int | None, minimum: int) -> None:
    if value is not None and value < minimum:
        raise ValueError(f"--{name} must be at least {minimum}, not {value}.")


def _positive(name: str, value: float | None, zero_allowed: bool = False) -> None:
    if value is None:
        return
    ok = math.isfinite(value) and (value >= 0 if zero_allowed else value > 0)
    if not ok:
        kind = "zero or a positive number" if zero_allowed else "a positive number"
        raise ValueError(f"--{name} must be {kind}, not {value}.")


def check_fit_options(
    l_relaxed: int = 4,
    multiplicity: int = 1,
    layers: int | None = None,
    reg_strength: float = 1e-3,
    epochs: int = 400,
    seed: int = 0,
    lr: float = 1.0,
    cutoff: float | None = None,
    symmetry_tolerance: float | None = None,
) -> None:
    """Refuse values of ``symbreak fit``'s options that no fit can use."""
    _integer_at_least("l-relaxed", l_relaxed, 0)
    _integer_at_least("multiplicity", multiplicity, 1)
    _integer_at_least("layers", layers, 1)
    _integer_at_least("epochs", epochs, 1)
    _integer_at_least("seed", seed, 0)
    if seed > MAX_SEED:
        raise ValueError(f"--seed must be at most 2**64 - 1, not {seed}.")
    _positive("reg-strength", reg_strength, zero_allowed=True)
    _positive("lr", lr)
    _positive("cutoff", cutoff)
    _positive("symmetry-tolerance", symmetry_tolerance)


def check_explain_options(threshold: float, tolerance: float | None) -> None:
    """Refuse a non-positive or non-finite ``--threshold`` or ``--tolerance``."""
    _positive("threshold", threshold)
    if tolerance is not None:
        _positive("tolerance", tolerance)
