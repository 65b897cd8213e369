"""Each section kind's part in the report: how it is completed and how it is printed.

A kind hands the report typed sections (:class:`symbreak.contract.Section`). The report
never asks which kind a run is: it looks each section's key up here. A section kind
registers

- a *completer* (:func:`completer`), which adds what only the fitted network can say (the
  modes' bridge to the activated irreps), and
- a *rich renderer* (:func:`rich_renderer`): the tables and sentences ``explain`` prints.

A key nobody registered is kept unchanged and printed as a plain table of its scalars, so a
new kind's section shows before it has renderers of its own. Picture renderers are
registered the same way in ``symbreak/render/_sections.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from symbreak.contract import Section

#: The report a renderer reads (:class:`symbreak.report.Report`; not imported here, which
#: would make a circle with the module that builds it).
Report = Any

#: Section key -> completer(section, activated irreps) -> section.
COMPLETERS: dict[str, Callable[[Section, Sequence[str]], Section]] = {}
#: Section key -> renderer(section, report) -> rich renderables (tables, markup strings).
RICH_RENDERERS: dict[str, Callable[[Section, Report], list]] = {}


def completer(key: str):
    """Register the decorated ``f(section, activated) -> Section`` for sections of ``key``."""
    def register(function):
        COMPLETERS[key] = function
        return function
    return register


def rich_renderer(key: str):
    """Register the decorated ``f(section, report) -> list`` (rich renderables) for ``key``."""
    def register(function):
        RICH_RENDERERS[key] = function
        return function
    return register


def complete_section(section: Section, activated: Sequence[str]) -> Section:
    """``section`` with what its kind adds once the network's activated irreps are known."""
    complete = COMPLETERS.get(section.key)
    return section if complete is None else complete(section, activated)


def section_renderables(section: Section, report: Report) -> list:
    """What ``explain`` prints for ``section``: its registered renderer's, else a plain table."""
    render = RICH_RENDERERS.get(section.key, plain_table)
    return render(section, report)


def plain_table(section: Section, report: Any = None) -> list:
    """A section without a renderer of its own: its scalar entries, one row each.

    >>> plain_table(Section.of("toy", {"size": 3, "vectors": [[1, 0, 0]]}))[0].row_count
    1
    """
    from rich.table import Table

    table = Table(title=type(section).title or section.key)
    table.add_column("entry")
    table.add_column("value")
    for name, value in section.data.items():
        if _scalar(value):
            table.add_row(str(name), str(value))
    return [table]


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


@rich_renderer("structures")
def _structures(section: Section, report: Report) -> list:
    """Structures are for the pictures (``symbreak render``); ``explain`` prints nothing."""
    return []


__all__ = ["COMPLETERS", "RICH_RENDERERS", "complete_section", "completer", "plain_table",
           "rich_renderer", "section_renderables"]  # fmt: skip
