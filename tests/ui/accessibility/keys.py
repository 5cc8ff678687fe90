"""A keyboard and nothing else: keys go where the real keyboard sends them, the focused widget of the
active window, never to a widget the test picks. Typing text is one key event per character."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

Mod = Qt.KeyboardModifier
CTRL = Mod.ControlModifier
SHIFT = Mod.ShiftModifier
ALT = Mod.AltModifier


def target() -> QWidget:
    """Where a key typed now lands: an open menu, else the focus widget, else the active window."""
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return popup
    if QApplication.activeWindow() is None:
        _window_manager()
    focus = QApplication.focusWidget()
    if focus is not None:
        return focus
    window = QApplication.activeModalWidget() or QApplication.activeWindow()
    assert window is not None, "no window has the keyboard"
    return window


def _window_manager() -> None:
    """What a desktop's window manager does when a dialog closes: give the keyboard back to the window
    it belonged to. The offscreen platform has no window manager, so nothing is active until told."""
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    dialogs = [w for w in shown if isinstance(w, QDialog)]  # a pathway view left open over the window
    main = [w for w in shown if w.objectName() == "mainWindow"]
    owner = QApplication.activeModalWidget() or next(iter(dialogs + main + shown), None)
    if owner is not None:
        owner.activateWindow()
        QApplication.processEvents()


def key(qtbot: QtBot, k: Qt.Key, mod: Mod = Mod.NoModifier, *, wait_ms: int = 30) -> None:
    qtbot.keyClick(target(), k, mod)
    pause(qtbot, wait_ms)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(target(), text)
    pause(qtbot, 20)


def pause(qtbot: QtBot, ms: int) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        qtbot.wait(5)


def tab_until(qtbot: QtBot, wanted: QWidget, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until ``wanted`` has the focus: it must be reachable by Tab."""
    for _ in range(limit):
        if QApplication.focusWidget() is wanted:
            return
        key(
            qtbot, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab, SHIFT if backwards else Mod.NoModifier
        )
    raise AssertionError(f"Tab never reaches {type(wanted).__name__} {wanted.objectName()!r}")
