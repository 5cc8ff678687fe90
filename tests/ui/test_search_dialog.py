"""Search everything (Ctrl+K): keyboard only, from the main window to an opened record, within scope."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.domain.search import Kind
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.register import ArrestInput
from tests.ui.helpers import find_visible, settle
from ui.dialogs.search_dialog import SearchDialog
from ui.main_window import MainWindow

Backends = Callable[[Role], Backend]


def open_search(qtbot: QtBot, window: MainWindow) -> SearchDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    [dialog] = find_visible("searchDialog")
    assert isinstance(dialog, SearchDialog)
    qtbot.waitUntil(dialog.search.hasFocus, timeout=2000)
    return dialog


def type_and_wait(qtbot: QtBot, dialog: SearchDialog, text: str) -> None:
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, text)
    qtbot.waitUntil(lambda: not dialog.timer.isActive() and dialog.ctx.tasks.is_idle(), timeout=5000)


def test_ctrl_k_types_chooses_and_opens(
    qtbot: QtBot, backend_for: Backends, window_as: Callable[[Role], MainWindow], tmp_path: Path
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    first = officer.people.create(
        PersonInput(surname="Popescu", forenames="Ştefan", date_of_birth=date(1990, 2, 3))
    )
    second = officer.people.create(PersonInput(surname="Stefanowicz", forenames="Anna"))
    officer.register.create_arrest(
        ArrestInput("WY/24/STEF01", date(2024, 4, 2), "LD", operation="Stefan"), [("O1", "MSA s.2")]
    )
    window = window_as(Role.HTT_OFFICER)
    assert window.commands.search_everything.shortcut() == QKeySequence("Ctrl+K")
    dialog = open_search(qtbot, window)
    assert dialog.search.accessibleName() == "Search for" and dialog.table.accessibleName() == "Results"
    assert "Type a name" in dialog.status.text()  # the empty state says what to do
    type_and_wait(qtbot, dialog, "stefan")
    rows = [dialog.model.row_at(i) for i in range(dialog.model.rowCount())]
    assert [(r.kind, r.record_id) for r in rows][:2] == [(Kind.PERSON, first), (Kind.PERSON, second)]
    assert "3 found" in dialog.status.text()
    if os.environ.get("MSHTDESK_SCREENSHOTS"):  # a look at it: MSHTDESK_SCREENSHOTS=folder
        dialog.grab().save(str(Path(os.environ["MSHTDESK_SCREENSHOTS"]) / "search_dialog.png"))
    dialog.grab().save(str(tmp_path / "search_dialog.png"))
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # from the search box, Down moves the selection
    assert dialog.table.currentIndex().row() == 1
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(find_visible("pathwayView")), timeout=5000)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    for view in find_visible("pathwayView"):
        assert view.person_id == second  # type: ignore[attr-defined]
        view.close()
    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "wy/24/stef01")
    assert dialog.model.row_at(0).kind is Kind.ARREST  # the exact reference first
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(find_visible("arrestDialog")), timeout=5000)
    for d in find_visible("arrestDialog"):
        d.close()
    settle(qtbot)


def test_enter_straight_after_typing_opens_the_best_hit(
    qtbot: QtBot, backend_for: Backends, window_as: Callable[[Role], MainWindow]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    officer.register.create_arrest(ArrestInput("WY/24/000777", date(2024, 4, 2), "LD"), [("O1", "MSA s.2")])
    window = window_as(Role.HTT_OFFICER)
    dialog = open_search(qtbot, window)
    qtbot.keyClicks(dialog.search, "wy/24/000777")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # before the pause is over
    qtbot.waitUntil(lambda: bool(find_visible("arrestDialog")), timeout=5000)
    for d in find_visible("arrestDialog"):
        d.close()
    settle(qtbot)


def test_scope_and_roles_without_search(
    qtbot: QtBot, backend_for: Backends, window_as: Callable[[Role], MainWindow]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    officer.people.create(PersonInput(surname="Hoxha", forenames="Arben"))  # nobody's VLO
    window = window_as(Role.VLO)
    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "hoxha")
    assert dialog.model.rowCount() == 0 and "Nothing you may see matches" in dialog.status.text()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=2000)
    auditor = window_as(Role.AUDITOR)
    assert not auditor.commands.search_everything.isVisible()
    auditor.search_everything()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, SearchDialog) and w.isVisible()]
