"""The arrests register as a lazily paged table model.

Rows come from ``register.page()`` 200 at a time as the view scrolls (``canFetchMore``/``fetchMore``);
sorting and filtering are done by SQL (``sort()`` reloads with the column's sort key, the filter is an
``ArrestQuery``), so a register of any size opens in the same few milliseconds. A page of 200 is read on
the GUI thread: it is an indexed query of a few milliseconds, and it keeps scrolling simple.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from mshtdesk.domain.dates import uk
from mshtdesk.services.register import SORT_KEYS, ArrestQuery, ArrestRow, RegisterService
from ui.models.paged_model import PAGE_SIZE as PAGE_SIZE  # the tests page through it
from ui.models.paged_model import ROW_ROLE, SORT_ROLE, AnyIndex, LazyRows


class Column(IntEnum):
    CUSTODY_REF = 0
    ARREST_DATE = 1
    DISTRICT = 2
    DETAINEE_REF = 3
    OPERATION = 4
    OFFENCES = 5
    DISPOSAL = 6


HEADERS = {
    Column.CUSTODY_REF: "Custody ref",
    Column.ARREST_DATE: "Arrest date",
    Column.DISTRICT: "District",
    Column.DETAINEE_REF: "Detainee ref",
    Column.OPERATION: "Operation",
    Column.OFFENCES: "Offences",
    Column.DISPOSAL: "Current disposal",
}
TOOLTIPS = {
    Column.CUSTODY_REF: "The custody record's reference",
    Column.DISTRICT: "The district on the custody record",
    Column.OFFENCES: "Number of offences on this arrest",
    Column.DISPOSAL: "Highest-ranked disposal of the arrest's offences, as at today",
}
SORT_KEY = dict(zip(Column, SORT_KEYS, strict=True))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class ArrestsModel(LazyRows[ArrestRow]):
    def __init__(self, register: RegisterService, parent: Any = None) -> None:
        super().__init__(parent)
        self._register = register
        self._query = ArrestQuery()
        self._sort = Column.ARREST_DATE
        self._descending = True
        self._muted = QColor("#6b6b6b")
        self._italic = QFont()
        self._italic.setItalic(True)

    # ----- state -----------------------------------------------------------------------------
    @property
    def query(self) -> ArrestQuery:
        return self._query

    @property
    def sort_column(self) -> Column:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    def set_query(self, query: ArrestQuery) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def _count_all(self) -> int:
        return self._register.count(self._query)

    def _fetch(self, offset: int, limit: int) -> list[ArrestRow]:
        return self._register.page(
            self._query, sort=SORT_KEY[self._sort], descending=self._descending, offset=offset, limit=limit
        )

    # ----- Qt model interface ------------------------------------------------------------------
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        r = self._rows[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == ROW_ROLE:
            return r
        if role == SORT_ROLE:
            return self._raw(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col == Column.OFFENCES else _LEFT
        if col == Column.DISPOSAL and r.disposal_code is None:
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._muted
            if role == Qt.ItemDataRole.FontRole:
                return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and col == Column.OPERATION and r.operation:
            return r.operation
        return None

    @staticmethod
    def _display(r: ArrestRow, col: Column) -> str:
        if col == Column.CUSTODY_REF:
            return r.custody_ref
        if col == Column.ARREST_DATE:
            return uk(r.arrest_date)
        if col == Column.DISTRICT:
            return r.district
        if col == Column.DETAINEE_REF:
            return r.detainee_ref
        if col == Column.OPERATION:
            return r.operation
        if col == Column.OFFENCES:
            return str(r.offences)
        return r.disposal_label

    @staticmethod
    def _raw(r: ArrestRow, col: Column) -> Any:
        if col == Column.ARREST_DATE:
            return r.arrest_date
        if col == Column.OFFENCES:
            return r.offences
        if col == Column.DISPOSAL:
            return r.disposal_code or ""
        return ArrestsModel._display(r, col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        col = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col == Column.OFFENCES else _LEFT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL: the whole register is reordered, not only the rows fetched so far."""
        if not 0 <= column < len(Column):
            return
        col, descending = Column(column), order == Qt.SortOrder.DescendingOrder
        if (col, descending) == (self._sort, self._descending) and self._rows:
            return
        self._sort, self._descending = col, descending
        self.reload()
