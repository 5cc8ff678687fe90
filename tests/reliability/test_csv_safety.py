"""CSV exports never hand a spreadsheet a formula: any text cell that would run is kept as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from mshtdesk.domain.disposal_table import DisposalTable, TableRow
from mshtdesk.reports.audit_csv import write_audit_csv
from mshtdesk.reports.csv_safety import FORMULA_STARTS, safe_cell, write_rows
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.audit import AuditRow

CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"]),
)


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=5), max_size=5))
def test_no_cell_starts_a_formula_and_nothing_else_changes(rows: list[list[str]]) -> None:
    out = io.StringIO()
    assert write_rows(out, ["a"], rows) == len(rows)
    back = read_back(out.getvalue())[1:]
    assert len(back) == len(rows)
    for written, original in zip(back, rows, strict=True):
        for cell, value in zip(written, original, strict=True):
            assert not cell.startswith(FORMULA_STARTS)
            same = value.replace("\r\n", "\n").replace("\r", "\n")
            assert cell == same or cell == "'" + same


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3 and safe_cell(0) == 0
    assert safe_cell("-3") == "'-3"  # text that looks like arithmetic is text


def test_audit_export_guards_typed_reasons() -> None:
    row = AuditRow(
        1,
        datetime(2026, 1, 1, tzinfo=UTC),
        "u",
        "w",
        "disclose",
        "arrest",
        "1",
        "",
        '=HYPERLINK("http://evil","click")',
        "+44 20",
    )
    out = io.StringIO()
    write_audit_csv(out, [row])
    cells = read_back(out.getvalue())[1]
    assert cells[8] == '\'=HYPERLINK("http://evil","click")' and cells[9] == "'+44 20"


def test_disposal_table_export_guards_district_names() -> None:
    table = DisposalTable(
        date(2022, 1, 1),
        date(2022, 12, 31),
        date(2023, 1, 1),
        ("=EVIL()", "Leeds"),
        (TableRow("Charge", "CHARGE", 3, (1, 2)),),
        ("Charge",),
    )
    header, row = read_back(to_csv(table))[:2]
    assert header[-2:] == ["'=EVIL()", "Leeds"] and row[1:] == ["3", "1", "2"]
