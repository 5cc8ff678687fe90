"""Printed reports: the COM summary (internal or public) and the disposal table on its own page.

Choose the report, a period (last half-year, last financial year, or custom) and the as-at date; the
PDF is built on the worker and previewed here (QtPdf). Previewing is not a disclosure. Save, Print and
Export JSON are: each asks why, and the service records the run (its SHA-256 too) before the bytes
leave. The history lists every past run; "Regenerate" loads its parameters and builds it again, then
says whether the figures are identical to the original (it reads the records as recorded at the run's
time); "What changed since publication" lists every figure that today's records would change. The
history is read on the worker too, and the list on screen stays until it arrives; the one call on the
GUI thread, ``may_run``, checks the role's permissions in memory and reads nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    Qt,
)
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import last_complete_financial_year
from mshtdesk.errors import MshtError, ValidationError
from mshtdesk.services.com_report import (
    OutputFormat,
    RenderedReport,
    ReportKind,
    ReportRequest,
    ReportRun,
    Revisions,
    sha256,
)
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.revisions_dialog import RevisionsDialog
from ui.models.report_runs_model import RunsModel as RunsModel  # the tests build one alone
from ui.pages.base import Page
from ui.widgets.dates import DateEdit
from ui.widgets.field_error import FieldError
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order

EXPORT_DIR_KEY = "export/last_dir"
PRESET_HALF, PRESET_YEAR, PRESET_CUSTOM = range(3)


def last_half_year(today: date) -> tuple[date, date]:
    """The last complete half of the financial year: April-September or October-March."""
    if today.month >= 10:
        return date(today.year, 4, 1), date(today.year, 9, 30)
    if today.month >= 4:
        return date(today.year - 1, 10, 1), date(today.year, 3, 31)
    return date(today.year - 1, 4, 1), date(today.year - 1, 9, 30)


class ReportsPage(Page):
    shows = frozenset({Data.REPORT_RUN})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("reportsPage")
        self.reports = ctx.backend.reports
        self.rendered: RenderedReport | None = None
        self.regenerating: ReportRun | None = None
        self.revisions_dialog: RevisionsDialog | None = None
        self.building = False
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.runs = RunsModel(self)
        self._build_layout()
        self._connect()
        self.apply_preset(PRESET_HALF)
        self._update_buttons()

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        title = QLabel("Printed reports")
        title.setObjectName("pageTitle")
        self.save_button = QPushButton("Save PDF\u2026")
        self.save_button.setToolTip("Save the PDF (Ctrl+S); asks why, for the audit log")
        self.print_button = QPushButton("Print\u2026")
        self.print_button.setToolTip("Print the report (Ctrl+P); asks why, for the audit log")
        self.html_button = QPushButton("Save as HTML\u2026")
        self.html_button.setToolTip(
            "Save the COM summary as one accessible web page (no scripts, charts with their figures); "
            "asks why, for the audit log"
        )
        self.csv_button = QPushButton("Export CSV (ZIP)\u2026")
        self.csv_button.setToolTip(
            "Save the COM summary as open data: one CSV per table and a metadata sheet, in a ZIP; "
            "asks why, for the audit log"
        )
        self.json_button = QPushButton("Export JSON\u2026")
        self.json_button.setToolTip("Save the figures as JSON for analysts; asks why, for the audit log")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        for b in (self.save_button, self.html_button, self.print_button, self.csv_button, self.json_button):
            head.addWidget(b)

        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        for kind in (ReportKind.COM, ReportKind.DISPOSALS):
            if self.reports.may_run(kind, _read()):
                self.kind.addItem(kind.label, kind.value)
        self.preset = QComboBox()
        self.preset.setObjectName("periodPreset")
        self.preset.addItems(["Last half-year", "Last financial year", "Custom"])
        self.date_from, self.date_to, self.as_at = DateEdit(), DateEdit(), DateEdit()
        for edit, name in ((self.date_from, "periodFrom"), (self.date_to, "periodTo"), (self.as_at, "asAt")):
            edit.setObjectName(name)
            edit.setMinimumWidth(118)
        self.internal = QRadioButton("&Internal (OFFICIAL-SENSITIVE)")
        self.public = QRadioButton("P&ublic (OFFICIAL, small numbers suppressed)")
        self.internal.setChecked(True)
        self.version = QButtonGroup(self)
        self.version.addButton(self.internal)
        self.version.addButton(self.public)
        self.build_button = QPushButton("&Build report")
        self.build_button.setObjectName("buildReport")
        self.build_button.setDefault(True)
        self.build_button.setToolTip("Build and preview the report (Ctrl+Return)")
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        row = [
            ("&Report:", self.kind),
            ("&Period:", self.preset),
            ("&From:", self.date_from),
            ("&to:", self.date_to),
            ("Data &as at:", self.as_at),
        ]
        for i, (text, widget) in enumerate(row):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, 2 * i)
            grid.addWidget(widget, 0, 2 * i + 1)
        grid.setColumnStretch(2 * len(row), 1)
        versions = QHBoxLayout()
        versions.addWidget(self.internal)
        versions.addSpacing(12)
        versions.addWidget(self.public)
        versions.addSpacing(16)
        versions.addWidget(self.build_button)
        versions.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("resultCount")
        self.status.setWordWrap(True)
        self.period_error = FieldError(self.as_at)

        self.view = QPdfView()
        self.view.setObjectName("reportPreview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.empty = StatePanel()
        self.empty.set_message(
            "No report built yet",
            "Choose the report, the period and the as-at date above, then Build report (Ctrl+Return). "
            "The preview is not a disclosure; saving, printing and exporting ask why.",
        )
        self.preview = QStackedWidget()
        self.preview.addWidget(self.empty)
        self.preview.addWidget(self.view)

        self.history = QTableView()
        self.history.setObjectName("reportRuns")
        self.history.setAccessibleName("Past report runs")
        self.history.setModel(self.runs)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.regenerate_button = QPushButton("Re&generate")
        self.regenerate_button.setToolTip(
            "Build the selected run again from its parameters and compare the figures"
        )
        self.revisions_button = QPushButton("What &changed since publication\u2026")
        self.revisions_button.setToolTip(
            "Recompute the selected run's tables with today's records and list every figure that differs"
        )
        hist_head = QHBoxLayout()
        hist_title = QLabel("History of runs")
        hist_title.setObjectName("sectionTitle")
        hist_head.addWidget(hist_title)
        hist_head.addStretch(1)
        hist_head.addWidget(self.revisions_button)
        hist_head.addWidget(self.regenerate_button)
        hist = QWidget()
        hist_layout = QVBoxLayout(hist)
        hist_layout.setContentsMargins(0, 0, 0, 0)
        self.history_hint = QLabel(
            "No report has been saved, printed or exported yet. Each one will be listed here with who "
            "produced it, when and why; select one and Regenerate to build it again."
        )
        self.history_hint.setObjectName("emptyHint")
        self.history_hint.setWordWrap(True)
        hist_layout.addLayout(hist_head)
        hist_layout.addWidget(self.history_hint)
        hist_layout.addWidget(self.history)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(hist)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(grid)
        layout.addLayout(versions)
        layout.addWidget(self.period_error)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        set_tab_order(
            [
                self.kind,
                self.preset,
                self.date_from,
                self.date_to,
                self.as_at,
                self.internal,
                self.public,
                self.build_button,
                self.save_button,
                self.html_button,
                self.print_button,
                self.csv_button,
                self.json_button,
                self.history,
                self.revisions_button,
                self.regenerate_button,
            ]  # fmt: skip
        )

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do, and the keyboard shortcuts."""
        self.preset.activated.connect(self.apply_preset)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._custom())
        self.build_button.clicked.connect(self.build)
        self.save_button.clicked.connect(lambda: self.ask_and_save(OutputFormat.PDF))
        self.json_button.clicked.connect(lambda: self.ask_and_save(OutputFormat.JSON))
        self.html_button.clicked.connect(lambda: self.ask_and_save(OutputFormat.HTML))
        self.csv_button.clicked.connect(lambda: self.ask_and_save(OutputFormat.CSV))
        self.print_button.clicked.connect(self.print_report)
        self.regenerate_button.clicked.connect(self.regenerate_selected)
        self.revisions_button.clicked.connect(self.show_revisions)
        self.history.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        QShortcut(QKeySequence("Ctrl+Return"), self, self.build)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.ask_and_save(OutputFormat.PDF))
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_report)

    # ----- parameters --------------------------------------------------------------------------
    def apply_preset(self, preset: int) -> None:
        today = date.today()
        if preset == PRESET_HALF:
            start, end = last_half_year(today)
        elif preset == PRESET_YEAR:
            start, end = last_complete_financial_year(today)
        else:
            return
        self.set_request(start, end, today, preset=preset)

    def set_request(
        self, date_from: date, date_to: date, as_at: date, *, preset: int = PRESET_CUSTOM
    ) -> None:
        for edit, value in ((self.date_from, date_from), (self.date_to, date_to), (self.as_at, as_at)):
            edit.blockSignals(True)
            edit.set_value(value)
            edit.blockSignals(False)
        self.preset.setCurrentIndex(preset)

    def _custom(self) -> None:
        self.preset.setCurrentIndex(PRESET_CUSTOM)

    def request(self) -> ReportRequest:
        kind = ReportKind(self.kind.currentData() or ReportKind.DISPOSALS.value)
        return ReportRequest(
            kind, self.date_from.value(), self.date_to.value(), self.as_at.value(), self.public.isChecked()
        )

    # ----- building ----------------------------------------------------------------------------
    def build(self) -> None:
        if self.building or self.kind.count() == 0:
            return
        req = self.request()
        self.building = True
        self.period_error.clear()
        self.status.setText(f"Building the {req.kind.label.lower()}\u2026")
        self._update_buttons()
        reports = self.reports
        run = self.regenerating  # a past run: its records as recorded then, its printed time and author
        as_then: dict[str, Any] = (
            {}
            if run is None
            else dict(
                produced=run.printed_time,
                recorded_at=run.as_recorded_at,
                prepared_by=run.prepared_by or None,
            )
        )
        self.ctx.tasks.run(
            lambda job: reports.render(req, progress=job.progress, **as_then),
            done=self._built,
            failed=self._build_failed,
            owner=self,
            progress=f"Building the {req.kind.label.lower()}\u2026",
            parent=self,
            context="building a report",
        )

    def _built(self, rendered: RenderedReport) -> None:
        self.building = False
        self.rendered = rendered
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(rendered.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.preview.setCurrentWidget(self.view)
        pages = self.document.pageCount()
        text = f"{rendered.request.describe()}: {pages} page{'s' if pages != 1 else ''}. Not yet disclosed."
        if self.regenerating is not None:
            original = self.regenerating
            same = original.json_sha256 and sha256(rendered.json) == original.json_sha256
            text = (
                f"Regenerated run {original.id} of {original.created_at.astimezone():%d/%m/%Y}: "
                + (
                    "the figures are identical to the original. "
                    if same
                    else "the figures differ from the original "
                    "(the disposal ranking or the districts have changed since). "
                )  # fmt: skip
                + text
            )
            self.regenerating = None
        self.status.setText(text)
        self._update_buttons()
        self.state_changed.emit()

    def _build_failed(self, exc: BaseException) -> None:
        self.building = False
        self.regenerating = None
        self.status.setText("")
        self._update_buttons()
        if isinstance(exc, ValidationError):
            self.period_error.show_error(" ".join(exc.fields.values()))
        elif isinstance(exc, MshtError):
            self.period_error.show_error(str(exc))
        else:
            error_report.report(self, exc, "building a report")

    def _update_buttons(self) -> None:
        ready = self.rendered is not None and not self.building
        may = ready and self.rendered is not None and self.reports.may_run(self.rendered.request.kind)
        for b in (self.save_button, self.print_button, self.json_button):
            b.setEnabled(bool(may))
        com = may and self.rendered is not None and self.rendered.report is not None
        for b in (self.html_button, self.csv_button):  # the COM summary only
            b.setEnabled(bool(com))
        self.build_button.setEnabled(not self.building and self.kind.count() > 0)
        chosen = bool(self.history.selectionModel().selectedRows()) and not self.building
        self.regenerate_button.setEnabled(chosen)
        self.revisions_button.setEnabled(chosen)

    # ----- disclosing --------------------------------------------------------------------------
    def ask_and_save(self, fmt: OutputFormat) -> None:
        if self.rendered is None or not self.save_button.isEnabled():
            return
        rendered = self.rendered
        what = {
            OutputFormat.JSON: "the figures as JSON",
            OutputFormat.HTML: "the report as an HTML page",
            OutputFormat.CSV: "the tables as CSV files in a ZIP",
        }.get(fmt, "the PDF")
        dialog = ReasonDialog(
            self,
            title=f"Save the {rendered.request.kind.label}",
            what=f"{rendered.request.describe()}: {what} will be saved to a file.",
            ok_text="Choose file\u2026",
            warning="The file is not encrypted: keep it on an encrypted drive.",
        )
        dialog.reason_given.connect(lambda reason: self._choose_file(rendered, fmt, reason))
        dialog.open()

    def _choose_file(self, rendered: RenderedReport, fmt: OutputFormat, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Save the {rendered.request.kind.label}",
            str(Path(folder) / f"{rendered.request.file_stem()}{fmt.suffix}"),
            f"{fmt.label} files (*{fmt.suffix})",
        )
        if path:
            self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
            self.save_to(path, fmt, reason, rendered)

    def save_to(
        self, path: str, fmt: OutputFormat, reason: str, rendered: RenderedReport | None = None
    ) -> None:
        """On the worker: refuse an unsafe path (the database's own files, its backups) before the run
        is recorded, record it, then write exactly the bytes it hashed, whole."""
        rendered = rendered or self.rendered
        if rendered is None:
            return
        reports = self.reports
        exports = self.ctx.backend.exports

        def work(_job: object) -> tuple[Path, ReportRun]:
            exports.check(path, replace=True)  # the Save dialog has asked about replacing
            run = reports.disclose(rendered, fmt, Path(path).name, reason)
            return exports.write(path, rendered.data(fmt), replace=True), run

        self.ctx.tasks.run(
            work,
            done=lambda result: self._saved(*result),
            failed=self._save_failed,
            owner=self,
            context="recording a report run",
        )

    def _saved(self, written: Path, run: ReportRun) -> None:
        self.status.setText(
            f"Saved {written.name} (run {run.id}); the disclosure is recorded in the audit log"
        )  # the history re-reads on the task runner's change notice (Data.REPORT_RUN)

    def _save_failed(self, exc: BaseException) -> None:
        # a run recorded before the file failed is still a disclosure: the change notice shows it
        error_report.report(self, exc, "saving a report")

    def print_report(self) -> None:
        if self.rendered is None or not self.print_button.isEnabled():
            return
        rendered = self.rendered
        dialog = ReasonDialog(
            self,
            title=f"Print the {rendered.request.kind.label}",
            what=f"{rendered.request.describe()} will be printed.",
            ok_text="Choose printer\u2026",
        )
        dialog.reason_given.connect(lambda reason: self._print(rendered, reason))
        dialog.open()

    def _print(self, rendered: RenderedReport, reason: str) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(rendered.request.file_stem())
        chooser = QPrintDialog(printer, self)
        if chooser.exec() != QPrintDialog.DialogCode.Accepted:
            return
        reports = self.reports
        self.ctx.tasks.run(
            lambda _job: reports.disclose(rendered, OutputFormat.PDF, "printed", reason),
            done=lambda run: self._paint(printer, run),
            owner=self,
            context="recording a report run",
        )

    def _paint(self, printer: Any, run: ReportRun) -> None:
        painter = QPainter(printer)
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                target = printer.pageLayout().paintRectPixels(printer.resolution())
                image = self.document.render(page, target.size())
                painter.drawImage(0, 0, image)
        finally:
            painter.end()
        self.status.setText(
            f"Sent to the printer (run {run.id}); the disclosure is recorded in the audit log"
        )  # the history re-reads on the task runner's change notice (Data.REPORT_RUN)

    # ----- history -----------------------------------------------------------------------------
    def load_history(self) -> None:
        reports = self.reports
        self.ctx.tasks.run(
            lambda _job: reports.history(limit=200),
            done=self._history_loaded,
            owner=self,
            context="listing runs",
        )

    def _history_loaded(self, runs: list[ReportRun]) -> None:
        self.runs.set_runs(runs)
        self.history_hint.setVisible(not runs)
        self._update_buttons()

    def selected_run(self) -> ReportRun | None:
        rows = self.history.selectionModel().selectedRows()
        return self.runs.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    def regenerate_selected(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        index = self.kind.findData(run.kind.value)
        if index < 0:
            return
        self.kind.setCurrentIndex(index)
        self.set_request(run.date_from, run.date_to, run.as_at)
        (self.public if run.public else self.internal).setChecked(True)
        self.regenerating = run
        self.build()

    def show_revisions(self) -> None:
        """What changed since the selected run was published, in a dialog (read on the worker)."""
        run = self.selected_run()
        if run is None:
            return
        reports = self.reports
        self.ctx.tasks.run(
            lambda _job: reports.revisions(run.id),
            done=self._revisions_read,
            failed=self._revisions_failed,
            owner=self,
            progress="Recomputing the run's tables with today's records\u2026",
            parent=self,
            context="listing what changed since publication",
        )

    def _revisions_read(self, revisions: Revisions) -> None:
        self.revisions_dialog = RevisionsDialog(self, revisions)
        self.revisions_dialog.show()

    def _revisions_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MshtError):
            self.period_error.show_error(str(exc))
        else:
            error_report.report(self, exc, "listing what changed since publication")

    def activate(self) -> None:
        self.load_history()

    def refresh(self) -> None:
        self.load_history()


def _read() -> Any:
    from mshtdesk.domain.roles import Action

    return Action.READ
