"""The audit log: who collected, altered, consulted or disclosed what, when, and why; and its integrity.

Searching is itself a consultation of the log, recorded by the service, so the page searches only when
asked (Search, Enter, or "Show recent events"), never on every keystroke. "Verify chain" recomputes the
hash chain on the worker. Export CSV is a disclosure: it asks for a reason first, and warns that the file
is not encrypted (it holds user and workstation names). Every read runs on the worker (``ctx.tasks``):
the search, the chain check and the export; the last results stay on screen until the next arrive.
"""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
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

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.audit import AuditAction, AuditQuery, AuditRow, Verification
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog
from ui.models.audit_model import HEADERS, SORT_ROLE, AuditColumn, AuditModel, label, write_csv
from ui.pages.base import Page
from ui.widgets.dates import OptionalDateEdit, fit_filter_width
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural

SCREEN_LIMIT = 5_000  # on screen; narrow the filters for older events
EXPORT_LIMIT = 1_000_000
EXPORT_DIR_KEY = "export/last_dir"
ENTITIES = (
    "arrest",
    "offence",
    "disposal_event",
    "import_batch",
    "disposal_report",
    "reference",
    "user",
    "audit_log",
)
UNENCRYPTED_WARNING = (
    "The CSV file is not encrypted. It holds user names, workstation names and the reasons given: save "
    "it only to an encrypted drive or a folder approved for OFFICIAL-SENSITIVE material, and delete it "
    "when it is no longer needed."
)


class AuditPage(Page):
    shows = frozenset({Data.AUDIT})  # a search shown again after a restore; else re-read on Search

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("auditPage")
        self.can_export = ctx.may(Action.EXPORT, Entity.AUDIT_LOG)
        self.model = AuditModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.searching = False
        self.searched_query: AuditQuery | None = None
        self.verification: Verification | None = None
        self._generation = 0
        self._build_layout()
        self._connect()

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do."""
        self.search_button.clicked.connect(self.search)
        self.clear_button.clicked.connect(self.clear_filters)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.export_csv)
        for edit in (self.username, self.record_id):
            edit.returnPressed.connect(self.search)

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        title = QLabel("Audit log")
        title.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip(
            "Recompute every event's hash: shows whether any event was changed or removed"
        )
        self.export_button = QPushButton("Export CSV\u2026")
        self.export_button.setToolTip("Save the events found as a CSV file (Ctrl+E); asks why")
        self.export_button.setVisible(self.can_export)
        self.export_button.setEnabled(False)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.verify_button)
        head.addWidget(self.export_button)

        self.username = QLineEdit()
        self.username.setObjectName("auditUser")
        self.username.setPlaceholderText("Any user")
        self.username.setClearButtonEnabled(True)
        self.username.setMaximumWidth(self.username.fontMetrics().averageCharWidth() * 22)
        self.entity = QComboBox()
        self.entity.setObjectName("auditEntity")
        self.entity.addItem("Any entity", None)
        for code in ENTITIES:
            self.entity.addItem(label(code), code)
        self.record_id = QLineEdit()
        self.record_id.setObjectName("auditRecord")
        self.record_id.setPlaceholderText("Any record")
        self.record_id.setClearButtonEnabled(True)
        self.record_id.setMaximumWidth(self.record_id.fontMetrics().averageCharWidth() * 16)
        self.record_id.setToolTip("The record's id, as in the Record column (e.g. an arrest's number)")
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem("Any action", None)
        for act in AuditAction:
            self.action.addItem(label(act.value), act.value)
        self.date_from = OptionalDateEdit("Any date")
        self.date_to = OptionalDateEdit("Any date")
        for edit in (self.date_from, self.date_to):
            fit_filter_width(edit)
        self.search_button = QPushButton("&Search")
        self.search_button.setDefault(True)
        self.clear_button = QPushButton("Clear")

        # The filters wrap onto more rows at a large text size rather than widen the window.
        first_box, second_box = QWidget(), QWidget()
        first = FlowLayout(first_box, spacing=16)
        second = FlowLayout(second_box, spacing=16)
        for bar, text, widget in (
            (first, "&User:", self.username),
            (first, "E&ntity:", self.entity),
            (first, "Re&cord:", self.record_id),
            (first, "Ac&tion:", self.action),
            (second, "&From:", self.date_from),
            (second, "T&o:", self.date_to),
        ):
            caption = QLabel(text)
            caption.setBuddy(widget)
            bar.add_group(caption, widget)
        second.add_group(self.search_button, self.clear_button)
        note = QLabel("Each search is itself recorded in the audit log.")
        note.setObjectName("footnote")
        note.setWordWrap(True)
        second.addWidget(note)

        self.verify_panel = QLabel("")
        self.verify_panel.setObjectName("verifyPanel")
        self.verify_panel.setWordWrap(True)
        self.verify_panel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_panel.hide()

        samples = {
            AuditColumn.WHEN: "00/00/0000 00:00:00",
            AuditColumn.USER: "j.smith-admin",
            AuditColumn.WORKSTATION: "WYP-LT-000000",
            AuditColumn.ACTION: "Failed login",
            AuditColumn.ENTITY: "Disposal report",
            AuditColumn.RECORD: "000000",
            AuditColumn.FIELDS: "custody_ref, arrest_date",
            AuditColumn.REASON: "Quarterly figures for the board",
        }
        self.table = record_table(
            "auditTable", "Audit events", self.proxy, samples, HEADERS, multi_select=True, padding=28
        )
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AuditColumn.WHEN, Qt.SortOrder.DescendingOrder)

        self.start = StatePanel(
            "Search the audit log",
            "Choose filters above and press Search, or show the most recent events. Events are kept "
            "for every login, consultation, change and disclosure; field names are recorded, never values.",
        )
        self.start.setObjectName("auditStart")
        self.start.add_button("Show recent events", self.search, default=True)
        self.no_match = StatePanel("No events match these filters", "Try a wider period or fewer filters.")
        self.no_match.setObjectName("auditNoMatch")
        self.no_match.add_button("Clear filters", self.clear_filters, default=True)
        self.body = QStackedWidget()
        for w in (self.start, self.table, self.no_match):
            self.body.addWidget(w)
        self.body.setCurrentWidget(self.start)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(first_box)
        layout.addWidget(second_box)
        layout.addWidget(self.verify_panel)
        layout.addWidget(self.body, 1)
        set_tab_order(
            [
                self.username,
                self.entity,
                self.record_id,
                self.action,
                self.date_from,
                self.date_to,
                self.search_button,
                self.clear_button,
                self.table,
                self.verify_button,
                self.export_button,
            ]
        )

    # ----- searching ---------------------------------------------------------------------------
    def current_query(self) -> AuditQuery:
        return AuditQuery(
            username=self.username.text().strip() or None,
            entity=self.entity.currentData(),
            record_id=self.record_id.text().strip() or None,
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            action=self.action.currentData(),
        )

    def search(self) -> None:
        """Run the query on the worker; a result that arrives after a newer search is dropped."""
        query = self.current_query()
        self._generation += 1
        generation = self._generation
        audit = self.ctx.backend.audit
        self.searching = True
        self.count_label.setText("Searching\u2026")
        self.ctx.tasks.run(
            lambda _job: audit.list(query, limit=SCREEN_LIMIT),
            done=lambda rows: self._found(generation, query, rows),
            failed=lambda exc: self._search_failed(generation, exc),
            owner=self,
            context="searching the audit log",
        )

    def _found(self, generation: int, query: AuditQuery, rows: list[AuditRow]) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self.searched_query = query
        self.model.set_rows(rows)
        n = len(rows)
        if n >= SCREEN_LIMIT:
            self.count_label.setText(f"the latest {n:,} events; narrow the filters to see older ones")
        else:
            self.count_label.setText(plural(n, "event"))
        self.body.setCurrentWidget(self.table if n else self.no_match)
        self.export_button.setEnabled(n > 0)
        self.state_changed.emit()

    def _search_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self.count_label.setText("")
        error_report.report(self, exc, "searching the audit log")

    def clear_filters(self) -> None:
        self.username.clear()
        self.record_id.clear()
        self.entity.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.date_from.clear_value()
        self.date_to.clear_value()
        self.search()

    def refresh(self) -> None:
        if self.searched_query is not None:
            self.search()

    def focus_filter(self) -> None:
        self.username.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ----- verifying ---------------------------------------------------------------------------
    def verify(self) -> None:
        audit = self.ctx.backend.audit
        self.verify_button.setEnabled(False)
        self.verify_panel.setProperty("state", "busy")
        self.verify_panel.setText("Checking every event\u2019s hash\u2026")
        self._repolish(self.verify_panel)
        self.verify_panel.show()
        self.ctx.tasks.run(
            lambda _job: audit.verify(),
            done=self._verified,
            failed=self._verify_failed,
            owner=self,
            context="verifying the audit log",
        )

    def _verified(self, result: Verification) -> None:
        self.verification = result
        self.verify_button.setEnabled(True)
        self.verify_panel.setProperty("state", "ok" if result.ok else "broken")
        mark = "\u2714" if result.ok else "\u2716"
        self.verify_panel.setText(f"{mark}  {result.describe()}")
        self._repolish(self.verify_panel)

    def _verify_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.verify_panel.hide()
        error_report.report(self, exc, "verifying the audit log")

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        """Re-apply the style sheet after a dynamic property changed (green, red, neutral)."""
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # ----- exporting ---------------------------------------------------------------------------
    def export_csv(self) -> None:
        """Ask why (with the unencrypted-file warning), then where; the service records the disclosure."""
        if not self.can_export or self.searched_query is None or not self.model.rowCount():
            return
        dialog = ReasonDialog(
            self,
            title="Export audit events",
            what="The events matching the last search will be saved as a CSV file "
            "(all of them, not only the latest shown).",
            ok_text="Choose file\u2026",
            warning=UNENCRYPTED_WARNING,
        )
        dialog.reason_given.connect(lambda reason: QTimer.singleShot(0, lambda: self._choose_file(reason)))
        dialog.open()

    def default_file_name(self) -> str:
        return "audit-events.csv"

    def _choose_file(self, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self, "Export audit events", str(Path(folder) / self.default_file_name()), "CSV files (*.csv)"
        )
        if path:
            self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
            self.export_to(path, reason)

    def export_to(self, path: str, reason: str) -> None:
        """On the worker: refuse an unsafe path (the database's own files, its backups, a folder) before
        anything is disclosed, read the events as a disclosure with ``reason``, write them whole."""
        query = self.searched_query or self.current_query()
        audit = self.ctx.backend.audit
        exports = self.ctx.backend.exports

        def work(_job: object) -> int:
            exports.check(path, replace=True)  # the Save dialog has asked about replacing
            rows = audit.list(query, limit=EXPORT_LIMIT, reason=reason)
            buf = io.StringIO()
            n = write_csv(buf, rows)
            exports.write(path, buf.getvalue().encode("utf-8"), replace=True)
            return n

        self.count_label.setText("Exporting\u2026")
        self.ctx.tasks.run(
            work,
            done=lambda n: self._exported(path, n),
            failed=self._export_failed,
            owner=self,
            context="exporting the audit log",
        )

    def _exported(self, path: str, n: int) -> None:
        self.count_label.setText(
            f"Saved {plural(n, 'event')} to {Path(path).name}; the disclosure is recorded in the audit log"
        )

    def _export_failed(self, exc: BaseException) -> None:
        self.count_label.setText("")
        error_report.report(self, exc, "exporting the audit log")
