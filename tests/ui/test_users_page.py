"""The users page: the list, adding a user (errors beside the fields), resetting a password, deactivating
(never deleting) and what it tells the administrator about the new database key, changing the key on
request, and what the Add user dialog says about each role."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.errors import NOT_SAVED, AuthenticationError, DiskFullError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.backend import Backend
from mshtdesk.services.rekey import RekeyResult
from mshtdesk.store.rekey import opens_with
from tests.conftest import USERS, Template
from tests.reliability.test_upgrades import FIXTURES
from tests.ui.helpers import Track, is_closed, visible_message_boxes
from ui.dialogs.user_dialogs import AddUserDialog, ResetPasswordDialog
from ui.main_window import MainWindow
from ui.models.users_model import UserColumn
from ui.pages.users_page import UsersPage, key_not_changed, rekey_summary
from ui.wording import ROLE_SUMMARY

PASSWORD = "tawny-owl-quarry-seven"


def _users_page(window: MainWindow, wait_idle: Callable[..., None]) -> UsersPage:
    page = window.page_of(UsersPage)
    assert isinstance(page, UsersPage)
    window.go_to(window.pages.index(page))
    wait_idle()
    return page


def test_the_list_and_adding_a_user(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    track: Track,
    db_path: Path,
) -> None:
    window = window_as(Role.ADMINISTRATOR)
    page = _users_page(window, wait_idle)
    assert page.model.rowCount() == 7
    assert page.count_label.text() == "7 active users"
    names = [page.proxy.index(r, UserColumn.USERNAME).data() for r in range(page.proxy.rowCount())]
    assert names == sorted(names)
    assert not page.reset_button.isEnabled() and not page.deactivate_button.isEnabled()

    dialog = page.add_user()
    track(dialog)
    assert dialog.role.count() == 7 and dialog.role.currentIndex() == -1
    qtbot.keyClicks(dialog.username, "d.patel")
    qtbot.keyClicks(dialog.display_name, "DC Dev Patel")
    dialog.submit()
    assert dialog.error_text("role").startswith("Choose the user's role")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.VLO.value))
    assert dialog.role_summary.text() == ROLE_SUMMARY["vlo"]
    dialog.password.setText("d.patel-password")
    dialog.confirm.setText("d.patel-password")
    dialog.submit()
    wait_idle()
    assert dialog.error_text("password") == "A password must not contain the user name."
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    assert page.model.rowCount() == 8
    assert page.selected_user() is not None and page.selected_user().username == "d.patel"  # type: ignore[union-attr]
    row = page.model.row_of("d.patel")
    assert page.model.index(row, UserColumn.ROLE).data() == "Victim liaison officer"
    Backend.login(str(db_path), "d.patel", PASSWORD).close()  # they can log in


def test_a_taken_user_name_is_explained_beside_the_field(
    window_as: Callable[[Role], MainWindow], wait_idle: Callable[..., None], track: Track
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    dialog = page.add_user()
    track(dialog)
    dialog.username.setText("officer")
    dialog.role.setCurrentIndex(0)
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD)
    dialog.submit()
    wait_idle()
    assert dialog.error_text("username") == "There is already a user officer."


def test_reset_password_and_deactivate(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    assert page.select("vlo")
    assert page.reset_button.isEnabled() and page.deactivate_button.isEnabled()
    reset = page.reset_password()
    assert isinstance(reset, ResetPasswordDialog)
    track(reset)
    reset.password.setText(PASSWORD)
    reset.confirm.setText(PASSWORD + "!")
    reset.submit()
    assert reset.error_text("confirm") == "The two passwords are not the same."
    reset.confirm.setText(PASSWORD)
    reset.submit()
    wait_idle()
    assert is_closed(reset)
    row = page.model.row_of("vlo")
    assert page.model.index(row, UserColumn.MUST_CHANGE).data() == "Yes"

    box = page.deactivate()
    assert isinstance(box, QMessageBox)
    assert "never deleted" in box.informativeText() and "audit log" in box.informativeText()
    confirm = next(b for b in box.buttons() if b.text() == "Deactivate")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    wait_idle()
    row = page.model.row_of("vlo")
    assert row >= 0  # still listed: never deleted
    assert page.model.index(row, UserColumn.ACTIVE).data() == "No (deactivated)"
    assert page.count_label.text() == "6 active users, 1 deactivated"
    assert page.select("vlo") and not page.reset_button.isEnabled()


def test_the_administrator_cannot_deactivate_themselves(
    window_as: Callable[[Role], MainWindow], wait_idle: Callable[..., None]
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    assert page.select("admin")
    assert page.reset_button.isEnabled() and not page.deactivate_button.isEnabled()
    assert page.deactivate() is None


def test_every_role_has_a_summary() -> None:
    assert set(ROLE_SUMMARY) == {r.value for r in Role}


def test_add_user_labels_are_buddies(
    window_as: Callable[[Role], MainWindow], wait_idle: Callable[..., None], track: Track
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    dialog: AddUserDialog = page.add_user()
    track(dialog)
    from PySide6.QtWidgets import QLabel

    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    for field in (dialog.username, dialog.display_name, dialog.role, dialog.password, dialog.confirm):
        assert field in buddies


# ----- deactivating gives the database a new key; the administrator is told what happened -------------
def _plain(html: str) -> str:
    return re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]*>", "", html))


def _message(name: str) -> QMessageBox:
    boxes = [b for b in visible_message_boxes() if b.objectName() == name]
    assert len(boxes) == 1, [b.objectName() for b in visible_message_boxes()]
    return boxes[0]


def _deactivate(qtbot: QtBot, page: UsersPage, username: str, wait_idle: Callable[..., None]) -> QMessageBox:
    """Select, ask, confirm, and return the message that says what happened."""
    assert page.select(username)
    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    question = _message("deactivateQuestion")
    assert "new key" in question.informativeText()
    confirm = next(b for b in question.buttons() if b.text() == "Deactivate")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    wait_idle(timeout_ms=30_000)
    return _message("deactivatedMessage")


def test_deactivating_says_the_user_is_out_and_the_database_and_backups_have_a_new_key(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    db_path: Path,
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    for _ in range(2):
        page.ctx.backend.backups.create()
    old = page.ctx.backend.db.key
    assert old is not None
    box = _deactivate(qtbot, page, "navigator", wait_idle)
    assert box.icon() == QMessageBox.Icon.Information
    assert _plain(box.text()) == "navigator is deactivated and can no longer log in."
    details = _plain(box.informativeText())
    assert "The database and its 2 backups now have a new key" in details
    assert "given to 6 active users, who log in with the same password as before" in details
    assert "Not given" not in details and "reset" not in details
    assert not opens_with(db_path, old)  # what the leaver's old key file held opens nothing
    row = page.model.row_of("navigator")
    assert page.model.index(row, UserColumn.ACTIVE).data() == "No (deactivated)"
    box.accept()


def test_a_user_still_on_the_old_key_file_format_is_named_with_what_to_do(
    qtbot: QtBot,
    tmp_path: Path,
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
) -> None:
    """A database from before key pairs: only those who logged in since have one; the rest are named."""
    manifest = json.loads((FIXTURES / "schema_0005.json").read_text())
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "schema_0005.db", path)
    shutil.copyfile(FIXTURES / "schema_0005.db.keys", keyring_path(path))
    password = manifest["password"]
    Backend.login(str(path), manifest["officer"], password).close()  # fx-officer now has key pairs
    admin = Backend.login(str(path), manifest["username"], password)
    try:
        page = _users_page(window_for(admin), wait_idle)
        box = _deactivate(qtbot, page, "fx-navigator", wait_idle)
        assert _plain(box.text()) == "fx-navigator is deactivated and can no longer log in."
        details = _plain(box.informativeText())
        assert "given to 2 active users" in details
        assert "Not given the new key: fx-auditor, fx-haven, fx-manager, fx-vlo." in details
        assert "until you reset their passwords" in details
        assert "fx-officer" not in details  # logged in since the upgrade: given the key
        with pytest.raises(AuthenticationError):  # which is why the message says so
            Backend.login(str(path), "fx-vlo", password)
        box.accept()
    finally:
        wait_idle()
        admin.close()


def test_another_open_copy_of_the_app_is_said_and_change_database_key_later_does_it(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    db_path: Path,
    template: Template,
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    other = template.open(db_path)  # a colleague's copy of the app, with the file open
    Backend.as_user(other, "officer").register.counts()
    old = page.ctx.backend.db.key
    try:
        box = _deactivate(qtbot, page, "navigator", wait_idle)
        assert box.icon() == QMessageBox.Icon.Warning
        assert _plain(box.text()) == "navigator is deactivated and can no longer log in."
        details = _plain(box.informativeText())
        assert "the database key could not be changed, because another copy of MSHT Desk has" in details
        assert "Once everyone else has closed MSHT Desk, choose Change database key\u2026" in details
        assert "mshtdesk users" not in details  # the app's own command, not the command line's
        box.accept()
        row = page.model.row_of("navigator")
        assert page.model.index(row, UserColumn.ACTIVE).data() == "No (deactivated)"  # that part was done
        assert page.ctx.backend.db.key == old

        refused = _change_key(qtbot, page, wait_idle)  # still open: refused, said, nothing changed
        assert refused.icon() == QMessageBox.Icon.Warning
        assert "Another copy of MSHT Desk has the database open" in refused.informativeText()
        assert page.ctx.backend.db.key == old
        refused.accept()
    finally:
        other.close()
    done = _change_key(qtbot, page, wait_idle)  # the colleague has closed the app
    assert done.icon() == QMessageBox.Icon.Information
    assert page.ctx.backend.db.key != old and not opens_with(db_path, old)
    done.accept()


def _change_key(qtbot: QtBot, page: UsersPage, wait_idle: Callable[..., None]) -> QMessageBox:
    qtbot.mouseClick(page.rekey_button, Qt.MouseButton.LeftButton)
    question = _message("rekeyQuestion")
    confirm = next(b for b in question.buttons() if b.text() == "Change key")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    wait_idle(timeout_ms=30_000)
    return _message("rekeyedMessage")


def test_change_database_key_asks_then_gives_a_new_key_and_everyone_still_logs_in(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    db_path: Path,
) -> None:
    page = _users_page(window_as(Role.ADMINISTRATOR), wait_idle)
    button = page.rekey_button
    assert button.isVisible() and button.isEnabled()
    assert button.text() == "Change database &key\u2026" and button.accessibleName() == "Change database key"
    page.ctx.backend.backups.create()
    old = page.ctx.backend.db.key
    assert old is not None

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # asked first; Cancel changes nothing
    question = _message("rekeyQuestion")
    said = question.informativeText()
    assert "Everyone else must close MSHT Desk first" in said
    assert "The database and every backup are locked with a new key" in said
    assert "Nobody\u2019s password changes." in said
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(question.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    wait_idle()
    assert page.ctx.backend.db.key == old and not visible_message_boxes()

    done = _change_key(qtbot, page, wait_idle)
    assert _plain(done.text()).startswith("The database and its 1 backup now have a new key: old key files")
    assert _plain(done.informativeText()) == (
        "The new key was given to 7 active users; nobody\u2019s password has changed."
    )
    new = page.ctx.backend.db.key
    assert new is not None and new != old
    assert not opens_with(db_path, old) and opens_with(db_path, new)
    for user in USERS.values():  # every user still logs in, with the password they had
        Backend.login(str(db_path), user.username, user.password).close()
    assert page.ctx.backend.users.list_users()  # this session goes on with the new key
    done.accept()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_an_administrator_sees_change_database_key(
    window_as: Callable[[Role], MainWindow], role: Role
) -> None:
    window = window_as(role)
    assert window.page_of(UsersPage) is None
    names = {b.objectName() for b in window.findChildren(QPushButton)}
    texts = {b.text().replace("&", "") for b in window.findChildren(QPushButton)}
    assert "rekeyButton" not in names and "Change database key\u2026" not in texts


def test_the_rekey_wording_for_one_user_no_backups_unreadable_files_and_a_full_disk() -> None:
    result = RekeyResult(2, ("admin",), ("j.o-neil",), 0, ("register-old.db",))
    said = [_plain(p) for p in rekey_summary(result)]
    assert said[0] == (
        "The database now has a new key: old key files, such as a copy kept by someone who has left, "
        "no longer open it. There were no backups to change."
    )
    assert said[1] == "The new key was given to 1 active user, who logs in with the same password as before."
    assert said[2].startswith("Not given the new key: j.o-neil. This user has not logged in since")
    assert said[2].endswith("until you reset their password (Reset password\u2026).")
    assert said[3] == (
        "1 file in the backup folder could not be opened with any key (another database\u2019s, or damaged) "
        "and was left as it was: register-old.db."
    )
    assert "<b style='white-space:nowrap'>j.o-neil</b>" in rekey_summary(result)[2]  # not split at "-"
    full = DiskFullError("The disk is full. Free some space, then try again. " + NOT_SAVED)
    text = _plain(key_not_changed(full, "vlo"))
    assert text.startswith("But the database key could not be changed, because the disk is full.")
    assert NOT_SAVED not in text  # the deactivation was saved
    assert text.endswith("When that is put right, choose Change database key\u2026 on this page.")
    text = _plain(key_not_changed(full, "vlo", started=True))
    assert text.startswith("The database has its new key, but the change did not finish, because the disk")
    assert text.endswith("choose Change database key\u2026 on this page: it finishes the backups.")
