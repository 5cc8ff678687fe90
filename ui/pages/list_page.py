"""The shape shared by the victim-pathway list pages: a title with its count, a text search, a filter
bar, a paged table, and a hint in place of the table when it is empty or nothing matches.

A subclass builds its filter widgets, calls :meth:`ListPage.add_filter` for each (their change signals
are connected here), adds its command buttons with :meth:`ListPage.add_command`, and calls
:meth:`ListPage.finish`. It says what its filters mean with :meth:`current_query` and
:meth:`reset_filters`, and what opening a row does with :meth:`open_row`. Every row that names a person
gets "Pathway" (Alt+H), which opens that person's pathway view for roles that may read people. Like the
arrests page, rows are read on the GUI thread (an indexed query of a few milliseconds); saves and
openings go to the worker. Pages re-read when shown, and when data they ``show`` changed (``Page``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.roles import Action, Entity
from ui.context import AppContext
from ui.models.paged_model import PagedModel
from ui.pages.base import Page
from ui.widgets.dates import OptionalDateEdit
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural

TEXT_DELAY_MS = 250  # wait for a pause in typing before querying


class ListPage(Page):
    can_find = True
    can_open = True

    heading = ""
    noun = ("record", "records")  # for the count: "1 referral", "12 referrals"
    search_hint = ""

    def __init__(self, ctx: AppContext, model: PagedModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = model
        self._unfiltered_total = 0
        self._filters: list[QWidget] = []
        self._commands: list[QAbstractButton] = []

        self.title_label = QLabel(self.heading)
        self.title_label.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(self.search_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(360)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)

        find_label = QLabel("Fi&nd:")
        find_label.setBuddy(self.search)
        if not self.can_find:  # a list without a text filter (its filters are choices)
            find_label.hide()
            self.search.hide()
        self.head = QHBoxLayout()
        self.head.setSpacing(6)
        self.head.addWidget(self.title_label)
        self.head.addSpacing(12)
        self.head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        self.head.addStretch(1)
        self.head.addWidget(find_label)
        self.head.addWidget(self.search, 2)
        self.head.addSpacing(6)
        self.bar = QHBoxLayout()
        self.bar.setSpacing(6)
        self.above_table = QVBoxLayout()  # a summary a page may put between the filters and the table
        self.above_table.setSpacing(4)

        self.empty_panel = StatePanel()
        self.empty_panel.setObjectName("emptyList")
        self.no_match = StatePanel("Nothing matches these filters", "Try a shorter text or fewer filters.")
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
        """A labelled filter in the bar; a change re-queries at once. A combo box is ``chars`` wide
        (its list shows every choice in full), so the bar fits a window 1,100 pixels wide."""
        if self._filters and gap:
            self.bar.addSpacing(gap)
        if label:
            caption = QLabel(label)
            caption.setBuddy(widget)
            self.bar.addWidget(caption)
        self.bar.addWidget(widget)
        self._filters.append(widget)
        if isinstance(widget, OptionalDateEdit):
            widget.setMinimumWidth(118)
            widget.value_changed.connect(self.apply_filters)
        elif isinstance(widget, QComboBox):
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(chars)
            widget.currentIndexChanged.connect(lambda _i: self.apply_filters())
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(lambda _c: self.apply_filters())

    def add_command(self, button: QAbstractButton) -> None:
        """A command button at the right of the title row (e.g. "New referral…")."""
        self.head.addSpacing(6)
        self.head.addWidget(button)
        self._commands.append(button)

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
        """Lay the page out, read the first page, and wire selection and opening."""
        self.pathway_button = QPushButton("Pat&hway")
        self.pathway_button.setObjectName("pathwayButton")
        self.pathway_button.setToolTip(
            "Open the selected person's pathway: everything on one timeline, what is due next (Alt+H)"
        )
        self.pathway_button.setEnabled(False)
        self.pathway_button.setVisible(self.ctx.may(Action.READ, Entity.PERSON))
        self.pathway_button.clicked.connect(lambda _checked=False: self.open_pathway())
        self.head.insertWidget(self.head.count() - len(self._commands) * 2, self.pathway_button)
        self.state_changed.connect(self._update_pathway_button)
        self.bar.addSpacing(16)
        self.bar.addWidget(self.clear_button)
        self.bar.addStretch(1)
        headers = {i: c.header for i, c in enumerate(self.model.columns)}
        self.table = record_table(table_name, self.heading, self.model, samples, headers, padding=24)
        self.empty_panel.set_message(empty_title, empty_text)
        for w in (self.table, self.empty_panel, self.no_match):
            self.body.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(self.head)
        layout.addLayout(self.bar)
        layout.addLayout(self.above_table)
        layout.addWidget(self.body, 1)
        set_tab_order(
            [self.search, *self._filters, self.clear_button, self.table, self.pathway_button, *self._commands]
        )
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.state_changed.emit())
        self.reload()
        if sort_column is not None and self.model.is_sortable():
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(sort_column, order)
            self.table.setSortingEnabled(True)

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
        self.model.set_query(self.current_query())
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
        self._unfiltered_total = self.model.count_of(self.total_query())
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)
        else:
            self.model.reload()
        self._update_state()

    def refresh(self) -> None:
        keep = self.selected_id()
        self._unfiltered_total = self.model.count_of(self.total_query())
        self.model.refresh()
        self._update_state()
        if keep is not None:
            self.select_id(keep)

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
            self.count_label.setText(f"0 of {plural(total, one, many)}")
            self.body.setCurrentWidget(self.no_match)
        else:
            self.count_label.setText(
                f"{shown:,} of {plural(total, one, many)}"
                if active and shown < total
                else plural(shown, one, many)
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
        from ui.pages.pathway_view import PathwayView

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
