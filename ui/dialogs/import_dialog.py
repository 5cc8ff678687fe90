"""Import a file (a custody export, an NRM register or court outcomes): choose the kind and the file,
check or import it on the worker, show what happened.

The import is all-or-nothing, so a rejected file is reported as a list of problems (line, column,
reason) that can be copied into an e-mail to whoever produced the export, with the assurance that
nothing was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
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
    from mshtdesk.services.backend import AnySummary

LAST_DIR_KEY = "import/last_dir"


class ImportKind(NamedTuple):
    """One kind of file the window imports; ``key`` is the name the command line uses for it too."""

    key: str
    label: str
    title: str
    intro: str


KINDS = (
    ImportKind(
        "custody",
        "Custody export (arrests, offences, disposals)",
        "Import custody export",
        "Add arrests, offences and disposal events from the custody system\u2019s CSV export "
        "(one row per disposal event).",
    ),
    ImportKind(
        "nrm",
        "NRM register (referrals and decisions)",
        "Import NRM register",
        "Add NRM referrals, the people referred and the Reasonable and Conclusive Grounds decisions from "
        "the team\u2019s NRM register (CSV, one row per referral).",
    ),
    ImportKind(
        "outcomes",
        "Court outcomes (per offence charged)",
        "Import court outcomes",
        "Add court outcomes to offences already in the register (CSV: custody_ref, offence_ref, outcome, "
        "outcome_date, sentence_months, custodial).",
    ),
)
ALL_OF_FILE = (
    " The whole file is checked first: if any row has a problem, nothing is imported. Rows already in "
    "the register are skipped, so a file can be imported again."
)


class ImportDialog(QDialog):
    @classmethod
    def start(cls, ctx: AppContext, parent: QWidget | None, kind: str = "custody") -> ImportDialog:
        dialog = cls(ctx, parent, kind)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, kind: str = "custody") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.summary: AnySummary | None = None
        self.job: Job | None = None

        # Only the kinds this user may import are offered (an officer imports all three; a VLO none).
        self.kinds = [k for k in KINDS if ctx.backend.may_import(k.key)] or [KINDS[0]]
        self.kind = QComboBox()
        self.kind.setObjectName("importKind")
        for k in self.kinds:
            self.kind.addItem(k.label, k.key)
        kind_label = QLabel("&Kind of file:")
        kind_label.setBuddy(self.kind)
        self.kind.setAccessibleName("Kind of file")
        kind_row = QHBoxLayout()
        kind_row.addWidget(kind_label)
        kind_row.addWidget(self.kind, 1)
        self.intro = QLabel()
        self.intro.setObjectName("importIntro")
        self.intro.setWordWrap(True)
        intro = self.intro
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
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self._kind_changed()

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(kind_row)
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
        # The kind is already the one the user came for (menu or empty state): the file is what they type.
        self.path.setFocus()

    @property
    def current_kind(self) -> ImportKind:
        return self.kinds[max(0, self.kind.currentIndex())]

    def _kind_changed(self) -> None:
        kind = self.current_kind
        self.setWindowTitle(kind.title)
        self.intro.setText(kind.intro + ALL_OF_FILE)
        self._show_result("", "")
        self.errors.set_errors(())
        self.error_box.hide()

    # ----- commands ----------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.ctx.settings.value(LAST_DIR_KEY, "") or "")
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Choose the file: {self.current_kind.label}",
            start,
            "CSV files (*.csv);;Text files (*.txt);;All files (*)",
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
        kind = self.current_kind
        self._show_result("", "")
        self.errors.set_errors(())
        self.error_box.hide()

        def imported(summary: AnySummary) -> None:  # the task runner tells the pages what changed
            if shiboken6.isValid(self):
                self._imported(summary, check)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self._failed(exc)
            elif not isinstance(exc, MshtError):
                error_report.log_bug(exc, f"importing a file ({kind.key})")

        self.job = self.ctx.tasks.run(
            lambda job: backend.import_kind_file(
                kind.key, target, dry_run=check, progress=job.progress, cancel=job.cancelled
            ),
            done=imported,
            failed=failed,
            progress=f"{'Checking' if check else 'Importing'} {Path(target).name}",
            parent=self,
            context=f"importing a file ({kind.key})",
        )
        self._update_buttons()
        return self.job

    def _imported(self, summary: AnySummary, check: bool) -> None:
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
            error_report.log_bug(exc, f"importing a file ({self.current_kind.key})")
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
        self.kind.setEnabled(idle and len(self.kinds) > 1)
