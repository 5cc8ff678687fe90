"""Users, for the administrator: add, reset a forgotten password, deactivate.

Users are never deleted: the audit log names them, so their record stays (marked inactive) and only their
copy of the database key is destroyed. The list is read on the worker; it is small (a team).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import ValidationError
from mshtdesk.services.users import UserInfo
from ui import error_report
from ui.context import AppContext
from ui.dialogs.user_dialogs import AddUserDialog, ResetPasswordDialog
from ui.events import DataChanged
from ui.models.users_model import HEADERS, ROW_ROLE, SORT_ROLE, UserColumn, UsersModel
from ui.pages.base import Page
from ui.widgets.record_table import record_table
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural


class UsersPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("usersPage")
        self.model = UsersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.loading = False
        self._select_after_load: str | None = None
        self._build()
        self.add_button.clicked.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.activated.connect(lambda _i: self.reset_password())
        ctx.events.data_changed.connect(self._on_data_changed)
        self.reload()

    # ----- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Users")
        title.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.add_button = QPushButton("&Add user\u2026")
        self.reset_button = QPushButton("&Reset password\u2026")
        self.reset_button.setToolTip("Set a new password for the selected user, who must then change it")
        self.deactivate_button = QPushButton("&Deactivate\u2026")
        self.deactivate_button.setToolTip("Stop the selected user logging in (users are never deleted)")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.reset_button)
        head.addWidget(self.deactivate_button)
        head.addSpacing(12)
        head.addWidget(self.add_button)

        samples = {
            UserColumn.USERNAME: "j.smith-admin",
            UserColumn.DISPLAY_NAME: "DC Jo Smith (HTT administrator)",
            UserColumn.ROLE: "Victim liaison officer",
            UserColumn.ACTIVE: "No (deactivated)",
        }
        self.table = record_table(
            "usersTable", "Users", self.proxy, samples, HEADERS, multi_select=False, padding=32
        )
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(UserColumn.USERNAME, Qt.SortOrder.AscendingOrder)
        note = QLabel(
            "Users are never deleted, because the audit log refers to them: deactivating stops a user "
            "logging in and destroys their copy of the database key, and their record stays."
        )
        note.setObjectName("footnote")
        note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        set_tab_order([self.table, self.reset_button, self.deactivate_button, self.add_button])
        self._update_buttons()

    # ----- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        users = self.ctx.backend.users
        self.loading = True
        self.ctx.tasks.run(
            lambda _job: users.list_users(),
            done=self._loaded,
            failed=self._load_failed,
            owner=self,
            context="listing users",
        )

    def _loaded(self, users: list[UserInfo]) -> None:
        self.loading = False
        selected = self.selected_user()
        keep = self._select_after_load or (selected.username if selected is not None else None)
        self._select_after_load = None
        self.model.set_users(users)
        active = sum(1 for u in users if u.active)
        inactive = len(users) - active
        self.count_label.setText(
            plural(active, "active user") + (f", {inactive} deactivated" if inactive else "")
        )
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        error_report.report(self, exc, "listing users")

    def refresh(self) -> None:
        self.reload()

    def _on_data_changed(self, change: DataChanged) -> None:
        if change.what == "user":
            self.reload()

    # ----- selection ---------------------------------------------------------------------------
    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        user = rows[0].data(ROW_ROLE)
        return user if isinstance(user, UserInfo) else None

    def select(self, username: str) -> bool:
        row = self.model.row_of(username)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def has_selection(self) -> bool:
        return self.selected_user() is not None

    def _update_buttons(self) -> None:
        user = self.selected_user()
        usable = user is not None and user.active
        self.reset_button.setEnabled(usable)
        self.deactivate_button.setEnabled(usable and user is not None and user.username != self._me())
        self.state_changed.emit()

    def _me(self) -> str:
        return self.ctx.backend.actor.username

    # ----- commands ----------------------------------------------------------------------------
    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx, self)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def reset_password(self) -> ResetPasswordDialog | None:
        user = self.selected_user()
        if user is None or not user.active:
            return None
        dialog = ResetPasswordDialog(self.ctx, user, self)
        dialog.saved.connect(self._changed)
        dialog.open()
        return dialog

    def _changed(self, username: str) -> None:
        self._select_after_load = username
        self.ctx.events.announce(DataChanged("user"))

    def deactivate(self) -> QMessageBox | None:
        """Ask first; say what it means (no log-in, key destroyed, record kept)."""
        user = self.selected_user()
        if user is None or not user.active or user.username == self._me():
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Deactivate user",
            f"Deactivate <b>{escape(user.username)}</b> ({escape(user.display_name)})?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deactivateQuestion")
        box.setInformativeText(
            "They will no longer be able to log in, and their copy of the database key is destroyed. "
            "Users are never deleted, because the audit log refers to them: the record stays, "
            "marked inactive."
        )
        confirm = box.addButton("Deactivate", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        username = user.username

        def answered(button: QAbstractButton) -> None:
            if button is confirm:
                self.deactivate_user(username)

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def deactivate_user(self, username: str) -> None:
        users = self.ctx.backend.users
        self.ctx.tasks.run(
            lambda _job: users.deactivate(username),
            done=lambda _r: self._changed(username),
            failed=self._deactivate_failed,
            owner=self,
            context="deactivating a user",
        )

    def _deactivate_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            error_report.show_message(self, "User not deactivated", " ".join(exc.fields.values()))
        else:
            error_report.report(self, exc, "deactivating a user")
