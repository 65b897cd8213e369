"""The report for people: rich tables and the verdict paragraph."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table

from symbreak.conventions import pretty_group_name
from symbreak.report._ladder import ThresholdWindow
from symbreak.report._report import Report
from symbreak.report._sections import section_renderables
from symbreak.report._verdict import describe_element


def _irreps_table(report: Report) -> Table:
    table = Table(title="Relaxed weights (norms relative to the whole layer's |θ|)")
    for column in ("layer", "irrep", "copy", "norm", "breaking", "active", "interpretation"):
        table.add_column(column, justify="right" if column in ("norm", "breaking") else "left")
    hidden = 0
    for row in report.rows:
        if row.norm == 0.0:  # blocks the fit never admitted: listing them hides the story
            hidden += 1
            continue
        table.add_row(
            str(row.layer), row.irrep, str(row.copy), f"{row.relative_norm:.2e}",
            "" if row.irrep == "0e" else f"{row.relative_breaking_norm:.2e}",
            "[bold green]yes[/]" if row.active else "no", row.interpretation,
        )  # fmt: skip
    if hidden:
        table.caption = f"{hidden} all-zero blocks not shown"
    return table


def ladder_table(windows: Sequence[ThresholdWindow], threshold: float | None = None) -> Table:
    """The threshold ladder: each window of ``--threshold`` and the residual group it gives;
    the window holding ``threshold`` (the report's) is marked.

    >>> from symbreak.symmetry import named_group
    >>> table = ladder_table([ThresholdWindow(1e-3, 0.5, named_group("D4h")),
    ...                       ThresholdWindow(0.5, float("inf"), named_group("Oh"))], 1e-3)
    >>> table.row_count
    2
    """
    table = Table(title="Residual group by threshold (how robust the answer is)")
    table.add_column("threshold from", justify="right")
    table.add_column("below", justify="right")
    table.add_column("residual group")
    for window in windows:
        here = threshold is not None and window.low <= threshold < window.high
        name = pretty_group_name(window.name)
        table.add_row(
            f"{window.low:.2e}", "∞" if math.isinf(window.high) else f"{window.high:.2e}",
            f"[bold]{name}[/] (this report)" if here else name,
        )  # fmt: skip
    return table


def _groups_table(report: Report) -> Table:
    table = Table(title="Groups")
    table.add_column("of")
    table.add_column("group")
    labels = {
        "input": "input (source structure)",
        "target": "target structure",
        "data": "data (kept by the transformation)",
        "relaxed_weights": "relaxed weights alone",
        "residual": "residual = input ∩ weights",
    }
    labels.update(report.group_labels)  # the task's own wording (no structures, ...)
    for key, label in labels.items():
        if label is None:
            continue
        group = report.groups[key]
        name = pretty_group_name(group.name) if group is not None else "—"
        table.add_row(label, f"[bold]{name}[/]" if key == "residual" else name)
    table.add_row("predicted breaking irreps", ", ".join(report.predicted_irreps) or "none")
    table.add_row("activated irreps", ", ".join(report.activated_irreps) or "none")
    return table


def _elements_table(report: Report) -> Table:
    centre = report.centre
    where = f" about ({', '.join(f'{c:.4g}' for c in centre)})" if centre is not None else ""
    table = Table(title=f"Symmetry elements of the residual group{where}")
    table.add_column("element")
    table.add_column("vector")
    for element in report.symmetry_elements:
        vector = next((element[k] for k in ("axis", "normal", "containing_axis",
                                            "perpendicular_to") if k in element), None)  # fmt: skip
        text = "" if vector is None else "(" + ", ".join(f"{c:.4g}" for c in vector) + ")"
        table.add_row(describe_element(element), text)
    if not table.rows:
        table.add_row("identity only", "")
    return table


def preparation_sentences(preparation: Mapping) -> list[str]:
    """What the fit did to the data before fitting, one sentence each (``config.preparation``).

    >>> preparation_sentences({"symmetry_tolerance": {"tolerance": 2e-05, "chosen": True,
    ...     "pairs": [{"pair": "p", "gap": [1e-09, 0.1], "group": "C4v"}]}})[0][-67:]
    'the operations of C4v move atoms by at most 1e-09, the next by 0.1.'
    """
    out = [match["sentence"] for match in preparation.get("atom_order") or []
           if match.get("applied")]
    out += [motion["sentence"] for motion in preparation.get("rigid_motion") or []
           if motion.get("translation_norm", 0) > 0 or motion.get("rotation_degrees", 0) > 0]
    chosen = preparation.get("symmetry_tolerance") or {}
    if chosen.get("chosen"):
        gaps = [p.get("sentence") or f"for {p['pair']} the operations of {p['group']} move "
                f"atoms by at most {p['gap'][0]:.3g}, the next by {p['gap'][1]:.3g}"
                for p in chosen["pairs"] if p.get("gap")]  # fmt: skip
        text = f"the structure tolerance {chosen['tolerance']:.3g} was read off the data"
        out.append(text + (": " + "; ".join(gaps) if gaps else " (no clear gap: default)") + ".")
    adapted = preparation.get("symmetry_adapted")
    if adapted:
        out.append(adapted["sentence"][0].upper() + adapted["sentence"][1:])
    out += [str(note) for note in preparation.get("notes") or []]  # a task's own sentences
    return out


def gauge_sentences(report: Report) -> list[str]:
    """What the sign of an active odd-parity weight means: a gauge, not the answer."""
    if not any(row.active and row.irrep == "1o" for row in report.rows):
        return []
    polar = report.domains[0].get("polar_axis") if report.domains else None
    text = ("the sign of the 1o weights is a gauge of the network (flipping them and the "
            "weights they feed gives the same fit), so it says nothing of the data")
    if polar is not None:
        text += ("; the polar axis " + "(" + ", ".join(f"{c:.3g}" for c in polar) + ") in the "
                 "domain table points the way the data's centre of nuclear charge moved")
    return [text + "."]


#: Section keys printed after the verdict rather than before it.
AFTER_VERDICT = ("modes",)


def print_report(report: Report, console: Console) -> None:
    """Print the irrep table, the groups, the residual group's elements and the verdict."""
    fit = report.fit
    console.print(
        f"[bold]{report.task}[/] run: loss {fit.loss:.3e} "
        f"({fit.relative_loss:.1e} of the initial), {fit.epochs} epochs, "
        f"{'converged' if fit.converged else 'not converged'}; "
        f"threshold {report.threshold:g}, structure tolerance {report.tolerance:g}."
    )
    console.print(_irreps_table(report))
    console.print(_groups_table(report))
    console.print(_elements_table(report))
    late = []  # sections that read best after the verdict (those whose story is long)
    for section in report.sections:
        renderables = section_renderables(section, report)
        if section.key in AFTER_VERDICT:
            late += renderables
        else:
            for renderable in renderables:
                console.print(renderable)
    if report.ladder:
        console.print(ladder_table(report.ladder, report.threshold))
    for sentence in preparation_sentences(report.preparation) + gauge_sentences(report):
        console.print(f"[dim]Note:[/] {sentence}")
    style = "green" if report.consistent else "yellow"
    console.print(f"[bold {style}]Verdict.[/] {report.verdict}")
    for renderable in late:
        console.print(renderable)
