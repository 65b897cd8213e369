"""Does the residual group match the data's symmetry, and if not, why not.

The residual group R (input group ∩ stabiliser of the significant relaxed weights) should equal
the data group D. Where it does not, the differing symmetry elements point at a cause:

- R keeps elements D lacks (the network broke too little): the breaking needs irreps above
  ``l_relaxed`` (none predicted up to it), or the fit is underfit (not converged, or relative
  loss above 1e-3), or the predicted irreps stayed below the threshold;
- R lacks elements D keeps (the network broke too much): noise, i.e. weights that break D are
  needed to fit the data, usually because the data group was computed at a tolerance below the
  noise of the coordinates, or because of tiny active norms.
"""

from __future__ import annotations

import numpy as np

from symbreak.report._interpretation import axis_name
from symbreak.symmetry import PointGroup, breaking_irreps

#: A fit whose loss is above this fraction of its initial loss is called underfit.
UNDERFIT_RELATIVE_LOSS = 1e-3
#: Highest l tried when no irrep up to l_relaxed can explain the breaking.
_L_SEARCH = 8


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


def _same_element(a: dict, b: dict) -> bool:
    if a["kind"] != b["kind"] or a.get("order") != b.get("order"):
        return False
    for key in ("axis", "normal", "containing_axis", "perpendicular_to"):
        if key in a:
            return abs(float(np.dot(a[key], b[key]))) > 1.0 - 1e-6
    return True


def element_difference(first: PointGroup, second: PointGroup) -> list[dict]:
    """Symmetry elements of ``first`` with no equal element in ``second``."""
    others = second.symmetry_elements()
    return [e for e in first.symmetry_elements()
            if not any(_same_element(e, o) for o in others)]  # fmt: skip


def predicted_irreps(input_group: PointGroup, data_group: PointGroup, l_max: int) -> list[str]:
    """Irreps up to ``l_max`` able to break the input group down to the data group
    (``[]`` when the data group is not a subgroup of the input group)."""
    if not data_group <= input_group:
        return []
    return [name for name, _ in breaking_irreps(input_group, data_group, l_max)]


def verdict(groups: dict[str, PointGroup], activated: list[str], predicted: list[str],
            fit: dict, l_relaxed: int) -> tuple[bool, str]:  # fmt: skip
    """``(consistent, paragraph)`` for the groups ``input``, ``data`` and ``residual``."""
    residual, data, source = groups["residual"], groups["data"], groups["input"]
    if residual == data:
        found = ", ".join(activated) if activated else "no irrep"
        return True, (
            f"Consistent: the residual group {residual.pretty_name} equals the symmetry the data "
            f"keep ({data.pretty_name}); the network broke {source.pretty_name} with {found}, "
            f"as group theory allows ({', '.join(predicted) or 'nothing to break'})."
        )
    kept_extra = element_difference(residual, data)
    lost = element_difference(data, residual)
    text = [f"Not consistent: the residual group is {residual.pretty_name} but the data keep "
            f"{data.pretty_name}."]  # fmt: skip
    if kept_extra:
        words = ", ".join(describe_element(e) for e in kept_extra)
        text.append(f"The network kept {words}, which the data break: "
                    f"{_why_too_little(source, data, predicted, fit, l_relaxed)}")  # fmt: skip
    if lost:
        words = ", ".join(describe_element(e) for e in lost)
        unexpected = sorted(set(activated) - set(predicted))
        extra = f" (active irreps not predicted: {', '.join(unexpected)})" if unexpected else ""
        noise = "the coordinates may be noisier than --tolerance, or raise --threshold."
        text.append(f"The network broke {words}, which the data keep{extra}: likely noise; {noise}")
    return False, " ".join(text)


def _why_too_little(source: PointGroup, data: PointGroup, predicted: list[str], fit: dict,
                    l_relaxed: int) -> str:  # fmt: skip
    if not predicted and data <= source:
        needed = predicted_irreps(source, data, _L_SEARCH)
        if needed:
            l_needed = int(needed[0][:-1])
            return (f"l_relaxed = {l_relaxed} is too small; the breaking needs {needed[0]} "
                    f"(refit with --l-relaxed {l_needed}).")  # fmt: skip
    relative = fit.get("relative_loss", 0.0)
    if not fit.get("converged", True) or relative > UNDERFIT_RELATIVE_LOSS:
        return (f"underfit (converged: {fit.get('converged')}, relative loss {relative:.1e}); "
                "fit longer (--epochs) or with a weaker --reg-strength.")  # fmt: skip
    return (f"the predicted irreps ({', '.join(predicted)}) stayed below the threshold; "
            "lower --threshold or --reg-strength.")  # fmt: skip
