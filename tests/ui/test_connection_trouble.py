"""The app window on a team server that goes away under it (a cluster of the test's own, stopped and
started for real): the status bar says so, an open form keeps what was typed, a save made while the
server restarts lands once it is back, and a save the server never came back for is said, in the form,
not to have been done. Also: a list re-reads, keeping its selection, when another user saves.

Screenshots of each state go to the test's folder (looked at when the test was written).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.reconnect import NOT_DONE
from mshtdesk.services.register import ArrestInput
from mshtdesk.store import notify
from tests.conftest import USERS
from tests.reliability.pg_cluster import Cluster, own_cluster
from tests.ui.helpers import show_page
from ui.app import AppController
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.pages.arrests_page import ArrestsPage
from ui.settings import open_settings

OFFICER = USERS[Role.HTT_OFFICER]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from own_cluster()


def _logged_in(qtbot: QtBot, url: str) -> AppController:
    controller = AppController(open_settings(), db=url, demo=False)
    qtbot.addWidget(controller.window)
    controller.window.resize(1280, 800)
    controller.window.show()
    controller.open()
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
    login = controller.login
    assert login is not None
    login.username.setText(OFFICER.username)
    login.password.setText(OFFICER.password)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    return controller


def _open(qtbot: QtBot, controller: AppController, arrest_id: int, typed: str) -> ArrestDialog:
    """The arrest's form with ``typed`` in its notes, unsaved (the form deletes itself once closed)."""
    ctx = controller.window.ctx
    assert ctx is not None
    dialog = ArrestDialog(ctx, arrest_id, controller.window)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    dialog.notes.setPlainText(typed)
    return dialog


def _closed(dialog: ArrestDialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_the_window_rides_out_a_server_restart(qtbot: QtBot, tmp_path: Path, cluster: Cluster) -> None:
    url = cluster.url
    admin = USERS[Role.ADMINISTRATOR]
    first = Backend.create(url, admin.username, admin.password)
    first.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
    first.close()
    seed = Backend.login(url, OFFICER.username, OFFICER.password)
    ids = [
        seed.register.create_arrest(ArrestInput(f"WY/{n}", date(2022, 5, n), "LD"), [("O1", "MSA s.2")])
        for n in (1, 2)
    ]
    seed.close()
    controller = _logged_in(qtbot, url)
    try:
        page = show_page(controller.window, ArrestsPage)
        qtbot.waitUntil(lambda: page.model.total == 2, timeout=10_000)
        page.table.selectRow(1)
        chosen = page.selected_id()
        assert chosen is not None
        watch = controller.watch
        qtbot.waitUntil(lambda: getattr(watch, "listening", False), timeout=10_000)

        # Another user, on another laptop, adds an arrest: the list shows it, the selection stays.
        notify.PROCESS, mine = "another-laptop", notify.PROCESS
        try:
            other = Backend.login(url, OFFICER.username, OFFICER.password)
            other.register.create_arrest(ArrestInput("WY/3", date(2022, 5, 3), "LD"), [("O1", "MSA s.2")])
            other.close()
        finally:
            notify.PROCESS = mine
        qtbot.waitUntil(lambda: page.model.total == 3, timeout=10_000)
        assert page.selected_id() == chosen, "the user's selection stays on their record"
        qtbot.waitUntil(lambda: controller.window.counts.text().startswith("3 arrests"), timeout=10_000)
        controller.window.grab().save(str(tmp_path / "list-refreshed.png"))

        # The server restarts while a form is open with unsaved typing; the user saves meanwhile.
        dialog = _open(qtbot, controller, ids[0], "typed while the server restarted")
        cluster.stop()
        label = lambda: controller.server_label  # noqa: E731 - made when first needed
        qtbot.waitUntil(lambda: label() is not None and label().isVisible(), timeout=15_000)  # type: ignore[union-attr]
        assert label().text() == "Server connection lost: retrying\u2026"  # type: ignore[union-attr]
        controller.window.grab().save(str(tmp_path / "connection-lost.png"))
        back = threading.Timer(2.0, cluster.start)
        back.start()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _closed(dialog), timeout=40_000)  # saved once the server answered
        back.join()
        qtbot.waitUntil(lambda: not label().isVisible(), timeout=20_000)  # type: ignore[union-attr]
        check = Backend.login(url, OFFICER.username, OFFICER.password)
        saved = check.register.get(ids[0], consult=False)
        assert (saved.notes, saved.version) == ("typed while the server restarted", 2), "saved once"

        # The server stays away: the save is said not to be done; the form and the typing stay.
        second = _open(qtbot, controller, ids[1], "typed while the server was away")
        cluster.stop()
        try:
            qtbot.mouseClick(second.ok_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: second.general_error.isVisible(), timeout=40_000)
            assert second.general_error.text() == NOT_DONE
            assert second.isVisible() and second.notes.toPlainText() == "typed while the server was away"
            assert label().isVisible()  # type: ignore[union-attr]
            second.grab().save(str(tmp_path / "save-not-done.png"))
        finally:
            cluster.start()
        qtbot.mouseClick(second.ok_button, Qt.MouseButton.LeftButton)  # once it is back, Save works
        qtbot.waitUntil(lambda: _closed(second), timeout=30_000)
        saved = check.register.get(ids[1], consult=False)
        assert (saved.notes, saved.version) == ("typed while the server was away", 2)
        check.close()
    finally:
        controller.shutdown()
