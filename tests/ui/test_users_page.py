"""The users page: the list, adding a user (errors beside the fields), resetting a password, deactivating
(never deleting), and what the Add user dialog says about each role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.ui.helpers import Track, is_closed
from ui.dialogs.user_dialogs import AddUserDialog, ResetPasswordDialog
from ui.main_window import MainWindow
from ui.models.users_model import UserColumn
from ui.pages.users_page import UsersPage
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
