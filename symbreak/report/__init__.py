"""Turn a fitted run and the symmetry analysis into a report: object, JSON and rich tables.

``build_report(load_run(path)).to_dict()`` is what ``symbreak explain --json`` prints and what
``symbreak fit`` saves as ``report.json`` (layout: docs/report.md).

>>> from symbreak.report import interpret_irrep
>>> interpret_irrep("1o", [1.0, 0.0, 0.0])
'polar vector along +x, length 1'
"""

from symbreak.contract import DataSymmetry, Section
from symbreak.errors import UnexplainedTaskError
from symbreak.report import _fields, _modes  # noqa: F401  (their sections' renderers register)
from symbreak.report._activity import DEFAULT_THRESHOLD, IrrepRow, irrep_rows, needed_margin
from symbreak.report._fit_summary import REPORT_FIT_KEYS, FitSummary
from symbreak.report._interpretation import (
    axis_name,
    cartesian_form,
    cartesian_quadrupole,
    interpret_irrep,
    quadrupole_vector,
)
from symbreak.report._report import (
    REPORT_SCHEMA,
    Report,
    ReportGroups,
    build_report,
    saved_report,
)
from symbreak.report._rich import print_report
from symbreak.report._sections import rich_renderer, section_renderables
from symbreak.report._verdict import describe_element, element_difference, predicted_irreps

__all__ = [
    "DEFAULT_THRESHOLD",
    "REPORT_FIT_KEYS",
    "REPORT_SCHEMA",
    "DataSymmetry",
    "FitSummary",
    "IrrepRow",
    "Report",
    "ReportGroups",
    "UnexplainedTaskError",
    "axis_name",
    "build_report",
    "cartesian_form",
    "cartesian_quadrupole",
    "describe_element",
    "element_difference",
    "interpret_irrep",
    "irrep_rows",
    "needed_margin",
    "predicted_irreps",
    "print_report",
    "quadrupole_vector",
    "rich_renderer",
    "saved_report",
    "Section",
    "section_renderables",
]

