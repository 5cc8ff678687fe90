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
from ui.models.columns import ROW_ROLE as ROW_ROLE  # OffenceRow or EventRow
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, cell_data, header_data

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


def _note_text(e: EventRow) -> str:
    if e.reason and e.note:
        return f"{e.reason} ({e.note})"
    return e.reason or e.note


class HistoryModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._offences: tuple[OffenceRow, ...] = ()
        self._status: dict[int, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        #: an event row's columns (an offence row spans the view and is drawn in ``_offence_data``):
        #: corrected or withdrawn events in grey, their date and disposal struck through; withdrawals
        #: in grey italics
        self.columns: tuple[ColumnSpec[EventRow], ...] = (
            self._event_column(
                HEADERS[0], lambda e: uk(e.event_date), raw=lambda e: e.event_date, struck=True
            ),
            self._event_column(
                HEADERS[1],
                lambda e: f"Withdraws {e.disposal_label}" if e.is_void else e.disposal_label,
                struck=True,
            ),
            self._event_column(HEADERS[2], _note_text),
            self._event_column(HEADERS[3], lambda e: SOURCES.get(e.source, e.source.capitalize())),
            self._event_column(HEADERS[4], self.status_of),
        )

    @staticmethod
    def _event_column(
        header: str, text: Any, *, raw: Any = None, struck: bool = False
    ) -> ColumnSpec[EventRow]:
        return ColumnSpec(
            header,
            text,
            raw=raw,
            cell_tip=lambda e: f"Recorded {e.recorded_at_utc}",
            struck=(lambda e: e.superseded) if struck else None,
            muted=lambda e: e.is_void,
            ink=lambda e: palette.MUTED if e.superseded else None,
            header_aligned=False,
        )

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
        return cell_data(self.columns[col], e, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        return header_data(self.columns[section], role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
