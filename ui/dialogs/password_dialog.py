"""File > Change password…: the current password, then the new one twice.

The service re-wraps the user's copy of the database key under the new password, so the old one stops
working at once. The current password is checked by the service, on the worker (argon2 takes ~0.3 s).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from mshtdesk.errors import AuthenticationError
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.field_error import hint_label
from ui.widgets.password import MISMATCH, POLICY_HINT, password_edit


class ChangePasswordDialog(FormDialog):
    logout_requested = Signal()  # a required change was refused: the session ends

    @classmethod
    def start(
        cls, ctx: AppContext, parent: QWidget | None, *, required: bool = False
    ) -> ChangePasswordDialog:
        dialog = cls(ctx, parent, required=required)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, required: bool = False) -> None:
        super().__init__(ctx, "Change password", parent, ok_text="Change password")
        self.setObjectName("changePasswordDialog")
        self.required = required
        name = escape(ctx.backend.actor.username)
        who = QLabel(
            f"An administrator has set a temporary password for <b>{name}</b>. Choose your own now; "
            "the temporary one then stops working."
            if required
            else f"Changing the password of <b>{name}</b>."
        )
        who.setWordWrap(True)
        self.form.addRow(who)
        if required:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Log out")
        self.old = password_edit("oldPassword", "Current password")
        self.new = password_edit("newPassword", "New password")
        self.confirm = password_edit("confirmPassword", "New password again")
        self.add_field("old", "&Current password:", self.old)
        self.add_field("password", "&New password:", self.new, hint=hint_label(POLICY_HINT))
        self.add_field("confirm", "Ne&w password again:", self.confirm)
        self.setMinimumWidth(520)
        self.old.setFocus()

    def submit(self) -> None:
        old, new = self.old.text(), self.new.text()
        if not old:
            self.show_errors({"old": "Enter your current password."})
            return
        if new != self.confirm.text():
            self.show_errors({"confirm": MISMATCH})
            return
        users = self.ctx.backend.users
        self.save(lambda: users.change_own_password(old, new), self._changed, context="changing a password")

    def _changed(self, _result: object) -> None:
        self.accept()

    def reject(self) -> None:
        """Cancel; for a required change, Cancel is "Log out": no session on a temporary password."""
        if self.busy:
            return
        super().reject()
        if self.required:
            self.logout_requested.emit()

    def handle_error(self, exc: BaseException) -> bool:
        if isinstance(exc, AuthenticationError):  # the current password was wrong
            self.old.clear()
            self.show_errors({"old": str(exc)})
            return True
        return False
