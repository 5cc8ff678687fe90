"""Connect to a team server: the choice in the login dialog, remembered per user without a password, and a
real login on the PostgreSQL server it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.conftest import USERS
from tests.postgres import fresh_server, needs_postgres
from tests.ui.helpers import settle
from ui.app import SERVER_SETTING, AppController
from ui.dialogs.login_dialog import LoginDialog, Mode
from ui.dialogs.server_dialog import ServerDialog
from ui.paths import settings_file
from ui.settings import open_settings


def _login(qtbot: QtBot, controller: AppController, old: LoginDialog | None = None) -> LoginDialog:
    qtbot.waitUntil(
        lambda: controller.login is not None and controller.login is not old and controller.login.isVisible(),
        timeout=30_000,
    )
    assert controller.login is not None
    return controller.login


def _server_dialog(qtbot: QtBot, controller: AppController, login: LoginDialog) -> ServerDialog:
    assert login.server_button.isVisible()
    qtbot.mouseClick(login.server_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.server_dialog is not None and controller.server_dialog.isVisible())
    assert controller.server_dialog is not None
    return controller.server_dialog


def test_wrong_fields_are_said_beside_them_and_nothing_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(open_settings(), db=str(tmp_path / "new.db"), demo=False)
    qtbot.addWidget(controller.window)
    try:
        controller.open()
        login = _login(qtbot, controller)
        assert login.mode is Mode.CREATE  # a new laptop: the choice is there too
        dialog = _server_dialog(qtbot, controller, login)
        assert not dialog.file_button.isVisible()  # nothing to go back to yet
        dialog.host.setText("db/evil")
        dialog.database.clear()
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        assert dialog.errors["host"].isVisibleTo(dialog) and dialog.errors["database"].isVisibleTo(dialog)
        assert "server's name" in dialog.error_text() and "database's name" in dialog.error_text()
        dialog.reject()
        assert controller.settings.value(SERVER_SETTING) is None and controller.login is login
    finally:
        controller.shutdown()


def test_the_choice_is_hidden_when_the_environment_decides(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSHTDESK_DB", str(tmp_path / "set.db"))
    controller = AppController(open_settings(), db=None, demo=False)
    qtbot.addWidget(controller.window)
    try:
        controller.open()
        login = _login(qtbot, controller)
        assert not login.server_button.isVisibleTo(login)
    finally:
        controller.shutdown()


@needs_postgres
def test_connect_log_in_and_be_remembered_without_the_password(qtbot: QtBot, tmp_path: Path) -> None:
    url = fresh_server()
    admin = USERS[Role.ADMINISTRATOR]
    Backend.create(url, admin.username, admin.password).close()
    host, port, database = "127.0.0.1", url.rsplit(":", 1)[1].split("/")[0], url.rsplit("/", 1)[1]

    controller = AppController(open_settings(), db=None, demo=False)
    qtbot.addWidget(controller.window)
    try:
        controller.open()
        login = _login(qtbot, controller)
        dialog = _server_dialog(qtbot, controller, login)
        dialog.host.setText(host)
        dialog.port.setText(port)
        dialog.database.setText(database)
        dialog.user.setText("postgres")
        dialog.password.setText("typed-db-secret")  # trust auth ignores it; it must never be saved
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        login = _login(qtbot, controller, login)
        assert login.mode is Mode.LOGIN and f"{host}:{port}/{database}" in login.location.text()
        login.username.setText(admin.username)
        login.password.setText(admin.password)
        qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
        assert controller.backend is not None and controller.backend.db.path is None  # the server
    finally:
        controller.shutdown()
    remembered = f"postgresql+psycopg://postgres@{host}:{port}/{database}"
    assert open_settings().value(SERVER_SETTING) == remembered
    assert "typed-db-secret" not in settings_file().read_text(encoding="utf-8")

    again = AppController(open_settings(), db=None, demo=False)  # the next start: the same server
    qtbot.addWidget(again.window)
    try:
        assert again.db == remembered
        again.open()
        login = _login(qtbot, again)
        dialog = _server_dialog(qtbot, again, login)
        assert (dialog.host.text(), dialog.port.text(), dialog.user.text()) == (host, port, "postgres")
        assert dialog.file_button.isVisible()
        qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
        login = _login(qtbot, again, login)
        settle(qtbot)
        assert again.db is None and "mshtdesk.db" in login.location.text()
        assert open_settings().value(SERVER_SETTING) is None
    finally:
        again.shutdown()
