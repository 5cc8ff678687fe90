"""At 200% text every dialog the names walk reaches fits a 1,280 × 800 screen and cuts off no words
(WCAG 2.2, 1.4.4 Resize text, 1.4.10 Reflow): its minimum size fits the screen, and at the size it opens
with (no larger than the screen) no label or button is narrower than its own text. The walk
(``walker.py``) reaches the dialogs; the style sheet is applied as the app applies it. ``MSHTDESK_SHOTS=dir``
keeps a PNG of each dialog for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText lives in QtGui's Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.roles import Role
from mshtdesk.store.database import Database
from tests.ui.accessibility.walker import ELLIPSIS, Walker, settle
from ui import theme
from ui.app import apply_style
from ui.main_window import MainWindow
from ui.widgets import reflow

SCREEN = QSize(1280, 800)


@pytest.fixture
def large_text(qapp: QApplication) -> Iterator[float]:
    """Twice the system's text size, the style sheet made for it, and a 1,280 × 800 screen."""
    before = QApplication.font()
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(font)
    apply_style(qapp)
    theme.install(qapp, apply_style)  # as the app does: it fits each dialog to the screen
    reflow.SCREEN_OVERRIDE = SCREEN
    yield font.pointSizeF()
    reflow.SCREEN_OVERRIDE = None
    theme.uninstall(qapp)
    qapp.setStyleSheet("")
    qapp.setFont(before)


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        if widget.wordWrap() or widget.textFormat() == Qt.TextFormat.RichText:
            return ""
        if widget.textFormat() != Qt.TextFormat.PlainText and GuiQt.mightBeRichText(widget.text()):
            return ""
        return _shown(widget.text()) if widget.buddy() is not None else widget.text()
    if isinstance(widget, QAbstractButton):
        return _shown(widget.text())
    return ""


def _shown(text: str) -> str:
    """The text as drawn: a mnemonic's "&" is an underline, "&&" one ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def clipped(top: QWidget) -> list[str]:
    """Visible labels and buttons of ``top`` narrower than their longest line of text, and wrapped
    labels shorter than their lines."""
    out = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text().strip():
            tall = widget.heightForWidth(widget.width())
            if tall > widget.height() + 1:  # wrapped into more lines than it is given: the last cut off
                out.append(f"QLabel {widget.text()[:40]!r}: {tall} px of lines in {widget.height()} px")
            out += [f"QLabel {widget.text()[:40]!r} overlaps {o}" for o in _overlapping(widget)]
            continue
        text = _text(widget)
        if not text.strip():
            continue
        need = max(widget.fontMetrics().horizontalAdvance(line) for line in text.splitlines() or [""])
        if isinstance(widget, QAbstractButton) and not widget.icon().isNull():
            need += widget.iconSize().width()
        room = widget.contentsRect().width()
        if isinstance(widget, QPushButton):
            room -= 4  # the bevel: Fusion's text never touches it
        if need > room:
            out.append(f"{type(widget).__name__} {text[:40]!r}: text {need} px in {room} px")
    return out


def _overlapping(label: QLabel) -> list[str]:
    """Visible siblings drawn over ``label`` (lines given more height than their row has)."""
    parent = label.parentWidget()
    if parent is None:
        return []
    return [
        f"{type(w).__name__} {_text(w)[:30]!r}"
        for w in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if w is not label and w.isVisible() and w.geometry().intersected(label.geometry()).height() > 4
    ]


class SizeWalker(Walker):
    """The names walk, measuring each dialog's size and text instead of its names."""

    def __init__(
        self, wait_idle: Callable[..., None], label: str, shots: str | None, explored: set[tuple[str, ...]]
    ) -> None:
        super().__init__(wait_idle, label)
        self.shots = shots
        self.explored = explored

    def explore(self, top: QWidget, how: str, depth: int) -> None:
        """A dialog already explored with the same commands open to it (by an earlier role) leads to the
        same dialogs: measured once is enough, and keeps this test quick."""
        if isinstance(top, QDialog):
            commands = sorted(
                b.text()
                for b in top.findChildren(QAbstractButton)
                if b.text().endswith(ELLIPSIS) and b.isVisibleTo(top) and b.isEnabled()
            )
            key = (type(top).__name__, *commands)
            if key in self.explored:
                return
            self.explored.add(key)
        super().explore(top, how, depth)

    def check(self, widget: QWidget, how: str) -> None:
        name = type(widget).__name__
        if name in self.seen or name.startswith("Q"):  # Qt's own boxes and choosers are not ours
            self.seen.add(name)
            return
        self.seen.add(name)
        QApplication.processEvents()
        hint = widget.minimumSizeHint()
        where = f"{self.label} \u203a {how} ({name})"
        if hint.width() > SCREEN.width() or hint.height() > SCREEN.height():
            self.found.append(f"{where}: needs at least {hint.width()} × {hint.height()}")
        widget.resize(widget.size().boundedTo(SCREEN))
        settle(self.wait_idle, 50)  # as a person sees it: the layout's deferred passes done
        widget.grab()  # as painting does: pending layouts are carried out first
        if widget.width() > SCREEN.width() or widget.height() > SCREEN.height():
            self.found.append(f"{where}: opens at {widget.width()} × {widget.height()}")
        size = f"{widget.width()} × {widget.height()}"
        self.found += [f"{where}: cut off at {size}: {c}" for c in clipped(widget)]
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            widget.grab().save(str(Path(self.shots) / f"200pc-dialog-{self.label}-{name}.png"))


# The manager and the officers reach nearly every dialog; the administrator the users' and backups'.
ROLES = [Role.MANAGER, Role.HTT_OFFICER, Role.VLO, Role.ADMINISTRATOR]


def test_every_dialog_fits_1280_by_800_at_200_percent_text(
    large_text: float,
    database: Database,
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
) -> None:
    fill_demo(database)
    fill_pathway(database, seed=1, volume=volume_for_arrests(130, 395 / 365.25))
    found: list[str] = []
    seen: set[str] = set()
    explored: set[tuple[str, ...]] = set()
    for role in ROLES:
        window = window_as(role)
        assert window.font().pointSizeF() == pytest.approx(large_text)
        walker = SizeWalker(wait_idle, role.value, os.environ.get("MSHTDESK_SHOTS"), explored)
        walker.seen |= seen  # each dialog measured once, by the first role that reaches it
        walker.walk_window(window)
        found += walker.found
        seen |= walker.seen
        window.close()
    ours = {n for n in seen if not n.startswith("Q")}
    assert len(ours) >= 20, f"the walk reached too few dialogs to prove anything: {sorted(ours)}"
    assert not found, "\n".join(found)


def test_the_measure_finds_cut_off_text(qtbot: QtBot, large_text: float) -> None:
    top = QWidget()
    label = QLabel("A long caption that cannot fit", top)
    button = QPushButton("&A long button text", top)
    label.setGeometry(0, 0, 60, 30)
    button.setGeometry(0, 40, 60, 30)
    top.show()
    found = "\n".join(clipped(top))
    assert "QLabel 'A long caption" in found
    assert "QPushButton 'A long button text'" in found
    label.setWordWrap(True)
    found = "\n".join(clipped(top))
    assert "px of lines in 30 px" in found
    top.close()


def test_a_dialog_taller_than_the_screen_scrolls_with_its_buttons_in_view(qtbot: QtBot) -> None:
    """The reflow itself, on a plain dialog: forty fields on a 600 × 400 screen."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    outer = QVBoxLayout(dialog)
    form = QFormLayout()
    fields = [QLineEdit() for _ in range(40)]
    for n, field in enumerate(fields):
        form.addRow(f"Field number {n}:", field)
    outer.addLayout(form)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    outer.addWidget(buttons)
    dialog.setMinimumWidth(100)  # set in pixels for normal text: must not let labels be cut
    reflow.SCREEN_OVERRIDE = QSize(600, 400)
    try:
        assert reflow.fit_screen(dialog) is True
    finally:
        reflow.SCREEN_OVERRIDE = None
    dialog.show()
    QApplication.processEvents()
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    assert scroll is not None and scroll.isAncestorOf(fields[-1])
    assert not scroll.isAncestorOf(buttons), "the buttons scrolled away with the form"
    assert dialog.width() <= 600 and dialog.height() <= 400
    assert not clipped(scroll.widget())
    fields[-1].setFocus()  # the keyboard still reaches the last field, and it is scrolled into view
    scroll.ensureWidgetVisible(fields[-1])
    assert fields[-1].visibleRegion().boundingRect().height() > 0


def test_a_dialog_that_fits_keeps_its_layout(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Short"))
    reflow.SCREEN_OVERRIDE = SCREEN
    try:
        assert reflow.fit_screen(dialog) is False
    finally:
        reflow.SCREEN_OVERRIDE = None
    assert dialog.layout() is layout
    assert dialog.findChild(QScrollArea) is None
