"""One lazily paged table model for every SQL-paged list (arrests, people, NRM, Navigator, Haven House,
contacts).

Each list is a tuple of :class:`~ui.models.columns.ColumnSpec` (header, how a row reads, its SQL sort
key) over a service's ``count(query)`` and ``list(query, ...)``: rows come 200 at a time as the view
scrolls (``canFetchMore``/``fetchMore``), and filtering and sorting stay in SQL. A page is read on the
GUI thread: an indexed query of a few milliseconds. Rows are the services' frozen dataclasses and must
have an ``id``.

:class:`LazyRows` is the paging itself (total, reload, fetchMore); :class:`PagedModel` adds the query,
the SQL sort and the columns; :class:`RowsModel` shows a short list held whole through the same specs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.models.columns import ROW_ROLE as ROW_ROLE
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, cell_data, header_data

PAGE_SIZE = 200

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
Q = TypeVar("Q")


class HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)

#: fetch(query, sort_key, descending, offset, limit) -> rows
Fetch = Callable[[Any, str | None, bool, int, int], Sequence[Any]]


class LazyRows(QAbstractTableModel, Generic[T]):
    """Rows read from SQL a page at a time as the view scrolls; subclasses say how to count and read.

    Rows must have an ``id``. Subclasses implement :meth:`_count_all` and :meth:`_fetch` (over their
    current filter and order) and the Qt ``columnCount``/``data``/``headerData``.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._total = 0

    def _count_all(self) -> int:
        """How many records the current filter finds."""
        raise NotImplementedError

    def _fetch(self, offset: int, limit: int) -> Sequence[T]:
        """Rows ``offset`` to ``offset + limit`` in the current filter and order."""
        raise NotImplementedError

    @property
    def total(self) -> int:
        """How many records match the filter (rows not yet fetched included)."""
        return self._total

    def reload(self, keep: int = 0) -> None:
        """Read the first page again (or as many rows as were loaded, ``keep``, so the view stays put)."""
        self.beginResetModel()
        self._total = self._count_all()
        limit = max(PAGE_SIZE, keep)
        self._rows = list(self._fetch(0, limit))
        if len(self._rows) < limit:
            self._total = len(self._rows)  # the list shrank between the two queries
        self.endResetModel()

    def refresh(self) -> None:
        self.reload(keep=len(self._rows))

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def row_of_id(self, record_id: int) -> int:
        """The row showing ``record_id`` among those loaded, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid():
            return
        more = self._fetch(len(self._rows), PAGE_SIZE)
        if not more:
            self._total = len(self._rows)  # records went meanwhile: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()


class PagedModel(LazyRows[Any], Generic[Q]):
    def __init__(
        self,
        columns: Sequence[ColumnSpec[Any]],
        count: Callable[[Q], int],
        fetch: Fetch,
        query: Q,
        *,
        sort_column: int = 0,
        descending: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._count = count
        self._fetch_fn = fetch
        self._query: Q = query
        self._sort = sort_column
        self._descending = descending

    # ----- state -----------------------------------------------------------------------------
    @property
    def query(self) -> Q:
        return self._query

    @property
    def sort_column(self) -> int:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    def count_of(self, query: Q) -> int:
        """How many records another query would find (the page's unfiltered total)."""
        return self._count(query)

    def set_query(self, query: Q) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def _count_all(self) -> int:
        return self._count(self._query)

    def _fetch(self, offset: int, limit: int) -> Sequence[Any]:
        key = self.columns[self._sort].sort_key if 0 <= self._sort < len(self.columns) else None
        return self._fetch_fn(self._query, key, self._descending, offset, limit)

    # ----- Qt model interface ------------------------------------------------------------------
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        return cell_data(self.columns[index.column()], self._rows[index.row()], role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        return header_data(self.columns[section], role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL: the whole list is reordered, not only the rows fetched so far."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort, self._descending) and self._rows:
            return
        self._sort, self._descending = column, descending
        self.reload()

    def is_sortable(self) -> bool:
        return any(c.sort_key is not None for c in self.columns)


def texts(model: PagedModel[Any], column: int) -> list[str]:
    """Every loaded cell of a column, as shown (tests and copying)."""
    return [model.index(r, column).data() for r in range(model.rowCount())]


class RowsModel(QAbstractTableModel):
    """A short list held whole (beds, calendar changes), shown through the same :class:`ColumnSpec` specs."""

    def __init__(self, columns: Sequence[ColumnSpec[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        return cell_data(self.columns[index.column()], self._rows[index.row()], role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        return header_data(self.columns[section], role)
