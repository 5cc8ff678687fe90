"""Whole workflows with the keyboard alone (issue 17, item 1).

From the moment the window appears each test sends only key events, to whichever widget has the focus
(``keys.py``), as a real keyboard does: no clicks, no calls into the widgets. At each stop it checks that
the focus landed on the first useful control of the page or dialog and that the control shows a focus
ring of at least 3:1 (``focus_ring.py``). Made-up demo data and the demo accounts only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.due import DueKind
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from tests.conftest import USERS
from tests.ui.accessibility.focus_ring import focus_contrast
from tests.ui.accessibility.keys import ALT, CTRL, SHIFT, key, pause, tab_until, type_text
from tests.ui.helpers import is_closed
from ui.app import AppController
from ui.dialogs.contact_dialog import ContactDialog
from ui.dialogs.password_dialog import ChangePasswordDialog
from ui.dialogs.pathway_view import PathwayView
from ui.models.today_model import Group
from ui.pages.today_page import TodayPage
from ui.widgets.focus_ring import install_focus_ring

NEW_PASSWORD = "a long phrase nobody else would pick 42"


@pytest.fixture(autouse=True)
def _focus_ring(qapp: QApplication) -> None:
    install_focus_ring(qapp)  # as create_application does for the real app


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def assert_visible_focus(widget: QWidget) -> None:
    ratio, changed = focus_contrast(widget)
    assert ratio >= 3.0, f"{type(widget).__name__} {widget.objectName()!r}: focus ring {ratio:.2f}:1"
    assert changed >= widget.width() + widget.height(), "the ring goes round the control"


def wait_for(qtbot: QtBot, controller: AppController, ms: int = 10_000) -> None:
    qtbot.waitUntil(controller.tasks.is_idle, timeout=ms)
    pause(qtbot, 50)


def log_in(qtbot: QtBot, controller: AppController, role: Role, password: str | None = None) -> None:
    """Type the user name, Tab, the password, Enter: the login dialog starts on the user name."""
    login = controller.login
    assert login is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is login.username, timeout=5_000)
    assert_visible_focus(login.username)
    type_text(qtbot, USERS[role].username)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is login.password
    type_text(qtbot, password or USERS[role].password)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    wait_for(qtbot, controller)


def _demo(database: Database) -> None:
    fill_demo(database)
    fill_pathway(database, seed=1, volume=volume_for_arrests(130, 395 / 365.25))


def test_log_in_move_between_pages_lock_unlock(
    qtbot: QtBot, start: Callable[[str], AppController], database: Database, db_path: Path
) -> None:
    _demo(database)
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.MANAGER)
    window = controller.window
    assert len(window.pages) >= 9
    for row, page in enumerate(window.pages[:9]):
        key(qtbot, getattr(Qt.Key, f"Key_{row + 1}"), CTRL)
        wait_for(qtbot, controller)
        assert window.current_page() is page
        first = page.first_control()
        assert first is not None and focused() is first, f"{page.title}: focus on its first control"
        assert_visible_focus(first)
    # Lock with Ctrl+L: the password field has the focus; a wrong password, then the right one.
    key(qtbot, Qt.Key.Key_L, CTRL)
    wait_for(qtbot, controller)
    assert window.is_locked()
    assert focused() is window.lock_panel.password
    type_text(qtbot, "not my password")
    key(qtbot, Qt.Key.Key_Return)
    wait_for(qtbot, controller)
    assert window.is_locked() and focused() is window.lock_panel.password
    type_text(qtbot, USERS[Role.MANAGER].password)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=10_000)
    assert focused() is window.pages[8].first_control(), "the focus comes back where it was"


def test_change_password_from_the_file_menu(
    qtbot: QtBot, start: Callable[[str], AppController], db_path: Path
) -> None:
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.VLO)
    key(qtbot, Qt.Key.Key_F, ALT)  # File
    key(qtbot, Qt.Key.Key_P)  # Change &password…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ChangePasswordDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ChangePasswordDialog)
    assert focused() is dialog.old
    assert_visible_focus(dialog.old)
    type_text(qtbot, USERS[Role.VLO].password)
    key(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, NEW_PASSWORD)
    tab_until(qtbot, dialog.confirm)
    type_text(qtbot, NEW_PASSWORD)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=30_000)
    # The new password is the one that unlocks now.
    key(qtbot, Qt.Key.Key_L, CTRL)
    wait_for(qtbot, controller)
    type_text(qtbot, NEW_PASSWORD)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not controller.window.is_locked(), timeout=30_000)


def test_today_first_overdue_item_pathway_add_contact(
    qtbot: QtBot, start: Callable[[str], AppController], database: Database, db_path: Path
) -> None:
    _demo(database)
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.VLO)
    window = controller.window
    page = window.current_page()
    assert isinstance(page, TodayPage)
    qtbot.waitUntil(lambda: page.loaded_once, timeout=10_000)
    wait_for(qtbot, controller)
    assert focused() is page.tree, "a session starts on Today's list"
    assert_visible_focus(page.tree)
    overdue = page.model.items_of(Group.OVERDUE)
    target = next(i for i in overdue if i.kind == DueKind.VLO_CONTACT and i.person_id is not None)
    assert overdue[0] is target or target in overdue
    for _ in range(60):  # Down from the top until the first overdue contact is selected
        if page.selected_item() == target:
            break
        key(qtbot, Qt.Key.Key_Down)
    assert page.selected_item() == target
    key(qtbot, Qt.Key.Key_Return)
    assert target.person_id is not None
    qtbot.waitUntil(lambda: target.person_id in PathwayView._open, timeout=10_000)
    view = PathwayView._open[target.person_id]
    qtbot.waitUntil(lambda: view.pathway is not None, timeout=10_000)
    wait_for(qtbot, controller)
    assert view.isAncestorOf(focused()), "the pathway has the keyboard"
    before = view.model.rowCount()
    key(qtbot, Qt.Key.Key_N, CTRL | SHIFT)  # Log contact…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ContactDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ContactDialog)
    wait_for(qtbot, controller)
    first = focused()
    assert dialog.isAncestorOf(first)
    assert_visible_focus(first)
    key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1, timeout=10_000)
    key(qtbot, Qt.Key.Key_Escape)  # closes the pathway
    qtbot.waitUntil(lambda: is_closed(view), timeout=5_000)
    wait_for(qtbot, controller)
    assert all(
        i.person_id != target.person_id or i.kind != DueKind.VLO_CONTACT
        for i in page.model.items_of(Group.OVERDUE)
    )


def test_focus_ring_on_every_kind_of_control(qtbot: QtBot, backend: Backend) -> None:
    """The ring shows on a line edit inside a real dialog, not only on the controls the workflows meet."""
    del backend
    line = QLineEdit()
    qtbot.addWidget(line)
    line.show()
    assert_visible_focus(line)
