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
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.database import DEMO_YEARS
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from ui import palette
from ui.app import apply_style
from ui.main_window import MainWindow

R = QPalette.ColorRole
# Window, base, alternate base, text, button: a dark theme, and Windows' high contrast (black).
THEMES = {
    "dark": ("#2d2d2d", "#1e1e1e", "#262626", "#e6e6e6", "#3a3a3a"),
    "high-contrast": ("#000000", "#000000", "#000000", "#ffffff", "#000000"),
}


def themed(name: str) -> QPalette:
    window, base, alternate, text, button = (QColor(c) for c in THEMES[name])
    colours = QPalette()
    for role, colour in (
        (R.Window, window),
        (R.Base, base),
        (R.AlternateBase, alternate),
        (R.Button, button),
        (R.WindowText, text),
        (R.Text, text),
        (R.ButtonText, text),
        (R.PlaceholderText, QColor("#a0a0a0")),
        (R.Highlight, QColor("#ffd166" if name == "high-contrast" else "#3d7fc4")),
        (R.HighlightedText, QColor("#000000" if name == "high-contrast" else "#ffffff")),
    ):
        colours.setColor(role, colour)
    return colours


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
