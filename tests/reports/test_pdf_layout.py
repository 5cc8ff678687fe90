"""Column widths: a label column wide enough for "Released under investigation" even with ten
districts (Greater Manchester), and the table never wider than the text block."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from mshtdesk.reports.com import ReportTable
from mshtdesk.reports.pdf import TEXT_W, _column_widths, format_cell

GM = ("BOL", "BUR", "MAN", "OLD", "ROC", "SAL", "STO", "TAM", "TRA", "WIG")


@pytest.mark.parametrize(
    "columns",
    [
        ("Disposal Type", "Disposals", *GM),
        ("Month", *GM, "Total"),
        ("Disposal Type", "Disposals", "BD", "CD", "KD", "LD", "WD"),
        (
            "Exploitation type",
            "Adult (18 or over)",
            "Child (17 or under)",
            "Not specified or unknown",
            "Total",
        ),
    ],
)
def test_widths_fit_the_page_and_keep_a_readable_label(columns: tuple[str, ...]) -> None:
    widths = _column_widths(ReportTable("t", "t", columns, (), (), False))
    assert len(widths) == len(columns)
    assert sum(widths) <= TEXT_W + 0.01
    assert widths[0] >= 50 * mm
    assert min(widths[1:]) >= 10 * mm


def test_numbers_are_formatted_for_print() -> None:
    assert format_cell(12330) == "12,330"
    assert format_cell(-362, signed=True) == "\u2212362" and format_cell(4, signed=True) == "+4"
    assert format_cell(56.94, percent=True) == "56.9%" and format_cell("[c]") == "[c]"
    assert format_cell(None) == ""
