"""An arrest's offences and their disposal histories as a two-level tree (offence > events).

Events are shown, never edited: a corrected or withdrawn event stays on the list, struck through, with
the later event that replaced it and that event's reason.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from mshtdesk.domain.dates import uk
from mshtdesk.services.register import ArrestDetail, EventRow, OffenceRow
from ui import palette

ROW_ROLE = Qt.ItemDataRole.UserRole  # OffenceRow or EventRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex
_TOP = 0  # internalId of an offence row; an event row stores its offence's row + 1


class HistoryColumn(IntEnum):
    DATE = 0
    DISPOSAL = 1
    NOTE = 2
    SOURCE = 3
    STATUS = 4


HEADERS = ("Date", "Disposal", "Note or reason", "Source", "Status")
SOURCES = {"manual": "Entered", "import": "Import", "demo": "Demo data"}


class HistoryModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._offences: tuple[OffenceRow, ...] = ()
        self._status: dict[int, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_detail(self, detail: ArrestDetail | None) -> None:
        self.beginResetModel()
        self._offences = detail.offences if detail is not None else ()
        self._status = {}
        for off in self._offences:
            successor = {e.supersedes_id: e for e in off.events if e.supersedes_id is not None}
            for e in off.events:
                if e.superseded:
                    later = successor.get(e.id)
                    self._status[e.id] = "withdrawn" if later is not None and later.is_void else "corrected"
                elif e.is_void:
                    self._status[e.id] = "withdrawal"
                elif e.supersedes_id is not None:
                    self._status[e.id] = "correction"
        self.endResetModel()

    # ----- lookup ------------------------------------------------------------------------------
    def offence_at(self, index: AnyIndex) -> OffenceRow | None:
        """The offence of an offence row or of an event row."""
        if not index.isValid():
            return None
        key = index.internalId()
        return self._offences[index.row()] if key == _TOP else self._offences[key - 1]

    def event_at(self, index: AnyIndex) -> EventRow | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._offences[index.internalId() - 1].events[index.row()]

    def status_of(self, event: EventRow) -> str:
        return self._status.get(event.id, "")

    def is_live(self, event: EventRow) -> bool:
        """Can this event still be corrected or withdrawn?"""
        return not (event.superseded or event.is_void)

    def offence_index(self, offence_id: int) -> QModelIndex:
        for row, off in enumerate(self._offences):
            if off.id == offence_id:
                return self.index(row, 0)
        return QModelIndex()

    # ----- Qt model interface ------------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        if parent.internalId() == _TOP:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._offences)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._offences[parent.row()].events)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(HistoryColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = HistoryColumn(index.column())
        if index.internalId() == _TOP:
            return self._offence_data(self._offences[index.row()], col, role)
        off = self._offences[index.internalId() - 1]
        return self._event_data(off.events[index.row()], col, role)

    def _offence_data(self, off: OffenceRow, col: HistoryColumn, role: int) -> Any:
        if role == ROW_ROLE:
            return off
        if col != HistoryColumn.DATE:
            return None  # the view spans the first column across the row
        text = off.type_title
        if off.type_code == "OTHER_MS" and off.offence_text:
            text = off.offence_text
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if off.withdrawn:
                return f"{off.offence_ref} \u2014 {text}   \u00b7   Withdrawn: no longer counts"
            return f"{off.offence_ref} \u2014 {text}   \u00b7   Current disposal: {off.disposal_label}"
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            custody = (
                f"\nAs recorded: {off.offence_text}" if off.offence_text and off.offence_text != text else ""
            )
            fixes = "".join(f"\n{t}" for t in (off.corrected, off.withdrawn) if t)
            return f"{off.offence_ref}: {off.type_title}{custody}{fixes}"
        return None

    def _event_data(self, e: EventRow, col: HistoryColumn, role: int) -> Any:
        status = self._status.get(e.id, "")
        if role == ROW_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return self._event_text(e, col, status)
        if role == SORT_ROLE:
            return e.event_date if col == HistoryColumn.DATE else self._event_text(e, col, status)
        if role == Qt.ItemDataRole.ForegroundRole and (e.superseded or e.is_void):
            return palette.MUTED
        if role == Qt.ItemDataRole.FontRole:
            if e.superseded and col in (HistoryColumn.DATE, HistoryColumn.DISPOSAL):
                return self._struck
            if e.is_void:
                return self._italic
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Recorded {e.recorded_at_utc}"
        return None

    @staticmethod
    def _event_text(e: EventRow, col: HistoryColumn, status: str) -> str:
        if col == HistoryColumn.DATE:
            return uk(e.event_date)
        if col == HistoryColumn.DISPOSAL:
            return f"Withdraws {e.disposal_label}" if e.is_void else e.disposal_label
        if col == HistoryColumn.NOTE:
            if e.reason and e.note:
                return f"{e.reason} ({e.note})"
            return e.reason or e.note
        if col == HistoryColumn.SOURCE:
            return SOURCES.get(e.source, e.source.capitalize())
        return status

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
