"""The options of a fit, by namespace: the model, each kind's own (pairs, trajectories) and the
optimiser.

Each part is a frozen dataclass that checks its own values when it is made, with one
sentence that names the option as the command line spells it (``--lr``), so the CLI, the
sweep and Python callers share one set of checks. Nothing here imports torch: the CLI
checks a command's options before the slow imports.

>>> options = FitOptions.from_flat(l_relaxed=2, epochs=50)
>>> options.model.l_relaxed, options.optimiser.epochs, options.pairs.target
(2, 50, 'displacement')
>>> OptimiserOptions(lr=0.0)
Traceback (most recent call last):
ValueError: --lr must be a positive number, not 0.0.
>>> FitOptions.from_dict(options.to_dict()) == options
True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from symbreak.conventions import MAX_L, PAIR_TARGETS, REGULARISERS

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


def _one_of(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"--{name} must be one of {', '.join(choices)}, not {value!r}.")


@dataclass(frozen=True)
class ModelOptions:
    """The relaxed network's shape (:class:`symbreak.model.RelaxedNetwork`)."""

    #: Relaxed weights hold every O(3) irrep up to this degree.
    l_relaxed: int = 4
    #: Copies of the relaxed weights per layer.
    multiplicity: int = 1
    #: Convolutions; None: the kind's ``default_layers`` (symbreak.tasks).
    layers: int | None = None
    hidden_mul: int = 12
    hidden_l: int = 2
    #: False: relaxed weights frozen at 0e, a plain equivariant network.
    relaxed: bool = True

    def __post_init__(self) -> None:
        _integer_at_least("l-relaxed", self.l_relaxed, 0)
        if self.l_relaxed > MAX_L:
            raise ValueError(
                f"--l-relaxed must be at most {MAX_L} (the highest l e3nn's spherical harmonics "
                f"provide), not {self.l_relaxed}."
            )
        _integer_at_least("multiplicity", self.multiplicity, 1)
        _integer_at_least("layers", self.layers, 1)
        _integer_at_least("hidden-mul", self.hidden_mul, 1)
        _integer_at_least("hidden-l", self.hidden_l, 0)


@dataclass(frozen=True)
class PairOptions:
    """Options of structure pairs, finite or periodic (:class:`~symbreak.tasks.PairsTask`,
    :class:`~symbreak.tasks.CrystalTask`): the ``pairs`` namespace of :class:`FitOptions`."""

    #: What the network learns per node (:data:`~symbreak.conventions.PAIR_TARGETS`).
    target: str = "displacement"
    #: Edges join atoms closer than this (input length unit); None: every pair (clusters), or
    #: the crystal's own neighbour shell.
    cutoff: float | None = None
    #: Length within which the data's group is found; None: read off the data's tolerance
    #: ladder (:func:`symbreak.symmetry.choose_tolerance`, docs/fitting.md).
    symmetry_tolerance: float | None = None
    #: Keep each target's rigid translation (by default it is removed: docs/fitting.md).
    keep_translation: bool = False
    #: Also remove each target's best rigid rotation (off by default: it changes the map).
    remove_rotation: bool = False
    #: Keep the file's atom order in finite pairs (by default a clearly better correspondence
    #: is found and used: :mod:`symbreak.data.matching`).
    keep_order: bool = False

    def __post_init__(self) -> None:
        _one_of("target", self.target, PAIR_TARGETS)
        _positive("cutoff", self.cutoff)
        _positive("symmetry-tolerance", self.symmetry_tolerance)


@dataclass(frozen=True)
class TrajectoryOptions:
    """Options of particle trajectories (:class:`~symbreak.tasks.TrajectoryTask`): the
    ``trajectories`` namespace of :class:`FitOptions`."""

    #: Pair interactions act within this distance; None: chosen from the data's radial
    #: distribution (docs/trajectories.md).
    cutoff: float | None = None

    def __post_init__(self) -> None:
        _positive("cutoff", self.cutoff)


@dataclass(frozen=True)
class OptimiserOptions:
    """How the relaxed network is trained (:mod:`symbreak.trainer`)."""

    #: Penalty on the non-scalar relaxed weights (:data:`~symbreak.conventions.REGULARISERS`).
    reg: str = "group-lasso"
    reg_strength: float = 1e-3
    #: Upper bound on epochs; the fit stops once converged.
    epochs: int = 400
    #: Seeds the initial weights and the order of mini-batches.
    seed: int = 0
    #: Step scale: L-BFGS's learning rate, and 1e-2 times Adam's (docs/fitting.md).
    lr: float = 1.0
    #: Relative loss (above the data's floor) at which the fit has converged.
    tolerance: float = 1e-10
    #: Keep θ in the invariant subspace of the data's group (found at the task's tolerance).
    symmetry_adapted: bool = True
    #: Torch threads; None: chosen from the problem size and the free cores.
    threads: int | None = None

    def __post_init__(self) -> None:
        _one_of("reg", self.reg, REGULARISERS)
        _positive("reg-strength", self.reg_strength, zero_allowed=True)
        _integer_at_least("epochs", self.epochs, 1)
        _integer_at_least("seed", self.seed, 0)
        if self.seed > MAX_SEED:
            raise ValueError(f"--seed must be at most 2**64 - 1, not {self.seed}.")
        _positive("lr", self.lr)
        _positive("tolerance", self.tolerance)
        _integer_at_least("threads", self.threads, 1)


#: The namespaces of :class:`FitOptions`: the network, each kind's own, the optimiser. A name
#: two namespaces define (``cutoff``) takes one flat value in :meth:`FitOptions.from_flat`.
_PARTS = {"model": ModelOptions, "pairs": PairOptions, "trajectories": TrajectoryOptions,
          "optimiser": OptimiserOptions}  # fmt: skip
#: The namespace runs of schema 2 wrote the kinds' options in (one for every kind).
_LEGACY_PARTS = {"task"}


@dataclass(frozen=True)
class FitOptions:
    """Every option of a fit, stored unchanged in the run's ``config.json``."""

    model: ModelOptions = field(default_factory=ModelOptions)
    pairs: PairOptions = field(default_factory=PairOptions)
    trajectories: TrajectoryOptions = field(default_factory=TrajectoryOptions)
    optimiser: OptimiserOptions = field(default_factory=OptimiserOptions)

    @classmethod
    def from_flat(cls, **values) -> FitOptions:
        """Options from one flat namespace (the CLI's and the sweep's names), each value sent
        to the part that defines it. Raises ValueError for a name no part has."""
        parts = {}
        for part, kind in _PARTS.items():
            names = {f.name for f in fields(kind)}
            parts[part] = kind(**{k: v for k, v in values.items() if k in names})
        unknown = set(values) - set(option_names())
        if unknown:
            raise ValueError(f"unknown fit option(s): {', '.join(sorted(unknown))}.")
        return cls(**parts)

    def flat(self) -> dict:
        """The options as one flat dict, the inverse of :meth:`from_flat`."""
        parts = (asdict(getattr(self, part)) for part in _PARTS)
        return {name: value for part in parts for name, value in part.items()}

    def to_dict(self) -> dict:
        """``{"model": {...}, "pairs": {...}, "trajectories": {...}, "optimiser": {...}}``
        (config.json)."""
        return {part: asdict(getattr(self, part)) for part in _PARTS}

    @classmethod
    def from_dict(cls, data: dict) -> FitOptions:
        """Options saved by :meth:`to_dict` (or by earlier versions: one ``task`` namespace
        for every kind, or run schema 1's flat dict); names this version does not know
        (written by a newer symbreak) are ignored."""
        if set(data) <= set(_PARTS) | _LEGACY_PARTS:
            flat = {name: value for part in data.values() for name, value in part.items()}
        else:
            flat = dict(data)
        known = set(option_names())
        return cls.from_flat(**{name: value for name, value in flat.items() if name in known})


def option_names() -> list[str]:
    """Every option's name, as :meth:`FitOptions.from_flat` takes it."""
    return list(dict.fromkeys(f.name for kind in _PARTS.values() for f in fields(kind)))


def check_explain_options(threshold: float, tolerance: float | None) -> None:
    """Refuse a non-positive or non-finite ``--threshold`` or ``--tolerance``."""
    _positive("threshold", threshold)
    _positive("tolerance", tolerance)
