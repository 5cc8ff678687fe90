"""Changing the key of an encrypted SQLite file (``PRAGMA rekey``), for the live database and for each
retained backup, and reading the audit chain's head out of a backup.

SQLCipher rewrites every page under the new key inside one transaction, so a crash during it leaves
the file wholly under the old key or wholly under the new one (``tests/reliability`` kills it to
check); the caller keeps both keys where the users can reach them until the new one is in place.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mshtdesk.errors import DatabaseLockedError
from mshtdesk.store.backup import connect
from mshtdesk.store.engine import key_pragma

IN_USE = (
    "Another copy of MSHT Desk (or another program) has the database open, so its key cannot be "
    "changed now; close it and try again (mshtdesk users rekey)."
)


def opens_with(path: Path, key: bytes) -> bool:
    """Whether ``key`` decrypts the file at ``path`` (reads its first page only)."""
    try:
        con = connect(path, key)
    except Exception:  # noqa: BLE001 - any failure to open is the answer
        return False
    try:
        con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return True
    except Exception:  # noqa: BLE001 - "file is not a database": another key, or damage
        return False
    finally:
        con.close()


def first_key_that_opens(path: Path, keys: Sequence[bytes]) -> bytes | None:
    return next((k for k in keys if opens_with(path, k)), None)


@contextmanager
def exclusive(path: Path, key: bytes) -> Iterator[sqlite3.Connection]:
    """The live database, held by this connection alone: the WAL folded into the file and the file
    locked against every other connection until the block ends (then back in WAL mode).

    Leaving WAL mode is refused while any other connection is open, which is how another copy of the
    app is noticed: its connections would fail once the key changed under them.
    """
    con = connect(path, key)
    try:
        con.execute("PRAGMA busy_timeout = 2000")
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if con.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete":
                raise DatabaseLockedError(IN_USE)
            con.execute("PRAGMA locking_mode = EXCLUSIVE")
            con.execute("BEGIN EXCLUSIVE")
            con.execute("COMMIT")  # the exclusive lock stays with this connection until it closes
        except Exception as exc:  # sqlcipher3's OperationalError: "database is locked"
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise DatabaseLockedError(IN_USE) from None
            raise
        yield con
        con.execute("PRAGMA locking_mode = NORMAL")
        con.execute("PRAGMA journal_mode = WAL")
    finally:
        con.close()


def rekey(con: sqlite3.Connection, new_key: bytes) -> None:
    """Re-encrypt every page of the open file under ``new_key`` (one transaction)."""
    con.execute(key_pragma(new_key).replace("PRAGMA key", "PRAGMA rekey", 1))


def rekey_copy(path: Path, keys: Sequence[bytes], new_key: bytes) -> bool:
    """Put the file at ``path`` (a backup) under ``new_key``: a copy is rekeyed, synced and renamed over
    it, so the backup is whole under one key or the other at every moment. False if none of ``keys``
    opens it (a foreign or damaged file, left as it is); True if it is now under ``new_key``."""
    if opens_with(path, new_key):
        return True
    old = first_key_that_opens(path, keys)
    if old is None:
        return False
    fresh = path.with_name(path.name + ".rekeying")
    fresh.unlink(missing_ok=True)
    try:
        shutil.copyfile(path, fresh)
        os.chmod(fresh, 0o600)
        con = connect(fresh, old)
        try:
            rekey(con, new_key)
        finally:
            con.close()
        fd = os.open(fresh, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(fresh, path)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    return True


@contextmanager
def chain_reader(path: Path, key: bytes) -> Iterator[ChainReader | None]:
    """The audit chain inside the file at ``path`` (a backup), or None if it cannot be read with ``key``
    (another key, damage, a file from before the log existed): what ``audit verify`` compares with."""
    try:
        con = connect(path, key)
    except Exception:  # noqa: BLE001 - an unreadable backup has nothing to compare
        yield None
        return
    try:
        reader = ChainReader(con)
        try:
            reader.head()
        except Exception:  # noqa: BLE001 - another key, damage, or no audit log in the file
            yield None
            return
        yield reader
    finally:
        con.close()


class ChainReader:
    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def head(self) -> tuple[int, str]:
        row = self._con.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
        return (0, "") if row is None else (int(row[0]), str(row[1]))

    def hash_at(self, event_id: int) -> str | None:
        row = self._con.execute("SELECT hash FROM audit_event WHERE id = ?", (event_id,)).fetchone()
        return None if row is None else str(row[0])
