"""The idle lock: the content is hidden (not covered), commands and dialogs too; the same user's password
brings everything back as it was; a wrong one keeps it locked; Lock now and Log out from the lock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.conftest import USERS
from tests.ui.helpers import idle, show_page
from ui import error_report
from ui.app import AppController, Session, unlock_is_final
from ui.context import ReferenceData
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.idle import IDLE_ENV, IDLE_KEY, idle_lock_minutes
from ui.pages.arrests_page import ArrestsPage
from ui.settings import open_settings

IDLE_MINUTES = 0.05  # 3 s: the set-up (rows read on the worker) must fit inside it on a loaded machine


@pytest.fixture
def session_for(
    qtbot: QtBot, backend_for: Callable[[Role], Backend]
) -> Iterator[Callable[[Role, float], AppController]]:
    """A controller with a session for ``role`` already started (the login itself is tested elsewhere)."""
    made: list[AppController] = []

    def make(role: Role, minutes: float) -> AppController:
        controller = AppController(open_settings(), db=None, demo=False, idle_minutes=minutes)
        qtbot.addWidget(controller.window)
        made.append(controller)
        controller.window.show()
        backend = backend_for(role)
        controller.start_session(Session(backend, ReferenceData.load(backend)))
        qtbot.waitUntil(controller.tasks.is_idle, timeout=10_000)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.tasks.is_running()


def test_idle_lock_hides_everything_and_the_right_password_brings_it_back(
    qtbot: QtBot, session_for: Callable[[Role, float], AppController], backend_for: Callable[[Role], Backend]
) -> None:
    fill_demo(backend_for(Role.HTT_OFFICER).db)
    controller = session_for(Role.HTT_OFFICER, IDLE_MINUTES)
    window = controller.window
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    page.district.setCurrentIndex(page.district.findData("BD"))
    idle(qtbot, page)
    filtered = page.model.total
    assert 0 < filtered < 130
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, None, window)
    dialog.custody_ref.setText("WY/26/000777")  # typed, not saved
    assert dialog.isVisible()

    qtbot.waitUntil(window.is_locked, timeout=20_000)
    assert not window.content.isVisible() and window.lock_panel.isVisible()
    assert not page.isVisible() and not dialog.isVisible()
    assert not window.menuBar().isEnabled()
    for action in (window.commands.new_arrest, window.commands.copy, window.commands.lock_now):
        assert not action.isEnabled()
    assert window.counts.isHidden()
    late = error_report.show_message(window, "MSHT Desk", "A message that arrives while locked.")
    qtbot.wait(20)
    assert not late.isVisible()  # hidden at once, shown again after the unlock
    assert "because it was idle" in window.lock_panel.text.text()
    assert "<b>officer</b>" in window.lock_panel.text.text()
    assert window.lock_panel.password.echoMode() == window.lock_panel.password.EchoMode.Password

    panel = window.lock_panel
    qtbot.keyClicks(panel.password, "not-my-password")
    qtbot.mouseClick(panel.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=10_000)
    assert panel.error.text() == "Wrong password."
    assert window.is_locked() and not window.content.isVisible()
    assert panel.unlock_button.isVisible()  # try again

    qtbot.keyClicks(panel.password, USERS[Role.HTT_OFFICER].password)
    qtbot.keyClick(panel.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=10_000)
    controller.idle.stop()  # or it locks again 0.6 s from now, while this test still checks
    assert window.content.isVisible() and window.current_page() is page and page.isVisible()
    assert page.district.currentData() == "BD" and page.model.total == filtered  # the same filter
    assert dialog.isVisible() and dialog.custody_ref.text() == "WY/26/000777"
    assert late.isVisible()
    late.done(0)
    assert window.menuBar().isEnabled() and window.commands.new_arrest.isEnabled()
    dialog.done(0)

    auditor = backend_for(Role.AUDITOR)
    events = auditor.audit.list(AuditQuery(username="officer", entity="user"))
    assert [(e.action, e.reason) for e in reversed(events)][-3:] == [
        ("logout", "idle lock"),
        ("failed_login", "unlock"),
        ("login", "unlock"),
    ]


def test_input_keeps_the_window_unlocked(
    qtbot: QtBot, session_for: Callable[[Role, float], AppController]
) -> None:
    controller = session_for(Role.MANAGER, 0.03)  # 1.8 s: room for a loaded machine's slow event loop
    window = controller.window
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    for _ in range(30):  # 3 s of typing, well over the limit
        qtbot.keyClick(page.search, Qt.Key.Key_A)
        qtbot.wait(100)
    assert not window.is_locked()
    qtbot.waitUntil(window.is_locked, timeout=20_000)  # then idle: locked


def test_lock_now_and_log_out_from_the_lock(
    qtbot: QtBot, session_for: Callable[[Role, float], AppController]
) -> None:
    controller = session_for(Role.AUDITOR, 10)
    window = controller.window
    assert window.commands.lock_now.shortcut().toString() == "Ctrl+L"
    window.commands.lock_now.trigger()
    assert window.is_locked() and "at your request" in window.lock_panel.text.text()
    assert not controller.idle.is_running()
    qtbot.mouseClick(window.lock_panel.logout_button, Qt.MouseButton.LeftButton)
    assert controller.session is None and not window.is_locked() and not window.pages
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=10_000)


def test_a_locked_out_account_may_only_log_out(
    qtbot: QtBot, session_for: Callable[[Role, float], AppController]
) -> None:
    controller = session_for(Role.MANAGER, 10)
    window = controller.window
    controller.lock(idle=True)
    panel = window.lock_panel
    for _ in range(5):
        panel.password.setText("wrong-wrong-wrong")
        panel.unlock_button.click()
        qtbot.waitUntil(
            lambda: panel.unlock_button.isEnabled() or not panel.unlock_button.isVisible(), timeout=10_000
        )
    assert "locked" in panel.error.text()
    assert not panel.unlock_button.isVisible() and not panel.password.isVisible()
    assert panel.logout_button.isVisible() and panel.logout_button.isEnabled()


def test_the_idle_limit_comes_from_the_environment_then_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = open_settings()
    assert idle_lock_minutes(settings) == 10
    settings.setValue(IDLE_KEY, "5")
    assert idle_lock_minutes(settings) == 5
    monkeypatch.setenv(IDLE_ENV, "2.5")
    assert idle_lock_minutes(settings) == 2.5
    monkeypatch.setenv(IDLE_ENV, "soon")
    assert idle_lock_minutes(settings) == 5


def test_only_a_lockout_ends_the_unlock_attempts() -> None:
    from mshtdesk.errors import AccountLockedError, AuthenticationError

    assert not unlock_is_final(AuthenticationError("Wrong password."))
    assert unlock_is_final(AccountLockedError("This account is locked after 5 failed logins."))


def test_the_machine_preset_is_the_default_limit_and_a_locked_one_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mshtdesk.machine import MACHINE_SETTINGS_ENV

    machine = tmp_path / "MSHTDesk.ini"
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(machine))
    settings = open_settings()
    machine.write_text("[MSHTDesk]\nidle_lock_minutes = 3\n", encoding="utf-8")
    assert idle_lock_minutes(settings) == 3
    settings.setValue(IDLE_KEY, "20")
    assert idle_lock_minutes(settings) == 20  # unlocked: the user's own setting comes first
    machine.write_text("[MSHTDesk]\nidle_lock_minutes = 3\nlocked = true\n", encoding="utf-8")
    monkeypatch.setenv(IDLE_ENV, "30")
    assert idle_lock_minutes(settings) == 3
