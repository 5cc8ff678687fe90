"""The problems that made an import file be rejected: line, column, reason (read-only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.errors import RowError
from mshtdesk.reports.csv_safety import to_tsv

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Line", "Column", "Problem")
ROW_ROLE = Qt.ItemDataRole.UserRole


class RowErrorsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._errors: tuple[RowError, ...] = ()

    def set_errors(self, errors: Sequence[RowError]) -> None:
        self.beginResetModel()
        self._errors = tuple(errors)
        self.endResetModel()

    def errors(self) -> tuple[RowError, ...]:
        return self._errors

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._errors[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(e.line), e.column, e.reason)[col]
        if role == Qt.ItemDataRole.UserRole + 1:  # sort role: raw values
            return (e.line, e.column, e.reason)[col]
        if role == ROW_ROLE:
            return e
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if col == 0 else Qt.AlignmentFlag.AlignLeft
            return horizontal | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return e.reason
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                horizontal = Qt.AlignmentFlag.AlignRight if section == 0 else Qt.AlignmentFlag.AlignLeft
                return horizontal | Qt.AlignmentFlag.AlignVCenter
        return None

    def as_tsv(self) -> str:
        """The problems for the clipboard; a reason quotes a piece of the file, so every cell is guarded."""
        return to_tsv([HEADERS, *((e.line, e.column, e.reason) for e in self._errors)])
