"""One person's pathway as a table: every entry newest first, as the service ordered them.

The pathway of a person is a few dozen entries at most, read in one call on the worker, so the model
holds them all; ``set_pathway`` resets it. Times are shown for things that happen at a time of day
(contacts, Haven House admissions and discharges), in London time; the rest show their date.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.services.pathway import TimelineEntry, TimelineKind
from ui import palette

ROW_ROLE = Qt.ItemDataRole.UserRole  # the row's TimelineEntry
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


class TimelineColumn(IntEnum):
    WHEN = 0
    KIND = 1
    TITLE = 2
    DETAIL = 3


HEADERS = {
    TimelineColumn.WHEN: "When",
    TimelineColumn.KIND: "Type",
    TimelineColumn.TITLE: "What",
    TimelineColumn.DETAIL: "Detail",
}
KIND_LABELS = {
    TimelineKind.LINK: "Arrest / operation",
    TimelineKind.STAY: "Haven House",
    TimelineKind.REFERRAL: "NRM referral",
    TimelineKind.DECISION: "NRM decision",
    TimelineKind.NAVIGATOR: "Navigator",
    TimelineKind.CONTACT: "VLO contact",
    TimelineKind.DISPOSAL: "Disposal",
}
#: A quiet colour per kind, so a long timeline can be scanned by eye (text stays black: contrast).
KIND_COLOURS = {
    TimelineKind.LINK: palette.TIMELINE_ARREST,
    TimelineKind.STAY: palette.TIMELINE_HAVEN,
    TimelineKind.REFERRAL: palette.TIMELINE_NRM,
    TimelineKind.DECISION: palette.TIMELINE_NRM,
    TimelineKind.NAVIGATOR: palette.TIMELINE_NAVIGATOR,
    TimelineKind.CONTACT: palette.TIMELINE_CONTACT,
    TimelineKind.DISPOSAL: palette.TIMELINE_ARREST,
}
TIMED = frozenset({TimelineKind.CONTACT, TimelineKind.STAY})


def when_text(entry: TimelineEntry) -> str:
    if entry.kind in TIMED and entry.at.tzinfo is not None:
        local = entry.at.astimezone(LONDON)
        return f"{uk(local.date())} {local:%H:%M}"
    return uk(entry.day)


class TimelineModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineEntry] = []

    def set_entries(self, entries: list[TimelineEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def entry_at(self, row: int) -> TimelineEntry:
        return self._rows[row]

    def entries(self) -> list[TimelineEntry]:
        return list(self._rows)

    def row_of(self, kind: TimelineKind, record_id: int) -> int:
        return next((i for i, e in enumerate(self._rows) if e.kind == kind and e.record_id == record_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TimelineColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        e = self._rows[index.row()]
        col = TimelineColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if col == TimelineColumn.WHEN:
                return when_text(e)
            if col == TimelineColumn.KIND:
                return KIND_LABELS.get(e.kind, str(e.kind))
            if col == TimelineColumn.TITLE:
                return e.title
            return e.detail
        if role == ROW_ROLE:
            return e
        if role == SORT_ROLE:
            return e.at if col == TimelineColumn.WHEN else self.data(index)
        if role == Qt.ItemDataRole.ForegroundRole and col == TimelineColumn.KIND:
            return KIND_COLOURS.get(e.kind)
        if role == Qt.ItemDataRole.ToolTipRole and col in (TimelineColumn.TITLE, TimelineColumn.DETAIL):
            text = e.detail if col == TimelineColumn.DETAIL else e.title
            return text or None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TimelineColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[TimelineColumn(section)]
        return None
