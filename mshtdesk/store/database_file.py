"""Is a file fit to become a new MSHT Desk database? Asked before ``init`` (or the demo) writes anything.

``init`` once said it refused a foreign SQLite file after it had already written a key file, taken a
backup and encrypted the file in place. Every reason to refuse is found here, by reading the file
without changing it (SQLite's ``immutable`` mode, or a copy when a write-ahead log holds part of it),
so a refusal leaves the file and its folder exactly as they were.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mshtdesk.errors import NewerDatabaseError, NotAnMshtDatabaseError, StoreError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.store.engine import is_plain_sqlite

UNCHANGED = "nothing was changed"


@dataclass(frozen=True)
class _Contents:
    tables: frozenset[str]
    revision: str | None
    users: int


def _read(path: Path, *, immutable: bool = True) -> _Contents:
    """``immutable``: read without locking or creating any file (SQLite then ignores a -wal file)."""
    uri = path.resolve().as_uri() + ("?immutable=1" if immutable else "")
    con = sqlite3.connect(uri, uri=True)
    try:
        tables = frozenset(
            str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
        users = 0
        if "app_user" in tables:
            users = int(con.execute("SELECT COUNT(*) FROM app_user").fetchone()[0])
        return _Contents(tables, revision, users)
    finally:
        con.close()


def _contents(path: Path) -> _Contents:
    """What the plain SQLite file holds, read without writing a byte (not even a -shm file)."""
    wal = path.with_name(path.name + "-wal")
    try:
        if not (wal.exists() and wal.stat().st_size > 0):
            return _read(path)
        with tempfile.TemporaryDirectory(prefix="mshtdesk-check-") as tmp:  # the log holds part of it
            copy = Path(tmp) / "copy.db"
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, copy.with_name("copy.db-wal"))
            return _read(copy, immutable=False)  # our own copy: its log may be read and replayed
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(
            f"{path} could not be read as a database ({type(exc).__name__}); {UNCHANGED}. "
            "Choose a new file name."
        ) from None


def _known(revision: str) -> bool:
    from mshtdesk.store.migrate import known_revision

    return known_revision(revision)


def check_new_database_file(path: Path) -> bool:
    """Whether ``path`` holds an unencrypted MSHT Desk database without users, to be encrypted (True),
    or nothing yet (False); anything else is refused with a StoreError before anything is written."""
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise StoreError(f"{path} cannot be examined ({exc.strerror or exc}); {UNCHANGED}.") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise StoreError(
            f"{path} is a folder, not a database file; name a file inside it, for example "
            f"{path / 'mshtdesk.db'}."
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not an ordinary file; {UNCHANGED}. Name a new database file.")
    keys = keyring_path(path)
    if st is None or st.st_size == 0:
        if os.path.lexists(keys):
            raise StoreError(
                f"There is a key file {keys.name} but no database beside it, so a database was there; "
                f"{UNCHANGED}. Restore the database from a backup, or move the key file away to start afresh."
            )
        return False
    if not is_plain_sqlite(path):
        if os.path.lexists(keys):
            raise StoreError(
                f"{path} is already an encrypted MSHT Desk database: ask its administrator to add you."
            )
        raise NotAnMshtDatabaseError(
            f"{path} already exists and is not a database MSHT Desk can use; {UNCHANGED}. "
            "Choose a new file name."
        )
    found = _contents(path)
    if not found.tables:
        return True  # an empty SQLite database: nothing in it to lose
    if found.revision is None:
        raise NotAnMshtDatabaseError(
            f"{path} holds a database that MSHT Desk did not create; {UNCHANGED}. Choose a new file name."
        )
    if not _known(found.revision):
        raise NewerDatabaseError(
            "This database was written by a newer version of MSHT Desk. "
            f"Install the newer version to open it; {UNCHANGED}."
        )
    if found.users:
        raise StoreError("That database already has users; log in as its administrator instead.")
    return True
