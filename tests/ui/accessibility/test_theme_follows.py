"""The app follows the system's text size and palette while it runs (``ui/theme.py``): a change of the
application font or palette, as Windows sends on "Make text bigger" or a switch to high contrast,
re-applies the style sheet's sizes and the meaning colours without a restart, and the colours then in
use still pass 4.5:1 on the palette actually in force (WCAG 2.2, 1.4.3, 1.4.4)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from ui import palette, theme
from ui.app import apply_style
from ui.main_window import MainWindow
from ui.models.timeline_model import KIND_COLOURS
from ui.widgets.field_error import FieldError

R = QPalette.ColorRole


@pytest.fixture
def following(qapp: QApplication) -> Iterator[theme.Theme]:
    """The style applied and followed as at start-up; the platform's look put back after."""
    font, colours = QApplication.font(), qapp.palette()
    apply_style(qapp)
    follower = theme.install(qapp, apply_style)
    yield follower
    theme.uninstall(qapp)
    qapp.setStyleSheet("")
    qapp.setFont(font)
    qapp.setPalette(colours)
    palette.use(palette.LIGHT)


def _title_points(sheet: str) -> float:
    found = re.search(r"QLabel#pageTitle\s*\{[^}]*font-size:\s*([\d.]+)pt", sheet)
    assert found, "no page title size in the style sheet"
    return float(found[1])


def test_a_page_and_the_meaning_colours_follow_a_live_change(
    following: theme.Theme,
    qapp: QApplication,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    qtbot: QtBot,
) -> None:
    backend = backend_for(Role.MANAGER)
    fill_demo(backend.db)  # rows in the lists, some in the alert colour
    window = window_for(backend)
    window.resize(1280, 800)
    title = window.findChild(QLabel, "pageTitle")
    assert title is not None
    small = title.fontInfo().pointSizeF()
    sheet_small = _title_points(qapp.styleSheet())
    error = FieldError()  # a widget that spelt the light alert colour into its own style sheet
    error.show_error("Enter a reason.")
    assert palette.LIGHT["ALERT_HEX"] in error.styleSheet()
    timeline_arrest = KIND_COLOURS[next(iter(KIND_COLOURS))]

    # Text twice as large, while the window is open.
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(font)
    qtbot.waitUntil(lambda: following.reapplied >= 1, timeout=2000)
    assert _title_points(qapp.styleSheet()) == pytest.approx(sheet_small * 2, rel=0.02)
    qtbot.waitUntil(lambda: title.fontInfo().pointSizeF() >= small * 1.9, timeout=2000)

    # Then high contrast: the meaning colours take the dark variant, everywhere they were spelt out.
    qapp.setPalette(palette.system_theme("high-contrast"))
    qtbot.waitUntil(lambda: following.reapplied >= 2, timeout=2000)
    assert palette.current() is palette.DARK
    assert palette.DARK["ALERT_HEX"] in qapp.styleSheet() or palette.DARK["QUIET_HEX"] in qapp.styleSheet()
    assert palette.LIGHT["QUIET_HEX"] not in qapp.styleSheet()
    assert palette.DARK["ALERT_HEX"] in error.styleSheet(), error.styleSheet()
    assert palette.ALERT.name() == palette.DARK["ALERT_HEX"]
    assert timeline_arrest.name() == palette.DARK["TIMELINE_ARREST_HEX"]  # a table made at import follows
    used = qapp.palette()
    for ground in (R.Base, R.AlternateBase, R.Window):
        background = used.color(ground).name()
        for name in ("ALERT_HEX", "GOOD_HEX", "WARNING_HEX", "MUTED_HEX", "QUIET_HEX"):
            ink = palette.current()[name]
            assert palette.contrast(ink, background) >= 4.5, f"{name} {ink} on {background}"
    wait_idle()

    # And back to light: the style goes back with it.
    qapp.setPalette(QPalette())
    qtbot.waitUntil(lambda: following.reapplied >= 3, timeout=2000)
    assert palette.current() is palette.LIGHT
    assert palette.LIGHT["ALERT_HEX"] in error.styleSheet()
    error.deleteLater()


def test_an_unchanged_font_or_palette_applies_nothing(following: theme.Theme, qapp: QApplication) -> None:
    qapp.setFont(QApplication.font())
    QApplication.processEvents()
    assert following.follow() is False
    assert following.reapplied == 0


def test_recolour_swaps_by_meaning() -> None:
    text = f"color: {palette.LIGHT['ALERT_HEX']}; background: {palette.LIGHT['GOOD_BACKGROUND_HEX'].upper()}"
    out = theme.recolour(text, palette.LIGHT, palette.DARK)
    assert out == f"color: {palette.DARK['ALERT_HEX']}; background: {palette.DARK['GOOD_BACKGROUND_HEX']}"
    assert theme.recolour(out, palette.DARK, palette.LIGHT).lower() == text.lower()
