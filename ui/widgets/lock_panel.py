"""What the window shows while locked: who may unlock it, a password field, Unlock and Log out.

It replaces the window's content (which is hidden, not drawn over), so nothing from the register is on
screen behind it. The controller runs the password check on the worker and reports back here.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.field_error import FieldError


class LockPanel(QWidget):
    unlock_requested = Signal(str)  # the password typed
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPanel")
        self.title = QLabel("Locked")
        self.title.setObjectName("stateTitle")
        self.text = QLabel("")
        self.text.setObjectName("stateText")
        self.text.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(260)
        self.caption = QLabel("&Password:")
        self.caption.setBuddy(self.password)
        self.error = FieldError(self.password)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(200)
        self.busy.setAccessibleName("Checking the password")
        self.busy.hide()
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton("Log &out")
        self.logout_button.setAutoDefault(False)

        form = QFormLayout()
        form.setContentsMargins(0, 8, 0, 0)
        form.addRow(self.caption, self.password)
        form.addRow("", self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy)
        buttons.addStretch(1)
        buttons.addWidget(self.logout_button)
        buttons.addWidget(self.unlock_button)
        box = QWidget()
        box.setObjectName("lockBox")
        box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the style sheet draws it as a card
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 22, 28, 22)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        inner.addLayout(form)
        inner.addSpacing(4)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 10)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(row)
        outer.addStretch(3)

        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.logout_button.clicked.connect(self.logout_requested.emit)

    def show_locked(self, username: str, *, idle: bool) -> None:
        """Reset for a new lock: empty field, no message, both ways out offered."""
        why = "because it was idle" if idle else "at your request"
        self.text.setText(
            f"MSHT Desk is locked {why}. Enter the password for <b>{escape(username)}</b> to continue."
        )
        self.password.clear()
        self.caption.show()
        self.password.show()
        self.password.setEnabled(True)
        self.unlock_button.show()
        self.error.clear()
        self.set_busy(False)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.password.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.logout_button.setEnabled(not busy)

    def show_error(self, message: str, *, final: bool = False) -> None:
        """A wrong password: try again. ``final`` (account locked out): only Log out is left."""
        self.set_busy(False)
        self.error.show_error(message)
        self.password.clear()
        if final:
            self.caption.hide()
            self.password.hide()
            self.unlock_button.hide()
            self.logout_button.setDefault(True)
            self.logout_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unlock(self) -> None:
        if self.unlock_button.isVisible() and self.unlock_button.isEnabled() and self.password.text():
            self.set_busy(True)
            self.unlock_requested.emit(self.password.text())
