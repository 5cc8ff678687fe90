"""The backups in the backup folder, newest first, with the result of a check when one was run."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from mshtdesk.services.backups import BackupInfo
from ui.models.columns import ROW_ROLE, ColumnSpec
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.paged_model import RowsModel

ITEM_ROLE = ROW_ROLE  # the BackupInfo


class BackupColumn(IntEnum):
    TAKEN = 0
    KIND = 1
    SIZE = 2
    CHECK = 3


def size_text(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, n // 1024)} KB"


def _path(b: BackupInfo) -> str:
    return b.path


class BackupsModel(RowsModel):
    """The check column reads this model's results of checks (kept while the backup is listed)."""

    def __init__(self, parent: Any = None) -> None:
        self._checks: dict[str, str] = {}
        flat: dict[str, Any] = {"cell_tip": _path, "header_aligned": False}
        super().__init__(
            (
                ColumnSpec[BackupInfo](
                    "Taken",
                    lambda b: b.taken_at.strftime("%d/%m/%Y %H:%M"),
                    raw=lambda b: b.taken_at.isoformat(),
                    **flat,
                ),
                ColumnSpec[BackupInfo]("Why", lambda b: b.kind, **flat),
                ColumnSpec[BackupInfo](
                    "Size", lambda b: size_text(b.size), raw=lambda b: b.size, right=True, **flat
                ),
                ColumnSpec[BackupInfo](
                    "Check",
                    self._check_text,
                    raw=lambda b: self._checks.get(b.path, ""),
                    alert=lambda b: self._checks.get(b.path, "ok") != "ok",
                    alert_bold=False,
                    **flat,
                ),
            ),
            parent,
        )

    def _check_text(self, b: BackupInfo) -> str:
        check = self._checks.get(b.path)
        return "" if check is None else ("Good" if check == "ok" else f"Bad: {check}")

    def set_backups(self, rows: list[BackupInfo]) -> None:
        self._checks = {k: v for k, v in self._checks.items() if any(r.path == k for r in rows)}
        self.set_rows(rows)

    def set_check(self, path: str, result: str) -> None:
        self._checks[path] = result
        for row, b in enumerate(self._rows):
            if b.path == path:
                index = self.index(row, BackupColumn.CHECK)
                self.dataChanged.emit(index, index)

    def backup_at(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
