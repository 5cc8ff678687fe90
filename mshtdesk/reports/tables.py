"""Renderings of a report table: a cell as printed (PDF and HTML), CSV for spreadsheets, aligned text
for a terminal."""

from __future__ import annotations

import io

from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.domain.text import printable
from mshtdesk.reports.csv_safety import write_rows

Cell = int | float | str | None


def format_cell(value: Cell, *, signed: bool = False, percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:,.1f}%" if percent else f"{value:,.1f}"
    if signed:
        return f"+{value:,}" if value > 0 else (f"\u2212{-value:,}" if value < 0 else "0")
    return f"{value:,}"


def to_csv(table: DisposalTable) -> str:
    """District names come from the database, which an administrator edits: guarded like any text."""
    out = io.StringIO()
    write_rows(out, table.header, table.records())
    return out.getvalue()


def to_text(table: DisposalTable) -> str:
    """For a terminal: district names are text an administrator typed, so controls are shown escaped."""
    cells = [[printable(c) for c in table.header], *[[printable(c) for c in r] for r in table.records()]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )

    body = [line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])]
    return "\n".join([table.caption, "", *body, "", *map(printable, table.footnotes)]) + "\n"
