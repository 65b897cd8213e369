"""Can the fit be trusted, and does its residual group match the data's symmetry; if not, why.

The verdict first judges the fit, from the fit summary (``run.config["fit"]``), because no
group read off an unfinished or failed fit is a result:

1. *interrupted* (Ctrl-C): the weights are those of an unfinished fit;
2. *obstacles* the kind measured in its data (``obstacles``, each with its own sentence):
   e.g. a graph without edges, or pairs with one source and different targets, which no
   network can fit;
4. *not converged*: stopped at the epoch cap;
5. *underfit*: relative loss above :data:`UNDERFIT_RELATIVE_LOSS`.

It then compares the residual group R with the data group D **as groups** (``<=``, ``==``
within the elements' tolerance), never by their listed symmetry elements (D4h's C4 contains
D2h's C2 about the same axis):

- R = D: consistent when the fit is sound;
- R ⊋ D, the network broke too little: the irreps group theory needs to break R down to D
  (:func:`symbreak.symmetry.breaking_irreps`) are all above ``l_relaxed``; or the fit failed
  (said first); or the breaking irreps stayed below the threshold;
- R ⊊ D, spurious breaking: the cause measured, in this order: the fit did not converge; the
  data deviate from D (``data_residual``, measured on the data; *noise*); the network lacks
  the capacity to fit inside D's invariant subspace (converged, loss floor high); on exact data,
  a converged fit whose D-breaking weights are tiny beside their D-symmetric part sits near an
  unstable symmetric point that rounding pushed it off (*spontaneous breaking*); otherwise the
  data do not determine those weights. "Noise" is never said unless the data were measured
  to deviate from D;
- R and D incomparable: both of the above, about R ∩ D.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from symbreak.conventions import parse_irrep
from symbreak.report._interpretation import axis_name
from symbreak.symmetry import PointGroup, breaking_irreps, invariant_projector

#: A fit whose loss is above this fraction of its initial loss is called underfit.
UNDERFIT_RELATIVE_LOSS = 1e-3
#: A fit that keeps more than this fraction of its initial loss explains almost nothing.
_NOTHING_EXPLAINED = 0.5
#: Data whose relative deviation from their group is below this are exact (float64 rounding).
EXACT_DATA_RESIDUAL = 1e-12
#: D-breaking weights below this fraction of the D-symmetric ones: an unstable point, tipped.
SPONTANEOUS_RATIO = 1e-1
#: Highest l tried when no irrep up to l_relaxed can explain the breaking.
_L_SEARCH = 8
#: Elements listed in a sentence before "and N more".
_LISTED = 4


@dataclass(frozen=True)
class Verdict:
    """What :func:`diagnose` found.

    Attributes
    ----------
    consistent : the fit is sound and the residual group equals the data group.
    fit_problems : keys of what is wrong with the fit, in the order said (``interrupted``,
        ``no_edges``, ``contradicting_pairs``, ``unconverged``, ``underfit``,
        ``explains_nothing``); empty when the fit is sound.
    relation : the residual group R against the data group D: ``equal``, ``larger`` (R ⊋ D),
        ``smaller`` (R ⊊ D) or ``incomparable``.
    causes : keys of the causes named for a difference (``l_relaxed_too_low``, ``fit``,
        ``below_threshold``, ``noise``, ``lacking_capacity``, ``spontaneous``,
        ``undetermined``).
    text : the paragraph ``symbreak explain`` prints.
    """

    consistent: bool
    fit_problems: tuple[str, ...]
    relation: str
    causes: tuple[str, ...] = field(default=())
    text: str = ""


# ---------------------------------------------------------------- symmetry elements in words
def describe_element(element: dict) -> str:
    """Words for one entry of :meth:`PointGroup.symmetry_elements`.

    >>> describe_element({"kind": "rotation", "order": 4, "axis": [0.0, 0.0, 1.0]})
    'C4 about z'
    >>> describe_element({"kind": "mirror", "normal": [1.0, 0.0, 0.0]})
    'mirror ⊥ x'
    """
    kind = element["kind"]
    order = "∞" if element.get("order") == "inf" else element.get("order")
    if kind == "rotation":
        return f"C{order} about {axis_name(element['axis'])}"
    if kind == "rotoreflection":
        return f"S{order} about {axis_name(element['axis'])}"
    if kind == "mirror":
        return f"mirror ⊥ {axis_name(element['normal'])}"
    if kind == "mirror_family":
        return f"mirrors containing {axis_name(element['containing_axis'])}"
    if kind == "rotation_family":
        return f"C2 axes ⊥ {axis_name(element['perpendicular_to'])}"
    return {"all_rotations": "all rotations", "all_mirrors": "all mirrors"}.get(kind, kind)


def _turn(axis, angle: float) -> np.ndarray:
    """Rotation by ``angle`` about ``axis`` (Rodrigues)."""
    u = np.asarray(axis, dtype=np.float64)
    u = u / np.linalg.norm(u)
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


def _reflection(normal) -> np.ndarray:
    n = np.asarray(normal, dtype=np.float64)
    n = n / np.linalg.norm(n)
    return np.eye(3) - 2 * np.outer(n, n)


def _generic_perpendicular(axis) -> np.ndarray:
    """A unit vector ⊥ ``axis`` at an irrational angle from any crystallographic one."""
    u = np.asarray(axis, dtype=np.float64)
    helper = np.eye(3)[int(np.argmin(np.abs(u)))]
    e = np.cross(u, helper)
    return _turn(u, 1.0) @ (e / np.linalg.norm(e))


def element_matrix(element: dict) -> np.ndarray:
    """A 3×3 operation that stands for ``element``: the element itself (its generator), or a
    generic member of an infinite family (a turn of 1 rad stands for C∞).

    >>> element_matrix({"kind": "inversion"}).tolist()
    [[-1.0, -0.0, -0.0], [-0.0, -1.0, -0.0], [-0.0, -0.0, -1.0]]
    """
    kind = element["kind"]
    angle = 1.0 if element.get("order") == "inf" else 2 * math.pi / float(element.get("order", 1))
    if kind == "rotation":
        return _turn(element["axis"], angle)
    if kind == "rotoreflection":
        return _reflection(element["axis"]) @ _turn(element["axis"], angle)
    if kind == "mirror":
        return _reflection(element["normal"])
    if kind == "inversion":
        return -np.eye(3)
    if kind == "mirror_family":
        return _reflection(_generic_perpendicular(element["containing_axis"]))
    if kind == "rotation_family":
        return _turn(_generic_perpendicular(element["perpendicular_to"]), math.pi)
    generic = _turn([1.0, 2.0, 3.0], 1.0)
    return generic if kind == "all_rotations" else _reflection([1.0, 2.0, 3.0]) @ generic


def element_difference(first: PointGroup, second: PointGroup) -> list[dict]:
    """Symmetry elements of ``first`` whose operation is not in the group ``second``.

    Compared as operations, not as listed elements: D2h's C2 about z is in D4h (the square of
    its C4), so it is not a difference.

    >>> from symbreak.symmetry import named_group
    >>> element_difference(named_group("D2h"), named_group("D4h"))
    []
    >>> [describe_element(e) for e in element_difference(named_group("C4v"), named_group("C2v"))]
    ['C4 about z', 'mirror ⊥ (0.707, 0.707, 0)', 'mirror ⊥ (0.707, -0.707, 0)']
    """
    return [e for e in first.symmetry_elements() if not second.contains(element_matrix(e))]


def _listed(elements: list[dict]) -> str:
    words = [describe_element(e) for e in elements]
    if len(words) > _LISTED:
        return ", ".join(words[:_LISTED]) + f" and {len(words) - _LISTED} more"
    return ", ".join(words)


# ---------------------------------------------------------------- group theory
def predicted_irreps(input_group: PointGroup, data_group: PointGroup, l_max: int) -> list[str]:
    """Irreps up to ``l_max`` able to break the input group down to the data group
    (``[]`` when the data group is not a subgroup of the input group)."""
    if not data_group <= input_group:
        return []
    return [name for name, _ in breaking_irreps(input_group, data_group, l_max)]


def group_relation(residual: PointGroup, data: PointGroup) -> str:
    """``equal``, ``larger`` (residual ⊋ data), ``smaller`` (residual ⊊ data) or
    ``incomparable``.

    >>> from symbreak.symmetry import named_group
    >>> group_relation(named_group("Oh"), named_group("D4h"))
    'larger'
    """
    below, above = residual <= data, data <= residual
    if below and above:
        return "equal"
    if above:
        return "larger"
    return "smaller" if below else "incomparable"


def _degree(irrep: str) -> int:
    return parse_irrep(irrep)[0]


# ---------------------------------------------------------------- the fit
def _relative(fit: dict) -> float:
    value = fit.get("relative_loss")
    return float(value) if value is not None else 0.0


def fit_problems(fit: dict) -> list[tuple[str, str]]:
    """``(key, sentence)`` for everything wrong with the fit, most basic first; ``[]`` if sound.

    >>> fit_problems({"relative_loss": 1e-12, "converged": True, "interrupted": False})
    []
    >>> [key for key, _ in fit_problems({"relative_loss": 0.33, "epochs": 3,
    ...                                   "converged": False, "interrupted": True})]
    ['interrupted']
    """
    relative, epochs = _relative(fit), fit.get("epochs")
    at = f"relative loss {relative:.1e}"
    if fit.get("interrupted"):
        return [("interrupted", f"Interrupted after {epochs} epochs ({at}): these are the weights "
                 "of an unfinished fit, so no group below is a result; fit again and let it "
                 "finish.")]  # fmt: skip
    problems = [(obstacle["key"], obstacle["sentence"]) for obstacle in fit.get("obstacles") or []]
    explained = bool(problems)
    if not fit.get("converged", True):
        underfit = " and underfit" if relative > UNDERFIT_RELATIVE_LOSS else ""
        problems.append(("unconverged", f"Not converged{underfit}: the fit stopped at the epoch "
                         f"cap after {epochs} epochs at {at}, so the groups below are "
                         "provisional; fit longer (--epochs), and check --reg-strength and "
                         "--lr."))  # fmt: skip
    elif relative > UNDERFIT_RELATIVE_LOSS and not explained and not at_noise_floor(fit):
        if relative > _NOTHING_EXPLAINED:
            problems.append(("explains_nothing", f"The network explains almost nothing of the "
                             f"data (converged at {at}): check that --cutoff leaves edges "
                             "between the points and that no two pairs with the same source "
                             "ask for different targets."))  # fmt: skip
        else:
            measured = ""
            floor = fit.get("noise_floor")
            if floor is not None and fit.get("initial_loss"):
                measured = (f" {_capital(floor['what'])} leaves only "
                            f"{floor['loss'] / fit['initial_loss']:.1e} of the initial loss: the "
                            "model has no term for the rest, it is not noise.")  # fmt: skip
            problems.append(("underfit", f"Underfit: the fit converged at {at}, a floor it "
                             "cannot go below: the network lacks the capacity for these data "
                             "(more --layers or --multiplicity), or the data contradict "
                             f"themselves.{measured}"))  # fmt: skip
    return problems


#: A converged loss within this factor of the data's own scatter (the kind's ``noise_floor``)
#: is that scatter, not a network that cannot fit.
SCATTER_MARGIN = 1.2


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def at_noise_floor(fit: dict) -> bool:
    """Whether the fit's loss is the data's own scatter (the kind's measured ``noise_floor``).

    >>> at_noise_floor({"loss": 0.0275, "noise_floor": {"loss": 0.0274}}), at_noise_floor({})
    (True, False)
    """
    floor = fit.get("noise_floor")
    return floor is not None and fit.get("loss", math.inf) <= SCATTER_MARGIN * floor["loss"]


def fit_notes(fit: dict) -> list[str]:
    """Sentences about a sound fit that the reader should know (no problem): a loss at the
    data's measured scatter is the data's, and where a simpler model was measured too, what
    the richer one explains beyond it.

    >>> fit_notes({"loss": 0.02, "initial_loss": 1.0, "relative_loss": 0.02, "noise_floor":
    ...     {"loss": 0.02, "label": "Noisy data", "what": "the scatter about a line"}})[0][:44]
    'Noisy data: the scatter about a line leaves '
    """
    if not at_noise_floor(fit) or _relative(fit) <= UNDERFIT_RELATIVE_LOSS:
        return []
    initial = fit.get("initial_loss") or math.nan
    floor = fit["noise_floor"]
    share = floor["loss"] / initial
    simpler = floor.get("simpler")
    if simpler is not None and simpler["loss"] > SCATTER_MARGIN * floor["loss"]:
        return [f"{simpler['label']}: {simpler['what']} leave {simpler['loss'] / initial:.1e} "
                f"of the initial loss, {floor['what']} leaves {share:.1e}, and the fit "
                f"reached that floor (relative loss {_relative(fit):.1e}): what is left is the "
                f"data's scatter about these terms ({floor.get('causes', 'noise')}), not a term "
                "the network lacks."]  # fmt: skip
    return [f"{floor['label']}: {floor['what']} leaves {share:.1e} of the initial loss "
            f"(measured), and the fit, at relative loss {_relative(fit):.1e}, reached that "
            "scatter: the misfit is the data's, not the network's."]  # fmt: skip


def _target_of(groups) -> PointGroup | None:
    """The target's group where ``groups`` has one (a dict of groups may not)."""
    try:
        return groups["target"]
    except KeyError:
        return None


def data_problems(fit: dict, source: PointGroup, target: PointGroup | None) -> list[dict]:
    """What is wrong with the data themselves, each ``{"key", "sentence"}`` (and optionally
    ``"explains"``: the group relations it accounts for): those the task measured
    (``fit["data_problems"]``), and a target more symmetric than its source (the files are
    probably swapped: nothing of the source's symmetry is broken, so nothing is found).

    >>> from symbreak.symmetry import named_group
    >>> [p["key"] for p in data_problems({}, named_group("C4v"), named_group("Oh"))]
    ['swapped']
    >>> data_problems({}, named_group("Oh"), named_group("C4v"))
    []
    """
    found = [dict(problem) for problem in fit.get("data_problems") or []]
    if target is not None and source <= target and not target <= source:
        found.append({"key": "swapped", "sentence": (
            f"The target ({target.pretty_name}) is more symmetric than the source "
            f"({source.pretty_name}): the change broke none of the source's symmetry, so there "
            "is nothing to find in this direction. The files are probably swapped: give the "
            "more symmetric structure (the parent) first.")})  # fmt: skip
    return found


# ---------------------------------------------------------------- causes
def symmetric_share(rows, group: PointGroup) -> float | None:
    """Largest, over layers, of :math:`\\|\\theta_k - P_D\\theta_k\\| / \\|P_D\\theta_k\\|`:
    how far the weights break ``group`` D beside their D-symmetric part (``None`` without rows).

    >>> from types import SimpleNamespace as Row
    >>> from symbreak.symmetry import named_group
    >>> rows = [Row(layer=0, irrep="0e", vector=[1.0]), Row(layer=0, irrep="1o",
    ...         vector=[0.0, 0.0, 1e-3])]
    >>> round(symmetric_share(rows, named_group("Oh")), 6)
    0.001
    """
    if not rows:
        return None
    broken: dict[int, float] = {}
    kept: dict[int, float] = {}
    for row in rows:
        v = np.asarray(row.vector, dtype=np.float64)
        symmetric = invariant_projector(row.irrep, group) @ v
        broken[row.layer] = broken.get(row.layer, 0.0) + float(np.sum((v - symmetric) ** 2))
        kept[row.layer] = kept.get(row.layer, 0.0) + float(np.sum(symmetric**2))
    ratios = [math.sqrt(broken[k]) / max(math.sqrt(kept[k]), 1e-300) for k in broken]
    return max(ratios)


def _beyond_l_relaxed(residual: PointGroup, data: PointGroup, l_relaxed: int) -> bool:
    needed = [name for name, _ in breaking_irreps(residual, data, _L_SEARCH)]
    return bool(needed) and min(_degree(name) for name in needed) > l_relaxed


def _too_little(residual: PointGroup, data: PointGroup, fit_bad: bool, l_relaxed: int,
                rows, threshold: float | None) -> tuple[str, str]:  # fmt: skip
    """Why the network kept symmetry the data break (R ⊋ D)."""
    needed = [name for name, _ in breaking_irreps(residual, data, _L_SEARCH)]
    reachable = [name for name in needed if _degree(name) <= l_relaxed]
    if needed and not reachable:
        low = min(_degree(name) for name in needed)
        return "l_relaxed_too_low", (
            f"group theory says breaking {residual.pretty_name} down to {data.pretty_name} "
            f"needs one of {', '.join(needed[:4])}, all above l = {l_relaxed}: "
            f"l_relaxed = {l_relaxed} is too "
            f"small; refit with --l-relaxed {low}."
        )
    which = ", ".join(reachable) if reachable else "the predicted irreps"
    if fit_bad:
        return "fit", (f"the fit failed (said above), though {which} (up to l_relaxed) can "
                       "express the breaking.")  # fmt: skip
    largest = ""
    candidates = [r for r in rows or [] if r.irrep in reachable and not r.significant]
    if candidates:
        top = max(candidates, key=lambda r: r.relative_breaking_norm)
        largest = (f" (largest: layer {top.layer} {top.irrep} at relative breaking norm "
                   f"{top.relative_breaking_norm:.1e})")  # fmt: skip
    level = f"--threshold {threshold:g}" if threshold is not None else "the threshold"
    return "below_threshold", (f"{which} can express the breaking but stayed below {level} or "
                               f"failed the loss test{largest}; see the threshold ladder, or "
                               "lower --threshold.")  # fmt: skip


def _too_much(data: PointGroup, fit: dict, fit_keys: list[str], rows,
              data_residual: float | None) -> tuple[str, str]:  # fmt: skip
    """Why the network broke symmetry the data keep (R ⊊ D)."""
    relative = _relative(fit)
    if {"interrupted", "unconverged"} & set(fit_keys):
        return "fit", ("the fit is unfinished (said above): breaking below the data's group is "
                       "an artefact of an optimiser that has not settled.")  # fmt: skip
    noisy = data_residual is not None and data_residual > EXACT_DATA_RESIDUAL
    # A D-symmetric network cannot go below the data's own deviation from D; a loss floor far
    # above that deviation is the network's, not the data's.
    if noisy and relative <= max(UNDERFIT_RELATIVE_LOSS, 10 * data_residual):
        size = math.sqrt(data_residual)
        return "noise", (f"noise: the data themselves deviate from {data.pretty_name} by "
                         f"{size:.1e} of their size (measured), and the fit, at relative loss "
                         f"{relative:.1e}, reproduces that deviation; raise --tolerance above "
                         "the noise of the coordinates, or --threshold.")  # fmt: skip
    if relative > UNDERFIT_RELATIVE_LOSS:
        return "lacking_capacity", (f"lacking capacity: the fit converged at relative loss "
                                    f"{relative:.1e}, and inside {data.pretty_name}'s invariant "
                                    "weights it could not do better, so it broke the symmetry "
                                    "to lower the loss; use more --layers or "
                                    "--multiplicity.")  # fmt: skip
    exact = "exact data" if data_residual is not None else "data whose deviation from the " \
        "group was not measured"
    counted = [r for r in rows or [] if r.irrep == "0e" or getattr(r, "significant", True)]
    share = symmetric_share(counted, data)
    if share is not None and share < SPONTANEOUS_RATIO:
        return "spontaneous", (f"spontaneous breaking at an unstable point: on {exact}, the "
                               f"converged weights break {data.pretty_name} by only "
                               f"{share:.1e} of their symmetric part: the symmetric weights sit "
                               "at a stationary point and rounding tipped the fit off it. Raise "
                               "--threshold above that share, or refit.")  # fmt: skip
    measured = f" ({share:.1e} of the symmetric part)" if share is not None else ""
    return "undetermined", (f"on {exact}, with the fit converged, the data do not determine the "
                            f"breaking weights{measured}: other weights fit as well, and the fit "
                            f"chose some that break {data.pretty_name}.")  # fmt: skip


# ---------------------------------------------------------------- the verdict
def diagnose(groups: dict[str, PointGroup], activated: list[str], predicted: list[str],
             fit: dict, l_relaxed: int, rows=None, data_residual: float | None = None,
             threshold: float | None = None) -> Verdict:  # fmt: skip
    """The verdict on a run (module docstring).

    Parameters
    ----------
    groups : ``input``, ``data`` and ``residual`` point groups.
    activated, predicted : the report's activated and predicted irreps.
    fit : the fit summary: ``relative_loss``, ``epochs``, ``converged``, ``interrupted``, and
        the kind's data checks (:data:`symbreak.contract.CHECK_KEYS`).
    l_relaxed : highest l of the relaxed weights.
    rows : the report's :class:`~symbreak.report.IrrepRow` list, for measured causes.
    data_residual : the data's own relative deviation from the data group,
        :math:`\\|y - P_D y\\|^2 / \\|y\\|^2` (the normalisation of the relative loss), or
        ``None`` where not measured; above :data:`EXACT_DATA_RESIDUAL` the data are noisy.
    threshold : the report's threshold, named in advice.
    """
    residual, data, source = groups["residual"], groups["data"], groups["input"]
    problems = fit_problems(fit)
    keys = [key for key, _ in problems]
    findings = data_problems(fit, source, _target_of(groups))
    text = list(fit.get("data_notes") or []) + [sentence for _, sentence in problems]
    text += [finding["sentence"] for finding in findings] + fit_notes(fit)
    relation = group_relation(residual, data)
    if relation == "larger" and _beyond_l_relaxed(residual, data, l_relaxed):
        # the loss floor is explained: the weights cannot express the breaking at all
        unexplained = {"underfit", "explains_nothing"}
        if unexplained & set(keys):
            problems = [(k, t) for k, t in problems if k not in unexplained]
            problems.append(("underfit", f"Underfit (converged at relative loss "
                             f"{_relative(fit):.1e}) because the relaxed weights cannot express "
                             "the breaking, as follows."))  # fmt: skip
            keys = [key for key, _ in problems]
            text = list(fit.get("data_notes") or []) + [sentence for _, sentence in problems]
            text += [finding["sentence"] for finding in findings]
    fit_bad = bool(problems)
    keys += [finding["key"] for finding in findings]
    sound = not problems and not findings
    causes: list[str] = []
    found = ", ".join(activated) if activated else "no irrep"
    if relation == "equal":
        head = "Consistent: the" if sound else "Provisionally, the"
        text.append(f"{head} residual group {residual.pretty_name} equals the symmetry the data "
                    f"keep ({data.pretty_name}); the network broke {source.pretty_name} with "
                    f"{found}, as group theory allows "
                    f"({', '.join(predicted) or 'nothing to break'}).")  # fmt: skip
        return Verdict(sound, tuple(keys), relation, (), " ".join(text))
    common = residual & data if relation == "incomparable" else None
    if relation == "incomparable":
        text.append(f"The residual group {residual.pretty_name} and the data's "
                    f"{data.pretty_name} are not subgroups of one another; they share "
                    f"{common.pretty_name}.")  # fmt: skip
    if relation in ("larger", "incomparable"):
        lower = common if common is not None else data
        explaining = [f for f in findings if "larger" in f.get("explains", ())]
        if explaining:
            cause, why = explaining[0]["key"], "the data's breaking is out of the network's "\
                "reach (said above)."
        else:
            cause, why = _too_little(residual, lower, fit_bad, l_relaxed, rows, threshold)
        causes.append(cause)
        extra = _listed(element_difference(residual, data))
        text.append(f"The network broke too little: its residual group {residual.pretty_name} "
                    f"keeps {extra}, which the data ({data.pretty_name}) break: {why}")  # fmt: skip
    if relation in ("smaller", "incomparable"):
        cause, why = _too_much(data, fit, keys, rows, data_residual)
        causes.append(cause)
        lost = _listed(element_difference(data, residual))
        unexpected = sorted(set(activated) - set(predicted))
        named = f" (active irreps not predicted: {', '.join(unexpected)})" if unexpected else ""
        text.append(f"The network broke too much: its residual group {residual.pretty_name} "
                    f"lacks {lost}, which the data ({data.pretty_name}) keep{named}; "
                    f"cause: {why}")  # fmt: skip
    return Verdict(False, tuple(keys), relation, tuple(causes), " ".join(text))


def verdict(groups: dict[str, PointGroup], activated: list[str], predicted: list[str],
            fit: dict, l_relaxed: int, rows=None, data_residual: float | None = None,
            threshold: float | None = None) -> tuple[bool, str]:  # fmt: skip
    """``(consistent, paragraph)`` of :func:`diagnose`."""
    result = diagnose(groups, activated, predicted, fit, l_relaxed, rows, data_residual,
                      threshold)  # fmt: skip
    return result.consistent, result.text
