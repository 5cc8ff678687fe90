"""The disk fills, the file turns read-only, another program holds the lock, bytes rot: each is an
expected failure with its own message, nothing is half-written, and the user is told it was not saved.

Disk full is simulated with SQLite's ``max_page_count`` (the file may not grow), read-only with
``query_only`` (and, when not running as root, a read-only file), the lock with a second connection
holding a write transaction, damage by flipping bytes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from mshtdesk.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyDatabaseError,
    environmental,
)
from mshtdesk.services.audit import verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.backup import check_file, connect
from mshtdesk.store.tables import ARREST, AUDIT, EVENT, IMPORT_BATCH, OFFENCE
from tests.conftest import SEED_EXPORT, Template


@contextmanager
def pragmas(b: Backend, *statements: str) -> Iterator[None]:
    """Every new connection of ``b``'s engine runs ``statements`` (pooled ones are dropped first)."""
    engine = b.db.engine

    def apply(dbapi_conn: Any, _record: Any) -> None:
        for s in statements:
            dbapi_conn.execute(s)

    engine.dispose()
    event.listen(engine, "connect", apply)
    try:
        yield
    finally:
        event.remove(engine, "connect", apply)
        engine.dispose()


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ARREST, OFFENCE, EVENT, IMPORT_BATCH, AUDIT)
        )


def page_count(b: Backend) -> int:
    with b.db.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())


def new_arrest(b: Backend, ref: str) -> int:
    return b.register.create_arrest(ArrestInput(ref, date(2022, 1, 10), "BD"), [("O1", "MSA s.2")])


def test_disk_full_during_an_import_writes_nothing_and_says_so(backend: Backend) -> None:
    before = counts(backend)
    limit = f"PRAGMA max_page_count = {page_count(backend) + 2}"
    with pragmas(backend, limit), pytest.raises(Exception) as info:
        backend.import_file(str(SEED_EXPORT))
    found = environmental(info.value)
    assert isinstance(found, DiskFullError)
    assert "disk" in str(found) and "full" in str(found) and "not saved" in str(found)
    assert counts(backend) == before, "nothing of the import was written"
    assert verify_chain(backend.db).ok
    summary = backend.import_file(str(SEED_EXPORT))  # with room again, the same file goes in whole
    assert summary.arrests_added == 141


def test_disk_full_when_saving_a_form(backend: Backend) -> None:
    new_arrest(backend, "A0")  # let the file grow to its working size first
    before = counts(backend)
    with pragmas(backend, f"PRAGMA max_page_count = {page_count(backend)}"):
        big = "n" * 4000
        with pytest.raises(Exception) as info:
            for i in range(40):
                backend.register.create_arrest(
                    ArrestInput(f"B{i}", date(2022, 1, 10), "BD", notes=big), [("O1", "MSA s.2")]
                )
    assert isinstance(environmental(info.value), DiskFullError)
    assert counts(backend)[0] < before[0] + 40, "the disk filled before every arrest was stored"
    with backend.db.engine.connect() as conn:
        refs = set(conn.execute(select(ARREST.c.custody_ref)).scalars())
        audits = conn.execute(
            select(func.count()).select_from(AUDIT).where(AUDIT.c.action == "collect")
        ).scalar()
    assert audits == len(refs), "each arrest that is stored has its audit record, and none without"
    assert verify_chain(backend.db).ok


def test_read_only_database_refuses_writes_with_a_message(backend: Backend) -> None:
    aid = new_arrest(backend, "A1")
    before = counts(backend)
    with pragmas(backend, "PRAGMA query_only = ON"), pytest.raises(Exception) as info:
        backend.register.update_arrest(
            aid, 1, ArrestInput("A1", date(2022, 1, 10), "BD", operation="Op Wren")
        )
    found = environmental(info.value)
    assert isinstance(found, ReadOnlyDatabaseError) and "read-only" in str(found)
    assert counts(backend) == before
    assert backend.register.get(aid, consult=False).operation == ""


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write any file")
def test_read_only_file(backend: Backend, db_path: Path) -> None:
    backend.db.engine.dispose()
    os.chmod(db_path, 0o444)
    try:
        with pytest.raises(Exception) as info:
            new_arrest(backend, "A2")
        assert isinstance(environmental(info.value), ReadOnlyDatabaseError)
    finally:
        os.chmod(db_path, 0o644)


def test_a_lock_held_by_another_program(backend: Backend, db_path: Path, template: Template) -> None:
    other = connect(db_path, template.key)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")  # another copy of the app, mid-write, for too long
    try:
        with pragmas(backend, "PRAGMA busy_timeout = 50"), pytest.raises(Exception) as info:
            new_arrest(backend, "A3")
        found = environmental(info.value)
        assert isinstance(found, DatabaseLockedError) and "try again" in str(found)
    finally:
        other.execute("ROLLBACK")
        other.close()
    new_arrest(backend, "A3")  # once the other writer is done, the same save works


def test_flipped_bytes_are_named_as_damage(backend: Backend, db_path: Path, template: Template) -> None:
    backend.import_file(str(SEED_EXPORT))
    backend.close()
    con = connect(db_path, template.key)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db_path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 512):
        data[i] ^= 0x5A
    db_path.write_bytes(bytes(data))
    assert check_file(db_path, template.key) != "ok"
    con = connect(db_path, template.key)
    with pytest.raises(Exception) as info:  # noqa: B017 - the driver's own DatabaseError class
        for table in ("arrest", "offence", "disposal_event", "audit_event", "import_batch"):
            con.execute(f"SELECT * FROM {table}").fetchall()
        con.execute("PRAGMA integrity_check").fetchall()
    con.close()
    found = environmental(info.value)
    assert isinstance(found, CorruptDatabaseError) and "restore" in str(found).lower()


def test_driver_messages_never_reach_the_user() -> None:
    """A driver error can quote a row; the translated message never contains the original text."""
    raw = sqlite3.OperationalError("database or disk is full: INSERT ... 'Jane Example'")
    found = environmental(raw)
    assert found is not None and "Jane" not in str(found)
    assert environmental(KeyError("WY/21/000123")) is None, "anything else is a bug"


def test_the_cli_says_what_an_environmental_failure_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    from argparse import Namespace

    from mshtdesk import cli

    def full(*_args: object) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cli, "_dispatch", full)
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(Namespace(command="import"), out, err) == cli.EXIT_DATA
    assert "disk" in err.getvalue() and "not saved" in err.getvalue()
    assert "internal error" not in err.getvalue(), "a full disk is not a bug"
