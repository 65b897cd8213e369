"""The hyper-parameters of a fit."""

from __future__ import annotations

from dataclasses import dataclass

from symbreak.conventions import REGULARISERS


@dataclass
class FitOptions:
    """Hyper-parameters of a fit, stored unchanged in the run's config."""

    l_relaxed: int = 4
    multiplicity: int = 1
    layers: int | None = None  # None: the task's default (2 for pairs, 1 for trajectories)
    target: str = "displacement"
    reg: str = "group-lasso"
    reg_strength: float = 1e-3
    epochs: int = 400
    seed: int = 0
    lr: float = 1.0
    hidden_mul: int = 12
    hidden_l: int = 2
    cutoff: float | None = None
    tolerance: float = 1e-10
    relaxed: bool = True  # False: relaxed weights frozen at 0e only, a plain equivariant network
    #: Keep θ in the invariant subspace of the data's group (found at ``symmetry_tolerance``).
    symmetry_adapted: bool = True
    #: Length (input unit) within which the data's group is found; None: read off the
    #: data's tolerance ladder (symbreak.symmetry.choose_tolerance, docs/fitting.md).
    symmetry_tolerance: float | None = None
    #: Keep each target's rigid translation (by default it is removed: docs/fitting.md).
    keep_translation: bool = False
    #: Also remove each target's best rigid rotation (off by default: it changes the map).
    remove_rotation: bool = False
    #: Torch threads; None: chosen from the problem size and the free cores (choose_threads).
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.reg not in REGULARISERS:
            raise ValueError(f"reg must be one of {REGULARISERS}, not {self.reg!r}")
        if self.symmetry_tolerance is not None and not self.symmetry_tolerance > 0:
            raise ValueError("symmetry-tolerance must be positive")
        for name in ("l_relaxed", "multiplicity", "layers", "epochs", "hidden_mul", "threads"):
            minimum = 0 if name == "l_relaxed" else 1
            value = getattr(self, name)
            if value is not None and value < minimum:
                raise ValueError(f"{name.replace('_', '-')} must be at least {minimum}")
