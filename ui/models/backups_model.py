"""The backups in the backup folder, newest first, with the result of a check when one was run."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.services.backups import BackupInfo
from ui import palette

SORT_ROLE = Qt.ItemDataRole.UserRole
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


class BackupColumn(IntEnum):
    TAKEN = 0
    KIND = 1
    SIZE = 2
    CHECK = 3


HEADERS = {
    BackupColumn.TAKEN: "Taken",
    BackupColumn.KIND: "Why",
    BackupColumn.SIZE: "Size",
    BackupColumn.CHECK: "Check",
}


def size_text(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, n // 1024)} KB"


class BackupsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupInfo] = []
        self._checks: dict[str, str] = {}

    def set_backups(self, rows: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._checks = {k: v for k, v in self._checks.items() if any(r.path == k for r in rows)}
        self.endResetModel()

    def set_check(self, path: str, result: str) -> None:
        self._checks[path] = result
        for row, b in enumerate(self._rows):
            if b.path == path:
                index = self.index(row, BackupColumn.CHECK)
                self.dataChanged.emit(index, index)

    def backup_at(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BackupColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(BackupColumn(section)) if 0 <= section < len(BackupColumn) else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        b = self._rows[index.row()]
        col = BackupColumn(index.column())
        if role == ITEM_ROLE:
            return b
        if role == Qt.ItemDataRole.DisplayRole:
            if col is BackupColumn.TAKEN:
                return b.taken_at.strftime("%d/%m/%Y %H:%M")
            if col is BackupColumn.KIND:
                return b.kind
            if col is BackupColumn.SIZE:
                return size_text(b.size)
            check = self._checks.get(b.path)
            return "" if check is None else ("Good" if check == "ok" else f"Bad: {check}")
        if role == SORT_ROLE:
            return {
                BackupColumn.TAKEN: b.taken_at.isoformat(),
                BackupColumn.KIND: b.kind,
                BackupColumn.SIZE: b.size,
                BackupColumn.CHECK: self._checks.get(b.path, ""),
            }[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return b.path
        if role == Qt.ItemDataRole.TextAlignmentRole and col is BackupColumn.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col is BackupColumn.CHECK:
            check = self._checks.get(b.path)
            if check is not None and check != "ok":
                return palette.ALERT
        return None
