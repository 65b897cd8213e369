"""The symmetry-modes section of a crystal run's report, and the bridge to the network.

Each crystal pair's modes (:func:`symbreak.data.modes.pair_modes`, computed with the data's
groups) are put beside what the network activated: every activated O(3) irrep is subduced to
the parent's point group (``1o`` -> GM4- in :math:`m\\bar 3m`, ``2e`` -> GM3+ + GM5+), and the
report says whether the network broke through the irreps that the data's zone-centre modes
and strain carry. Zone-boundary modes (R, M, X...) cannot be seen directly by a network whose
relaxed weights every cell shares: it sees them only through the strain and the site
symmetry they leave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from symbreak.contract import ModesSection, Section
from symbreak.report._sections import completer, rich_renderer

#: Modes (Angstrom) and strain irreps (dimensionless) counted as present in the data.
MODE_FLOOR = 0.01
STRAIN_FLOOR = 1e-4

ZONE_BOUNDARY_SENTENCE = (
    "{labels} {verb} at the zone boundary: a zone-centre network sees {them} only through the "
    "strain and the site symmetry {they} {leave}."
)


def _pair_bridge(modes: Mapping[str, Any], activated: Sequence[str]) -> dict:
    """Zone-centre and zone-boundary modes of one pair against the network's irreps."""
    zone_centre = {m["label"]: m["amplitude"] for m in modes.get("modes", [])
                   if m["k_name"] == "GM" and m["amplitude"] >= MODE_FLOOR}  # fmt: skip
    strain = {s["label"]: s["amplitude"] for s in modes.get("strain", [])
              if s["label"] not in ("GM1+", "GM1") and s["amplitude"] >= STRAIN_FLOOR}  # fmt: skip
    boundary = {m["label"]: m["amplitude"] for m in modes.get("modes", [])
                if m["k_name"] != "GM" and m["amplitude"] >= MODE_FLOOR}  # fmt: skip
    subduction = modes.get("subduction", {})
    network = {irrep: sorted(subduction.get(irrep, {})) for irrep in activated if irrep != "0e"}
    reached = {label for labels in network.values() for label in labels}
    carried = set(zone_centre) | set(strain)
    missing = sorted(carried - reached)
    sentences = []
    if network:
        parts = "; ".join(f"{irrep} -> {' + '.join(labels) or '?'}"
                          for irrep, labels in network.items())  # fmt: skip
        sentences.append(f"The network broke through {parts} in the parent's point group.")
    if carried and not missing:
        sentences.append("The data's zone-centre modes and strain (" + ", ".join(sorted(carried))
                         + ") are all among them: the same irreps.")  # fmt: skip
    elif missing:
        sentences.append("The data's zone-centre irreps " + ", ".join(missing) + " are not "
                         "among them: the network did not break through every irrep the "
                         "data carry.")  # fmt: skip
    if boundary:
        many = len(boundary) > 1
        sentences.append(ZONE_BOUNDARY_SENTENCE.format(
            labels=", ".join(boundary), verb="are" if many else "is",
            them="them" if many else "it", they="they" if many else "it",
            leave="leave" if many else "leaves"))  # fmt: skip
    return {"network": network, "zone_centre": zone_centre, "strain": strain,
            "zone_boundary": boundary, "same": bool(carried) and not missing,
            "sentence": " ".join(sentences)}  # fmt: skip


@completer("modes")
def complete_modes(section: Section, activated: Sequence[str]) -> ModesSection:
    """The modes section with each pair's bridge to the network's activated irreps (and the
    subduction table it was read from left out: it is the bridge's working)."""
    pairs = []
    for modes in section.data["pairs"]:
        entry = {k: v for k, v in modes.items() if k not in ("subduction", "bridge")}
        if "error" not in modes:
            entry["bridge"] = _pair_bridge(modes, activated)
        pairs.append(entry)
    return ModesSection({"pairs": pairs})


@rich_renderer("modes")
def modes_tables(section: Section, report=None) -> list:
    """rich renderables for ``explain``: one table per pair, then its bridge sentence."""
    from rich.table import Table

    out: list = []
    for pair in section.data["pairs"]:
        if "error" in pair:
            out.append(f"[dim]Symmetry modes of {pair['name']}:[/] {pair['error']}")
            continue
        title = (f"Symmetry modes of {pair['name']}: {pair['parent']['symbol']} -> "
                 f"{pair['child']['symbol']}, total {pair['total_amplitude']:.4f} A")  # fmt: skip
        table = Table(title=title)
        for column in ("irrep", "k", "amplitude (A)", "isotropy subgroup", "order"):
            table.add_column(column)
        for mode in pair["modes"]:
            if mode["amplitude"] < 1e-4:
                continue
            group = mode["isotropy_subgroup"]
            table.add_row(mode["label"], mode["k"], f"{mode['amplitude']:.4f}",
                          f"{group['symbol']} ({group['number']})",
                          "primary" if mode["primary"] else "secondary")  # fmt: skip
        strain = ", ".join(f"{s['label']} {s['amplitude']:.3g}" for s in pair.get("strain", []))
        table.caption = f"strain: {strain or 'none'}; {pair.get('origin_note', '')}"
        out.append(table)
        out.append(f"[bold]Modes and network.[/] {pair['bridge']['sentence']}")
    return out


__all__ = ["complete_modes", "modes_tables"]
