"""Cells that stay text in a spreadsheet: the one guard every CSV export goes through.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets
skip before reading a formula) is run as a formula when the file is opened in Excel or LibreOffice:
``=HYPERLINK("http://evil","click")`` in a custody export's offence text would become a live link in a
manager's report. OWASP's advice is followed: such a text cell gets a leading apostrophe, which the
spreadsheet shows as text and does not run. Numbers are left alone, so counts stay numbers.

Every cell is guarded, not only a row's first: a row is never joined into one string and guarded
once. Text copied to the clipboard goes through ``to_tsv``, which quotes a cell holding a tab, a line
break or a quote, as spreadsheets do when they copy, so a tab inside a cell cannot split it in two
and hand the second half, unguarded, to the spreadsheet as a cell of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as written to a CSV cell: text that a spreadsheet would run is prefixed with ``'``.

    A carriage return inside a text is written as a line feed: Python's CSV writer (with ``\n`` line
    ends) does not quote a lone ``\r``, and a spreadsheet would start a new row there."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]


def write_rows(out: TextIO, header: Sequence[str], rows: Iterable[Iterable[object]]) -> int:
    """Write ``header`` and ``rows`` as CSV with every text cell guarded; return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(safe_row(header))
    n = 0
    for row in rows:
        writer.writerow(safe_row(row))
        n += 1
    return n


def to_tsv(rows: Iterable[Iterable[object]]) -> str:
    """``rows`` (header included, if wanted) as tab-separated text for the clipboard, every cell guarded.

    A cell holding a tab, a line break or a double quote is put in double quotes (quotes inside it
    doubled): Excel, LibreOffice and Word read pasted text that way, so the cell stays one cell."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()
