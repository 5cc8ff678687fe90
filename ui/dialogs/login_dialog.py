"""The login window over the main window, and the first-administrator form of a new database.

The dialog only gathers and checks input; the composition root gives it the two worker-side calls
(``sign_in`` and ``create``) and receives the session they return through :attr:`LoginDialog.signed_in`.
Both run on the worker, because argon2 deliberately takes a noticeable fraction of a second, with a busy
bar meanwhile. Expected failures (a wrong password, a locked account, a weak new password, a missing key
file) are shown in red under the fields, in the service's own words; a bug is logged and apologised for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Protocol

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import AuthenticationError, MshtError, ServerPasswordNeededError, ValidationError
from ui import error_report
from ui.models.demo_users_model import DemoAccount, DemoUsersModel
from ui.tasks import Job, TaskRunner
from ui.widgets.field_error import FieldError, hint_label, with_error
from ui.widgets.password import MISMATCH, POLICY_HINT, password_edit
from ui.widgets.tab_order import set_tab_order

MARKING = "OFFICIAL-SENSITIVE"


class Mode(Enum):
    LOGIN = "login"
    CREATE = "create"  # no database yet
    CONVERT = "convert"  # an old, unencrypted database: create its first administrator to encrypt it


class Closable(Protocol):
    def close(self) -> None: ...


SignIn = Callable[[str, str, Job], Closable]
Create = Callable[[str, str, str, Job], Closable]


def step_text(phase: str, done: int, total: int) -> str:
    """The busy line for a step of the work: "Backing up before the upgrade… 42%", or the
    phase alone when its size is unknown."""
    if total > 0:
        return f"{phase}\u2026 {min(100, done * 100 // total)}%"
    return f"{phase}\u2026"


class LoginDialog(QDialog):
    signed_in = Signal(object)  # the session returned by ``sign_in`` or ``create``
    quit_requested = Signal()
    server_requested = Signal()  # "Connect to a team server…"

    def __init__(
        self,
        tasks: TaskRunner,
        *,
        location: str,
        sign_in: SignIn,
        create: Create,
        mode: Mode = Mode.LOGIN,
        demo_users: Sequence[DemoAccount] = (),
        offer_server: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Log in \u2014 MSHT Desk")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._tasks = tasks
        self._sign_in = sign_in
        self._create = create
        self.busy = False
        self.demo = bool(demo_users)
        self.server_password_needed = False  # the last failure: the team server wants a password

        title = QLabel("MSHT Desk")
        title.setObjectName("pageTitle")
        marking = QLabel(MARKING)
        marking.setObjectName("marking")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(marking)
        self.location = QLabel(f"Database: {location}")
        self.location.setObjectName("footnote")
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location.setToolTip(location)

        self.pages = QStackedWidget()
        self.login_page = self._build_login(demo_users)
        self.create_page = self._build_create()
        self.pages.addWidget(self.login_page)
        self.pages.addWidget(self.create_page)

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(140)
        self.busy_bar.setAccessibleName("Working")
        self.busy_text = QLabel("")
        self.busy_text.setObjectName("resultCount")
        self.busy_text.setWordWrap(True)  # an upgrade's steps are longer than "Checking the password"
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_bar)
        busy_row.addWidget(self.busy_text, 1)
        self.busy_box = QWidget()
        self.busy_box.setLayout(busy_row)
        busy_row.setContentsMargins(0, 0, 0, 0)
        self.busy_box.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton("&Log in")
        self.ok_button.setDefault(True)
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setAutoDefault(False)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self._quit)
        # Team mode: the choice of a shared server, on both forms (a new laptop first sees "create").
        self.server_button = QPushButton("Connect to a &team server\u2026")
        self.server_button.setObjectName("serverButton")
        self.server_button.setAutoDefault(False)
        self.server_button.setToolTip("Work on your team's shared PostgreSQL server instead of a file here")
        self.server_button.setVisible(offer_server and not self.demo)
        self.server_button.clicked.connect(self._ask_server)
        bottom = QHBoxLayout()
        bottom.addWidget(self.server_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.location)
        layout.addSpacing(4)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.busy_box)
        layout.addLayout(bottom)
        self.set_mode(mode)

    # ----- layout ------------------------------------------------------------------------------
    def _build_login(self, demo_users: Sequence[DemoAccount]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.demo_banner = QLabel(
            "<b>Demonstration.</b> This is a throwaway database of made-up arrests, deleted when MSHT Desk "
            "closes. The accounts below exist only in it: choose one to see what that role may do."
        )
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_model = DemoUsersModel(demo_users, self)
        self.demo_table = QTableView()
        self.demo_table.setObjectName("demoUsers")
        self.demo_table.setAccessibleName("Demonstration accounts")
        self.demo_table.setModel(self.demo_model)
        self.demo_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.demo_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.demo_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.demo_table.setAlternatingRowColors(True)
        self.demo_table.verticalHeader().hide()
        row_height = self.fontMetrics().height() + 8
        self.demo_table.verticalHeader().setDefaultSectionSize(row_height)
        header = self.demo_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        rows = max(1, len(demo_users))
        frame = 2 * self.demo_table.frameWidth()
        self.demo_table.setFixedHeight(header.sizeHint().height() + rows * row_height + frame + 2)
        self.demo_table.clicked.connect(self.fill_from)
        self.demo_table.activated.connect(self.fill_from)
        for w in (self.demo_banner, self.demo_table):
            w.setVisible(bool(demo_users))
            layout.addWidget(w)

        self.username = QLineEdit()
        self.username.setObjectName("loginUsername")
        self.username.setMinimumWidth(260)
        self.password = password_edit("loginPassword", "Password")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for text, field in (("&User name:", self.username), ("&Password:", self.password)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.login_error = FieldError(self.password)
        self.login_error.setObjectName("loginError")
        form.addRow("", self.login_error)
        layout.addLayout(form)
        layout.addStretch(1)
        self.username.returnPressed.connect(lambda: self.password.setFocus())
        self.password.returnPressed.connect(self.submit)
        set_tab_order([self.demo_table, self.username, self.password])
        return page

    def _build_create(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.create_title = QLabel("Create the first administrator")
        self.create_title.setObjectName("tableCaption")
        self.create_intro = QLabel("")
        self.create_intro.setObjectName("createIntro")
        self.create_intro.setWordWrap(True)
        self.new_username = QLineEdit()
        self.new_username.setObjectName("newUsername")
        self.new_username.setPlaceholderText("e.g. j.smith")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.display_name.setPlaceholderText("e.g. Jo Smith (HTT administrator)")
        self.new_password = password_edit("newPassword", "Password")
        self.confirm = password_edit("confirmPassword", "Password again")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._create_errors: dict[str, FieldError] = {}
        self._create_fields: dict[str, QWidget] = {}
        for name, text, field in (
            ("username", "&User name:", self.new_username),
            ("display_name", "&Display name:", self.display_name),
            ("password", "&Password:", self.new_password),
            ("confirm", "Password &again:", self.confirm),
        ):
            box, error = with_error(field, hint_label(POLICY_HINT) if name == "password" else None)
            label = QLabel(text)
            label.setBuddy(field)
            label.setFixedHeight(field.sizeHint().height())
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(label, box)
            self._create_errors[name] = error
            self._create_fields[name] = field
        self.create_error = FieldError()
        self.create_error.setObjectName("createError")
        layout.addWidget(self.create_title)
        layout.addWidget(self.create_intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.create_error)
        layout.addStretch(1)
        self.confirm.returnPressed.connect(self.submit)
        set_tab_order([self.new_username, self.display_name, self.new_password, self.confirm])
        return page

    # ----- modes -------------------------------------------------------------------------------
    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        current = self.login_page if mode is Mode.LOGIN else self.create_page
        for page in (self.login_page, self.create_page):  # size to the page shown, not the larger one
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        if mode is Mode.LOGIN:
            self.setWindowTitle("Log in \u2014 MSHT Desk")
            self.pages.setCurrentWidget(self.login_page)
            self.ok_button.setText("&Log in")
            self.setMinimumWidth(560 if self.demo else 440)
            (self.password if self.username.text() else self.username).setFocus()
        else:
            self.setWindowTitle("Create the first administrator \u2014 MSHT Desk")
            first = (
                "There is no MSHT Desk database here yet."
                if mode is Mode.CREATE
                else "This MSHT Desk database is not encrypted yet."
            )
            self.create_intro.setText(
                f"{first} Create its first administrator: the database will be encrypted, with a key "
                "that only its users\u2019 passwords unlock. If an older, unencrypted database is there, "
                "it is backed up first (the backup is encrypted too) and then converted. The administrator "
                "then adds the other users."
            )
            self.pages.setCurrentWidget(self.create_page)
            self.ok_button.setText("&Create administrator")
            self.setMinimumWidth(560)
            self.new_username.setFocus()
        self.pages.adjustSize()
        self.adjustSize()

    # ----- input -------------------------------------------------------------------------------
    def fill_from(self, index: QModelIndex) -> None:
        if not index.isValid() or self.busy:
            return
        user = self.demo_model.user_at(index.row())
        self.username.setText(user.username)
        self.password.setText(user.password)
        self.login_error.clear()
        self.ok_button.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.mode is Mode.LOGIN:
            self._submit_login()
        else:
            self._submit_create()

    def _submit_login(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.login_error.show_error("Enter your user name and password.")
            (self.username if not username else self.password).setFocus()
            return
        self.login_error.clear()
        sign_in = self._sign_in
        self._run(lambda job: sign_in(username, password, job), "Checking the password\u2026")

    def _submit_create(self) -> None:
        self._clear_create_errors()
        username = self.new_username.text().strip()
        display = self.display_name.text().strip()
        password = self.new_password.text()
        if not username:
            self.show_create_errors({"username": "Choose a user name for the administrator."})
            return
        if password != self.confirm.text():
            self.show_create_errors({"confirm": MISMATCH})
            return
        create = self._create
        self._run(
            lambda job: create(username, display, password, job), "Creating the encrypted database\u2026"
        )

    # ----- running -----------------------------------------------------------------------------
    def _run(self, work: Callable[[Job], Closable], busy_text: str) -> None:
        self.set_busy(True, busy_text)

        def done(session: Closable) -> None:
            if not shiboken6.isValid(self):  # nobody left to hand it to: do not leave it open
                session.close()
                return
            self.set_busy(False)
            self.accept()
            self.signed_in.emit(session)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self._failed(exc)

        def step(phase: str, done_: int, total: int) -> None:  # an upgrade the file needs: minutes
            if shiboken6.isValid(self) and self.busy:
                self.busy_text.setText(step_text(phase, done_, total))

        self._tasks.run(work, done=done, failed=failed, context="logging in", on_progress=step)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.busy_text.setText(text)
        self.busy_box.setVisible(busy)
        self.pages.setEnabled(not busy)
        self.ok_button.setEnabled(not busy)
        self.quit_button.setEnabled(not busy)
        self.server_button.setEnabled(not busy)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        from mshtdesk.services.users import FirstAdministratorNeededError  # loaded by the worker already

        if isinstance(exc, FirstAdministratorNeededError):
            self.set_mode(Mode.CONVERT)
            return
        if self.mode is Mode.LOGIN:
            if isinstance(exc, MshtError):
                message = str(exc)
            else:
                error_report.log_bug(exc, "logging in")
                message = error_report.APOLOGY
            self.login_error.show_error(message)
            self.password.clear()
            self.server_password_needed = isinstance(exc, ServerPasswordNeededError)
            if self.server_password_needed and self.server_button.isVisible():
                self.server_requested.emit()  # the connect dialog has the field for it
            if isinstance(exc, AuthenticationError):
                self.password.setFocus()
            return
        if isinstance(exc, ValidationError):
            self.show_create_errors(exc.fields)
        elif isinstance(exc, MshtError):
            self.create_error.show_error(str(exc))
        else:
            error_report.log_bug(exc, "creating the first administrator")
            self.create_error.show_error(error_report.APOLOGY)

    def _clear_create_errors(self) -> None:
        for error in self._create_errors.values():
            error.clear()
        self.create_error.clear()

    def show_create_errors(self, fields: dict[str, str]) -> None:
        self._clear_create_errors()
        general = []
        for name, message in fields.items():
            if name in self._create_errors:
                self._create_errors[name].show_error(message)
            else:
                general.append(message)
        if general:
            self.create_error.show_error(" ".join(general))
        first = next((self._create_fields[n] for n in fields if n in self._create_fields), None)
        if first is not None:
            first.setFocus()

    def error_text(self) -> str:
        """The message in red on the current page (tests and accessibility)."""
        if self.mode is Mode.LOGIN:
            return self.login_error.text() if self.login_error.isVisibleTo(self) else ""
        texts = [e.text() for e in (*self._create_errors.values(), self.create_error) if e.isVisibleTo(self)]
        return " ".join(texts)

    def _ask_server(self) -> None:
        if not self.busy:
            self.server_requested.emit()

    # ----- leaving -----------------------------------------------------------------------------
    def _quit(self) -> None:
        if not self.busy:
            self.quit_requested.emit()

    def reject(self) -> None:
        """The window's close button means Quit; there is nothing behind this dialog without a login."""
        self._quit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc must not quit the app by accident
            return
        super().keyPressEvent(event)
