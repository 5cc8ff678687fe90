"""The app follows a dark or high-contrast system palette: the meaning colours take their dark variant
(their contrast is checked in ``test_contrast.py``) and the style sheet lays no light background over the
theme. ``MSHTDESK_SHOTS=dir`` keeps a PNG of each page for a person to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.database import DEMO_YEARS
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from ui import palette
from ui.app import apply_style
from ui.main_window import MainWindow

THEMES = palette.SYSTEM_THEMES  # a dark theme, and Windows' high contrast (black, white, cyan, yellow)


def themed(name: str) -> QPalette:
    return palette.system_theme(name)


@pytest.fixture(params=list(THEMES))
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = qapp.palette()
    qapp.setPalette(themed(request.param))
    apply_style(qapp)
    yield request.param
    qapp.setStyleSheet("")
    qapp.setPalette(before)
    palette.use(palette.LIGHT)


def test_pages_keep_the_dark_theme(
    theme: str,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    qtbot: QtBot,
) -> None:
    assert palette.DARK["ALERT_HEX"] == palette.ALERT_HEX
    sheet = QApplication.instance().styleSheet()  # type: ignore[union-attr]
    spelt = set(re.findall(r"#[0-9a-fA-F]{6}\b", sheet))
    assert spelt, "the style sheet's colours were not filled in"
    assert spelt <= set(palette.DARK.values()), (
        f"light colours in a dark theme: {spelt - set(palette.DARK.values())}"
    )
    backend = backend_for(Role.MANAGER)
    fill_demo(backend.db)
    fill_pathway(backend.db, volume=volume_for_arrests(130, DEMO_YEARS))  # overdue items, stays: colours
    window = window_for(backend)
    window.resize(1280, 800)
    shots = os.environ.get("MSHTDESK_SHOTS")
    window_ink = QColor(THEMES[theme][0])
    for row, page in enumerate(window.pages):
        window.nav.setCurrentRow(row)
        wait_idle()
        qtbot.wait(20)
        image = window.grab().toImage()
        # The page's own background, just inside its top-left margin, is the theme's window colour.
        corner = page.mapTo(window, QPoint(4, 4))
        assert image.pixelColor(corner) == window_ink, f"{page.title}: {image.pixelColor(corner).name()}"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            image.save(str(Path(shots) / f"{theme}-{row:02d}.png"))


def test_fields_and_tables_show_their_edges_on_black(theme: str, qtbot: QtBot) -> None:
    """The platform style draws a field's edge a shade darker than the window: none at all on black.
    The dark part of the style sheet draws one of 3:1 or more (WCAG 2.2, 1.4.11)."""
    top = QWidget()
    qtbot.addWidget(top)
    layout = QVBoxLayout(top)
    field, table = QLineEdit(), QTableView()
    field.setAccessibleName("Search")
    layout.addWidget(field)
    layout.addWidget(table)
    top.resize(300, 200)
    top.show()
    qtbot.waitExposed(top)
    window = QColor(THEMES[theme][0]).name()
    for widget in (field, table):
        image = widget.grab().toImage()
        middle = image.height() // 2
        edge = image.pixelColor(0, middle).name()
        assert palette.contrast(edge, window) >= 3.0, f"{theme} {type(widget).__name__}: {edge} on {window}"
