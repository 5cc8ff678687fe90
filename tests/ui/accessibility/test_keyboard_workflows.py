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
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.due import DueKind
from mshtdesk.domain.roles import Role
from mshtdesk.store.database import Database
from tests.conftest import USERS
from tests.ui.accessibility.focus_ring import focus_contrast
from tests.ui.accessibility.keys import ALT, CTRL, SHIFT, key, pause, tab_until, type_text
from tests.ui.helpers import SEED_EXPORT, is_closed
from ui.app import AppController
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.contact_dialog import ContactDialog
from ui.dialogs.disposal_dialogs import RecordDisposalDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.password_dialog import ChangePasswordDialog
from ui.dialogs.pathway_view import PathwayView
from ui.dialogs.reason_dialog import ReasonDialog
from ui.models.today_model import Group
from ui.pages.arrests_page import ArrestsPage
from ui.pages.reports_page import ReportsPage
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


def test_import_a_custody_file_typing_its_path(
    qtbot: QtBot, start: Callable[[str], AppController], db_path: Path, tmp_path: Path
) -> None:
    """Ctrl+I, Alt+C opens Qt's own file dialog (the native ones are the platform's), the path is typed
    into it, Enter; then Alt+I imports and the register has the file's arrests."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    export = tmp_path / "custody export.csv"
    export.write_bytes(SEED_EXPORT.read_bytes())
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.HTT_OFFICER)
    key(qtbot, Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), ImportDialog), timeout=5_000)
    dialog = QApplication.activeWindow()
    assert isinstance(dialog, ImportDialog)
    assert focused() is dialog.path, "the import starts on the file's path"
    assert_visible_focus(dialog.path)
    typed: list[str] = []  # where the file dialog put the keyboard

    def in_the_file_dialog() -> None:  # runs inside the file dialog's own event loop
        chooser = QApplication.activeModalWidget()
        if not isinstance(chooser, QFileDialog):
            QTimer.singleShot(50, in_the_file_dialog)
            return
        if QApplication.activeWindow() is not chooser:  # the window manager's part (see keys.py)
            chooser.activateWindow()
            QTimer.singleShot(50, in_the_file_dialog)
            return
        try:
            start_on = QApplication.focusWidget()
            typed.append(f"{type(start_on).__name__} {start_on.objectName() if start_on else ''}")
            type_text(qtbot, str(export))
            key(qtbot, Qt.Key.Key_Return)
        finally:
            if chooser.isVisible():  # never leave the test blocked in the chooser
                chooser.reject()

    QTimer.singleShot(50, in_the_file_dialog)
    key(qtbot, Qt.Key.Key_C, ALT)  # Choose…: returns when the file dialog has closed
    assert typed == ["QLineEdit fileNameEdit"], "the file dialog starts on the file name"
    assert dialog.path.text() == str(export)
    key(qtbot, Qt.Key.Key_I, ALT)  # Import
    qtbot.waitUntil(lambda: dialog.job is None and controller.tasks.is_idle(), timeout=30_000)
    backend = controller.backend
    assert backend is not None
    assert backend.register.counts().arrests > 0
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=5_000)


def test_find_an_arrest_and_record_a_disposal(
    qtbot: QtBot, start: Callable[[str], AppController], database: Database, db_path: Path
) -> None:
    """Ctrl+digit to Arrests, type a custody ref in its search, Tab to the list, Enter opens the
    arrest; Tab to Record disposal…, Space; choose a disposal with the arrow keys, Ctrl+S."""
    fill_demo(database)
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.HTT_OFFICER)
    window = controller.window
    page = next(p for p in window.pages if isinstance(p, ArrestsPage))
    key(qtbot, getattr(Qt.Key, f"Key_{window.pages.index(page) + 1}"), CTRL)
    wait_for(qtbot, controller)
    assert focused() is page.search
    backend = controller.backend
    assert backend is not None
    wanted = backend.register.get(1)
    type_text(qtbot, wanted.custody_ref)
    key(qtbot, Qt.Key.Key_Return)
    wait_for(qtbot, controller)
    assert page.model.total == 1
    tab_until(qtbot, page.table)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), ArrestDialog), timeout=10_000)
    arrest = QApplication.activeWindow()
    assert isinstance(arrest, ArrestDialog)
    wait_for(qtbot, controller)
    assert arrest.isAncestorOf(focused())
    events = sum(len(o.events) for o in backend.register.get(1).offences)
    tab_until(qtbot, arrest.record_button)
    assert_visible_focus(arrest.record_button)
    key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RecordDisposalDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, RecordDisposalDialog)
    assert focused() is dialog.disposal, "the disposal is asked first"
    key(qtbot, Qt.Key.Key_Down)
    assert dialog.disposal.currentIndex() >= 0
    key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=10_000)
    wait_for(qtbot, controller)
    assert sum(len(o.events) for o in backend.register.get(1).offences) == events + 1
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: is_closed(arrest), timeout=5_000)


def test_build_preview_and_save_a_com_pdf_with_its_reason(
    qtbot: QtBot, start: Callable[[str], AppController], database: Database, db_path: Path, tmp_path: Path
) -> None:
    """Ctrl+digit to Reports, Ctrl+Return builds and previews, Ctrl+S asks why; the reason is typed,
    Tab to Choose file…, Space; the path is typed into Qt's save dialog, Enter: a PDF is written."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    _demo(database)
    target = tmp_path / "com summary.pdf"
    controller = start(str(db_path))
    log_in(qtbot, controller, Role.MANAGER)
    window = controller.window
    page = next(p for p in window.pages if isinstance(p, ReportsPage))
    key(qtbot, getattr(Qt.Key, f"Key_{window.pages.index(page) + 1}"), CTRL)
    wait_for(qtbot, controller)
    assert page.isAncestorOf(focused())
    assert "COM" in page.kind.currentText()
    key(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=60_000)
    assert page.preview.currentWidget() is page.view, "the PDF is previewed"
    key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReasonDialog), timeout=5_000)
    reason = QApplication.activeModalWidget()
    assert isinstance(reason, ReasonDialog)
    assert focused() is reason.text, "the reason is asked first"
    assert_visible_focus(reason.text)
    type_text(qtbot, "Quarterly return to the COM board")
    typed: list[str] = []

    def in_the_file_dialog() -> None:  # runs inside the save dialog's own event loop
        chooser = QApplication.activeModalWidget()
        if not isinstance(chooser, QFileDialog):
            QTimer.singleShot(50, in_the_file_dialog)
            return
        if QApplication.activeWindow() is not chooser:
            chooser.activateWindow()
            QTimer.singleShot(50, in_the_file_dialog)
            return
        try:
            start_on = QApplication.focusWidget()
            typed.append(f"{type(start_on).__name__} {start_on.objectName() if start_on else ''}")
            key(qtbot, Qt.Key.Key_A, CTRL)  # the suggested name is selected: replace it
            type_text(qtbot, str(target))
            key(qtbot, Qt.Key.Key_Return)
        finally:
            if chooser.isVisible():
                chooser.reject()

    QTimer.singleShot(50, in_the_file_dialog)
    tab_until(qtbot, reason.ok_button)
    key(qtbot, Qt.Key.Key_Space)
    pause(qtbot, 300)
    assert typed == ["QLineEdit fileNameEdit"], "the save dialog starts on the file name"
    qtbot.waitUntil(target.exists, timeout=30_000)
    wait_for(qtbot, controller)
    assert target.read_bytes()[:5] == b"%PDF-"
