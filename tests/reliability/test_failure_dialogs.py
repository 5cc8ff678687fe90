"""Failure dialogs, seen: each environmental failure says what happened and what to do (screenshots in
``shots/``); a damaged database found at login is replaced by the newest good backup from the dialog;
the first start of the day takes a backup; Back up now lists, checks and takes backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
)
from mshtdesk.services.backend import Backend
from tests.conftest import USERS, Template
from tests.ui.helpers import Track, find_visible
from ui.app import AppController
from ui.context import AppContext
from ui.dialogs.backup_dialog import BackupDialog
from ui.dialogs.failure_dialogs import FailureDialog, failure_for, network_share_failure
from ui.models.backups_model import BackupsModel
from ui.settings import open_settings

SHOTS = Path(__file__).resolve().parents[2] / "shots"
OFFICER = USERS[Role.HTT_OFFICER]
ADMIN = USERS[Role.ADMINISTRATOR]


def shoot(widget: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


FAILURES = {
    "corrupt": CorruptDatabaseError("register.db is not a readable MSHT Desk database: it may be damaged."),
    "newer": NewerDatabaseError(
        "This database was written by a newer version of MSHT Desk. Install the newer version to open it; "
        "nothing in it has been changed."
    ),
    "locked": DatabaseLockedError("busy"),
    "read_only": ReadOnlyDatabaseError("read-only"),
    "disk_full": DiskFullError("full"),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_each_failure_says_what_happened_and_what_to_do(qtbot: QtBot, track: Track, kind: str) -> None:
    import sqlite3

    raw = {
        "locked": sqlite3.OperationalError("database is locked"),
        "read_only": sqlite3.OperationalError("attempt to write a readonly database"),
        "disk_full": sqlite3.OperationalError("database or disk is full"),
    }.get(kind, FAILURES[kind])
    failure = failure_for(raw)
    assert failure is not None and failure.todo and failure.what
    dialog = FailureDialog(failure)
    track(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shoot(dialog, f"failure_{kind}")
    assert dialog.heading.text() == failure.title
    assert (dialog.restore_button is not None) == (kind == "corrupt"), "only a damaged file offers a restore"
    if kind in ("locked", "read_only", "disk_full"):
        assert "not saved" in dialog.what.text()


def test_network_share_warning(qtbot: QtBot, track: Track, backend: Backend) -> None:
    message = "The database register.db is on a network drive. " + "SQLite cannot lock a file safely."
    dialog = FailureDialog(network_share_failure(message))
    track(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shoot(dialog, "failure_network_share")
    assert "team mode" in dialog.todo.text()


def test_bugs_get_no_failure_dialog() -> None:
    assert failure_for(KeyError("x")) is None


def flip(path: Path, n: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    for i in range(min(n, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_file_at_login_is_restored_from_the_dialog(
    qtbot: QtBot, db_path: Path, template: Template, backend: Backend
) -> None:
    """By an administrator (only they restore: tests/reliability/test_hardening_restore.py)."""
    backend.backups.create()
    backend.close()
    flip(db_path)
    controller = AppController(open_settings(), db=str(db_path), demo=False)
    window = controller.window
    qtbot.addWidget(window)
    try:
        window.show()
        controller.open()
        qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
        login = controller.login
        assert login is not None
        login.username.setText(ADMIN.username)
        login.password.setText(ADMIN.password)
        login.submit()
        qtbot.waitUntil(lambda: bool(find_visible("failureDialog")), timeout=30_000)
        dialog = find_visible("failureDialog")[0]
        assert isinstance(dialog, FailureDialog) and dialog.restore_button is not None
        assert "damaged" in dialog.heading.text()
        shoot(dialog, "failure_corrupt_at_login")
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: controller.tasks.is_idle(), timeout=30_000)
        assert list(db_path.parent.glob("register-damaged-*.db")), "the damaged file is kept aside"
        login.password.setText(ADMIN.password)
        login.submit()
        qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    finally:
        controller.shutdown()


def test_first_start_of_the_day_takes_a_backup(qtbot: QtBot, db_path: Path) -> None:
    controller = AppController(open_settings(), db=str(db_path), demo=False)
    window = controller.window
    qtbot.addWidget(window)
    try:
        window.show()
        controller.open()
        qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
        login = controller.login
        assert login is not None
        login.username.setText(OFFICER.username)
        login.password.setText(OFFICER.password)
        login.submit()
        qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
        qtbot.waitUntil(lambda: "automatic backup" in window.statusBar().currentMessage(), timeout=30_000)
        assert [p.name.endswith("-daily.db") for p in (db_path.parent / "backups").glob("*.db")] == [True]
    finally:
        controller.shutdown()


def test_back_up_now_dialog(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None], db_path: Path
) -> None:
    dialog = BackupDialog(ctx)
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.empty.isVisible() and not dialog.table.isVisible()
    shoot(dialog, "backup_dialog_empty")
    assert not dialog.restore.isVisible(), "only administrators restore"
    dialog.back_up.click()
    wait_idle()
    assert dialog.model.rowCount() == 1 and dialog.table.isVisible()
    dialog.table.selectRow(0)
    dialog.check.click()
    wait_idle()
    assert "integrity check" in dialog.status.text()
    shoot(dialog, "backup_dialog")


def test_backups_model(qtbot: QtBot, backend: Backend) -> None:
    backend.backups.create()
    backend.backups.create("daily")
    model = BackupsModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)  # type: ignore[arg-type]
    model.set_backups(backend.backups.list())
    assert model.rowCount() == 2
    model.set_check(backend.backups.list()[0].path, "it failed SQLite's integrity check")
    assert model.index(0, 3).data().startswith("Bad:")
    assert isinstance(model, QAbstractItemModel)


def test_restore_from_the_dialog_by_an_administrator(
    qtbot: QtBot,
    track: Track,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    db_path: Path,
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    admin.backups.create()
    dialog = BackupDialog(make_ctx(admin))
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.restore.isVisible()
    dialog.table.selectRow(0)
    box = dialog.restore_selected()
    assert box is not None
    shoot(box, "backup_restore_question")
    go = next(b for b in box.buttons() if b.text() == "Restore")
    go.click()
    wait_idle()
    assert "Restored" in dialog.status.text()
    assert any(b.label == "before-restore" for b in admin.backups.list())
