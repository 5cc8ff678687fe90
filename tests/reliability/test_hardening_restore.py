"""Issue 10, item 9: restoring a database damaged deep in the file, by administrators only, recorded.

A tester damaged pages in the middle of an encrypted file ("database disk image is malformed"): the
``backup`` commands logged in to the damaged file first and failed with that message, exactly when a
restore was needed. An HTT officer could restore, and no restore reached the audit log. Here the damage is
real (whole pages flipped in a real file, the first page left alone) and the commands run as a user runs
them: a separate process, real files.
"""

from __future__ import annotations

import platform
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from mshtdesk.domain.roles import Role
from mshtdesk.errors import PermissionDeniedError
from mshtdesk.services.backend import Backend
from mshtdesk.services.backups import open_damaged, restore_latest_good
from mshtdesk.store import backup as files
from mshtdesk.store.database import open_database
from mshtdesk.store.tables import ARREST, AUDIT
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import SEED_EXPORT, USERS, Template
from tests.reliability.test_failure_dialogs import shoot
from tests.ui.helpers import find_visible
from ui.app import AppController
from ui.dialogs.failure_dialogs import FailureDialog
from ui.settings import open_settings

ADMIN = as_role(Role.ADMINISTRATOR)
OFFICER = as_role(Role.HTT_OFFICER)
PAGE = 4096  # SQLCipher's page size
SEEDED_ARRESTS = 141


def seeded_with_backup(db_path: Path) -> Path:
    """The register with the seed export imported (by an officer) and backed up (by an administrator)."""
    db = ["--db", str(db_path)]
    r = mshtdesk(*db, "import", "arrests", str(SEED_EXPORT))
    assert r.returncode == 0 and f"{SEEDED_ARRESTS} new arrests" in r.stdout, r.stderr
    r = mshtdesk(*db, "backup", "create", env=ADMIN)
    assert r.returncode == 0, r.stderr
    return Path(r.stdout.split("Backed up to ")[1].split(" (")[0])


def table_pages(db_path: Path, key: bytes, table: str) -> list[int]:
    """The pages (numbered from 1) whose damage breaks reading ``table`` and nothing the login reads."""
    original = db_path.read_bytes()
    probe = db_path.with_name("probe.db")
    found = []
    for page in range(2, len(original) // PAGE + 1):
        data = bytearray(original)
        for i in range((page - 1) * PAGE, page * PAGE):
            data[i] ^= 0xFF
        probe.write_bytes(bytes(data))
        con = files.connect(probe, key)
        try:
            for sound in ("sqlite_master", "app_user", "audit_event", "audit_head", "setting"):
                con.execute(f"SELECT * FROM {sound}").fetchall()
        except Exception:  # noqa: BLE001 - a page the login needs: not this kind of damage
            con.close()
            continue
        try:
            con.execute(f"SELECT * FROM {table}").fetchall()
        except Exception:  # noqa: BLE001 - one of the table's pages
            found.append(page)
        finally:
            con.close()
    probe.unlink()
    return found


def damage(db_path: Path, key: bytes, where: str) -> bytes:
    """Flip whole pages deep in the file, never the first page; return the damaged bytes.

    ``middle``: the middle half of the file (schema, users and audit pages among them: opening fails);
    ``arrests``: the arrest table's pages only (opening and logging in work; reading arrests fails).
    """
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0
    data = bytearray(db_path.read_bytes())
    assert len(data) % PAGE == 0
    pages = len(data) // PAGE
    chosen = (
        list(range(pages // 4 + 1, 3 * pages // 4 + 1))
        if where == "middle"
        else table_pages(db_path, key, "arrest")
    )
    assert chosen and min(chosen) > 1
    for page in chosen:
        for i in range((page - 1) * PAGE, page * PAGE):
            data[i] ^= 0xFF
    db_path.write_bytes(bytes(data))
    return bytes(data)


def kept_aside(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.stem}-damaged-*{db_path.suffix}"))


def arrests_and_events(db_path: Path, key: bytes) -> tuple[int, list[tuple[str, str, str, str]]]:
    db = open_database(str(db_path), key=key)
    try:
        with db.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(ARREST)).scalar_one()
            events = conn.execute(
                select(AUDIT.c.username, AUDIT.c.workstation, AUDIT.c.record_id, AUDIT.c.reason)
                .where(AUDIT.c.entity == "database")
                .order_by(AUDIT.c.id)
            ).all()
    finally:
        db.close()
    return int(count), [tuple(e) for e in events]


@pytest.mark.parametrize("where", ["middle", "arrests"])
def test_an_administrator_lists_verifies_and_restores_the_latest_good_backup(
    db_path: Path, template: Template, where: str
) -> None:
    backup = seeded_with_backup(db_path)
    damaged = damage(db_path, template.key, where)
    assert files.check_file(db_path, template.key) != "ok", "the file really is damaged"
    db = ["--db", str(db_path)]

    r = mshtdesk(*db, "backup", "list", env=ADMIN)
    assert r.returncode == 0 and str(backup) in r.stdout and "Backed up by hand" in r.stdout, r.stderr
    assert "Traceback" not in r.stderr
    r = mshtdesk(*db, "backup", "verify", env=ADMIN)
    assert r.returncode == 0 and r.stdout.startswith(f"ok  {backup}"), r.stdout + r.stderr
    r = mshtdesk(*db, "backup", "verify", str(backup), env=ADMIN)
    assert r.returncode == 0 and r.stdout.startswith("ok"), r.stdout + r.stderr
    assert db_path.read_bytes() == damaged, "listing and checking never write to the damaged file"

    r = mshtdesk(*db, "backup", "restore", "--latest-good", env=ADMIN)
    assert r.returncode == 0 and "kept aside" in r.stdout and backup.name in r.stdout, r.stderr

    assert files.check_file(db_path, template.key) == "ok"
    aside = kept_aside(db_path)
    assert len(aside) == 1 and aside[0].read_bytes() == damaged, "the damaged file is kept, as it was"
    count, events = arrests_and_events(db_path, template.key)
    assert count == SEEDED_ARRESTS, "the backup's rows are back"
    user, station, what, reason = events[-1]
    assert (user, what) == (USERS[Role.ADMINISTRATOR].username, "restore")
    assert station == platform.node()[:120]
    assert backup.name in reason and "damaged" in reason and aside[0].name in reason
    r = mshtdesk(*db, "audit", "verify", env=ADMIN)
    assert r.returncode == 0 and "intact" in r.stdout, r.stdout + r.stderr


def test_an_administrator_restores_a_named_backup_over_a_damaged_file(
    db_path: Path, template: Template, tmp_path: Path
) -> None:
    backup = seeded_with_backup(db_path)
    elsewhere = tmp_path / "usb" / backup.name  # a backup anywhere, with its key file
    elsewhere.parent.mkdir()
    shutil.copyfile(backup, elsewhere)
    shutil.copyfile(f"{backup}.keys", f"{elsewhere}.keys")
    damaged = damage(db_path, template.key, "middle")
    r = mshtdesk("--db", str(db_path), "backup", "restore", str(elsewhere), env=ADMIN)
    assert r.returncode == 0 and "kept aside" in r.stdout, r.stderr
    assert files.check_file(db_path, template.key) == "ok"
    assert [p.read_bytes() for p in kept_aside(db_path)] == [damaged]
    count, events = arrests_and_events(db_path, template.key)
    assert count == SEEDED_ARRESTS
    assert events[-1][0] == USERS[Role.ADMINISTRATOR].username and backup.name in events[-1][3]
    r = mshtdesk("--db", str(db_path), "audit", "verify", env=ADMIN)
    assert r.returncode == 0, r.stderr


def test_an_officer_cannot_restore_a_damaged_file(db_path: Path, template: Template) -> None:
    backup = seeded_with_backup(db_path)
    damaged = damage(db_path, template.key, "middle")
    db = ["--db", str(db_path)]
    for how in (["--latest-good"], [str(backup)]):
        r = mshtdesk(*db, "backup", "restore", *how, env=OFFICER)
        assert r.returncode == 1, r.stdout
        assert "does not allow you to restore" in r.stderr and "ask an administrator" in r.stderr
        assert "Nothing was changed" in r.stderr and "Traceback" not in r.stderr
    officer = USERS[Role.HTT_OFFICER]
    with pytest.raises(PermissionDeniedError, match="ask an administrator"):
        restore_latest_good(str(db_path), officer.username, officer.password)
    recovery = open_damaged(str(db_path), officer.username, officer.password)
    assert recovery is not None and recovery.list(), "an officer may still see the backups"
    with pytest.raises(PermissionDeniedError):
        recovery.restore(str(backup))
    assert db_path.read_bytes() == damaged and not kept_aside(db_path), "nothing changed"
    r = mshtdesk(*db, "backup", "list", env=OFFICER)
    assert r.returncode == 0 and str(backup) in r.stdout
    # The refusals waited in the key file; once an administrator has restored, the next login logs them.
    admin = USERS[Role.ADMINISTRATOR]
    restore_latest_good(str(db_path), admin.username, admin.password)
    backend = Backend.login(str(db_path), admin.username, admin.password)
    try:
        with backend.db.engine.connect() as conn:
            refused = conn.execute(
                select(AUDIT.c.username, AUDIT.c.entity).where(AUDIT.c.record_id == "restore-refused")
            ).all()
    finally:
        backend.close()
    assert refused == [(officer.username, "database")] * 4


def test_a_wrong_password_opens_no_damaged_file(db_path: Path, template: Template) -> None:
    seeded_with_backup(db_path)
    damage(db_path, template.key, "middle")
    admin = USERS[Role.ADMINISTRATOR]
    assert open_damaged(str(db_path), admin.username, "not-the-password") is None
    r = mshtdesk(
        "--db", str(db_path), "backup", "restore", "--latest-good",
        env={"MSHTDESK_USER": admin.username, "MSHTDESK_PASSWORD": "not-the-password"},
    )  # fmt: skip
    assert r.returncode == 3 and "Wrong user name or password" in r.stderr, r.stderr
    assert not kept_aside(db_path)


def test_an_officer_cannot_restore_a_sound_file_and_the_refusal_is_recorded(
    db_path: Path, template: Template
) -> None:
    backup = seeded_with_backup(db_path)
    officer = USERS[Role.HTT_OFFICER]
    with pytest.raises(PermissionDeniedError, match="ask an administrator"):
        restore_latest_good(str(db_path), officer.username, officer.password)
    r = mshtdesk("--db", str(db_path), "backup", "restore", str(backup), env=OFFICER)
    assert r.returncode == 1 and "ask an administrator" in r.stderr
    count, events = arrests_and_events(db_path, template.key)
    assert count == SEEDED_ARRESTS
    refused = [e for e in events if e[2] == "restore-refused"]
    assert [e[0] for e in refused] == [officer.username] * 2
    assert not any(e[2] == "restore" for e in events)


def test_a_restore_of_a_sound_file_is_recorded_in_the_restored_log(db_path: Path, template: Template) -> None:
    backup = seeded_with_backup(db_path)
    db = ["--db", str(db_path)]
    r = mshtdesk(*db, "backup", "restore", str(backup), env=ADMIN)
    assert r.returncode == 0 and "backed up at" in r.stdout, r.stderr
    safety = r.stdout.split("backed up at ")[1].strip().rstrip(".")
    _, events = arrests_and_events(db_path, template.key)
    user, _, what, reason = events[-1]
    assert (user, what) == (USERS[Role.ADMINISTRATOR].username, "restore")
    assert backup.name in reason and Path(safety).name in reason and "damaged" not in reason
    r = mshtdesk(*db, "audit", "verify", env=ADMIN)
    assert r.returncode == 0, r.stderr


def test_the_app_tells_a_non_administrator_to_ask_an_administrator(
    qtbot: QtBot, db_path: Path, template: Template, backend: Backend
) -> None:
    """The damaged-file dialog at login offers the restore; for an officer it is refused, in words."""
    backend.backups.create()
    backend.close()
    damaged = damage(db_path, template.key, "middle")
    controller = AppController(open_settings(), db=str(db_path), demo=False)
    window = controller.window
    qtbot.addWidget(window)
    try:
        window.show()
        controller.open()
        qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
        login = controller.login
        assert login is not None
        officer = USERS[Role.HTT_OFFICER]
        login.username.setText(officer.username)
        login.password.setText(officer.password)
        login.submit()
        qtbot.waitUntil(lambda: bool(find_visible("failureDialog")), timeout=30_000)
        dialog = find_visible("failureDialog")[0]
        assert isinstance(dialog, FailureDialog) and dialog.restore_button is not None
        assert "ask an administrator" in dialog.todo.text()
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: bool(find_visible("errorMessage")), timeout=30_000)
        message = find_visible("errorMessage")[0]
        assert "ask an administrator" in message.text()  # type: ignore[attr-defined]
        shoot(message, "restore_refused_to_an_officer")
        message.close()
        qtbot.waitUntil(lambda: controller.tasks.is_idle(), timeout=30_000)
        assert db_path.read_bytes() == damaged and not kept_aside(db_path)
    finally:
        controller.shutdown()
