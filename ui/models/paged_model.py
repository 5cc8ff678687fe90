"""One lazily paged table model for every SQL-paged list (arrests, people, NRM, Navigator, Haven House,
contacts).

Each list is a tuple of :class:`~ui.models.columns.ColumnSpec` (header, how a row reads, its SQL sort
key) over a service's ``count(query)`` and ``list(query, ...)``: rows come 200 at a time as the view
scrolls (``canFetchMore``/``fetchMore``), and filtering and sorting stay in SQL. Rows are the services'
frozen dataclasses and must have an ``id``.

Where the rows are read: given the task runner (:meth:`PagedModel.read_on`, which every list page
does), each read runs on the single worker (``ui/tasks.py``), never on the GUI thread: an indexed
query takes a few milliseconds on a local SQLite file, but not on a database server across a network,
and a window must not freeze meanwhile. The rows on screen stay until the answer arrives, then change
in one reset (no empty table in between), and :attr:`PagedModel.loaded` tells the page to update its
count and select again the rows that were selected; an answer overtaken by a newer read is dropped.
Without a runner (the models' own tests) a read is done at once on the calling thread.

:class:`RowsModel` shows a short list held whole (beds, calendar changes) through the same specs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ui import error_report
from ui.models.columns import ROW_ROLE as ROW_ROLE
from ui.models.columns import SORT_ROLE as SORT_ROLE
from ui.models.columns import ColumnSpec, cell_data, header_data

if TYPE_CHECKING:
    from ui.tasks import TaskRunner

PAGE_SIZE = 200
#: A list counts its rows up to this many and then says "10,000+": an exact count of a million rows
#: reads a million index entries each time the page opens or its filter changes.
COUNT_CAP = 10_000

AnyIndex = QModelIndex | QPersistentModelIndex
Q = TypeVar("Q")


#: count(query, at_most) -> rows, counted no further than ``at_most`` (None: all)
Count = Callable[[Any, int | None], int]
#: fetch(query, sort_key, descending, offset, limit) -> rows
Fetch = Callable[[Any, str | None, bool, int, int], Sequence[Any]]
#: what one (re)read brings back: the unfiltered total, the filtered total, the first rows
Read = tuple[int, int, Sequence[Any]]


class PagedModel(QAbstractTableModel, Generic[Q]):
    """Rows read from SQL a page at a time as the view scrolls, shown through column specs."""

    loaded = Signal()  # a (re)read has arrived and is on screen

    def __init__(
        self,
        columns: Sequence[ColumnSpec[Any]],
        count: Count,
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
        self._total_query: Q | None = None  # what the unfiltered total counts (None: not needed)
        self._sort = sort_column
        self._descending = descending
        self._rows: list[Any] = []
        self._total = 0  # COUNT_CAP or more: at least that many (rows are fetched until a page is short)
        self._unfiltered = 0
        self._more = False  # the count stopped at COUNT_CAP and no short page has come yet
        self._runner: TaskRunner | None = None
        self._generation = 0  # bumped by each (re)read: older answers are dropped
        self._fetching = False  # a next page is on its way
        self._loading = False  # a (re)read is on its way

    def read_on(self, runner: TaskRunner) -> None:
        """Read on the worker from now on (see the module's docstring)."""
        self._runner = runner

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

    @property
    def total(self) -> int:
        """How many records match the filter (rows not yet fetched included), counted up to
        ``COUNT_CAP`` (see :attr:`capped`)."""
        return self._total

    @property
    def capped(self) -> bool:
        """Whether :attr:`total` is only "at least": the count stopped at ``COUNT_CAP`` and the rows
        have not all been read since (then it is exact)."""
        return self._more

    @property
    def unfiltered_total(self) -> int:
        """How many records the :meth:`set_total_query` query found at the last read."""
        return self._unfiltered

    def set_total_query(self, query: Q | None) -> None:
        """Count ``query`` too at each read (a page's "of N"), in the same job as the rows."""
        self._total_query = query

    def count_of(self, query: Q) -> int:
        """How many records another query would find (exactly), read now on the calling thread."""
        return self._count(query, None)

    def set_query(self, query: Q) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def _sort_key(self) -> str | None:
        return self.columns[self._sort].sort_key if 0 <= self._sort < len(self.columns) else None

    def reader(self, chunk: int = 1000) -> Callable[[], list[Any]]:
        """A function reading every row of the current query, in the order shown, through the same
        service (so within the user's scope): for Copy and Export CSV, run on the worker."""
        fetch, query, key, descending = self._fetch_fn, self._query, self._sort_key(), self._descending

        def read_all() -> list[Any]:
            rows: list[Any] = []
            while True:
                page = fetch(query, key, descending, len(rows), chunk)
                rows.extend(page)
                if len(page) < chunk:
                    return rows

        return read_all

    # ----- reading ---------------------------------------------------------------------------
    def reload(self, keep: int = 0) -> None:
        """Read the first page again (or as many rows as were loaded, ``keep``, so the view stays put)."""
        self._generation += 1
        self._fetching = False  # a next page asked for before this read belongs to the old list
        generation, limit = self._generation, max(PAGE_SIZE, keep)
        count, fetch = self._count, self._fetch_fn
        query, total_query, key, descending = (
            self._query,
            self._total_query,
            self._sort_key(),
            self._descending,
        )

        def read() -> Read:  # on the worker: values only, no Qt object
            total = count(query, COUNT_CAP)
            same = total_query is None or total_query == query
            unfiltered = total if same else count(total_query, COUNT_CAP)
            return unfiltered, total, fetch(query, key, descending, 0, limit)

        if self._runner is None:
            self._show(generation, limit, read())
            return
        self._loading = True
        self._runner.run(
            lambda _job: read(),
            done=lambda result: self._show(generation, limit, result),
            failed=lambda exc: self._read_failed(generation, exc),
            owner=self,
            context="reading a list",
        )

    def refresh(self) -> None:
        self.reload(keep=len(self._rows))

    def _show(self, generation: int, limit: int, result: Read) -> None:
        if generation != self._generation:
            return  # a newer read is on its way
        self._loading = False
        unfiltered, total, rows = result
        self.beginResetModel()
        self._unfiltered, self._total, self._rows = unfiltered, total, list(rows)
        self._more = total >= COUNT_CAP
        if len(self._rows) < limit:
            self._total = len(self._rows)  # the list shrank between the two queries (or was all read)
            self._more = False
        self.endResetModel()
        self.loaded.emit()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of_id(self, record_id: int) -> int:
        """The row showing ``record_id`` among those loaded, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and (len(self._rows) < self._total or self._more)

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._fetching:
            return
        generation, offset = self._generation, len(self._rows)
        fetch, query, key, descending = self._fetch_fn, self._query, self._sort_key(), self._descending
        if self._runner is None:
            self._append(generation, offset, fetch(query, key, descending, offset, PAGE_SIZE))
            return
        self._fetching = True
        self._runner.run(
            lambda _job: fetch(query, key, descending, offset, PAGE_SIZE),
            done=lambda rows: self._append(generation, offset, rows),
            failed=lambda exc: self._fetch_failed(generation, exc),
            owner=self,
            context="reading a list",
        )

    def _append(self, generation: int, offset: int, more: Sequence[Any]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return  # the list was read again meanwhile
        self._fetching = False
        if not more:
            self._total = len(self._rows)  # records went meanwhile (or the capped count's end): stop
            self._more = False
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()
        if self._more:  # past the capped count: a short page is the end
            self._total = max(self._total, len(self._rows))
            self._more = len(more) == PAGE_SIZE

    @property
    def loading(self) -> bool:
        """Whether a (re)read is on its way (the rows on screen are the previous ones meanwhile)."""
        return self._loading

    def _read_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
        error_report.report(None, exc, "reading a list")

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
        error_report.report(None, exc, "reading a list")

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
        if (column, descending) == (self._sort, self._descending) and (self._rows or self._loading):
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
