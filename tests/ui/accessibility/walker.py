"""Walk a main window the way a person explores it: every page, the first record of each, and every
command that opens a dialog ("…" on a menu entry or a button), a dialog's own "…" buttons included.

Each window that appears is checked with :func:`tests.ui.accessibility.checks.problems` and closed
without saving (``done(0)``). A dialog run with ``exec()`` (a question, a file chooser) blocks the click
that opened it; a timer checks and closes it from inside its event loop. Qt's own file dialog is not
ours to name and is only closed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QTreeView,
    QWidget,
)

from tests.ui.accessibility.checks import problems
from ui.main_window import MainWindow

ELLIPSIS = "\u2026"
STUCK_TICKS = 10  # a modal still up after a second of waiting is an exec() blocking the walk
SKIP = (
    "Choose file",
    "Browse",
    "Save PDF",
    "Save as",
    "Export",
)  # straight to a file chooser: nothing of ours


def windows() -> set[QWidget]:
    return {w for w in QApplication.topLevelWidgets() if w.isVisible()}


def settle(wait_idle: Callable[..., None], ms: int = 60) -> None:
    wait_idle()
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)
    wait_idle()


def close(widget: QWidget) -> None:
    if not shiboken6.isValid(widget):
        return
    if isinstance(widget, QDialog):
        widget.done(0)
    else:
        widget.close()


def select_first(view: QAbstractItemView) -> None:
    """The first record: in a tree of groups, the first item of the first group that has one."""
    model = view.model()
    if model is None or model.rowCount(QModelIndex()) == 0:
        return
    index = model.index(0, 0, QModelIndex())
    if isinstance(view, QTreeView):
        for row in range(model.rowCount(QModelIndex())):
            group = model.index(row, 0, QModelIndex())
            if model.rowCount(group):
                index = model.index(0, 0, group)
                break
    view.setCurrentIndex(index)


class Walker:
    """Collects the problems of every window it opens, labelled with how it got there."""

    def __init__(self, wait_idle: Callable[..., None], label: str) -> None:
        self.wait_idle = wait_idle
        self.label = label
        self.found: list[str] = []
        self.seen: set[str] = set()  # dialog classes checked (each once per role is enough)

    def check(self, widget: QWidget, how: str) -> None:
        if isinstance(widget, QFileDialog):
            return
        self.seen.add(type(widget).__name__)
        self.found += [f"{self.label} \u203a {how}: {p}" for p in problems(widget)]

    def press(self, click: Callable[[], None], how: str, depth: int) -> None:
        """Click, then check (and explore, ``depth`` levels) and close every window that appeared."""
        if os.environ.get("MSHTDESK_WALK_TRACE"):
            print("walk:", how, file=sys.stderr, flush=True)
        before = windows()
        waiting = [True]
        stuck: dict[int, int] = {}

        def rescue() -> None:  # a modal exec() runs inside the click, or inside a reply the click awaited
            if not waiting[0]:
                return
            modal = QApplication.activeModalWidget()
            if modal is not None and modal not in before:
                stuck[id(modal)] = stuck.get(id(modal), 0) + 1
                if stuck[id(modal)] >= STUCK_TICKS:
                    self.check(modal, how)
                    close(modal)
            QTimer.singleShot(100, rescue)

        QTimer.singleShot(100, rescue)
        click()
        settle(self.wait_idle)
        waiting[0] = False
        for window in sorted(windows() - before, key=lambda w: type(w).__name__):
            if not shiboken6.isValid(window) or not window.isVisible():
                continue
            name = type(window).__name__
            if name not in self.seen or depth > 0:
                self.check(window, how)
                if depth > 0:
                    self.explore(window, f"{how} \u203a {name}", depth - 1)
            close(window)
            settle(self.wait_idle, 10)

    def explore(self, top: QWidget, how: str, depth: int) -> None:
        """Press each enabled "…" button of ``top`` (and select its first record first, if it lists any)."""
        for view in top.findChildren(QAbstractItemView):
            if view.isVisibleTo(top) and view.objectName() != "nav":
                select_first(view)
        settle(self.wait_idle, 10)
        for button in top.findChildren(QAbstractButton):
            text = button.text().replace("&", "")
            if not text.endswith(ELLIPSIS) or any(text.startswith(s) for s in SKIP):
                continue
            if shiboken6.isValid(button) and button.isVisibleTo(top) and button.isEnabled():
                self.press(button.click, f"{how} \u203a {text}", depth)

    def walk_window(self, window: MainWindow) -> None:
        """Every page (checked as shown, then its first record opened, then its "…" buttons), then every
        "…" command of the menus."""
        for row, page in enumerate(list(window.pages)):
            window.go_to(row)
            settle(self.wait_idle)
            self.found += [f"{self.label} \u203a {page.title}: {p}" for p in problems(window)]
            for view in page.findChildren(QAbstractItemView):
                if view.isVisibleTo(page):
                    select_first(view)
            settle(self.wait_idle, 10)
            if page.can_open and page.has_selection():
                self.press(page.open_current, f"{page.title} \u203a Open", 1)
            self.explore(page, page.title, 1)
        for action in window.commands.all:
            text = action.text().replace("&", "")
            if (
                text.endswith(ELLIPSIS)
                and action.isVisible()
                and action.isEnabled()
                and not text.startswith(SKIP)
            ):
                self.press(action.trigger, f"menu {text}", 1)
