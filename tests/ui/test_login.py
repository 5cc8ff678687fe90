"""Logging in over the window, the first administrator of a new or unencrypted database, the demo list,
changing one's own password, and logging out (real encrypted files; argon2 runs, so these are slower)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.demo.users import DEMO_USERS
from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.conftest import USERS
from tests.ui.helpers import Track, find_visible, is_closed
from ui.app import AppController
from ui.context import AppContext
from ui.dialogs.login_dialog import LoginDialog, Mode, step_text
from ui.dialogs.password_dialog import ChangePasswordDialog
from ui.pages.today_page import TodayPage
from ui.pages.users_page import UsersPage
from ui.tasks import Job, TaskRunner

GOOD_PASSWORD = "heather-moor-lantern-42"


def _dialog(controller: AppController) -> LoginDialog:
    assert controller.login is not None
    return controller.login


def test_login_with_the_right_password_after_a_wrong_one(
    qtbot: QtBot, start: Callable[[str], AppController], db_path: Path
) -> None:
    controller = start(str(db_path))
    window = controller.window
    dialog = _dialog(controller)
    assert dialog.mode is Mode.LOGIN
    assert dialog.isModal() or dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert window.nav.count() == 0 and "Log in" in window.opening.title.text()

    qtbot.keyClicks(dialog.username, "officer")
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.busy_box.isVisible()  # argon2 runs on the worker meanwhile
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog.error_text() == "Wrong user name or password."
    assert dialog.login_error.styleSheet() == "color: #b00020;"  # red, under the fields
    assert dialog.password.text() == "" and dialog.isVisible()
    assert controller.session is None and not window.pages  # nothing opened, nothing shown

    qtbot.keyClicks(dialog.password, USERS[Role.HTT_OFFICER].password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    assert is_closed(dialog)
    assert window.windowTitle() == "MSHT Desk \u2014 officer"
    assert window.user_label.text() == "officer (HTT officer)"
    assert isinstance(window.current_page(), TodayPage)  # every session starts with what is due
    auditor = Backend.as_user(controller.session.backend.db, "auditor")
    # newest first; the first login of the day also takes the daily backup (an "administer" event)
    actions = [
        e.action for e in auditor.audit.list(AuditQuery(username="officer")) if e.action != "administer"
    ]
    assert actions[:2] == ["login", "failed_login"]


def test_escape_does_not_quit_and_quit_closes_the_window(
    qtbot: QtBot, start: Callable[[str], AppController], db_path: Path
) -> None:
    controller = start(str(db_path))
    dialog = _dialog(controller)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and controller.window.isVisible()
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert not controller.window.isVisible()


def test_first_administrator_creates_an_encrypted_database(
    qtbot: QtBot, start: Callable[[str], AppController], tmp_path: Path
) -> None:
    db = tmp_path / "new" / "register.db"
    controller = start(str(db))
    dialog = _dialog(controller)
    assert dialog.mode is Mode.CREATE
    assert dialog.create_page.isVisible()
    intro = dialog.create_intro.text()
    assert "encrypted" in intro and "backed up" in intro and "converted" in intro

    dialog.new_username.setText("j.smith")
    dialog.display_name.setText("Jo Smith")
    dialog.new_password.setText("short")
    dialog.confirm.setText("different")
    dialog.submit()
    assert dialog._create_errors["confirm"].text() == "The two passwords are not the same."
    dialog.confirm.setText("short")
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog._create_errors["password"].text() == "A password needs at least 12 characters."
    assert controller.session is None

    dialog.new_password.setText(GOOD_PASSWORD)
    dialog.confirm.setText(GOOD_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    window = controller.window
    assert window.user_label.text() == "j.smith (Administrator)"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == ["Audit log", "Users"]
    assert isinstance(window.pages[1], UsersPage)
    assert db.exists() and not db.read_bytes().startswith(b"SQLite format 3")  # encrypted on disk


def test_an_unencrypted_database_is_converted_by_its_first_administrator(
    qtbot: QtBot, start: Callable[[str], AppController], tmp_path: Path
) -> None:
    from mshtdesk.store.database import open_database

    path = tmp_path / "old.db"
    open_database(str(path)).close()  # a database from before encryption: plain, no users
    assert path.read_bytes().startswith(b"SQLite format 3")
    controller = start(str(path))
    dialog = _dialog(controller)
    assert dialog.mode is Mode.CONVERT and "not encrypted yet" in dialog.create_intro.text()
    dialog.new_username.setText("j.smith")
    dialog.new_password.setText(GOOD_PASSWORD)
    dialog.confirm.setText(GOOD_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert any((tmp_path / "backups").iterdir())


def test_the_demo_dialog_lists_its_seven_accounts_and_fills_the_fields(
    qtbot: QtBot, tasks: TaskRunner, track: Track
) -> None:
    def refuse(*_args: object) -> object:
        raise AssertionError("not in this test")

    dialog = LoginDialog(tasks, location="/tmp/demo.db", sign_in=refuse, create=refuse, demo_users=DEMO_USERS)
    track(dialog)
    dialog.show()
    model = dialog.demo_model
    assert model.rowCount() == 7
    rows = [tuple(model.index(r, c).data() for c in range(3)) for r in range(7)]
    assert [r[0] for r in rows] == ["admin", "manager", "officer", "vlo", "navigator", "haven", "auditor"]
    assert rows[6][1] == "Auditor" and rows[6][2] == USERS[Role.AUDITOR].password
    assert dialog.demo_banner.isVisible()
    rect = dialog.demo_table.visualRect(model.index(1, 1))
    qtbot.mouseClick(dialog.demo_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (dialog.username.text(), dialog.password.text()) == ("manager", USERS[Role.MANAGER].password)


def test_empty_fields_are_explained_without_a_round_trip(tasks: TaskRunner, track: Track) -> None:
    def refuse(*_args: object) -> object:
        raise AssertionError("must not be called")

    dialog = LoginDialog(tasks, location="x.db", sign_in=refuse, create=refuse)
    track(dialog)
    dialog.show()
    dialog.submit()
    assert dialog.error_text() == "Enter your user name and password."
    assert not dialog.busy


def test_the_window_says_the_steps_of_an_upgrade_while_logging_in(
    qtbot: QtBot, tasks: TaskRunner, track: Track, tmp_path: Path
) -> None:
    """An upgrade of a large file takes minutes after the password is checked: the busy line says which
    step and how far, not "Checking the password" throughout. Driven by the real upgrade's steps."""
    import threading

    from mshtdesk.errors import AuthenticationError
    from mshtdesk.store.backup import BACKING_UP
    from mshtdesk.store.migrate import UPGRADING

    go_on = threading.Event()

    def upgrading(_user: str, _password: str, job: Job) -> object:
        job.progress(BACKING_UP, 3_000, 4_000)
        assert go_on.wait(30)
        job.progress(UPGRADING, 0, 0)
        assert go_on.wait(30)
        raise AuthenticationError("Wrong user name or password.")

    dialog = LoginDialog(tasks, location="big.db", sign_in=upgrading, create=upgrading)
    track(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "officer")
    qtbot.keyClicks(dialog.password, "a-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "75%" in dialog.busy_text.text(), timeout=10_000)
    assert dialog.busy_text.text() == "Backing up before the upgrade\u2026 75%"
    if shots := os.environ.get("MSHTDESK_SHOTS"):
        dialog.grab().save(str(Path(shots) / "login_upgrading.png"))
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.error_text() == "Wrong user name or password."
    assert step_text(UPGRADING, 0, 0) == "Upgrading the database\u2026"


def test_log_out_returns_to_the_login_and_records_it(
    qtbot: QtBot, start: Callable[[str], AppController], db_path: Path
) -> None:
    controller = start(str(db_path))
    dialog = _dialog(controller)
    dialog.username.setText("manager")
    dialog.password.setText(USERS[Role.MANAGER].password)
    dialog.submit()
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    window = controller.window
    assert window.pages
    window.commands.log_out.trigger()
    assert controller.session is None and not window.pages and window.nav.count() == 0
    assert window.windowTitle() == "MSHT Desk" and window.user_label.text() == ""
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
    assert not window.commands.lock_now.isEnabled()
    auditor = Backend.login(str(db_path), "auditor", USERS[Role.AUDITOR].password)
    try:
        events = auditor.audit.list(AuditQuery(username="manager"))
        actions = [e.action for e in events if e.action != "administer"]  # the daily backup
        assert actions[:2] == ["logout", "login"]
    finally:
        auditor.close()


def test_changing_ones_own_password(
    qtbot: QtBot,
    track: Track,
    ctx: AppContext,
    wait_idle: Callable[..., None],
    db_path: Path,
) -> None:
    dialog = ChangePasswordDialog(ctx)
    track(dialog)
    dialog.show()
    dialog.old.setText("wrong-old-password")
    dialog.new.setText(GOOD_PASSWORD)
    dialog.confirm.setText(GOOD_PASSWORD + "x")
    dialog.submit()
    assert dialog.error_text("confirm") == "The two passwords are not the same."
    dialog.confirm.setText(GOOD_PASSWORD)
    dialog.submit()
    wait_idle()
    assert dialog.error_text("old") == "The current password is wrong."
    dialog.old.setText(USERS[Role.HTT_OFFICER].password)
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    again = Backend.login(str(db_path), "officer", GOOD_PASSWORD)
    again.close()


def test_a_reset_password_must_be_changed_after_login(
    qtbot: QtBot,
    start: Callable[[str], AppController],
    db_path: Path,
    backend_for: Callable[[Role], Backend],
) -> None:
    backend_for(Role.ADMINISTRATOR).users.reset_password("vlo", GOOD_PASSWORD)
    controller = start(str(db_path))
    dialog = _dialog(controller)
    dialog.username.setText("vlo")
    dialog.password.setText(GOOD_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(find_visible("changePasswordDialog")), timeout=30_000)
    change = find_visible("changePasswordDialog")[0]
    assert isinstance(change, ChangePasswordDialog) and change.required
    cancel = change.buttons.button(change.buttons.StandardButton.Cancel)
    assert cancel.text() == "Log out"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # no work on a temporary password
    assert controller.session is None
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)


def _whole(label: object) -> bool:
    from PySide6.QtWidgets import QLabel

    assert isinstance(label, QLabel) and label.isVisible()
    return label.height() >= label.heightForWidth(label.width())


def test_a_long_refusal_shows_whole_on_each_page(qtbot: QtBot, tasks: TaskRunner, track: Track) -> None:
    """The window grows for a message that wraps: the lockout (two lines) and an empty team database's
    refusal (three) were cut through their lines, and on the first administrator's page so were the
    password's message and the rule under it."""
    from mshtdesk.errors import NotAnMshtDatabaseError

    def not_set_up(_user: str, _password: str, _job: Job) -> object:
        raise NotAnMshtDatabaseError(
            "This team database has not been set up for MSHT Desk yet: its database administrator sets it "
            "up with mshtdesk server setup. Nothing was changed."
        )

    team = "postgresql://htt-db/mshtdesk"
    dialog = LoginDialog(tasks, location=team, sign_in=not_set_up, create=not_set_up)
    track(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "j.smith")
    qtbot.keyClicks(dialog.password, "a-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.error_text().startswith("This team database has not been set up")
    qtbot.waitUntil(lambda: _whole(dialog.login_error), timeout=2_000)
    assert dialog.login_error.geometry().bottom() < dialog.buttons.geometry().top()

    dialog.set_mode(Mode.CREATE)
    dialog.show_create_errors(
        {
            "password": "A password needs at least 12 characters; a phrase of three or four unrelated words "
            "is easy to remember and hard to guess.",
            "folder": "The folder C:\\Users\\j.smith\\AppData\\Local\\MSHTDesk could not be created: "
            "Access is denied. Choose another place for the database, or ask IT.",
        }
    )
    wrapped = [dialog._create_errors["password"], dialog.create_error]
    qtbot.waitUntil(lambda: all(_whole(label) for label in wrapped), timeout=2_000)
    if shots := os.environ.get("MSHTDESK_SHOTS"):
        dialog.grab().save(str(Path(shots) / "login_create_errors.png"))


def test_the_password_dialog_shows_long_messages_whole(qtbot: QtBot, track: Track, ctx: AppContext) -> None:
    """Every form dialog grows for its wrapped messages (the change of password said the lockout in one
    cut line)."""
    dialog = ChangePasswordDialog(ctx)
    track(dialog)
    dialog.show()
    dialog.show_errors(
        {
            "old": "This account is locked after 5 failed logins; try again after 20:07, or ask an "
            "administrator.",
            "password": "A password needs at least 12 characters; a phrase of three or four unrelated "
            "words is easy to remember and hard to guess.",
        }
    )
    labels = [dialog._errors["old"], dialog._errors["password"]]
    qtbot.waitUntil(lambda: all(_whole(label) for label in labels), timeout=2_000)
    if shots := os.environ.get("MSHTDESK_SHOTS"):
        dialog.grab().save(str(Path(shots) / "password_errors.png"))
