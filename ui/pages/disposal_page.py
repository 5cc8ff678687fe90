"""The published disposal-by-district table for a period, as at a date, computed on the worker.

Laid out exactly like its CSV (and the force's published table): disposal types in rank order, the row
total, one column per district, "Total arrests" last and bold, the caption above and footnotes below.
Showing it on screen is not a disclosure; Copy and Export CSV are: they ask for a reason, which the
service records in the audit log with the table it hands over (read again for the purpose). Nothing is
read on the GUI thread: the table on screen stays until the worker's new one arrives (a late answer to
an older request is dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.dates import last_complete_financial_year, uk
from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import MshtError, ValidationError
from mshtdesk.reports.tables import to_csv
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog
from ui.models.disposal_table_model import DisposalTableModel, table_tsv
from ui.pages.base import Page
from ui.widgets.dates import DateEdit, fit_filter_width
from ui.widgets.field_error import FieldError
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order

UPDATE_DELAY_MS = 300  # recompute after the dates stop changing
EXPORT_DIR_KEY = "export/last_dir"


class DisposalPage(Page):
    shows = frozenset({Data.ARREST, Data.DISPOSAL, Data.RANKING})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("disposalPage")
        self.can_copy = self.can_export = ctx.may(Action.EXPORT, Entity.DISPOSAL_REPORT)
        self.model = DisposalTableModel(self)
        self._generation = 0
        self._stale = True
        self.computing = False
        self._build_layout()
        self.reset_period()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_DELAY_MS)
        self._connect()

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do."""
        self._timer.timeout.connect(self.compute)
        for edit in (self.date_from, self.date_to, self.as_at):
            edit.dateChanged.connect(lambda _d: self._timer.start())
        self.fy_button.clicked.connect(self.reset_period)
        self.copy_button.clicked.connect(self.copy)
        self.export_button.clicked.connect(self.export_csv)

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        title = QLabel("Arrests by disposal and district")
        title.setObjectName("pageTitle")
        self.copy_button = QPushButton("Copy\u2026")
        self.copy_button.setToolTip(
            "Copy the table, with its header, as tab-separated text (Ctrl+C); asks why, for the audit log"
        )
        self.export_button = QPushButton("Export CSV\u2026")
        self.export_button.setToolTip("Save the table as a CSV file (Ctrl+E); asks why, for the audit log")
        self.copy_button.setVisible(self.can_copy)
        self.export_button.setVisible(self.can_export)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.copy_button)
        head.addWidget(self.export_button)

        self.date_from = DateEdit()
        self.date_to = DateEdit()
        self.as_at = DateEdit()
        for edit, name in ((self.date_from, "periodFrom"), (self.date_to, "periodTo"), (self.as_at, "asAt")):
            edit.setObjectName(name)
            fit_filter_width(edit)
        self.fy_button = QPushButton("Last complete financial year")
        self.fy_button.setToolTip(
            "1 April to 31 March of the last financial year that has ended, as at today"
        )
        self.status = QLabel("")
        self.status.setObjectName("resultCount")
        controls_box = QWidget()  # wraps onto more rows at a large text size rather than widen the window
        controls = FlowLayout(controls_box, spacing=16)
        for text, widget in (
            ("A&rrested from:", self.date_from),
            ("&to:", self.date_to),
            ("Disposals a&s at:", self.as_at),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            controls.add_group(label, widget)
        controls.addWidget(self.fy_button)
        controls.addWidget(self.status)
        self.period_error = FieldError(self.date_to)

        self.caption = QLabel("")
        self.caption.setObjectName("tableCaption")
        self.caption.setWordWrap(True)
        self.view = QTableView()
        self.view.setObjectName("disposalTable")
        self.view.setAccessibleName("Arrests by disposal and district")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        # Whole when it fits; at a large text size with many districts it scrolls sideways rather than
        # widen the window past the screen (its minimum is a few columns, not all of them).
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.view.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.footnotes = QLabel("")
        self.footnotes.setObjectName("footnote")
        self.footnotes.setWordWrap(True)
        self.footnotes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        table_row = QHBoxLayout()
        table_row.addWidget(self.view)
        table_row.addStretch(1)
        content = QWidget()
        # Footnotes keep a readable line length, in characters so that it holds at any text size.
        self.footnotes.setMaximumWidth(self.fontMetrics().averageCharWidth() * 130)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 8, 0, 0)
        content_layout.setSpacing(8)
        content_layout.addWidget(self.caption)
        content_layout.addLayout(table_row)
        content_layout.addSpacing(4)
        content_layout.addWidget(self.footnotes)
        content_layout.addStretch(1)

        self.empty = StatePanel()
        self.empty.setObjectName("emptyPeriod")
        self.empty.add_button("Last complete financial year", self.reset_period)
        if self.ctx.may(Action.CREATE, Entity.ARREST):
            self.empty.add_button("Import custody export\u2026", self.import_custody, default=True)
        self.body = QStackedWidget()
        self.body.addWidget(content)
        self.body.addWidget(self.empty)
        self.content = content

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(controls_box)
        layout.addWidget(self.period_error)
        layout.addWidget(self.body, 1)
        chain: list[QWidget] = [
            self.date_from,
            self.date_to,
            self.as_at,
            self.fy_button,
            self.copy_button,
            self.export_button,
        ]
        set_tab_order(chain)

    # ----- period ------------------------------------------------------------------------------
    def reset_period(self) -> None:
        """The default: the last complete UK financial year, as at today."""
        today = self.ctx.backend.register.today
        start, end = last_complete_financial_year(today)
        self.set_period(start, end, today)

    def set_period(self, date_from: date, date_to: date, as_at: date) -> None:
        for edit, value in ((self.date_from, date_from), (self.date_to, date_to), (self.as_at, as_at)):
            edit.blockSignals(True)
            edit.set_value(value)
            edit.blockSignals(False)
        self._stale = True
        if self.isVisible():
            self.compute()

    def period(self) -> tuple[date, date, date]:
        return self.date_from.value(), self.date_to.value(), self.as_at.value()

    # ----- computing ---------------------------------------------------------------------------
    def compute(self) -> None:
        """Recompute on the worker; a result that arrives after a newer request is dropped."""
        self._timer.stop()
        self._stale = False
        self._generation += 1
        generation = self._generation
        date_from, date_to, as_at = self.period()
        backend = self.ctx.backend
        self.computing = True
        self.status.setText("Calculating\u2026")
        self.ctx.tasks.run(
            lambda _job: backend.disposal_table(date_from, date_to, as_at),
            done=lambda table: self._computed(generation, table),
            failed=lambda exc: self._failed(generation, exc),
            owner=self,
            context="calculating the disposal table",
        )

    def _computed(self, generation: int, table: DisposalTable) -> None:
        if generation != self._generation:
            return
        self.computing = False
        self.status.setText("")
        self.period_error.clear()
        self.model.set_table(table)
        self.caption.setText(table.caption)
        self.footnotes.setText("\n\n".join(table.footnotes))
        self._fit_columns()
        if table.total_arrests == 0:
            self.empty.set_message(
                f"No arrests between {uk(table.date_from)} and {uk(table.date_to)}",
                "Choose another period above, or import a custody export (Ctrl+I) to add arrests."
                if self.ctx.may(Action.CREATE, Entity.ARREST)
                else "Choose another period above.",
            )
            self.body.setCurrentWidget(self.empty)
        else:
            self.body.setCurrentWidget(self.content)
        self.copy_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.state_changed.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.computing = False
        self.status.setText("")
        if isinstance(exc, ValidationError):
            self.period_error.show_error(" ".join(exc.fields.values()))
        elif isinstance(exc, MshtError):
            self.period_error.show_error(str(exc))
        else:
            error_report.report(self, exc, "calculating the disposal table")
            return
        self.model.set_table(None)
        self.caption.setText("")
        self.footnotes.setText("")
        self.copy_button.setEnabled(False)
        self.export_button.setEnabled(False)

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        bold = self.view.font()
        bold.setBold(True)
        fm = QFontMetrics(bold)  # the total row is bold: measure the widest case
        label_width = max(
            [fm.horizontalAdvance(str(self.model.index(r, 0).data())) for r in range(self.model.rowCount())]
            + [fm.horizontalAdvance("Released under investigation")]
        )
        header.resizeSection(0, label_width + 28)
        number_width = max(fm.horizontalAdvance("Disposals"), fm.horizontalAdvance("00,000")) + 20
        for col in range(1, self.model.columnCount()):
            header.resizeSection(col, number_width)
        self.view.updateGeometry()

    def on_changes(self, _changes: Changes) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def activate(self) -> None:
        if self._stale:
            self.compute()

    def refresh(self) -> None:
        self.compute()

    # ----- output: disclosures, each with its reason ---------------------------------------------
    def _period_text(self) -> str:
        f, t, a = self.period()
        return f"arrests between {uk(f)} and {uk(t)}, disposals as at {uk(a)}"

    def copy(self) -> None:
        """Ask why, then copy the table as the service hands it over for that reason."""
        if self.model.table is None or not self.can_copy:
            return
        dialog = ReasonDialog(
            self,
            title="Copy the disposal table",
            what=f"The table of {self._period_text()} will be copied to the clipboard.",
            ok_text="Copy",
        )
        dialog.reason_given.connect(self.copy_with_reason)
        dialog.open()

    def copy_with_reason(self, reason: str) -> None:
        self._disclose(reason, self._copied)

    def _copied(self, table: DisposalTable) -> None:
        QGuiApplication.clipboard().setText(table_tsv(table))
        self.status.setText("Copied; the disclosure is recorded in the audit log")

    def default_file_name(self) -> str:
        f, t, a = self.period()
        return f"arrests-by-disposal-{f:%Y-%m-%d}-to-{t:%Y-%m-%d}-as-at-{a:%Y-%m-%d}.csv"

    def export_csv(self) -> None:
        """Ask why first, then where; the file is written once the disclosure has been recorded."""
        if self.model.table is None or not self.can_export:
            return
        dialog = ReasonDialog(
            self,
            title="Export the disposal table",
            what=f"The table of {self._period_text()} will be saved as a CSV file.",
            ok_text="Choose file\u2026",
        )
        dialog.reason_given.connect(lambda reason: QTimer.singleShot(0, lambda: self._choose_file(reason)))
        dialog.open()

    def _choose_file(self, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export the disposal table",
            str(Path(folder) / self.default_file_name()),
            "CSV files (*.csv)",
        )
        if path:
            self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
            self.export_to(path, reason)

    def export_to(self, path: str, reason: str) -> None:
        """On the worker: refuse a path that is the database's own file or a backup before anything is
        disclosed, record the disclosure, then write the table whole (``backend.exports``)."""
        date_from, date_to, as_at = self.period()
        backend = self.ctx.backend

        def work(_job: object) -> Path:
            backend.exports.check(path, replace=True)  # the Save dialog has asked about replacing
            table = backend.export_disposal_table(date_from, date_to, as_at, reason)
            return backend.exports.write(path, to_csv(table).encode("utf-8"), replace=True)

        self.status.setText("Recording the disclosure\u2026")
        self.ctx.tasks.run(
            work,
            done=self._exported,
            failed=self._disclose_failed,
            owner=self,
            context="exporting the disposal table",
        )

    def _exported(self, written: Path) -> None:
        self.status.setText(f"Saved {written.name}; the disclosure is recorded in the audit log")

    def _disclose(self, reason: str, then: Callable[[DisposalTable], None]) -> None:
        date_from, date_to, as_at = self.period()
        backend = self.ctx.backend
        self.status.setText("Recording the disclosure\u2026")
        self.ctx.tasks.run(
            lambda _job: backend.export_disposal_table(date_from, date_to, as_at, reason),
            done=then,
            failed=self._disclose_failed,
            owner=self,
            context="exporting the disposal table",
        )

    def _disclose_failed(self, exc: BaseException) -> None:
        self.status.setText("")
        error_report.report(self, exc, "exporting the disposal table")

    def import_custody(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self)
