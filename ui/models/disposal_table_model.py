"""The disposal-by-district table laid out exactly as its CSV: a header row, then one row per record."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.reports.csv_safety import to_tsv

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole  # the TableRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class DisposalTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: DisposalTable | None = None
        self._records: list[list[str | int]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: DisposalTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._records = table.records() if table is not None else []
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.header)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None:
            return None
        value = self._records[index.row()][index.column()]
        row = self.table.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)  # as in the CSV and the published table
        if role == SORT_ROLE:
            return value
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if index.column() == 0 else _RIGHT
        if role == Qt.ItemDataRole.FontRole and row.is_total:
            return self._bold
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.table is None:
            return None
        if not 0 <= section < len(self.table.header):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.table.header[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if section == 0 else _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and section >= 2:
            return f"Arrests in district {self.table.header[section]}"
        return None

    def as_tsv(self) -> str:
        return "" if self.table is None else table_tsv(self.table)


def table_tsv(table: DisposalTable) -> str:
    """Tab-separated, header included: pastes into a spreadsheet or a Word table as laid out."""
    return to_tsv([table.header, *table.records()])  # district names are text an administrator typed
