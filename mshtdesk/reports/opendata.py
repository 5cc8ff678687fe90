"""The COM summary as open data: a ZIP of one CSV per table and a metadata sheet, as official
statistics publish them (one tidy table per file, notes and definitions beside them, symbols explained).

Every cell goes through ``csv_safety`` (a label or a district name an administrator typed cannot become a
spreadsheet formula); numbers stay numbers, a suppressed cell is the text ``[c]``, a cell that does not
apply is empty. The ZIP is byte-for-byte reproducible: the entries carry the report's production time,
in a fixed order, so a regenerated run has the same SHA-256 as the published one.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from mshtdesk.domain.clocks import LONDON
from mshtdesk.reports.com import SUBTITLE, TITLE, ComReport, handling_note
from mshtdesk.reports.csv_safety import write_rows
from mshtdesk.reports.html import SUPPRESSED_MEANING

METADATA = "00-metadata.csv"


def table_file(number: int, key: str) -> str:
    return f"{number:02d}-{key.replace('_', '-')}.csv"


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    write_rows(out, header, rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel then reads the file as UTF-8


def com_csv_zip(report: ComReport, *, prepared_by: str, produced: datetime) -> bytes:
    """The ZIP's bytes: ``00-metadata.csv`` then ``NN-<table>.csv`` in the report's order."""
    files: list[tuple[str, bytes]] = []
    meta: list[list[object]] = [
        ["report", "title", f"{TITLE}: {SUBTITLE}"],
        ["report", "force", report.force],
        ["report", "period_from", report.date_from.isoformat()],
        ["report", "period_to", report.date_to.isoformat()],
        ["report", "data_as_at", report.as_at.isoformat()],
        ["report", "classification", report.marking],
        ["report", "handling", handling_note(report.public)],
        ["report", "prepared_by", prepared_by],
        ["report", "produced", produced.astimezone(LONDON).isoformat(timespec="minutes")],
        ["symbol", "[c]", SUPPRESSED_MEANING],
        ["symbol", "(empty cell)", "Does not apply, or a rate with nothing to divide by."],
    ]
    meta += [["data_note", str(i), n] for i, n in enumerate(report.data_notes, start=1)]
    for i, t in enumerate(report.tables, start=1):
        name = table_file(i, t.key)
        meta.append(["table", name, f"Table {i}. {t.title}"])
        meta += [["table_note", name, n] for n in t.notes]
        files.append((name, _csv(list(t.columns), [list(r) for r in t.rows])))
    files.insert(0, (METADATA, _csv(["section", "name", "value"], meta)))
    stamp = produced.astimezone(LONDON)
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second // 2 * 2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()
