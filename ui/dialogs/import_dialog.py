"""Import a custody export: choose the file, check or import it on the worker, show what happened.

The import is all-or-nothing, so a rejected file is reported as a list of problems (line, column,
reason) that can be copied into an e-mail to whoever produced the export, with the assurance that
nothing was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import CancelledError, ImportRejectedError, MshtError
from ui import error_report
from ui.context import AppContext
from ui.models.row_errors_model import RowErrorsModel
from ui.tasks import Job

if TYPE_CHECKING:
    from mshtdesk.imports.custody import ImportSummary

LAST_DIR_KEY = "import/last_dir"


class ImportDialog(QDialog):
    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget | None) -> ImportDialog:
        dialog = cls(ctx, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importDialog")
        self.setWindowTitle("Import custody export")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.summary: ImportSummary | None = None
        self.job: Job | None = None

        intro = QLabel(
            "Add arrests, offences and disposal events from the custody system\u2019s CSV export "
            "(one row per disposal event). The whole file is checked first: if any row has a problem, "
            "nothing is imported. Rows already in the register are skipped, so a file can be imported again."
        )
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("Choose the exported .csv file")
        self.path.setObjectName("importPath")
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)
        self.choose_button = QPushButton("&Choose\u2026")
        self.choose_button.setAutoDefault(False)
        self.check_only = QCheckBox("Check &only (don't import)")
        self.check_only.setToolTip(
            "Read and check the whole file, then report what it would add, without writing"
        )
        file_row = QHBoxLayout()
        file_row.addWidget(file_label)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)

        self.result_title = QLabel("")
        self.result_title.setObjectName("resultTitle")
        self.result_title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.result_text = QLabel("")
        self.result_text.setObjectName("resultText")
        self.result_text.setWordWrap(True)
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors = RowErrorsModel(self)
        self.error_table = QTableView()
        self.error_table.setObjectName("importErrors")
        self.error_table.setAccessibleName("Problems found in the file")
        self.error_table.setModel(self.errors)
        self.error_table.setAlternatingRowColors(True)
        self.error_table.setWordWrap(True)
        self.error_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.error_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.error_table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # long problems wrap
        rows.setMinimumSectionSize(self.fontMetrics().height() + 10)
        header = self.error_table.horizontalHeader()
        fm = self.fontMetrics()
        for col, sample in ((0, "00000"), (1, "disposal_date")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fm.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.copy_button = QPushButton("Copy problems")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip(
            "Copy the list as tab-separated text, to paste into a spreadsheet or e-mail"
        )
        copy = QAction(self.error_table)
        copy.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_errors)
        self.error_table.addAction(copy)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        self.error_box = QWidget()
        error_layout = QVBoxLayout(self.error_box)
        error_layout.setContentsMargins(0, 0, 0, 0)
        error_layout.addWidget(self.error_table, 1)
        error_layout.addLayout(copy_row)
        self.error_box.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.ApplyRole)
        self.import_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(lambda: self.start_import())
        self.choose_button.clicked.connect(self.choose_file)
        self.copy_button.clicked.connect(self.copy_errors)
        self.path.textChanged.connect(self._update_buttons)
        self.check_only.toggled.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.check_only)
        layout.addSpacing(6)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_text)
        layout.addWidget(self.error_box, 1)
        layout.addStretch(0)
        layout.addWidget(self.buttons)
        self.resize(760, 300)
        self._update_buttons()

    # ----- commands ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.ctx.settings.value(LAST_DIR_KEY, "") or "")
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a custody export", start, "CSV files (*.csv);;Text files (*.txt);;All files (*)"
        )
        if path:
            self.path.setText(path)
            self.ctx.settings.setValue(LAST_DIR_KEY, str(Path(path).parent))

    def start_import(self, path: str | None = None, *, dry_run: bool | None = None) -> Job | None:
        """Check or import ``path`` (default: the path field) on the worker; the result shows here."""
        if path is not None:
            self.path.setText(path)
        if dry_run is not None:
            self.check_only.setChecked(dry_run)
        target = self.path.text().strip()
        if not target or self.job is not None:
            return None
        check = self.check_only.isChecked()
        backend = self.ctx.backend
        self._show_result("", "")
        self.errors.set_errors(())
        self.error_box.hide()

        def imported(summary: ImportSummary) -> None:  # the task runner tells the pages what changed
            if shiboken6.isValid(self):
                self._imported(summary, check)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self._failed(exc)
            elif not isinstance(exc, MshtError):
                error_report.log_bug(exc, "importing a custody export")

        self.job = self.ctx.tasks.run(
            lambda job: backend.import_file(
                target, dry_run=check, progress=job.progress, cancel=job.cancelled
            ),
            done=imported,
            failed=failed,
            progress=f"{'Checking' if check else 'Importing'} {Path(target).name}",
            parent=self,
            context="importing a custody export",
        )
        self._update_buttons()
        return self.job

    def _imported(self, summary: ImportSummary, check: bool) -> None:
        self.job = None
        self.summary = summary
        if check:
            self._show_result("Check complete: no problems found", summary.describe())
        elif summary.changed:
            self._show_result("Import complete", summary.describe())
        else:
            self._show_result("Nothing to import", summary.describe())
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        if isinstance(exc, ImportRejectedError):
            self._show_result("File not imported", str(exc))
            self.errors.set_errors(exc.errors)
            self.error_box.show()
            self.resize(max(self.width(), 860), max(self.height(), 560))
        elif isinstance(exc, CancelledError):
            self._show_result("Import cancelled", "The import was cancelled: nothing was written.")
        elif isinstance(exc, MshtError):
            self._show_result("File not imported", str(exc))
        else:
            error_report.log_bug(exc, "importing a custody export")
            self._show_result("File not imported", error_report.APOLOGY)
        self._update_buttons()

    def _show_result(self, title: str, text: str) -> None:
        self.result_title.setText(title)
        self.result_text.setText(text)
        self.result_title.setVisible(bool(title))
        self.result_text.setVisible(bool(text))

    def reject(self) -> None:
        """Closing while a file is being read cancels it; a cancelled import writes nothing."""
        if self.job is not None:
            self.job.cancel()
        super().reject()

    def copy_errors(self) -> None:
        if self.errors.rowCount():
            QGuiApplication.clipboard().setText(self.errors.as_tsv())

    def _update_buttons(self) -> None:
        idle = self.job is None
        self.import_button.setText("&Check file" if self.check_only.isChecked() else "&Import")
        self.import_button.setEnabled(idle and bool(self.path.text().strip()))
        self.choose_button.setEnabled(idle)
        self.check_only.setEnabled(idle)
