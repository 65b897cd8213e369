"""Rich rendering of the threshold ladder and of the norms."""

import math

from rich.console import Console

from symbreak.report import build_report, print_report
from symbreak.report._ladder import ThresholdWindow
from symbreak.report._rich import ladder_table
from symbreak.symmetry import named_group


def _text(renderable) -> str:
    console = Console(record=True, width=200)
    console.print(renderable)
    return console.export_text()


def test_ladder_table_marks_the_reports_window():
    windows = [ThresholdWindow(1e-3, 1.2e-2, named_group("D2h")),
               ThresholdWindow(1.2e-2, 0.5, named_group("D4h")),
               ThresholdWindow(0.5, math.inf, named_group("Oh"))]  # fmt: skip
    lines = [line for line in _text(ladder_table(windows, 2e-2)).splitlines() if "e-" in line]
    assert len(lines) == 3
    assert "D2h" in lines[0] and "this report" not in lines[0]
    assert "D4h (this report)" in lines[1] and "1.20e-02" in lines[1]
    assert "Oh" in lines[2] and "∞" in lines[2]


def test_print_report_shows_the_ladder_and_relative_norms(fitted):
    run = fitted("cube_to_prism")
    report = build_report(run)  # with its ladder: built complete, once
    assert report.ladder
    console = Console(record=True, width=200)
    print_report(report, console)
    text = console.export_text()
    assert "Residual group by threshold" in text and "D4h (this report)" in text
    assert "whole layer's |θ|" in text
    zero_e = [line for line in text.splitlines() if "│ 0e " in line]
    assert zero_e and all(float(line.split("│")[4]) <= 1.0 for line in zero_e)
