"""The fields section in ``explain``: the uniform fields read out of the network."""

from __future__ import annotations

from rich.table import Table

from symbreak.contract import Section
from symbreak.report._sections import rich_renderer


@rich_renderer("fields")
def fields_table(section: Section, report=None) -> list:
    """The polar and axial fields, Cartesian, with their lengths (one rich table)."""
    fields = section.data
    title = "Fields read out of the network (Cartesian)"
    table = Table(title=title, caption=fields.get("description"))
    table.add_column("field")
    table.add_column("vector")
    table.add_column("length", justify="right")
    for key, label in (("polar", "polar E = a(v = 0)"), ("axial", "axial B from ∂a/∂v")):
        vector = fields[key]
        length = sum(c * c for c in vector) ** 0.5
        table.add_row(label, "(" + ", ".join(f"{c:.4g}" for c in vector) + ")", f"{length:.4g}")
    return [table]


__all__ = ["fields_table"]
