"""The audit page: a search finds the consultation of an arrest, Verify says the chain is intact (or names
the broken event), Export CSV asks why, warns, writes the file and records the disclosure."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.ui.helpers import Track, find_visible
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.models.audit_model import AuditColumn
from ui.pages.audit_page import UNENCRYPTED_WARNING, AuditPage


def _audit_page(window: MainWindow) -> AuditPage:
    page = window.page_of(AuditPage)
    assert isinstance(page, AuditPage)
    window.go_to(window.pages.index(page))
    return page


def _opened_arrest(
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    track: Track,
    wait_idle: Callable[..., None],
) -> int:
    """An officer adds an arrest, then opens it in the arrest dialog: one consultation."""
    officer = backend_for(Role.HTT_OFFICER)
    arrest_id = officer.register.create_arrest(
        ArrestInput("WY/26/004242", date(2026, 2, 1), "LD", "", "", ""), [("O1", "MSA 2015 s.2")]
    )
    dialog = ArrestDialog(make_ctx(officer), arrest_id)
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.detail is not None
    dialog.done(0)
    return arrest_id


def test_search_finds_the_consultation_and_verify_says_intact(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    track: Track,
    wait_idle: Callable[..., None],
) -> None:
    arrest_id = _opened_arrest(backend_for, make_ctx, track, wait_idle)
    window = window_as(Role.AUDITOR)
    page = _audit_page(window)
    assert page.body.currentWidget() is page.start  # nothing searched (and recorded) until asked
    assert page.model.rowCount() == 0

    page.entity.setCurrentIndex(page.entity.findData("arrest"))
    page.action.setCurrentIndex(page.action.findData("consult"))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert page.body.currentWidget() is page.table
    assert page.count_label.text() == "1 event"
    row = page.model.row_at(0)
    assert (row.username, row.action, row.entity, row.record_id) == (
        "officer",
        "consult",
        "arrest",
        str(arrest_id),
    )
    first = page.proxy.index(0, AuditColumn.WHEN).data()
    assert len(first) == 19 and first[2] == "/" and first[13] == ":"  # dd/mm/yyyy HH:MM:SS
    assert page.proxy.index(0, AuditColumn.ACTION).data() == "Consult"
    assert page.proxy.index(0, AuditColumn.ENTITY).data() == "Arrest"

    page.record_id.setText("no-such-record")
    qtbot.keyClick(page.record_id, Qt.Key.Key_Return)
    wait_idle()
    assert page.body.currentWidget() is page.no_match

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert page.verify_panel.isVisible()
    assert page.verify_panel.property("state") == "ok"
    assert "The audit log is intact" in page.verify_panel.text()


def test_searches_are_themselves_recorded(
    window_as: Callable[[Role], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    window = window_as(Role.ADMINISTRATOR)
    page = _audit_page(window)
    page.username.setText("auditor")
    page.search()
    wait_idle()
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(username="admin", entity="audit_log"))
    assert events and events[0].action == "consult" and events[0].fields == "username"


def test_a_broken_chain_is_shown_in_red_naming_the_event(
    window_as: Callable[[Role], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    window = window_as(Role.AUDITOR)
    page = _audit_page(window)
    db = backend_for(Role.AUDITOR).db
    with db.engine.begin() as conn:  # what an attacker with the key might try: rewrite history
        names = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
            )
        ]
        for name in names:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        conn.exec_driver_sql("UPDATE audit_event SET reason = 'edited' WHERE id = 2")
    page.verify()
    wait_idle()
    assert page.verify_panel.property("state") == "broken"
    assert "tampered with at event 2" in page.verify_panel.text()


def test_export_asks_why_warns_and_writes_the_csv(
    qtbot: QtBot,
    window_as: Callable[[Role], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = window_as(Role.AUDITOR)
    page = _audit_page(window)
    assert not page.export_button.isEnabled()  # nothing found yet
    page.search()
    wait_idle()
    shown = page.model.rowCount()
    assert shown > 0 and page.export_button.isEnabled()
    out = tmp_path / "audit.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), "CSV files (*.csv)"))
    window.commands.export_csv.trigger()
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    assert dialog.warning.isVisible() and dialog.warning.text() == UNENCRYPTED_WARNING
    assert "not encrypted" in dialog.warning.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.text, '=HYPERLINK("x") review of access for PSD')
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=5000)
    wait_idle()
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "Event",
        "When (UTC)",
        "User",
        "Workstation",
        "Action",
        "Entity",
        "Record",
        "Fields",
        "Reason",
        "Recipient",
    ]
    assert len(rows) - 1 >= shown
    disclosure = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="disclose", entity="audit_log"))
    assert len(disclosure) == 1 and disclosure[0].reason.startswith("=HYPERLINK")
    assert "Saved" in page.count_label.text()


def test_formulas_in_free_text_stay_text_in_the_csv(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from mshtdesk.services.audit import AuditRow
    from ui.models.audit_model import write_csv

    row = AuditRow(
        1, datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "a", "ws", "disclose", "arrest", "7", "", "=1+1", ""
    )
    out = tmp_path / "x.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        assert write_csv(fh, [row]) == 1
    data = list(csv.reader(out.open(encoding="utf-8", newline="")))[1]
    assert data[1] == "2026-03-01T09:30:00Z" and data[8] == "'=1+1"
