"""At 200% text (the system's font size doubled, as Windows' "Make text bigger" does) every page fits a
1,280 × 800 screen: the main window's minimum size fits it, and at that size no control of the page
reaches past its right edge (WCAG 2.2, 1.4.4 Resize text and 1.4.10 Reflow). The style sheet is applied
as the app applies it, so its sizes scale with the text too. ``MSHTDESK_SHOTS=dir`` keeps a PNG of each
page for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.database import DEMO_YEARS
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from ui.app import apply_style
from ui.main_window import MainWindow

SCREEN = (1280, 800)


@pytest.fixture
def large_text(qapp: QApplication) -> Iterator[float]:
    """The application's text at twice its size, with the style sheet made for it; put back after."""
    font = qapp.font()
    before = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(font)
    apply_style(qapp)
    yield font.pointSizeF()
    qapp.setStyleSheet("")
    qapp.setFont(before)


def _past_right_edge(page: QWidget) -> list[str]:
    """Visible controls whose right edge lies beyond the page's (cut off on screen)."""
    out = []
    for child in page.findChildren(QWidget):
        if not child.isVisible() or child.window() is not page.window():
            continue
        right = child.mapTo(page, QPoint(child.width(), 0)).x()
        if right > page.width() + 1:
            out.append(
                f"{type(child).__name__} {child.objectName() or child.accessibleName()!r} ends at {right}"
            )
    return out


# The manager sees the most pages; the administrator the audit log and users.
@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR, Role.HTT_OFFICER, Role.VLO])
def test_every_page_fits_1280_by_800_at_200_percent_text(
    role: Role,
    large_text: float,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    qtbot: QtBot,
) -> None:
    backend = backend_for(role)
    fill_demo(backend.db)  # the demo's arrests, people, referrals, stays and contacts: real widths
    fill_pathway(backend.db, volume=volume_for_arrests(130, DEMO_YEARS))
    window = window_for(backend)
    assert window.font().pointSizeF() == pytest.approx(large_text)
    window.resize(*SCREEN)
    shots = os.environ.get("MSHTDESK_SHOTS")
    for row, page in enumerate(window.pages):
        window.nav.setCurrentRow(row)
        wait_idle()
        qtbot.wait(20)  # the layout settles on the next turn of the event loop
        hint = window.minimumSizeHint()
        assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], f"{page.title}: {hint}"
        assert (window.width(), window.height()) == SCREEN, f"{page.title} widened the window"
        assert not _past_right_edge(page), f"{page.title} at 200% text: {_past_right_edge(page)}"
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(shots) / f"200pc-{role.value}-{row:02d}.png"))
