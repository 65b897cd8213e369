"""``index.html``: every rendered file with a one-line explanation (and a preview of PNGs)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symbreak.report import Report


def report_summary(report: Report | None) -> str:
    """One line of the report for the page header (empty without a report)."""
    if report is None:
        return ""
    groups = report.groups
    parts = [f"{label} {group.pretty_name}" for label, group in (
        ("residual group", groups.residual), ("data's group", groups.data),
        ("input's group", groups.input))]  # fmt: skip
    parts.append("activated irreps: " + (", ".join(report.activated_irreps) or "none"))
    return "; ".join(parts)


def write_index(out: Path, files: Sequence, notes: Sequence[str] = (),
                report: Report | None = None, others: Sequence[str] = ()) -> Path:  # fmt: skip
    """Write ``out/index.html`` listing ``files`` (objects with ``name`` and ``description``).

    ``others`` are the folder's files that symbreak render did not write: listed at the end,
    so that the page accounts for everything the folder holds.
    """
    rows = []
    for item in files:
        name = html.escape(item.name)
        if item.name.endswith((".png", ".svg")):
            preview = f'<img src="{name}" alt="{name}" width="240">'
        else:
            preview = "interactive page" if item.name.endswith(".html") else "PDF"
        rows.append(
            f'<tr><td><a href="{name}">{name}</a></td><td>{html.escape(item.description)}</td>'
            f"<td>{preview}</td></tr>"
        )
    summary = report_summary(report)
    body = "\n".join(rows)
    notes_html = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    if others:
        # Plain text, not links: a folder without manifest takes the links as render's own.
        names = ", ".join(f"<code>{html.escape(n)}</code>" for n in others)
        others_html = '<p class="others">Also in this folder, not written by symbreak render: '
        others_html += f"{names}</p>"
    else:
        others_html = ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>symbreak render: {html.escape(out.name)}</title>
<style>body {{ font-family: sans-serif; margin: 2em; }} td {{ padding: 0.4em 1em;
vertical-align: top; border-bottom: 1px solid #ddd; }}</style></head><body>
<h1>symbreak render</h1>
<p>{html.escape(summary)}</p>
{f"<ul>{notes_html}</ul>" if notes_html else ""}
<table><tr><th>file</th><th>what it shows</th><th>preview</th></tr>
{body}
</table>
{others_html}</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
