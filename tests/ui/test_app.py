"""Start-up: the entry point, the window before the login, the demo, failures, the probe."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import types
from argparse import Namespace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import mshtdesk
from mshtdesk.domain.roles import Role
from mshtdesk.errors import CancelledError, StoreError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.conftest import USERS
from tests.ui.helpers import close_message_boxes, show_page, visible_message_boxes
from ui import launcher
from ui.app import AppController, open_session, probe_database
from ui.dialogs.login_dialog import LoginDialog, Mode
from ui.pages.arrests_page import ArrestsPage
from ui.pages.today_page import TodayPage
from ui.settings import open_settings

ROOT = Path(__file__).resolve().parents[2]


def _fake_cli(monkeypatch: pytest.MonkeyPatch, command: str | None) -> list[Namespace]:
    ran: list[Namespace] = []
    fake = types.ModuleType("mshtdesk.cli")
    fake.parse = lambda args: Namespace(  # type: ignore[attr-defined]
        command=command, db="x.db", demo="--demo" in args, self_test=False
    )
    fake.run = lambda ns: ran.append(ns) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mshtdesk.cli", fake)
    monkeypatch.setattr(mshtdesk, "cli", fake, raising=False)
    return ran


def test_launcher_runs_a_command_through_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _fake_cli(monkeypatch, "report")
    assert launcher.main(["report", "disposals"]) == 3
    assert ran and ran[0].command == "report"


def test_launcher_opens_the_app_without_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_cli(monkeypatch, None)
    calls: list[dict[str, object]] = []
    import ui.app

    monkeypatch.setattr(ui.app, "run_app", lambda **kw: calls.append(kw) or 0)
    assert launcher.main(["--demo"]) == 0
    assert calls == [{"db": "x.db", "demo": True, "started_at": launcher.STARTED_AT}]


def test_the_start_up_path_does_not_import_the_data_layer() -> None:
    """SQLAlchemy and SQLModel cost ~0.6 s: the window must not wait for them."""
    code = (
        "import sys, ui.launcher, ui.app, ui.main_window, ui.tasks, ui.pages, ui.idle\n"
        "from mshtdesk import cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic'))\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_startup_probe_reports_first_paint_and_quits(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MSHTDESK_STARTUP_PROBE="1")
    out = subprocess.run(
        [sys.executable, "-m", "ui", "--db", str(tmp_path / "probe.db")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("first-paint-ms ")]
    assert len(lines) == 1
    ms = int(lines[0].split()[1])
    assert 0 < ms < 10_000  # the target is 500 ms; this only guards against a hang on a busy machine


def _login_dialog(qtbot: QtBot, controller: AppController, timeout: int = 30_000) -> LoginDialog:
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=timeout)
    assert controller.login is not None
    return controller.login


def test_demo_prepares_accounts_in_the_background_then_cleans_up(qtbot: QtBot) -> None:
    controller = AppController(open_settings(), db=None, demo=True)
    window = controller.window
    qtbot.addWidget(window)
    demo_dir = None
    try:
        window.show()
        controller.open()
        assert window.stack.currentWidget() is window.opening  # shown before the database exists
        assert "Preparing demo data" in window.opening.title.text()
        assert "demonstration" in window.windowTitle()
        dialog = _login_dialog(qtbot, controller)
        demo_dir = controller.demo_dir
        assert demo_dir is not None and (demo_dir / "demo.db").exists()
        assert dialog.demo_model.rowCount() == 7
        assert dialog.demo_banner.isVisible() and "only in it" in dialog.demo_banner.text()
        row = next(r for r in range(7) if dialog.demo_model.user_at(r).role is Role.HTT_OFFICER)
        rect = dialog.demo_table.visualRect(dialog.demo_model.index(row, 0))
        qtbot.mouseClick(dialog.demo_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert dialog.username.text() == "officer" and dialog.password.text()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
        assert window.windowTitle() == "MSHT Desk \u2014 officer (demonstration data)"
        assert window.user_label.text() == "officer (HTT officer)"
        # the session lands on Today, which the demo's victim pathway fills
        assert isinstance(window.current_page(), TodayPage)
        qtbot.waitUntil(lambda: window.current_page().model.rowCount() > 0, timeout=10_000)
        page = show_page(window, ArrestsPage)
        qtbot.waitUntil(lambda: page.model.total == 130, timeout=10_000)
        qtbot.waitUntil(lambda: window.counts.text().startswith("130 arrests"), timeout=5000)
    finally:
        controller.shutdown()
    assert demo_dir is not None and not demo_dir.exists()
    assert not controller.tasks.is_running()


def test_a_database_that_cannot_be_opened_is_explained_in_the_login_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all " * 200)
    controller = AppController(open_settings(), db=str(junk), demo=False)
    window = controller.window
    qtbot.addWidget(window)
    try:
        window.show()
        controller.open()
        dialog = _login_dialog(qtbot, controller)
        assert dialog.mode is Mode.LOGIN and str(junk) in dialog.location.text()
        dialog.username.setText("officer")
        dialog.password.setText("granite-fox-harbour")
        dialog.submit()
        qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=30_000)
        assert "key file" in dialog.error_text()  # what is wrong, and what to do; no traceback
        assert controller.session is None and not window.pages
        assert not window.commands.new_arrest.isEnabled()
        assert window.commands.quit.isEnabled()
        assert not visible_message_boxes()
    finally:
        controller.shutdown()


def test_a_failure_before_the_login_offers_try_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.app

    def broken(_db: str | None) -> None:
        raise StoreError("The data folder is on a drive that is not connected.")

    monkeypatch.setattr(ui.app, "probe_database", broken)
    controller = AppController(open_settings(), db=str(tmp_path / "x.db"), demo=False)
    window = controller.window
    qtbot.addWidget(window)
    try:
        window.show()
        controller.open()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.failure, timeout=30_000)
        assert "not connected" in window.failure.text.text()
        close_message_boxes()
        monkeypatch.undo()
        window.retry_requested.emit()  # "Try again"
        dialog = _login_dialog(qtbot, controller)
        assert dialog.mode is Mode.CREATE
    finally:
        controller.shutdown()


def test_a_session_abandoned_at_shut_down_is_logged_out_again(db_path: Path) -> None:
    officer = USERS[Role.HTT_OFFICER]
    with pytest.raises(CancelledError):
        open_session(str(db_path), officer.username, officer.password, lambda: True)
    session = open_session(str(db_path), officer.username, officer.password)
    try:
        assert [d.code for d in session.reference.districts] == ["BD", "CD", "KD", "LD", "WD"]
        assert session.reference.disposal_types[0].label == "Charge"  # rank order, highest first
    finally:
        session.close()
    auditor = USERS[Role.AUDITOR]
    backend = Backend.login(str(db_path), auditor.username, auditor.password)
    try:
        events = backend.audit.list(AuditQuery(username="officer"))
        assert [e.action for e in reversed(events)] == ["login", "logout", "login"]
    finally:
        backend.close()


def test_probe_chooses_the_first_form(tmp_path: Path, db_path: Path) -> None:
    assert probe_database(str(tmp_path / "new.db")).mode is Mode.CREATE
    assert probe_database(str(db_path)).mode is Mode.LOGIN
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    assert probe_database(str(plain)).mode is Mode.CONVERT
    server = probe_database("postgresql://user@db.example:5432/msht")
    assert server.mode is Mode.LOGIN and server.location.startswith("postgresql+psycopg://user@db.example")
    with pytest.raises(StoreError, match="holds a password") as refused:
        probe_database("postgresql://user:secret@db.example:5432/msht")
    assert "secret" not in str(refused.value)


def test_the_data_layer_waits_for_the_first_paint(qtbot: QtBot) -> None:
    """Its import on the worker competes with the first paint for the interpreter: it starts after it."""
    from PySide6.QtWidgets import QWidget

    from ui.app import AfterFirstPaint

    calls: list[str] = []
    shown = QWidget()
    qtbot.addWidget(shown)
    AfterFirstPaint(shown, lambda: calls.append("shown"), fallback_ms=60_000)
    assert calls == []  # nothing before the window is drawn
    shown.show()
    qtbot.waitUntil(lambda: calls == ["shown"], timeout=5000)
    shown.update()
    qtbot.wait(50)
    assert calls == ["shown"]  # once only

    never = QWidget()  # a window that never paints (hidden): the fallback still starts the work
    qtbot.addWidget(never)
    AfterFirstPaint(never, lambda: calls.append("fallback"), fallback_ms=50)
    qtbot.waitUntil(lambda: "fallback" in calls, timeout=5000)
