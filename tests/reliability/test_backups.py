"""Backups: encrypted consistent copies, checked, pruned, restored (after a copy of the file as it was),
never written over the database itself; a damaged file is replaced by the newest good backup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.audit import AuditQuery, verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.services.backups import restore_latest_good
from mshtdesk.services.register import ArrestInput
from mshtdesk.store import backup as files
from mshtdesk.store.engine import SQLITE_HEADER
from tests.conftest import USERS

ADMIN = USERS[Role.ADMINISTRATOR]


def add(b: Backend, ref: str) -> int:
    return b.register.create_arrest(ArrestInput(ref, date(2022, 1, 10), "BD"), [("O1", "MSA s.2")])


def flip_bytes(path: Path, at: int, n: int = 64) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, min(at + n, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_backup_is_encrypted_checked_and_has_its_key_file(backend: Backend, db_path: Path) -> None:
    add(backend, "A1")
    made = backend.backups.create()
    copy = Path(made.path)
    assert copy.parent == db_path.parent / "backups" and made.label == "manual"
    assert copy.read_bytes()[:16] != SQLITE_HEADER, "a backup is as encrypted as the database"
    assert keyring_path(copy).exists(), "the key file travels with the backup"
    assert backend.backups.verify(made.path) == "ok"
    assert [b.path for b in backend.backups.list()] == [made.path]
    assert files.check_file(copy, b"\x00" * 32) != "ok", "another key cannot open it"


def test_verify_names_a_damaged_backup(backend: Backend) -> None:
    made = Path(backend.backups.create().path)
    flip_bytes(made, made.stat().st_size // 2)
    problem = backend.backups.verify(str(made))
    assert problem != "ok" and ("damaged" in problem or "integrity" in problem)


def test_refuses_the_database_file_as_its_backup_folder(
    backend_for: Callable[[Role], Backend], db_path: Path
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    for target in (db_path, keyring_path(db_path)):
        with pytest.raises(ValidationError, match="cannot be the database file"):
            admin.backups.set_folder(str(target))
    with pytest.raises(ValueError):
        files.backup_sqlite(db_path, db_path, "manual", admin.db.key)
    assert admin.backups.folder() == db_path.parent / "backups"


def test_configured_folder_is_used_and_only_administrators_set_it(
    backend_for: Callable[[Role], Backend], tmp_path: Path
) -> None:
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.HTT_OFFICER).backups.set_folder(str(tmp_path / "elsewhere"))
    admin = backend_for(Role.ADMINISTRATOR)
    assert admin.backups.set_folder(str(tmp_path / "elsewhere")) == tmp_path / "elsewhere"
    officer = backend_for(Role.HTT_OFFICER)
    made = officer.backups.create()
    assert Path(made.path).parent == tmp_path / "elsewhere"
    with pytest.raises(ValidationError):
        admin.backups.set_folder("relative/folder")


def test_daily_backup_once_a_day(backend: Backend) -> None:
    first = backend.backups.daily()
    assert first is not None and first.label == "daily"
    assert backend.backups.daily() is None, "the second start of the day takes no copy"
    tomorrow = datetime.now() + timedelta(days=1)
    assert backend.backups.due_today(tomorrow)


def test_prune_applies_the_retention_rule(backend: Backend) -> None:
    made = Path(backend.backups.create("daily").path)
    folder = made.parent
    # Fake a year of old daily copies by renaming copies of this one into the past.
    for days in range(1, 120):
        stamp = (datetime.now() - timedelta(days=days)).strftime(files.STAMP)
        (folder / f"{made.name.split('-')[0]}-{stamp}-daily.db").write_bytes(made.read_bytes())
    removed = backend.backups.prune()
    left = backend.backups.list()
    assert removed and 7 <= len(left) <= 7 + 4 + 12
    assert left[0].path == str(made)


def test_restore_backs_up_first_and_keeps_the_audit_chain(
    backend_for: Callable[[Role], Backend],
) -> None:
    officer, admin = backend_for(Role.HTT_OFFICER), backend_for(Role.ADMINISTRATOR)
    add(officer, "KEPT")
    good = admin.backups.create()
    add(officer, "LATER")
    with pytest.raises(PermissionDeniedError):
        officer.backups.restore(good.path)
    result = admin.backups.restore(good.path)
    assert officer.register.find_id("KEPT") is not None
    assert officer.register.find_id("LATER") is None, "the file is as it was at the backup"
    assert result.safety_copy is not None
    assert files.check_file(Path(result.safety_copy), admin.db.key) == "ok"
    labels = [b.label for b in admin.backups.list()]
    assert "before-restore" in labels, "the file as it was before the restore is kept"
    assert verify_chain(admin.db).ok
    events = admin.audit.list(AuditQuery())
    assert any(e.record_id == "restore" and "restored from backup" in e.reason for e in events)


def test_a_damaged_database_is_replaced_by_the_newest_good_backup(backend: Backend, db_path: Path) -> None:
    add(backend, "SAFE")
    good = Path(backend.backups.create().path)
    bad = Path(backend.backups.create().path)  # newer, but it will be damaged
    flip_bytes(bad, 0, 4096)
    backend.close()
    flip_bytes(db_path, 0, 4096)
    with pytest.raises(Exception, match="Wrong user name"):
        restore_latest_good(str(db_path), ADMIN.username, "not-the-password")
    result = restore_latest_good(str(db_path), ADMIN.username, ADMIN.password)
    assert result.restored_from == str(good)
    assert list(db_path.parent.glob("register-damaged-*.db")), "the damaged file is kept aside"
    again = Backend.login(str(db_path), USERS[Role.HTT_OFFICER].username, USERS[Role.HTT_OFFICER].password)
    assert again.register.find_id("SAFE") is not None
    again.close()


def test_no_good_backup_is_said_plainly(backend: Backend, db_path: Path) -> None:
    backend.close()
    flip_bytes(db_path, 0, 4096)
    with pytest.raises(NotFoundError, match="No good backup"):
        restore_latest_good(str(db_path), ADMIN.username, ADMIN.password)
