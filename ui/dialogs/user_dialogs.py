"""An administrator's dialogs: add a user, and set a new password for one who has forgotten theirs.

Passwords are typed twice (compared here); the policy is the service's, shown beside the field when it
refuses. Each new password wraps a copy of the database key for that user, in the key file.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from mshtdesk.domain.roles import Role
from mshtdesk.services.users import UserInfo
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.field_error import hint_label
from ui.widgets.password import MISMATCH, POLICY_HINT, password_edit
from ui.wording import ROLE_SUMMARY


class AddUserDialog(FormDialog):
    saved = Signal(str)  # the new user's name

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Add user", parent, ok_text="Add user")
        self.setObjectName("addUserDialog")
        self.username = QLineEdit()
        self.username.setObjectName("newUsername")
        self.username.setPlaceholderText("e.g. j.smith")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.display_name.setPlaceholderText("e.g. DC Jo Smith")
        self.role = QComboBox()
        self.role.setObjectName("roleCombo")
        self.role.setPlaceholderText("Choose a role")
        for role in Role:
            self.role.addItem(role.label, role.value)  # a str enum would come back as a plain str
        self.role.setCurrentIndex(-1)
        self.role_summary = hint_label("")
        self.role_summary.hide()
        self.password = password_edit("newPassword", "Password")
        self.confirm = password_edit("confirmPassword", "Password again")
        hint = hint_label(POLICY_HINT + " The user should change it after their first login.")
        self.add_field("username", "&User name:", self.username)
        self.add_field("display_name", "&Display name:", self.display_name)
        self.add_field("role", "&Role:", self.role, hint=self.role_summary)
        self.add_field("password", "&Password:", self.password, hint=hint)
        self.add_field("confirm", "Password &again:", self.confirm)
        self.role.currentIndexChanged.connect(self._describe_role)
        self.setMinimumWidth(560)
        self.username.setFocus()

    def selected_role(self) -> Role | None:
        value = self.role.currentData()
        return Role(value) if value else None

    def _describe_role(self, _index: int) -> None:
        role = self.selected_role()
        self.role_summary.setText(ROLE_SUMMARY.get(role.value, "") if role is not None else "")
        self.role_summary.setVisible(role is not None)

    def submit(self) -> None:
        username = self.username.text().strip()
        display = self.display_name.text().strip()
        role = self.selected_role()
        password = self.password.text()
        problems = {}
        if role is None:
            problems["role"] = "Choose the user's role: it decides what they may see and do."
        if password != self.confirm.text():
            problems["confirm"] = MISMATCH
        if problems or role is None:
            self.show_errors(problems)
            return
        users = self.ctx.backend.users
        self.save(
            lambda: users.add_user(username, display, role, password),
            lambda _id: self._added(username),
            context="adding a user",
        )

    def _added(self, username: str) -> None:
        self.accept()
        self.saved.emit(username)


class ResetPasswordDialog(FormDialog):
    saved = Signal(str)

    def __init__(self, ctx: AppContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Reset password", parent, ok_text="Set password")
        self.setObjectName("resetPasswordDialog")
        self.user = user
        intro = QLabel(
            f"Set a new password for <b>{escape(user.username)}</b> ({escape(user.display_name)}). "
            "Give it to them in person or by phone; they must choose their own at their next login."
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.password = password_edit("newPassword", "New password")
        self.confirm = password_edit("confirmPassword", "New password again")
        self.add_field("password", "&New password:", self.password, hint=hint_label(POLICY_HINT))
        self.add_field("confirm", "Password &again:", self.confirm)
        self.setMinimumWidth(540)
        self.password.setFocus()

    def submit(self) -> None:
        password = self.password.text()
        if password != self.confirm.text():
            self.show_errors({"confirm": MISMATCH})
            return
        users, username = self.ctx.backend.users, self.user.username
        self.save(
            lambda: users.reset_password(username, password),
            lambda _r: self._done(username),
            context="resetting a password",
        )

    def _done(self, username: str) -> None:
        self.accept()
        self.saved.emit(username)
