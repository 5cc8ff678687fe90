"""Small helpers shared by the UI tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

Track = Callable[[QWidget], None]  # the ``track`` fixture: close this dialog after the test if still open
DATA = Path(__file__).resolve().parents[1] / "data"
SEED_EXPORT = DATA / "seed_000_custody_export.csv"

BAD_CSV = (
    "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    "WY/22/000001,2022-01-05,BD,N1000001,O1,Modern Slavery Act 2015 s.2,Charge,2022-02-01\n"
    "WY/22/000002,31/02/2022,BD,N1000002,O1,MSA s.1,NFA,2022-03-01\n"
    "WY/22/000003,2022-01-07,Leeds North,N1000003,O1,MSA s.4,RUI,2022-01-07\n"
)


def settle(qtbot: QtBot, ms: int = 50) -> None:
    """Let queued signals and deferred deletes run."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        qtbot.wait(10)


def is_closed(widget: QWidget) -> bool:
    """Closed, or already deleted (dialogs delete themselves on close)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def visible_message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def close_message_boxes() -> None:
    for box in visible_message_boxes():
        box.close()


def find_visible(name: str) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def show_page(window: Any, cls: type) -> Any:
    """Go to the window's page of class ``cls`` and return it (sessions land on Today, not on page 0)."""
    page = window.page_of(cls)
    assert page is not None, f"no {cls.__name__} for this role"
    window.go_to(window.pages.index(page))
    ctx = getattr(window, "ctx", None)
    if ctx is not None:  # a page re-reads when shown, on the worker: wait for its rows
        end = time.monotonic() + 10
        while not ctx.tasks.is_idle() and time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.005)
    return page


def idle(qtbot: QtBot, page: QWidget) -> None:
    """Wait until the worker has answered every read and write the page asked for (a list page reads
    its rows on the worker)."""
    tasks = page.ctx.tasks  # type: ignore[attr-defined]
    qtbot.waitUntil(tasks.is_idle, timeout=10_000)
