"""The Today page's items as a two-level tree: groups ("Overdue", "Due this week", "In Haven House now")
and under each its items, in the order the service gave them (overdue first, then soonest).

A group row spans the view (the page sets it spanned) and says how many it holds; an empty group is
left out. The items of one user are a few dozen, read in one call on the worker: the model holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.due import due_words
from mshtdesk.services.today import TodayItem, TodayKind
from ui import palette
from ui.models.columns import ROW_ROLE as ROW_ROLE  # an item row's TodayItem (None on a group row)
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, cell_data, header_data

AnyIndex = QModelIndex | QPersistentModelIndex
_GROUP = 0xFFFF_FFFF  # internal id of a group row; an item's internal id is its group's number


class TodayColumn(IntEnum):
    DUE = 0
    PERSON = 1
    WHAT = 2
    DETAIL = 3


HEADERS = {
    TodayColumn.DUE: "When",
    TodayColumn.PERSON: "Person",
    TodayColumn.WHAT: "What",
    TodayColumn.DETAIL: "Detail",
}


class Group(IntEnum):
    OVERDUE = 0
    THIS_WEEK = 1
    HAVEN_HOUSE = 2


GROUP_TITLES = {
    Group.OVERDUE: "Overdue",
    Group.THIS_WEEK: "Due this week",
    Group.HAVEN_HOUSE: "In Haven House now",
}


def group_of(item: TodayItem) -> Group:
    if item.kind == TodayKind.IN_HAVEN_HOUSE:
        return Group.HAVEN_HOUSE
    return Group.OVERDUE if item.overdue else Group.THIS_WEEK


@dataclass(frozen=True)
class _Section:
    group: Group
    items: tuple[TodayItem, ...]


class TodayModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sections: list[_Section] = []
        self._today = date.today()
        self._now: datetime | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        overdue: dict[str, Any] = {"alert": lambda i: i.overdue, "header_aligned": False}
        #: an item row's columns (a group row spans the view and is drawn below, in ``data``)
        self.columns: tuple[ColumnSpec[TodayItem], ...] = (
            ColumnSpec(HEADERS[TodayColumn.DUE], self.due_text, raw=lambda i: i.due, **overdue),
            ColumnSpec(
                HEADERS[TodayColumn.PERSON],
                lambda i: i.person,
                cell_tip=lambda i: "Enter opens this person's pathway" if i.person_id is not None else "",
                header_aligned=False,
            ),
            ColumnSpec(HEADERS[TodayColumn.WHAT], lambda i: i.kind.label, **overdue),
            ColumnSpec(
                HEADERS[TodayColumn.DETAIL], lambda i: i.text, cell_tip=lambda i: i.text, header_aligned=False
            ),
        )

    def set_items(self, items: list[TodayItem], today: date, now: datetime) -> None:
        self.beginResetModel()
        self._today, self._now = today, now
        grouped: dict[Group, list[TodayItem]] = {g: [] for g in Group}
        for item in items:
            grouped[group_of(item)].append(item)
        self._sections = [_Section(g, tuple(grouped[g])) for g in Group if grouped[g]]
        self.endResetModel()

    def groups(self) -> list[Group]:
        return [s.group for s in self._sections]

    def items_of(self, group: Group) -> tuple[TodayItem, ...]:
        return next((s.items for s in self._sections if s.group == group), ())

    def count(self, *groups: Group) -> int:
        return sum(len(s.items) for s in self._sections if not groups or s.group in groups)

    def item_at(self, index: AnyIndex) -> TodayItem | None:
        if not index.isValid() or index.internalId() == _GROUP:
            return None
        return self._sections[index.internalId()].items[index.row()]

    def group_index(self, group: Group) -> QModelIndex:
        row = next((i for i, s in enumerate(self._sections) if s.group == group), -1)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    # ----- Qt model interface ------------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(int(index.internalId()), 0, _GROUP)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            return len(self._sections)
        if parent.internalId() == _GROUP and parent.column() == 0:
            return len(self._sections[parent.row()].items)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(TodayColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = TodayColumn(index.column())
        if index.internalId() == _GROUP:
            section = self._sections[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{GROUP_TITLES[section.group]} ({len(section.items)})" if col == 0 else ""
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ForegroundRole and section.group == Group.OVERDUE and col == 0:
                return palette.ALERT
            if role == SORT_ROLE:
                return int(section.group)
            return None
        item = self._sections[index.internalId()].items[index.row()]
        return cell_data(self.columns[col], item, role)

    def due_text(self, item: TodayItem) -> str:
        if item.kind == TodayKind.IN_HAVEN_HOUSE:
            if item.since is None:
                return ""
            local = item.since.astimezone(LONDON)
            return f"since {uk(local.date())} {local:%H:%M}"
        if item.due is None:
            return ""
        return f"{uk(item.due)} ({due_words(item.due, self._today, overdue=item.overdue)})"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TodayColumn):
            return None
        return header_data(self.columns[section], role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
