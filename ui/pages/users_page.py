"""Users, for the administrator: add, reset a forgotten password, deactivate, change the database key.

Users are never deleted: the audit log names them, so their record stays (marked inactive) and only their
copy of the database key is destroyed. Deactivating also gives the database and its backups a new key, so a
copy of an old key file the leaver kept opens nothing; the administrator is told what that did (and whom it
left out), or why it could not be done and how to do it later ("Change database key…"). The list is read
on the worker; it is small (a team). The rekey runs on the worker too: with many backups it takes a while.
"""

from __future__ import annotations

from collections.abc import Callable
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

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import NOT_SAVED, DatabaseLockedError, ValidationError
from mshtdesk.services.rekey import KeyNotChangedError, RekeyResult
from mshtdesk.services.users import UserInfo
from ui import error_report
from ui.context import AppContext
from ui.dialogs.user_dialogs import AddUserDialog, ResetPasswordDialog
from ui.models.users_model import HEADERS, ROW_ROLE, SORT_ROLE, UserColumn, UsersModel
from ui.pages.base import Page
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.record_table import record_table
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural


class UsersPage(Page):
    shows = frozenset({Data.USER})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("usersPage")
        self.model = UsersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.loading = False
        self._select_after_load: str | None = None
        self._build_layout()
        self._connect()
        self.reload()

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do."""
        self.add_button.clicked.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.rekey_button.clicked.connect(self.change_key)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.activated.connect(lambda _i: self.reset_password())

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        title = QLabel("Users")
        title.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        self.add_button = QPushButton("&Add user\u2026")
        self.reset_button = QPushButton("&Reset password\u2026")
        self.reset_button.setToolTip("Set a new password for the selected user, who must then change it")
        self.deactivate_button = QPushButton("&Deactivate\u2026")
        self.deactivate_button.setToolTip("Stop the selected user logging in (users are never deleted)")
        self.rekey_button = QPushButton("Change database &key\u2026")
        self.rekey_button.setObjectName("rekeyButton")
        self.rekey_button.setAccessibleName("Change database key")
        self.rekey_button.setToolTip(
            "Give the database and its backups a new key, so that old key files open nothing; "
            "passwords stay the same"
        )
        # Only administrators reach this page; the check keeps the command off any other role's screen.
        self.rekey_button.setVisible(self._may_rekey())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        commands_box = QWidget()  # wraps onto two rows at a large text size rather than widen the window
        commands = FlowLayout(commands_box)
        head.addWidget(commands_box)
        for button in (self.reset_button, self.deactivate_button, self.rekey_button, self.add_button):
            commands.addWidget(button)

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
            "logging in, destroys their copy of the database key and gives the database a new key; their "
            "record stays."
        )
        note.setObjectName("footnote")
        note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        set_tab_order(
            [self.table, self.reset_button, self.deactivate_button, self.rekey_button, self.add_button]
        )
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

    def _may_rekey(self) -> bool:
        return self.ctx.backend.actor.may(Action.ADMINISTER, Entity.USER)

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
        self._select_after_load = username  # the task runner's change notice reloads the list

    def deactivate(self) -> QMessageBox | None:
        """Ask first; say what it means (no log-in, key destroyed, record kept)."""
        user = self.selected_user()
        if user is None or not user.active or user.username == self._me():
            return None
        username = user.username
        return self._ask(
            "deactivateQuestion",
            "Deactivate user",
            f"Deactivate <b>{escape(user.username)}</b> ({escape(user.display_name)})?",
            "They will no longer be able to log in, and their copy of the database key is destroyed. "
            "The database and its backups are then given a new key, so no copy of an old key file opens "
            "them; for that, everyone else should have closed MSHT Desk.<br><br>"
            "Users are never deleted, because the audit log refers to them: the record stays, "
            "marked inactive.",
            ("Deactivate", QMessageBox.ButtonRole.DestructiveRole),
            lambda: self.deactivate_user(username),
        )

    def _ask(
        self,
        name: str,
        title: str,
        text: str,
        details: str,
        confirm_as: tuple[str, QMessageBox.ButtonRole],
        then: Callable[[], None],
    ) -> QMessageBox:
        """A question whose default is Cancel; ``then`` runs only when the confirm button is chosen."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName(name)
        box.setInformativeText(details)
        confirm = box.addButton(*confirm_as)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _widen(box)

        def answered(button: QAbstractButton) -> None:
            if button is confirm:
                then()

        box.buttonClicked.connect(answered)
        box.open()
        return box

    def deactivate_user(self, username: str) -> None:
        users = self.ctx.backend.users
        self.ctx.tasks.run(
            lambda _job: users.deactivate(username),
            done=lambda result: self._deactivated(username, result),
            failed=lambda exc: self._deactivate_failed(username, exc),
            owner=self,
            context="deactivating a user",
            progress=f"Deactivating {username} and giving the database a new key\u2026",
            cancellable=False,
        )

    def _deactivated(self, username: str, result: RekeyResult | None) -> None:
        self._changed(username)
        # None: a team database on a server, which has no data key (the server's grants guard it).
        details = "" if result is None else "<br><br>".join(rekey_summary(result))
        self._inform("User deactivated", _deactivated_text(username), details, name="deactivatedMessage")

    def _deactivate_failed(self, username: str, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            error_report.show_message(self, "User not deactivated", " ".join(exc.fields.values()))
        elif isinstance(exc, KeyNotChangedError):  # deactivated; only the new key is still to come
            self._changed(username)
            self._inform(
                "User deactivated; database key change not finished"
                if exc.started
                else "User deactivated; database key not changed",
                _deactivated_text(username),
                key_not_changed(exc.cause, username, started=exc.started),
                name="deactivatedMessage",
                icon=QMessageBox.Icon.Warning,
            )
        else:
            error_report.report(self, exc, "deactivating a user")

    def change_key(self) -> QMessageBox | None:
        """Ask first; say what it needs (everyone else out of the app) and what it leaves (passwords)."""
        if not self._may_rekey():
            return None
        return self._ask(
            "rekeyQuestion",
            "Change database key",
            "Give the database and its backups a new key?",
            "Everyone else must close MSHT Desk first: the key cannot be changed while another copy "
            "has the database open.<br><br>"
            "The database and every backup are locked with a new key, given to every active user. "
            "Old key files, such as a copy kept by someone who has left, will no longer open them. "
            "Nobody\u2019s password changes.<br><br>"
            "With many backups this can take a minute.",
            ("Change key", QMessageBox.ButtonRole.AcceptRole),
            self.rekey,
        )

    def rekey(self) -> None:
        users = self.ctx.backend.users
        self.ctx.tasks.run(
            lambda _job: users.rekey("requested on the Users page"),
            done=self._rekeyed,
            failed=self._rekey_failed,
            owner=self,
            context="changing the database key",
            progress="Giving the database and its backups a new key\u2026",
            cancellable=False,
        )

    def _rekeyed(self, result: RekeyResult) -> None:
        changed, *rest = rekey_summary(result, on_request=True)
        self._inform("Database key changed", changed, "<br><br>".join(rest), name="rekeyedMessage")

    def _rekey_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseLockedError):
            self._inform(
                "Database key not changed",
                "The database key was not changed.",
                "Another copy of MSHT Desk has the database open. Ask everyone else to close MSHT Desk, "
                f"then choose {CHANGE_KEY} again.",
                name="rekeyedMessage",
                icon=QMessageBox.Icon.Warning,
            )
        else:
            error_report.report(self, exc, "changing the database key")

    def _inform(
        self,
        title: str,
        text: str,
        details: str,
        *,
        name: str,
        icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    ) -> QMessageBox:
        """A window-modal message that does not block (the worker and the tests carry on)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName(name)
        box.setTextFormat(Qt.TextFormat.RichText)
        if details:
            box.setInformativeText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _widen(box)
        box.open()
        return box


def _widen(box: QMessageBox) -> None:
    """Qt's message boxes wrap a few paragraphs into a narrow column; these read better wider."""
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if label is not None:
        label.setMinimumWidth(440)


def _bold(text: str) -> str:
    """Bold, escaped, and never broken across lines (user names have hyphens)."""
    return f"<b style='white-space:nowrap'>{escape(text)}</b>"


CHANGE_KEY = _bold("Change database key\u2026")


def _deactivated_text(username: str) -> str:
    return f"{_bold(username)} is deactivated and can no longer log in."


def rekey_summary(result: RekeyResult, *, on_request: bool = False) -> list[str]:
    """What a rekey did, in plain words for the administrator: paragraphs of rich text, user names
    escaped and never broken at their hyphens."""
    old_files = "old key files, such as a copy kept by someone who has left, no longer open"
    if result.backups:
        changed = (
            f"The database and its {plural(result.backups, 'backup')} now have a new key: {old_files} them."
        )
    else:
        changed = f"The database now has a new key: {old_files} it. There were no backups to change."
    given = plural(len(result.users), "active user")
    who_log_in = "who log in" if len(result.users) != 1 else "who logs in"
    parts = [
        changed,
        f"The new key was given to {given}; nobody\u2019s password has changed."
        if on_request
        else f"The new key was given to {given}, {who_log_in} with the same password as before.",
    ]
    if result.left_out:
        many = len(result.left_out) != 1
        names = ", ".join(_bold(n) for n in result.left_out)
        parts.append(
            f"Not given the new key: {names}. {'They have' if many else 'This user has'} not logged in "
            "since MSHT Desk was upgraded, so cannot log in until you reset "
            f"{'their passwords' if many else 'their password'} (Reset password\u2026)."
        )
    if result.skipped:
        left = "were left as they were" if len(result.skipped) != 1 else "was left as it was"
        files = ", ".join(escape(n) for n in result.skipped)
        parts.append(
            f"{plural(len(result.skipped), 'file')} in the backup folder could not be opened with any key "
            f"(another database\u2019s, or damaged) and {left}: {files}."
        )
    return parts


def key_not_changed(cause: BaseException, username: str, *, started: bool = False) -> str:
    """Why the rekey after a deactivation did not happen or finish, and how to do it later (rich text)."""
    if isinstance(cause, DatabaseLockedError):
        why = "another copy of MSHT Desk has the database open"
        then = "Once everyone else has closed MSHT Desk"
    else:  # a full disk, say; its message's "not saved" would wrongly suggest the deactivation was lost
        text = str(cause).replace(NOT_SAVED, "").strip().rstrip(".")
        why = escape(text[:1].lower() + text[1:])
        then = "When that is put right"
    if started:
        return (
            f"The database has its new key, but the change did not finish, because {why}. Until it does, "
            f"a copy of an old key file may still open some backups with {escape(username)}\u2019s old "
            f"password.<br><br>{then}, choose {CHANGE_KEY} on this page: it finishes the backups."
        )
    return (
        f"But the database key could not be changed, because {why}. Until it is, a copy of an old key "
        f"file still opens the database and its backups with {escape(username)}\u2019s old password."
        f"<br><br>{then}, choose {CHANGE_KEY} on this page."
    )
