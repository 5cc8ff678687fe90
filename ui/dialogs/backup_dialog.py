"""File → Back up now: take a backup at once, see the backups, check one, and (administrators) restore one
or choose the folder.

Every job runs on the worker. Restoring asks first, says that the file as it is will be backed up before
it is replaced, and announces that everything may have changed so that every page reloads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.retention import DEFAULT_POLICY
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.backups import BackupInfo, RestoreResult
from ui import error_report, palette
from ui.context import AppContext
from ui.models.backups_model import BackupColumn, BackupsModel

EMPTY = (
    "No backups yet. MSHT Desk takes one automatically the first time it starts each day; "
    "Back up now takes one at once."
)


class BackupDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle("Backups")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.service = ctx.backend.backups
        self.may_administer = ctx.may(Action.ADMINISTER, Entity.REFERENCE)

        self.folder = QLabel("")
        self.folder.setObjectName("backupFolder")
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_folder = QPushButton("Change &folder\u2026")
        self.change_folder.setVisible(self.may_administer)
        self.change_folder.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.folder, 1)
        top.addWidget(self.change_folder)

        self.model = BackupsModel(self)
        self.table = QTableView()
        self.table.setObjectName("backupsTable")
        self.table.setAccessibleName("Backups, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(BackupColumn.CHECK, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        header.resizeSection(BackupColumn.TAKEN, fm.horizontalAdvance("00/00/0000 00:00") + 24)
        header.resizeSection(BackupColumn.KIND, fm.horizontalAdvance("Backed up by hand") + 36)
        header.resizeSection(BackupColumn.SIZE, fm.horizontalAdvance("000.0 MB") + 24)
        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("emptyHint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(
            "QLabel { background: palette(base); border: 1px solid palette(mid); padding: 24px; "
            f"color: {palette.QUIET_HEX}; }}"
        )
        self.empty.hide()
        self.rule = QLabel(
            f"Kept: {DEFAULT_POLICY.describe()}, and every backup taken before an upgrade, a restore "
            f"or by hand for {DEFAULT_POLICY.protect_days} days. Backups are encrypted like the database; "
            "the key file is copied beside each one."
        )
        self.rule.setObjectName("footnote")
        self.rule.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)

        self.back_up = QPushButton("&Back up now")
        self.check = QPushButton("&Check selected")
        self.restore = QPushButton("&Restore selected\u2026")
        self.restore.setVisible(self.may_administer)
        for b in (self.check, self.restore):
            b.setAutoDefault(False)
        self.back_up.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.back_up)
        row.addWidget(self.check)
        row.addWidget(self.restore)
        row.addStretch(1)
        row.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.rule)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.resize(760, 460)

        self.back_up.clicked.connect(self.back_up_now)
        self.check.clicked.connect(self.check_selected)
        self.restore.clicked.connect(self.restore_selected)
        self.change_folder.clicked.connect(self.choose_folder)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._busy(True)
        self.reload()

    # ----- state -------------------------------------------------------------------------------
    def _busy(self, busy: bool, text: str = "") -> None:
        self.back_up.setEnabled(not busy and self.service.available())
        self.change_folder.setEnabled(not busy)
        if text:
            self.status.setText(text)
        self._update_buttons(busy)

    def _update_buttons(self, busy: bool = False) -> None:
        chosen = self.selected() is not None
        self.check.setEnabled(chosen and not busy)
        self.restore.setEnabled(chosen and not busy)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.status.setText(error_report.describe(exc))
        if error_report.describe(exc) == error_report.APOLOGY:
            error_report.log_bug(exc, "working with backups")

    # ----- jobs --------------------------------------------------------------------------------
    def reload(self) -> None:
        service = self.service
        if not service.available():
            self.folder.setText(
                "This is a team database on a server: its administrators back it up there. "
                "MSHT Desk backs up only a database file."
            )
            self._busy(False)
            self.back_up.setEnabled(False)
            self.empty.hide()
            return
        self.ctx.tasks.run(
            lambda _job: (service.folder(), service.list()),
            done=self._loaded,
            failed=self._failed,
            owner=self,
            context="listing backups",
        )

    def _loaded(self, result: tuple[object, list[BackupInfo]]) -> None:
        folder, rows = result
        self.folder.setText(f"Backups are kept in <b>{folder}</b>")
        self.model.set_backups(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._busy(False)

    def back_up_now(self) -> None:
        self._busy(True, "Backing up\u2026")
        service = self.service
        self.ctx.tasks.run(
            lambda _job: service.create(),
            done=self._created,
            failed=self._failed,
            owner=self,
            context="backing up",
            progress="Backing up the database\u2026",
        )

    def _created(self, made: BackupInfo) -> None:
        self.status.setText(f"Backed up at {made.taken_at:%H:%M} to {made.path}.")
        self.reload()

    def check_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self._busy(True, "Checking\u2026")
        service, path = self.service, chosen.path
        self.ctx.tasks.run(
            lambda _job: service.verify(path),
            done=lambda result: self._checked(path, str(result)),
            failed=self._failed,
            owner=self,
            context="checking a backup",
        )

    def _checked(self, path: str, result: str) -> None:
        self.model.set_check(path, result)
        self.status.setText(
            "The backup opens with the key and passes SQLite's integrity check."
            if result == "ok"
            else f"This backup cannot be trusted: {result}."
        )
        self._busy(False)

    def restore_selected(self) -> QMessageBox | None:
        chosen = self.selected()
        if chosen is None or not self.may_administer:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore this backup?",
            f"Replace the database with the backup taken {chosen.taken_at:%d/%m/%Y at %H:%M}?\n\n"
            "Everything entered since then will no longer be in the register. The database as it is now "
            "is backed up first, so this can be undone by restoring that copy.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("restoreQuestion")
        go = box.addButton("Restore", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        path = chosen.path
        box.buttonClicked.connect(lambda button: self._restore(path) if button is go else None)
        box.open()
        return box

    def _restore(self, path: str) -> None:
        self._busy(True, "Restoring\u2026")
        service = self.service
        self.ctx.tasks.run(
            lambda _job: service.restore(path),
            done=self._restored,
            failed=self._failed,
            owner=self,
            context="restoring a backup",
            progress="Restoring the backup\u2026",
        )

    def _restored(self, result: RestoreResult) -> None:
        self.status.setText(
            f"Restored. The damaged file it replaced is kept beside it: {result.safety_copy}."
            if result.damaged
            else f"Restored. The database as it was before is kept as a backup: {result.safety_copy}."
        )
        self.reload()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for backups")
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str) -> None:
        self._busy(True, "Checking the folder\u2026")
        service = self.service
        self.ctx.tasks.run(
            lambda _job: service.set_folder(folder),
            done=lambda _f: self.reload(),
            failed=self._folder_failed,
            owner=self,
            context="choosing the backup folder",
        )

    def _folder_failed(self, exc: BaseException) -> None:
        from mshtdesk.errors import ValidationError

        if isinstance(exc, ValidationError):
            self._busy(False)
            self.status.setText(" ".join(exc.fields.values()))
            return
        self._failed(exc)
