"""What a kind of data must answer, and what it hands on: the one contract between rooms.

A *kind* (pairs, crystals, trajectories, ...) lives in ``symbreak/tasks/`` and implements
:class:`Task`. Everything downstream speaks to this module, never to ``symbreak.tasks``:

- the trainer (``symbreak/trainer/``) asks a :class:`Task` for irreps, geometry and a loss;
- the run directory (``run.py``) stores what :meth:`Task.write_data` writes;
- the report asks :meth:`Task.data_symmetry` for a :class:`DataSymmetry`: the groups, and the
  kind's typed :class:`Section` s (fields, structures, modes, ...), each of which brings its
  own rich table and pictures (registered by section key in ``report/`` and ``render/``);
- the verdict reads the kind's :meth:`Task.data_checks`, stored in ``config.fit``, in the
  generic terms of :data:`CHECK_KEYS` (obstacles, a noise floor, problems with the data).

Only ``symbreak/pipeline.py`` composes a task with the rest. docs/architecture.md walks
through adding a kind; ``tests/test_contract.py`` checks every registered kind, and a toy
kind, against this contract.

>>> Section.of("fields", {"polar": [0.0, 0.0, 1.0]}).key
'fields'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import torch

    from symbreak.model import Graph, RelaxedNetwork
    from symbreak.symmetry import PointGroup


# ---------------------------------------------------------------------------- sections
#: Section kinds by key (``report.json``'s key of each): filled by :class:`Section`'s
#: subclasses as they are defined.
SECTIONS: dict[str, type[Section]] = {}


@dataclass(frozen=True)
class Section:
    """One typed part of a report that only some kinds have, with a JSON payload.

    A subclass names its ``key`` (the key in ``report.json``) and documents its payload;
    ``report/`` and ``render/`` register a rich renderer and a picture renderer by that key,
    and call them for whichever sections a report holds, never asking which kind made it.
    A section of a key nobody registered still round-trips through ``report.json`` and is
    shown as a plain table.
    """

    data: Mapping[str, Any]
    key: ClassVar[str] = ""
    #: What the section holds, one line (the plain table's title).
    title: ClassVar[str] = ""

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.key and register:
            SECTIONS[cls.key] = cls

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", frozen_json(self.data))

    def to_dict(self) -> dict:
        """The payload as plain JSON (dicts and lists)."""
        return plain_json(self.data)

    @staticmethod
    def of(key: str, data: Mapping[str, Any]) -> Section:
        """The section of ``key`` holding ``data``: its registered class, else a plain one."""
        kind = SECTIONS.get(key)
        if kind is None:  # a key no class registered (a newer kind's, or a plug-in's)
            kind = type(f"Section_{key}", (Section,), {"key": key, "title": key}, register=False)
        return kind(data)


@dataclass(frozen=True)
class FieldsSection(Section):
    """Uniform fields read out of the network and out of the data (trajectories).

    Payload: ``polar`` and ``axial`` vectors (Cartesian), ``group`` and ``group_elements``
    of the network's fields, ``description``, ``negligible`` (field names not drawn),
    ``data`` (the data's own fields with their group and tolerance) and, for MD data,
    per-species ``couplings`` (docs/report.md, "Fields").
    """

    key: ClassVar[str] = "fields"
    title: ClassVar[str] = "Fields read out of the network"


@dataclass(frozen=True)
class StructuresSection(Section):
    """The first structure pair as fitted, for pictures: ``pair`` (its name), ``count``
    (pairs in the run), ``species`` (one name per atom), ``source`` and ``target`` (N x 3,
    the user's frame) and ``cell`` (3 x 3 rows, or None for a finite pair)."""

    key: ClassVar[str] = "structures"
    title: ClassVar[str] = "Structures"


@dataclass(frozen=True)
class ModesSection(Section):
    """Symmetry modes of the parent's space group, per crystal pair (``pairs``: one entry
    each, with ``modes``, ``strain``, the parent and child groups and, once the report has
    the network's irreps, the ``bridge`` to them; docs/report.md, "Modes")."""

    key: ClassVar[str] = "modes"
    title: ClassVar[str] = "Symmetry modes of the parent"


def frozen_json(value: Any) -> Any:
    """A JSON value made read-only: dicts as ``MappingProxyType``, lists as tuples.

    >>> frozen_json({"polar": [1.0, 0.0, 0.0]})["polar"]
    (1.0, 0.0, 0.0)
    """
    if isinstance(value, Mapping):
        return MappingProxyType({key: frozen_json(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen_json(item) for item in value)
    return value


def plain_json(value: Any) -> Any:
    """:func:`frozen_json` undone: plain dicts and lists, ready for ``json.dumps``.

    >>> plain_json(frozen_json({"pairs": [{"gap": [1e-09, 0.1]}]}))
    {'pairs': [{'gap': [1e-09, 0.1]}]}
    """
    if isinstance(value, Mapping):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return value


# ---------------------------------------------------------------------------- groups
@dataclass
class DataSymmetry:
    """What a kind says of its data's symmetry, all in the user's frame, about ``centre``.

    Attributes
    ----------
    input_group : symmetry of the network's input (the source structure(s); O(3) where the
        input has no structure).
    target_group : symmetry of the target structure(s), or ``None`` where there is none.
    data_group : the symmetry the data keep (the transformation group for pairs).
    centre : the point the group elements act about (source centroid), or ``None``.
    parts : per pair (or per trajectory) names and groups, JSON-ready.
    sections : the kind's typed report sections (fields, structures, modes, ...).
    group_labels : how the report names the groups of these data where the structures'
        wording does not fit (``{"input": "input (free particles)", "target": None}``;
        None: the data have no such group to show).
    element_tolerance : where the data group is an estimate (fitted fields), the Frobenius
        distance within which its elements are known; None: exact to the element tolerance.
    polar_direction : the data's polar direction, which orients a polar residual group's
        axis; None where the data give none. The network's 1o sign is a gauge.
    """

    input_group: PointGroup
    target_group: PointGroup | None
    data_group: PointGroup
    centre: list[float] | None = None
    parts: list[dict] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    group_labels: dict = field(default_factory=dict)
    element_tolerance: float | None = None
    polar_direction: list[float] | None = None


@dataclass(frozen=True)
class SymmetryConstraint:
    """What symmetry-adapted fitting needs: the data's group, found before the fit.

    ``projectors`` maps each relaxed irrep to the orthogonal projector onto the vectors
    ``group`` fixes; the fit keeps θ there. ``floor`` is the fit loss (absolute MSE) that no
    network inside that subspace can beat: the data's own deviation from the group.
    ``note`` is what the report says of it (``config.preparation.symmetry_adapted``).
    """

    group: PointGroup
    projectors: Mapping[str, np.ndarray]
    floor: float = 0.0
    note: dict = field(default_factory=dict)

    @classmethod
    def invariant(cls, group: PointGroup, tolerance: float, l_relaxed: int, floor: float = 0.0,
                  remark: str = "") -> SymmetryConstraint:  # fmt: skip
        """Projectors onto ``group``'s invariant vectors of every relaxed irrep, and the
        sentence the report prints of them (``config.preparation.symmetry_adapted``)."""
        from symbreak.conventions import relaxed_irrep_names
        from symbreak.symmetry import invariant_projector

        projectors = {irrep: invariant_projector(irrep, group)
                      for irrep in relaxed_irrep_names(l_relaxed)}  # fmt: skip
        sentence = (
            f"the relaxed weights were kept inside the {group.pretty_name}-invariant subspace, "
            f"the symmetry the data keep within {tolerance:.3g} "
            "(--free-symmetry lets them leave it)."
        )
        if remark:
            sentence += " " + remark[0].upper() + remark[1:]
        note = {"group": group.name, "tolerance": tolerance, "sentence": sentence,
                "floor": floor}  # fmt: skip
        return cls(group, projectors, floor, note)


# ---------------------------------------------------------------------------- checks
#: The keys a kind's :meth:`Task.data_checks` may return (stored in ``config.fit``), all in
#: terms the verdict knows without knowing the kind:
#:
#: - ``obstacles``: ``[{"key", "sentence"}]``, what keeps any network from fitting these data
#:   (no edges, contradicting pairs); the verdict names them as the fit's problems first;
#: - ``noise_floor``: ``{"loss", "label", "what"}`` and optionally ``"simpler"`` (the same
#:   for a simpler model): the fit loss the data's own scatter leaves, in the fit loss's
#:   units; a converged loss at this floor is the data's, not the network's;
#: - ``data_problems``: ``[{"key", "sentence"}]`` (optionally ``"explains"``), what is wrong
#:   with the data themselves: any of them keeps the verdict from "Consistent";
#: - ``data_notes``: sentences about the data said first (e.g. nothing changed).
CHECK_KEYS = ("obstacles", "noise_floor", "data_problems", "data_notes")


# ---------------------------------------------------------------------------- the task
@runtime_checkable
class Task(Protocol):
    """One kind of learning problem (pairs, crystals, trajectories, ...).

    Made by the registry (``symbreak.tasks``: ``task_for_dataset``, ``task_for_run``) that
    the pipeline calls, never by the callers' own branching.
    """

    #: The kind's name in the registry and in ``config.json``'s ``"task"``.
    name: ClassVar[str]
    #: Convolutions when the user gives no ``--layers``.
    default_layers: ClassVar[int]
    #: The namespace of :class:`~symbreak.options.FitOptions` whose options
    #: :meth:`from_dataset` takes (``"pairs"``, ``"trajectories"``), or None for all of them
    #: (a kind with no options of its own yet).
    options_namespace: ClassVar[str | None]

    # ---------------------------------------------------------------- made by the registry
    @classmethod
    def accepts(cls, dataset: Any) -> bool:
        """Whether this kind fits ``dataset`` (the registry asks each kind in turn)."""

    @classmethod
    def from_dataset(cls, dataset: Any, options: Any, seed: int = 0) -> Task:
        """The task on freshly loaded data (``options``: the kind's own options); what it
        did to the data first is in :attr:`preparation`. ``seed`` orders samples."""

    @classmethod
    def from_run(cls, run: Any) -> Task:
        """The task of a saved run, on the data stored in the run (to evaluate its network)."""

    #: What was done to the data before the fit (JSON; ``config.preparation``).
    preparation: dict

    # ---------------------------------------------------------------- for the trainer
    @property
    def irreps_in(self) -> str:
        """Node input irreps of the network (e3nn notation)."""

    @property
    def irreps_out(self) -> str:
        """Node output irreps of the network."""

    #: True: the data do not fit one batch; the trainer uses :meth:`minibatches`, and
    #: :meth:`fit_loss` is measured on an evaluation sample.
    streaming: bool
    #: Rows per mini-batch when streaming (None: the trainer's default).
    minibatch_rows: int | None

    def network_geometry(self) -> dict:
        """``max_radius`` and ``neighbour_norm`` of the network, suited to the data."""

    def size(self) -> int:
        """Nodes plus edges of one full evaluation of :meth:`fit_loss` (to choose threads)."""

    def fit_loss(self, network: RelaxedNetwork) -> torch.Tensor:
        """The fit loss (mean squared error) of ``network`` on the task's data."""

    def data_loss(self) -> float:
        """The fit loss of a network that predicts zero: the data's own mean square, the
        scale against which the report measures what a block of relaxed weights explains."""

    def loss_resolution(self) -> float | None:
        """The smallest change of the fit loss the data resolve (their statistical error),
        or None where the data are exact."""

    def minibatches(self, epoch: int, batch_size: int) -> Iterator[tuple[Graph, torch.Tensor]]:
        """One pass over the data in shuffled (graph, target) batches; streaming tasks only."""

    # An optional member, looked up with getattr by the trainer:
    # ``output_least_squares(network) -> (residuals, jacobian)``, the fit loss as a linear
    # least-squares problem in the network's output weight (trainer._least_squares); a kind
    # whose loss is the mean square of those residuals offers it for the exact step.

    # ---------------------------------------------------------------- before the fit
    def symmetry_constraint(self, l_relaxed: int) -> SymmetryConstraint | None:
        """The data's group and its invariant projectors; None where the task has no data
        group before the fit (trajectories read theirs from fitted fields)."""

    def data_checks(self) -> dict:
        """What the verdict needs to name a misfit's cause, in the keys of :data:`CHECK_KEYS`
        (stored in ``config.fit``)."""

    # ---------------------------------------------------------------- the run directory
    def write_data(self, folder: Path) -> None:
        """Store the data the network was fitted to in the run's staging ``folder``."""

    # ---------------------------------------------------------------- for the report
    def data_symmetry(self, tolerance: float, network: RelaxedNetwork) -> DataSymmetry:
        """Input, target and data groups at ``tolerance`` (in the input's length unit),
        and the kind's sections; ``network`` is the fitted one (fields are read from it)."""

    def data_residual(self, group: PointGroup, tolerance: float) -> float | None:
        """Share of the data's signal that ``group`` does not fix (noise), or None."""

    #: The structure tolerance the fit used (chosen from the data or given), in the input's
    #: length unit: the report's default.
    tolerance: float


#: Every member of :class:`Task`, for checks that a kind answers them all.
TASK_MEMBERS = tuple(sorted({name for name in (*Task.__dict__, *Task.__annotations__)
                            if not name.startswith("_")}))  # fmt: skip


def sections_of(sections: Iterator[Section] | list[Section], key: str) -> Section | None:
    """The section of ``key`` among ``sections``, or None."""
    return next((section for section in sections if section.key == key), None)


__all__ = [
    "CHECK_KEYS",
    "SECTIONS",
    "TASK_MEMBERS",
    "DataSymmetry",
    "FieldsSection",
    "ModesSection",
    "Section",
    "StructuresSection",
    "SymmetryConstraint",
    "Task",
    "frozen_json",
    "plain_json",
    "sections_of",
]
