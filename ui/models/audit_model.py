"""Audit-log events as a read-only table: one search's result, newest first, sortable by raw values.

A search is capped by the service (``limit``); the page says so when the cap is reached, so an auditor
narrows the filters rather than reading a silently truncated list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, TextIO

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.reports.audit_csv import write_audit_csv
from mshtdesk.services.audit import AuditRow

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole  # the AuditRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value the column sorts by


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


HEADERS = {
    AuditColumn.WHEN: "When",
    AuditColumn.USER: "User",
    AuditColumn.WORKSTATION: "Workstation",
    AuditColumn.ACTION: "Action",
    AuditColumn.ENTITY: "Entity",
    AuditColumn.RECORD: "Record",
    AuditColumn.FIELDS: "Fields",
    AuditColumn.REASON: "Reason",
    AuditColumn.RECIPIENT: "Recipient",
}
TOOLTIPS = {
    AuditColumn.WHEN: "Local time on this computer",
    AuditColumn.FIELDS: "The fields collected, altered or disclosed (names only, never values)",
    AuditColumn.REASON: "The reason given, for disclosures, corrections and withdrawals",
}


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


class AuditModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def set_rows(self, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[AuditRow]:
        return list(self._rows)

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AuditColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        r = self._rows[index.row()]
        col = AuditColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display(r, col)
        if role == SORT_ROLE:
            return _raw(r, col)
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.ToolTipRole and col in (AuditColumn.FIELDS, AuditColumn.REASON):
            return display(r, col) or None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(AuditColumn):
            return None
        col = AuditColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(col)
        return None


def display(r: AuditRow, col: AuditColumn) -> str:
    if col == AuditColumn.WHEN:
        return local_time(r.at)
    if col == AuditColumn.ACTION:
        return label(r.action)
    if col == AuditColumn.ENTITY:
        return label(r.entity)
    if col == AuditColumn.FIELDS:
        return r.fields.replace(",", ", ")
    return str(
        {
            AuditColumn.USER: r.username,
            AuditColumn.WORKSTATION: r.workstation,
            AuditColumn.RECORD: r.record_id,
            AuditColumn.REASON: r.reason,
            AuditColumn.RECIPIENT: r.recipient,
        }[col]
    )


def _raw(r: AuditRow, col: AuditColumn) -> Any:
    if col == AuditColumn.WHEN:
        return r.id  # ids follow time and never tie
    if col == AuditColumn.RECORD:
        return _record_key(r.record_id)
    return display(r, col).casefold()


def write_csv(out: TextIO, rows: Iterable[AuditRow]) -> int:
    """The events as CSV, in the one format the CLI writes too (``mshtdesk.reports.audit_csv``)."""
    return write_audit_csv(out, rows)
