"""Dialogs for the environmental failures: what happened, and what to do about it.

One dialog per kind of trouble with the database file (damaged, from a newer version, busy, read-only,
disk full, on a network drive). Each says what happened in a sentence, then what to do, and offers the
way forward where the app has one: restoring the newest good backup for a damaged file, trying again for
a busy one. Bugs are not shown here (``ui.error_report`` logs them and apologises).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseUnavailableError,
    DiskFullError,
    MigrationError,
    NewerDatabaseError,
    NotAnMshtDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    environmental,
)


@dataclass(frozen=True)
class Failure:
    title: str  # what happened, as a heading
    what: str  # the error's own sentence(s)
    todo: str  # what to do now
    restore: bool = False  # offer "Restore the latest good backup"
    retry: bool = False  # offer "Try again" (for a caller that can repeat the action)
    warning: bool = False  # advice rather than a failure


def failure_for(exc: BaseException) -> Failure | None:
    """The dialog's content for an environmental failure; None for anything else (a bug, a rule)."""
    found = environmental(exc)
    if not isinstance(found, StoreError):
        return None
    what = str(found)
    if isinstance(found, CorruptDatabaseError):
        return Failure(
            "The database file is damaged",
            what,
            "An administrator can put back the newest backup that passes its check (anyone else: ask an "
            "administrator to log in and do it). The damaged file is kept beside it (renamed, never "
            "deleted) for IT to look at. Changes made since that backup will need entering again.",
            restore=True,
        )
    if isinstance(found, NewerDatabaseError):
        return Failure(
            "This database is from a newer version of MSHT Desk",
            what,
            "Ask IT to install the newer version on this computer. Until then, keep using the computer "
            "that has it; do not restore an old backup over this file, or newer work would be lost.",
        )
    if isinstance(found, DatabaseLockedError):
        return Failure(
            "The database is busy",
            what,
            "Wait a few seconds and try again. If it stays busy, check whether another copy of "
            "MSHT Desk is open on this file (perhaps on another computer) and close it.",
        )
    if isinstance(found, ReadOnlyDatabaseError):
        return Failure(
            "The database cannot be written to",
            what,
            "Ask IT to give your account permission to change the file and its folder, or to move the "
            "file to a folder you may change. You can still read the register meanwhile.",
        )
    if isinstance(found, DiskFullError):
        return Failure(
            "The disk is full",
            what,
            "Free some space on the drive: delete or move files you no longer need, or move old backups "
            "to another drive (Back up now shows where they are). Then try again.",
        )
    if isinstance(found, NotAnMshtDatabaseError | MigrationError | DatabaseUnavailableError):
        return Failure("The database could not be opened", what, "Check the file or address, then try again.")
    return Failure(
        "The database could not be used", what, "Try again; if it keeps happening, tell IT.", retry=True
    )


def network_share_failure(message: str) -> Failure:
    return Failure(
        "The database is on a network drive",
        message,
        "Move the file to this computer's own disk (with its .keys file), or ask IT for team mode. "
        "Until then, make sure only one person has it open at a time.",
        warning=True,
    )


class FailureDialog(QDialog):
    restore_requested = Signal()
    retry_requested = Signal()

    def __init__(self, failure: Failure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("failureDialog")
        self.failure = failure
        self.setWindowTitle("MSHT Desk")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)

        kind = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if failure.warning
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(kind).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = QLabel(failure.title)
        self.heading.setObjectName("failureTitle")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.what = QLabel(failure.what)
        self.what.setObjectName("failureWhat")
        self.what.setWordWrap(True)
        self.what.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        todo_head = QLabel("What to do")
        todo_head.setStyleSheet("font-weight: 600;")
        self.todo = QLabel(failure.todo)
        self.todo.setObjectName("failureTodo")
        self.todo.setWordWrap(True)

        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(self.heading)
        text.addWidget(self.what)
        text.addSpacing(4)
        text.addWidget(todo_head)
        text.addWidget(self.todo)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(icon)
        row.addLayout(text, 1)

        self.buttons = QDialogButtonBox()
        self.restore_button: QPushButton | None = None
        self.retry_button: QPushButton | None = None
        if failure.restore:
            self.restore_button = self.buttons.addButton(
                "&Restore the latest good backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.restore_button.clicked.connect(self._restore)
            self.restore_button.setDefault(True)
        if failure.retry:
            self.retry_button = self.buttons.addButton("&Try again", QDialogButtonBox.ButtonRole.AcceptRole)
            self.retry_button.clicked.connect(self._retry)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("OK" if failure.warning or not (failure.restore or failure.retry) else "Close")
        close.clicked.connect(self.reject)
        if not (failure.restore or failure.retry):
            close.setDefault(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.resize(560, self.sizeHint().height())

    def _restore(self) -> None:
        self.accept()
        self.restore_requested.emit()

    def _retry(self) -> None:
        self.accept()
        self.retry_requested.emit()


def show_failure(parent: QWidget | None, failure: Failure) -> FailureDialog:
    """Open (not exec) a failure dialog; the caller connects to its signals."""
    dialog = FailureDialog(failure, parent)
    dialog.open()
    return dialog
