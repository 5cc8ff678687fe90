"""The arrests register page: a filter bar over a lazily paged, SQL-sorted table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.reports.csv_safety import to_tsv
from mshtdesk.services.register import NO_DISPOSAL, ArrestQuery
from ui import error_report
from ui.context import AppContext
from ui.models.arrests_model import HEADERS, ArrestsModel, Column
from ui.pages.base import Page
from ui.widgets.dates import OptionalDateEdit
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural

TEXT_DELAY_MS = 250  # wait for a pause in typing before querying


class ArrestsPage(Page):
    shows = frozenset({Data.ARREST, Data.DISPOSAL, Data.RANKING})
    can_find = True
    can_open = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("arrestsPage")
        self.can_copy = ctx.may(Action.EXPORT, Entity.ARREST)  # rows of personal data leave the app
        self.can_create = ctx.may(Action.CREATE, Entity.ARREST)
        self.model = ArrestsModel(ctx.backend.register, self)
        self._unfiltered_total = 0
        self._build()
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._text_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.district.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.disposal.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.date_from.value_changed.connect(self.apply_filters)
        self.date_to.value_changed.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_arrest)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.state_changed.emit())
        self.reload()
        self.table.horizontalHeader().setSortIndicator(Column.ARREST_DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)

    # ----- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Arrests")
        title.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.new_button = QPushButton("New arrest\u2026")
        self.new_button.setToolTip("Add an arrest with its offences (Ctrl+N)")
        self.new_button.setVisible(self.can_create)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Reference, detainee or operation")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(360)
        self.district = QComboBox()
        self.district.setObjectName("districtFilter")
        self.district.addItem("All districts", None)
        for d in self.ctx.reference.districts:
            self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.date_from = OptionalDateEdit("Any date")
        self.date_to = OptionalDateEdit("Any date")
        for edit in (self.date_from, self.date_to):
            edit.setMinimumWidth(118)
        self.disposal = QComboBox()
        self.disposal.setObjectName("disposalFilter")
        self.disposal.addItem("Any disposal", None)
        for t in self.ctx.reference.disposal_types:
            self.disposal.addItem(t.label, t.code)
        self.disposal.addItem("No disposal recorded", NO_DISPOSAL)
        for combo, chars in ((self.district, 13), (self.disposal, 16)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        self.disposal.setToolTip("The arrest's current disposal: the highest-ranked of its offences'")
        self.date_from.setToolTip("Arrested on or after this date")
        self.date_to.setToolTip("Arrested on or before this date")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)

        # Row 1: what this is and how many, the text search, the main command. Row 2: the filters.
        # Two rows keep the page usable down to ~1000 pixels wide.
        find_label = QLabel("Fi&nd:")
        find_label.setBuddy(self.search)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(find_label)
        head.addWidget(self.search, 2)
        head.addSpacing(12)
        head.addWidget(self.new_button)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        for text, widget, gap in (
            ("&District:", self.district, 0),
            ("A&rrested:", self.date_from, 16),
            ("&to", self.date_to, 0),
            ("Di&sposal:", self.disposal, 16),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            if gap:
                bar.addSpacing(gap)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)

        samples = {
            Column.CUSTODY_REF: "WY/00/000000",
            Column.ARREST_DATE: "00/00/0000",
            Column.DISTRICT: "District",
            Column.DETAINEE_REF: "N0000000",
            Column.OPERATION: "Op Meridian Pennine",
            Column.OFFENCES: "Offences",
        }
        self.table = record_table(
            "arrestsTable", "Arrests", self.model, samples, HEADERS, multi_select=True, padding=44
        )

        self.empty_register = StatePanel(
            "No arrests yet",
            "Import a custody export (Ctrl+I) or add an arrest (Ctrl+N)."
            if self.can_create
            else "Arrests appear here once the HTT has added or imported them.",
        )
        self.empty_register.setObjectName("emptyRegister")
        if self.can_create:
            self.empty_register.add_button("Import custody export\u2026", self.import_custody, default=True)
            self.empty_register.add_button("New arrest\u2026", self.new_arrest)
        self.no_match = StatePanel(
            "No arrests match these filters", "Try a shorter reference or a wider period."
        )
        self.no_match.setObjectName("noMatch")
        self.no_match.add_button("Clear filters", self.clear_filters, default=True)
        self.body = QStackedWidget()
        for w in (self.table, self.empty_register, self.no_match):
            self.body.addWidget(w)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.body, 1)
        set_tab_order(
            [
                self.search,
                self.district,
                self.date_from,
                self.date_to,
                self.disposal,
                self.clear_button,
                self.table,
                self.new_button,
            ]
        )

    # ----- filtering ---------------------------------------------------------------------------
    def current_query(self) -> ArrestQuery:
        return ArrestQuery(
            text=self.search.text().strip(),
            district_code=self.district.currentData(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            disposal_code=self.disposal.currentData(),
        )

    def filters_active(self) -> bool:
        return self.current_query() != ArrestQuery()

    def apply_filters(self) -> None:
        self._text_timer.stop()
        self.model.set_query(self.current_query())
        self._update_state()

    def clear_filters(self) -> None:
        widgets = (self.search, self.district, self.disposal, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.district.setCurrentIndex(0)
        self.disposal.setCurrentIndex(0)
        self.date_from.clear_value()
        self.date_to.clear_value()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    # ----- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        self._unfiltered_total = self.ctx.backend.register.count(ArrestQuery())
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)
        else:
            self.model.reload()
        self._update_state()

    def refresh(self) -> None:
        keep = self.selected_ids()
        self._unfiltered_total = self.ctx.backend.register.count(ArrestQuery())
        self.model.refresh()
        self._update_state()
        self._select_ids(keep)

    def on_changes(self, changes: Changes) -> None:
        self.refresh()
        saved = changes.ids_of(Data.ARREST)
        if saved is not None and len(saved) == 1:  # show the arrest just saved
            row = self.model.row_of_id(next(iter(saved)))
            if row >= 0:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _update_state(self) -> None:
        shown, total = self.model.total, self._unfiltered_total
        active = self.filters_active()
        if total == 0 and not active:
            self.count_label.setText("")
            self.body.setCurrentWidget(self.empty_register)
        elif shown == 0:
            self.count_label.setText(f"0 of {plural(total, 'arrest')}")
            self.body.setCurrentWidget(self.no_match)
        else:
            self.count_label.setText(
                f"{shown:,} of {plural(total, 'arrest')}" if active else plural(total, "arrest")
            )
            self.body.setCurrentWidget(self.table)
        self.clear_button.setEnabled(active)
        self.state_changed.emit()

    # ----- selection and commands --------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_ids(self) -> list[int]:
        return [self.model.row_at(r).id for r in self.selected_rows()]

    def _select_ids(self, ids: list[int]) -> None:
        sel = self.table.selectionModel()
        for arrest_id in ids:
            row = self.model.row_of_id(arrest_id)
            if row >= 0:
                sel.select(
                    self.model.index(row, 0),
                    sel.SelectionFlag.Select | sel.SelectionFlag.Rows,
                )

    def has_selection(self) -> bool:
        return self.body.currentWidget() is self.table and self.table.selectionModel().hasSelection()

    def activate(self) -> None:
        self.state_changed.emit()

    def focus_filter(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def copy(self) -> None:
        """Ask why, record the disclosure, then copy the selected rows (tab-separated, with a header)."""
        rows = self.selected_rows()
        if not rows or not self.can_copy:
            return
        from ui.dialogs.reason_dialog import ReasonDialog

        header = [HEADERS[c] for c in Column]
        cells = [[str(self.model.index(r, c).data() or "") for c in Column] for r in rows]
        text = to_tsv([header, *cells])  # every cell guarded and kept whole: "=..." stays text
        ids = [self.model.row_at(r).id for r in rows]
        dialog = ReasonDialog(
            self,
            title="Copy arrests",
            what=f"{plural(len(ids), 'arrest')} will be copied to the clipboard.",
            ok_text="Copy",
        )
        dialog.reason_given.connect(lambda reason: self.copy_with_reason(ids, text, reason))
        dialog.open()

    def copy_with_reason(self, ids: list[int], text: str, reason: str) -> None:
        register = self.ctx.backend.register
        self.ctx.tasks.run(
            lambda _job: register.disclose(ids, reason),
            done=lambda _result: QGuiApplication.clipboard().setText(text),
            failed=self._copy_failed,
            owner=self,
            context="copying arrests",
        )

    def _copy_failed(self, exc: BaseException) -> None:
        error_report.report(self, exc, "copying arrests")

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() and self.selected_rows():
            index = self.model.index(self.selected_rows()[0], 0)
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, self.model.row_at(index.row()).id, self)

    def new_arrest(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, None, self)

    def import_custody(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self)
