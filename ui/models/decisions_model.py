"""A referral's decision history as a small table: every entry, oldest first, withdrawn entries struck
through and withdrawal markers in italics (nothing is ever deleted from the history)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from mshtdesk.domain.dates import uk
from mshtdesk.services.nrm import DecisionRow
from ui import palette

ROW_ROLE = Qt.ItemDataRole.UserRole
AnyIndex = QModelIndex | QPersistentModelIndex


class DecisionColumn(IntEnum):
    DATE = 0
    DECISION = 1
    NOTE = 2
    RECORDED = 3


HEADERS = {
    DecisionColumn.DATE: "Date",
    DecisionColumn.DECISION: "Decision",
    DecisionColumn.NOTE: "Note",
    DecisionColumn.RECORDED: "Recorded by",
}
SOURCES = {"import": "import", "demo": "demo data"}


class DecisionsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[DecisionRow] = []
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_rows(self, rows: tuple[DecisionRow, ...] | list[DecisionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> DecisionRow:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DecisionColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        r = self._rows[index.row()]
        col = DecisionColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.FontRole:
            if r.superseded:
                return self._struck
            if r.is_void:
                return self._italic
        if role == Qt.ItemDataRole.ForegroundRole and (r.superseded or r.is_void):
            return palette.MUTED
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.superseded:
                return "Withdrawn: entered in error (see the withdrawal below)"
            if col == DecisionColumn.NOTE and (r.note or r.reason):
                return r.reason if r.is_void else r.note
        return None

    @staticmethod
    def _display(r: DecisionRow, col: DecisionColumn) -> str:
        if col == DecisionColumn.DATE:
            return uk(r.decided_on)
        if col == DecisionColumn.DECISION:
            return "Entry withdrawn (made in error)" if r.is_void else r.label
        if col == DecisionColumn.NOTE:
            return f"Reason: {r.reason}" if r.is_void else r.note
        who = r.recorded_by or "unknown"
        source = SOURCES.get(r.source)
        return f"{who} ({source})" if source else who

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(DecisionColumn):
            return HEADERS[DecisionColumn(section)]
        return None
