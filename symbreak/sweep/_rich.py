"""rich tables of a sweep's stability report and of the domains (``symbreak explain``)."""

from __future__ import annotations

import numpy as np

from symbreak.conventions import pretty_group_name
from symbreak.sweep._grid import SHORT_NAMES, format_value
from symbreak.sweep._stability import Stability
from symbreak.symmetry import Domain

#: Spread of a direction across seeds above which the table marks it (degrees).
SPREAD_MARK_DEGREES = 1.0


def _signed(axis) -> str:
    """``+z``, ``-x`` or the rounded components of a unit vector."""
    from symbreak.report import axis_name

    u = np.asarray(axis, dtype=np.float64)
    name = axis_name(u)
    if name in ("x", "y", "z"):
        return ("+" if u["xyz".index(name)] > 0 else "-") + name
    return name


def domains_table(found: list[Domain], counts: list[int] | None = None):
    """One row per domain: its group, principal and polar axes; the chosen one marked."""
    from rich.table import Table

    from symbreak.report import axis_name

    table = Table()
    for column in ("", "domain", "group", "principal axis", "polar axis"):
        table.add_column(column)
    if counts is not None:
        table.add_column("runs", justify="right")
    for domain in found:
        row = ["*" if domain.chosen else "", str(domain.index + 1),
               pretty_group_name(domain.group.name),
               axis_name(domain.principal_axis) if domain.principal_axis else "-",
               _signed(domain.polar_axis) if domain.polar_axis else "-"]  # fmt: skip
        if counts is not None:
            row.append(str(counts[domain.index]))
        table.add_row(*row, style="bold" if domain.chosen else None)
    return table


def print_domains(found: list[Domain], console, counts: list[int] | None = None) -> None:
    """The domains table and what the mark means; nothing when there is no breaking."""
    if len(found) <= 1:
        return
    console.print(f"[bold]Domains[/]: {len(found)} symmetry-equivalent orientations, "
                  "the index [G : H] of the residual group in the input group")
    console.print(domains_table(found, counts))
    console.print("* the domain the data chose: the residual group in your frame. The others "
                  "are as good a fit to data turned by an element of the input group.",
                  highlight=False)  # fmt: skip


def _setting_label(name: str) -> str:
    return "λ" if name == "reg_strength" else SHORT_NAMES.get(name, name)


def print_stability(stability: Stability, console) -> None:
    """Consensus, flags, activity, the group table, direction spread and domains."""
    from rich.table import Table

    if not stability.answers:
        console.print(f"{stability.path}: no finished runs yet; run the sweep command.")
        return
    agreement = stability.consensus
    state = "[green]stable[/]" if stability.stable else "[red]unstable[/]"
    console.print(
        f"[bold]{state}[/]: consensus {pretty_group_name(agreement['group'])} in "
        f"{agreement['agree']} of {agreement['runs']} runs "
        f"({agreement['same_domain']} in the same orientation).", highlight=False)
    for flag in stability.flags:
        console.print(f"[bold red]flag[/]: {flag['sentence']}",
                      highlight=False)  # fmt: skip
    if stability.missing:
        console.print(f"[yellow]{len(stability.missing)} points have no run yet[/] "
                      f"({', '.join(stability.missing[:4])}{', ...' if len(stability.missing) > 4 else ''}); "  # noqa: E501
                      "rerun the sweep command to finish them.", highlight=False)  # fmt: skip

    activity = Table()
    activity.add_column("irrep")
    activity.add_column("active in", justify="right")
    for irrep, fraction in stability.activity.items():
        activity.add_row(irrep, f"{fraction:.0%}")
    console.print("[bold]Irreps[/]: the fraction of runs in which each is active")
    console.print(activity)

    groups = sorted({g for row in stability.table for g in row["groups"]})
    table = Table()
    for name in stability.grid.hyper_parameters:
        table.add_column(_setting_label(name))
    for group in groups:
        table.add_column(pretty_group_name(group), justify="right")
    for row in stability.table:
        cells = [format_value(v) for v in row["values"].values()]
        table.add_row(*cells, *(str(row["groups"].get(g, "")) for g in groups))
    console.print("[bold]Residual group[/] at each point of the grid (runs, the seeds pooled)")
    console.print(table)

    spread = Table()
    spread.add_column("active block")
    spread.add_column("spread", justify="right")
    for block, angle in stability.spread.items():
        style = "red" if angle > SPREAD_MARK_DEGREES else None
        spread.add_row(block, f"{angle:.3g}°", style=style)
    console.print("[bold]Direction spread[/]: the largest angle between two seeds' vectors "
                  "at the same hyper-parameters")
    console.print(spread)
    print_domains(stability.domains, console, stability.domain_counts)
