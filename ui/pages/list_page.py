"""The shape shared by the victim-pathway list pages: a title with its count, a text search, a filter
bar, a paged table, and a hint in place of the table when it is empty or nothing matches.

A subclass builds its filter widgets, calls :meth:`ListPage.add_filter` for each (their change signals
are connected here), adds its command buttons with :meth:`ListPage.add_command`, and calls
:meth:`ListPage.finish`. It says what its filters mean with :meth:`current_query` and
:meth:`reset_filters`, and what opening a row does with :meth:`open_row`. Every row that names a person
gets "Pathway" (Alt+H), which opens that person's pathway view for roles that may read people.

Rows are read on the worker (``ui/tasks.py``), like saves and openings: a query that takes milliseconds
on a local file may take much longer on a database server across a network, and the window must not
freeze meanwhile. The page shows the previous rows until the new ones arrive, then updates the count
and selects again what was selected, at the same scroll position (:meth:`ListPage._on_loaded`). Pages
re-read when shown, and when data they ``show`` changed (``Page``).

Layout and wiring are apart: :meth:`ListPage._build_layout` places the widgets, :meth:`ListPage._connect`
connects their signals.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.reports.csv_safety import to_tsv, write_rows
from mshtdesk.services.list_disclosure import ListOutput
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog
from ui.models.paged_model import COUNT_CAP, PagedModel
from ui.pages.base import Page
from ui.widgets.dates import OptionalDateEdit, fit_filter_width
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural_upto

TEXT_DELAY_MS = 250  # wait for a pause in typing before querying
EXPORT_DIR_KEY = "export/last_dir"  # shared with the other exports: the folder last used


class ListPage(Page):
    can_find = True
    can_open = True

    heading = ""
    noun = ("record", "records")  # for the count: "1 referral", "12 referrals"
    search_hint = ""
    search_width = (200, 360)  # the text search's least and most width, in pixels
    no_match_title = "Nothing matches these filters"
    no_match_text = "Try a shorter text or fewer filters."
    empty_name = "emptyList"  # the object name of the empty-list panel
    filters_in_head = False  # one row: the filters beside the search instead of a bar under it
    has_pathway = True  # rows name a person: offer "Pathway" (Alt+H)
    multi_select = False
    table_padding = 24  # pixels added to each column's sample width
    export_entity: Entity | None = None  # what a row is: Copy and Export CSV of the filter, if allowed

    def __init__(self, ctx: AppContext, model: PagedModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = model
        model.setParent(self)  # gone with the page: a read still on its way is then dropped
        model.read_on(ctx.tasks)
        self._unfiltered_total = 0
        self._reselect_ids: list[int] | None = None  # rows to select again when a refresh arrives
        self._select_after: int | None = None  # or the record to select (one just saved)
        self._keep_scroll: tuple[int, int] | None = None
        self._filters: list[QWidget] = []
        self._filter_items: list[tuple[QLabel | None, QWidget, int]] = []  # caption, widget, gap
        self._commands: list[tuple[QAbstractButton, int]] = []  # button, gap before it
        entity = self.export_entity
        self.can_copy = self.can_export = entity is not None and ctx.may(Action.EXPORT, entity)

        self.title_label = QLabel(self.heading)
        self.title_label.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(self.search_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.search_width[0])
        self.search.setMaximumWidth(self.search_width[1])
        self.find_label = QLabel("Fi&nd:")
        self.find_label.setBuddy(self.search)
        if not self.can_find:  # a list without a text filter (its filters are choices)
            self.find_label.hide()
            self.search.hide()
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)
        self.pathway_button = QPushButton("Pat&hway")
        self.pathway_button.setObjectName("pathwayButton")
        self.pathway_button.setToolTip(
            "Open the selected person's pathway: everything on one timeline, what is due next (Alt+H)"
        )
        self.pathway_button.setEnabled(False)
        self.pathway_button.setVisible(self.has_pathway and self.ctx.may(Action.READ, Entity.PERSON))
        self.head = QHBoxLayout()
        self.bar = QHBoxLayout()
        self.above_table = QVBoxLayout()  # a summary a page may put between the filters and the table
        self.above_table.setSpacing(4)

        self.empty_panel = StatePanel()
        self.empty_panel.setObjectName(self.empty_name)
        self.no_match = StatePanel(self.no_match_title, self.no_match_text)
        self.no_match.setObjectName("noMatch")
        self.no_match.add_button("Clear filters", self.clear_filters, default=True)
        self.body = QStackedWidget()
        self.table: Any = None
        self.wider_button: QPushButton | None = None  # the empty panel's "Show all …", if any

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._text_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)

    # ----- building (subclasses) ---------------------------------------------------------------
    def add_filter(self, label: str, widget: QWidget, *, gap: int = 16, chars: int = 12) -> None:
        """A labelled filter (``gap`` pixels after the one before); a change re-queries at once. A combo
        box is ``chars`` wide (its list shows every choice in full), so the bar fits a window 1,100
        pixels wide."""
        caption = None
        if label:
            caption = QLabel(label)
            caption.setBuddy(widget)
        self._filter_items.append((caption, widget, gap if self._filters else 0))
        self._filters.append(widget)
        if isinstance(widget, OptionalDateEdit):
            fit_filter_width(widget)
            widget.value_changed.connect(self.apply_filters)
        elif isinstance(widget, QComboBox):
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(chars)
            widget.currentIndexChanged.connect(lambda _i: self.apply_filters())
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(lambda _c: self.apply_filters())

    def add_command(self, button: QAbstractButton, *, gap: int = 6) -> None:
        """A command button at the right of the title row (e.g. "New referral…"), ``gap`` pixels after
        what comes before it."""
        self._commands.append((button, gap))

    def finish(
        self,
        table_name: str,
        samples: dict[int, str],
        *,
        empty_title: str,
        empty_text: str,
        sort_column: int | None = None,
        descending: bool = False,
    ) -> None:
        """Lay the page out, wire selection and opening, and read the first page."""
        self.empty_panel.set_message(empty_title, empty_text)
        self._build_layout(table_name, samples)
        self._connect()
        self.reload()
        if sort_column is not None and self.model.is_sortable():
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(sort_column, order)
            self.table.setSortingEnabled(True)

    def _build_layout(self, table_name: str, samples: dict[int, str]) -> None:
        """Row 1: the title and count, the text search, the commands. Row 2: the filters (unless
        ``filters_in_head``). Then the table, or a panel saying why it is empty."""
        self.head.setSpacing(6)
        self.head.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignTop)
        self.head.addSpacing(12)
        self.head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignTop)
        self.head.addStretch(1)
        # What is right of the title, and the filter bar, wrap onto more rows rather than widen the
        # window when the text is large (200%): a row is as narrow as its widest control.
        tools_box = QWidget()
        tools = FlowLayout(tools_box)
        self.head.addWidget(tools_box, 1 if self.filters_in_head else 0)
        tools.add_group(self.find_label, self.search)
        bar_box = QWidget()
        bar = FlowLayout(bar_box, spacing=16)
        self.bar.addWidget(bar_box, 1)
        filters = tools if self.filters_in_head else bar
        for caption, widget, _gap in self._filter_items:
            filters.add_group(*([caption] if caption is not None else []), widget)
        filters.addWidget(self.clear_button)
        if self.has_pathway:
            tools.addWidget(self.pathway_button)
        for button, _gap in self._commands:
            tools.addWidget(button)

        headers = {i: c.header for i, c in enumerate(self.model.columns)}
        self.table = record_table(
            table_name,
            self.heading,
            self.model,
            samples,
            headers,
            multi_select=self.multi_select,
            padding=self.table_padding,
        )
        for w in (self.table, self.empty_panel, self.no_match):
            self.body.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(self.head)
        if not self.filters_in_head:
            layout.addLayout(self.bar)
        layout.addLayout(self.above_table)
        layout.addWidget(self.body, 1)
        pathway = [self.pathway_button] if self.has_pathway else []
        commands = [button for button, _gap in self._commands]
        set_tab_order([self.search, *self._filters, self.clear_button, self.table, *pathway, *commands])

    def _connect(self) -> None:
        self.model.loaded.connect(self._on_loaded)
        self.pathway_button.clicked.connect(lambda _checked=False: self.open_pathway())
        self.state_changed.connect(self._update_pathway_button)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.state_changed.emit())

    # ----- Copy and Export CSV of the current filter: disclosures, each with its reason ----------
    def _filter_words(self) -> str:
        what = plural_upto(self.model.total, COUNT_CAP if self.model.capped else None, *self.noun)
        return f"{what} ({'the current filter' if self.filters_active() else 'the whole list'})"

    def copy(self) -> None:
        """Ask why, then copy every row of the current filter (tab-separated, with the header)."""
        if not self.can_copy or not self.model.total:
            return
        dialog = ReasonDialog(
            self,
            title=f"Copy {self.heading}",
            what=f"{self._filter_words()} will be copied to the clipboard, as the columns show them.",
            ok_text="Copy",
        )
        dialog.reason_given.connect(self.copy_all_with_reason)
        dialog.open()

    def copy_all_with_reason(self, reason: str) -> None:
        rows = self._disclosed_rows(ListOutput.COPY, reason)
        self.ctx.tasks.run(
            lambda _job: to_tsv(rows()),
            done=self._copied,
            failed=self._output_failed,
            owner=self,
            context=f"copying {self.noun[1]}",
        )

    def _copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.count_label.setText("Copied; the disclosure is recorded in the audit log")

    def export_csv(self) -> None:
        """Ask why first, then where; the file is written once the disclosure is recorded."""
        if not self.can_export or not self.model.total:
            return
        dialog = ReasonDialog(
            self,
            title=f"Export {self.heading}",
            what=f"{self._filter_words()} will be saved as a CSV file, as the columns show them.",
            ok_text="Choose file\u2026",
            warning="The file is not encrypted: keep it on an encrypted drive.",
        )
        dialog.reason_given.connect(lambda reason: QTimer.singleShot(0, lambda: self._choose_file(reason)))
        dialog.open()

    def _choose_file(self, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        name = f"{self.heading.lower().replace(' ', '-')}-{date.today():%Y-%m-%d}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {self.heading}", str(Path(folder) / name), "CSV files (*.csv)"
        )
        if path:
            self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
            self.export_to(path, reason)

    def export_to(self, path: str, reason: str) -> None:
        """On the worker: refuse an unsafe path first (the database's own files, its backups), read the
        rows, record the disclosure, then write the file whole (``backend.exports``)."""
        exports = self.ctx.backend.exports
        rows = self._disclosed_rows(ListOutput.CSV, reason)

        def work(_job: object) -> Path:
            exports.check(path, replace=True)  # the Save dialog has asked about replacing
            header, *body = rows()
            out = io.StringIO()
            write_rows(out, header, body)
            return exports.write(path, out.getvalue().encode("utf-8-sig"), replace=True)

        self.ctx.tasks.run(
            work,
            done=self._exported,
            failed=self._output_failed,
            owner=self,
            context=f"exporting {self.noun[1]}",
        )

    def _exported(self, written: Path) -> None:
        self.count_label.setText(f"Saved {written.name}; the disclosure is recorded in the audit log")

    def _disclosed_rows(self, how: ListOutput, reason: str) -> Callable[[], list[list[str]]]:
        """For the worker: every row of the filter as shown (header first), once its disclosure is
        recorded (one event per record, with the reason)."""
        read_all = self.model.reader()
        columns = self.model.columns
        entity = self.export_entity
        assert entity is not None
        disclosure = self.ctx.backend.list_disclosure

        def rows() -> list[list[str]]:
            records = read_all()
            disclosure.disclose(entity, [int(r.id) for r in records], how, reason)
            return [[c.header for c in columns], *([c.text(r) for c in columns] for r in records)]

        return rows

    def _output_failed(self, exc: BaseException) -> None:
        error_report.report(self, exc, f"copying or exporting {self.noun[1]}")

    # ----- what the filters mean (subclasses) ---------------------------------------------------
    def current_query(self) -> Any:
        raise NotImplementedError

    def default_query(self) -> Any:
        """The query with every filter at its default (what the count is "of")."""
        raise NotImplementedError

    def total_query(self) -> Any:
        """The query whose count is the "of N" in "3 of N" (default: :meth:`default_query`)."""
        return self.default_query()

    def reset_filters(self) -> None:
        """Put every filter widget back to its default (signals are blocked meanwhile)."""

    def open_row(self, row: Any) -> None:
        """Open the record of ``row``."""

    # ----- filtering ---------------------------------------------------------------------------
    def filters_active(self) -> bool:
        return bool(self.current_query() != self.default_query())

    def apply_filters(self) -> None:
        self._text_timer.stop()
        query = self.current_query()
        if query != self.model.query:
            self._forget_refresh()  # another list: nothing to keep from the one on screen
            self.model.set_query(query)  # the count and the table follow when the rows arrive
        else:
            self._update_state()

    def clear_filters(self) -> None:
        widgets = [self.search, *self._filters]
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.reset_filters()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    # ----- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the list afresh from its first page (the rows arrive from the worker)."""
        self.model.set_total_query(self.total_query())
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)
        else:
            self.model.reload()

    def refresh(self, select: int | None = None) -> None:
        """Read the list again, keeping the rows loaded, the selection (or selecting ``select``) and the
        scroll position: the rows on screen stay until the new ones arrive."""
        if self._reselect_ids is None:
            self._reselect_ids = self.selected_ids()
        if select is not None:
            self._select_after = select
        if self._keep_scroll is None:
            self._keep_scroll = (
                self.table.verticalScrollBar().value(),
                self.table.horizontalScrollBar().value(),
            )
        self.model.set_total_query(self.total_query())
        self.model.refresh()

    def _forget_refresh(self) -> None:
        self._reselect_ids = self._keep_scroll = self._select_after = None

    def _on_loaded(self) -> None:
        """New rows are on screen: the count, which panel shows, and the selection and scroll kept."""
        self._unfiltered_total = self.model.unfiltered_total
        keep, scroll, select = self._reselect_ids, self._keep_scroll, self._select_after
        self._forget_refresh()
        self._update_state()
        if scroll is not None:
            self.table.verticalScrollBar().setValue(scroll[0])
            self.table.horizontalScrollBar().setValue(scroll[1])
        if select is not None:
            self.select_id(select)  # shown, even if it is out of sight
        elif keep:
            self._reselect(keep)

    def activate(self) -> None:
        self.refresh()  # other pages and dialogs may have changed what this one shows
        self.state_changed.emit()

    def _update_state(self) -> None:
        shown, total = self.model.total, self._unfiltered_total
        active = self.filters_active()
        one, many = self.noun
        if shown == 0 and not active:
            self.count_label.setText("")
            self.body.setCurrentWidget(self.empty_panel)
        elif shown == 0:
            self.count_label.setText(f"0 of {plural_upto(total, COUNT_CAP, one, many)}")
            self.body.setCurrentWidget(self.no_match)
        else:
            found = plural_upto(shown, COUNT_CAP if self.model.capped else None, one, many)
            self.count_label.setText(
                f"{found.split(' ')[0]} of {plural_upto(total, COUNT_CAP, one, many)}"
                if active and shown < total
                else found
            )
            self.body.setCurrentWidget(self.table)
        self.clear_button.setEnabled(active)
        if self.wider_button is not None:  # "Show all …" only helps when there is something to show
            self.wider_button.setVisible(total > 0)
        self.state_changed.emit()

    # ----- selection and opening ---------------------------------------------------------------
    def selected_row(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else int(row.id)

    def selected_ids(self) -> list[int]:
        """The ids of the selected rows, top to bottom."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.model.row_at(r).id) for r in rows]

    def _reselect(self, ids: list[int]) -> None:
        """Select again, after a re-read, the rows that were selected (those still loaded), by record:
        a row another user added above them must not inherit the selection by position."""
        sel = self.table.selectionModel()
        sel.clearSelection()
        if not self.multi_select:
            if ids:
                self.select_id(ids[0])
            return
        for record_id in ids:
            row = self.model.row_of_id(record_id)
            if row >= 0:
                sel.select(self.model.index(row, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of_id(record_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def selected_person(self) -> int | None:
        row = self.selected_row()
        person = getattr(row, "person_id", None) if row is not None else None
        return None if person is None else int(person)

    def _update_pathway_button(self) -> None:
        self.pathway_button.setEnabled(self.selected_person() is not None)

    def open_pathway(self, person_id: int | None = None) -> QWidget | None:
        """The person's (default: the selected row's) pathway view, a window of its own, one per person."""
        person_id = self.selected_person() if person_id is None else person_id
        if person_id is None or not self.ctx.may(Action.READ, Entity.PERSON):
            return None
        from ui.dialogs.pathway_view import PathwayView

        return PathwayView.start(self.ctx, person_id, self)

    def has_selection(self) -> bool:
        showing = self.body.currentIndex() == self.body.indexOf(self.table)
        return showing and bool(self.table.selectionModel().hasSelection())

    def focus_filter(self) -> None:
        if self.can_find:
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            rows = self.table.selectionModel().selectedRows()
            index = rows[0] if rows else QModelIndex()
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_row(self.model.row_at(index.row()))
