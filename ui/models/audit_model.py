"""Audit-log events as a read-only table: one search's result, newest first, sortable by raw values.

A search is capped by the service (``limit``); the page says so when the cap is reached, so an auditor
narrows the filters rather than reading a silently truncated list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, TextIO

from mshtdesk.reports.audit_csv import write_audit_csv
from mshtdesk.services.audit import AuditRow
from ui.models.columns import ROW_ROLE as ROW_ROLE  # the AuditRow
from ui.models.columns import SORT_ROLE as SORT_ROLE  # the raw value the column sorts by
from ui.models.columns import ColumnSpec, headers
from ui.models.paged_model import RowsModel


class AuditColumn(IntEnum):
    WHEN = 0
    USER = 1
    WORKSTATION = 2
    ACTION = 3
    ENTITY = 4
    RECORD = 5
    FIELDS = 6
    REASON = 7
    RECIPIENT = 8


def label(code: str) -> str:
    """``failed_login`` -> ``Failed login``; ``disposal_event`` -> ``Disposal event``."""
    return code.replace("_", " ").capitalize() if code else ""


def local_time(at: datetime) -> str:
    """dd/mm/yyyy HH:MM:SS in this computer's time zone (stored times are UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def _record_key(record_id: str) -> str:
    """Numeric ids sort as numbers (zero-padded), other references after them as text. A string, because
    the sort proxy compares Qt variants and cannot order Python tuples."""
    return f"0{int(record_id):020d}" if record_id.isdigit() else f"1{record_id.casefold()}"


def _text(
    header: str, text: Any, *, raw: Any = None, tip: str = "", cell_tip: bool = False
) -> ColumnSpec[AuditRow]:
    """A column sorted by its text without case unless ``raw`` says otherwise; flat header as before."""
    return ColumnSpec(
        header,
        text,
        raw=raw if raw is not None else (lambda r: text(r).casefold()),
        tip=tip,
        cell_tip=text if cell_tip else None,
        header_aligned=False,
    )


COLUMNS: tuple[ColumnSpec[AuditRow], ...] = (
    _text(
        "When", lambda r: local_time(r.at), raw=lambda r: r.id, tip="Local time on this computer"
    ),  # ids follow time, never tie
    _text("User", lambda r: str(r.username)),
    _text("Workstation", lambda r: str(r.workstation)),
    _text("Action", lambda r: label(r.action)),
    _text("Entity", lambda r: label(r.entity)),
    _text("Record", lambda r: str(r.record_id), raw=lambda r: _record_key(r.record_id)),
    _text(
        "Fields",
        lambda r: r.fields.replace(",", ", "),
        tip="The fields collected, altered or disclosed (names only, never values)",
        cell_tip=True,
    ),
    _text(
        "Reason",
        lambda r: str(r.reason),
        tip="The reason given, for disclosures, corrections and withdrawals",
        cell_tip=True,
    ),
    _text("Recipient", lambda r: str(r.recipient)),
)
HEADERS = headers(COLUMNS)


class AuditModel(RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def rows(self) -> list[AuditRow]:
        return list(self._rows)


def write_csv(out: TextIO, rows: Iterable[AuditRow]) -> int:
    """The events as CSV, in the one format the CLI writes too (``mshtdesk.reports.audit_csv``)."""
    return write_audit_csv(out, rows)
