"""Help › Keyboard shortcuts (F1) is read from the action registry and lists every key the window
answers to; every action has a tooltip that says its key; View lists the pages with Ctrl+1…9."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from tests.ui.accessibility.checks import problems
from tests.ui.accessibility.keys import CTRL, key
from tests.ui.helpers import settle
from ui.actions import typed
from ui.dialogs.shortcuts_dialog import EVERYWHERE, ShortcutsDialog
from ui.main_window import MainWindow


def _open_list(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(qtbot, Qt.Key.Key_F1)
    settle(qtbot)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible(), "F1 opens Help › Keyboard shortcuts"
    return dialog


def test_f1_lists_every_key_the_window_answers_to(
    qtbot: QtBot, window_as: Callable[[Role], MainWindow]
) -> None:
    window = window_as(Role.HTT_OFFICER)
    dialog = _open_list(qtbot, window)
    listed = {
        (dialog.model.index(r, 1).data(), dialog.model.index(r, 2).data())
        for r in range(dialog.model.rowCount())
    }
    # Found independently of the registry: every action of the window that has a key and is on a menu.
    on_menus = [
        a
        for a in window.findChildren(QAction)
        if not a.shortcut().isEmpty() and a.isVisible() and a.associatedObjects() and a.text()
    ]
    assert len(on_menus) >= 15
    for action in on_menus:
        name = action.text().replace("&", "").rstrip("\u2026")
        keys = typed(action)
        assert keys, f"{name} has a key a laptop keyboard can type"
        assert any(c == name and keys[0] in k for c, k in listed), f"{name} ({keys[0]}) is listed"
    assert ("Go to the next or previous control", "Tab, Shift+Tab") not in listed
    assert {(s.command, s.keys) for s in EVERYWHERE} <= listed
    assert problems(dialog) == []
    assert QApplication.focusWidget() is dialog.table
    key(qtbot, Qt.Key.Key_Escape)
    settle(qtbot)
    assert window.findChild(ShortcutsDialog) is None or not dialog.isVisible()


def test_the_list_follows_the_role(qtbot: QtBot, window_as: Callable[[Role], MainWindow]) -> None:
    """An auditor has no New arrest, so Ctrl+N is not offered to them."""
    window = window_as(Role.AUDITOR)
    dialog = _open_list(qtbot, window)
    commands = {dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())}
    assert "New arrest" not in commands and "Audit log" in commands


def test_every_action_has_a_tooltip_with_its_key(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.ADMINISTRATOR)
    commands = window.commands
    for action in (*commands.all, *commands.pages):
        tip = action.toolTip()
        assert tip and tip != action.text().replace("&", ""), f"{action.text()} has a tooltip of its own"
        key = action.shortcut()
        if not key.isEmpty():
            assert tip.endswith(f"({key.toString(QKeySequence.SequenceFormat.NativeText)})"), tip


def test_view_lists_the_pages_with_ctrl_digits(qtbot: QtBot, window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.MANAGER)
    entries = [a for a in window.view_menu.actions() if a in window.commands.pages]
    assert [a.text() for a in entries] == [p.title for p in window.pages]
    for i, action in enumerate(entries[:9]):
        assert action.shortcut().toString() == f"Ctrl+{i + 1}"
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(qtbot, Qt.Key.Key_3, CTRL)
    assert window.current_page() is window.pages[2]
