"""Consistent copies of a SQLite database through SQLite's online backup API: taking, listing, checking
and restoring them, and the encryption of a database written before encryption existed."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine


def connect(path: Path, key: bytes | None) -> sqlite3.Connection:
    """A plain DB-API connection, through SQLCipher when there is a key."""
    if key is None:
        return sqlite3.connect(path)
    import sqlcipher3

    from mshtdesk.store.engine import key_pragma

    con: sqlite3.Connection = sqlcipher3.connect(str(path))
    con.execute(key_pragma(key))
    con.execute("PRAGMA cipher_log_level = NONE")
    return con


STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<label>[A-Za-z0-9_.-]+)\.db$")


def _stamp() -> str:
    return datetime.now().strftime(STAMP)


@dataclass(frozen=True)
class BackupFile:
    """A backup found in a folder: its file, when it was taken (local time) and why."""

    path: Path
    taken_at: datetime
    label: str  # daily, manual, before-<revision>, before-restore, before-encryption
    size: int

    @property
    def routine(self) -> bool:
        return self.label == "daily"


def refuse_own_file(db_path: Path, dest_dir: Path) -> None:
    """A backup folder must be a folder: never the database file itself (nor its key file or WAL)."""
    own = db_path.resolve()
    target = dest_dir.resolve()
    companions = {own, *(own.with_name(own.name + s) for s in (".keys", "-wal", "-shm", "-journal"))}
    if target in companions:
        raise ValueError("The backup folder cannot be the database file itself; choose a folder.")
    if target.exists() and not target.is_dir():
        raise ValueError(f"{dest_dir} is a file, not a folder; choose a folder for the backups.")


#: (what is being done, done, total): what a long step reports, for a window to show.
Progress = Callable[[str, int, int], None]
BACKING_UP = "Backing up before the upgrade"
#: Pages a stepped backup copies between progress reports (16 MB of 4 KB pages).
BACKUP_STEP_PAGES = 4096


def backup_sqlite(
    db_path: Path, dest_dir: Path, label: str, key: bytes | None = None, progress: Progress | None = None
) -> Path:
    """Copy ``db_path`` into ``dest_dir`` as a timestamped file and return its path.

    The backup API copies a consistent snapshot even while other connections write, unlike a file copy
    that could catch the WAL half-applied. With ``key`` the copy is encrypted with the same key. The copy
    is written under a temporary name, synced, then renamed: a crash never leaves a half backup that
    looks whole. The key file (the users' wrapped copies of the key) is copied beside it, since the
    backup cannot be opened without it.
    """
    refuse_own_file(db_path, dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{db_path.stem}-{_stamp()}-{label}.db"
    if target.resolve() == db_path.resolve():
        raise ValueError("A backup cannot overwrite the database itself.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = connect(db_path, key)
        try:
            dst = connect(partial, key)
            try:
                if progress is None:
                    src.backup(dst)
                else:  # in steps, so a window can show how far a copy of gigabytes has got
                    src.backup(
                        dst,
                        pages=BACKUP_STEP_PAGES,
                        progress=lambda _status, left, total: progress(BACKING_UP, total - left, total),
                    )
                dst.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    keys = db_path.with_name(db_path.name + ".keys")
    if keys.exists():  # readable by its owner alone, like the live one: it holds the users' keys
        copy = target.with_name(target.name + ".keys")
        copy.unlink(missing_ok=True)
        with (
            keys.open("rb") as fin,
            os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fout,
        ):
            shutil.copyfileobj(fin, fout)
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def list_backups(dest_dir: Path, stem: str | None = None) -> list[BackupFile]:
    """The backups in ``dest_dir`` (of the database named ``stem``, if given), newest first."""
    found: list[BackupFile] = []
    try:
        entries = list(dest_dir.iterdir())
    except OSError:
        return []
    for p in entries:
        m = _NAME.match(p.name)
        if m is None or (stem is not None and m["stem"] != stem):
            continue
        try:
            taken = datetime.strptime(m["stamp"], STAMP)
            size = p.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupFile(p, taken, m["label"], size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def check_file(path: Path, key: bytes | None) -> str:
    """ "ok", or why the database at ``path`` cannot be trusted: it must open with the key, pass
    ``integrity_check`` and be an MSHT Desk database (it has a schema revision)."""
    if not path.is_file():
        return "the file is missing"
    try:
        con = connect(path, key)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the answer
        return f"it cannot be opened ({type(exc).__name__})"
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return "it failed SQLite's integrity check"
        found = con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not found or con.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] != 1:
            return "it is not an MSHT Desk database"
    except Exception as exc:  # noqa: BLE001 - "file is not a database" (wrong key, damage) lands here
        return f"it cannot be read with this key, or it is damaged ({type(exc).__name__})"
    finally:
        con.close()
    return "ok"


def schema_revision(path: Path, key: bytes | None) -> str | None:
    con = connect(path, key)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    finally:
        con.close()


def restore_file(backup: Path, db_path: Path, key: bytes | None) -> Path | None:
    """Put the content of ``backup`` into ``db_path``; return where a damaged file was kept, if it was.

    A readable database is overwritten through the backup API, which takes the write lock, so other
    connections (another copy of the app) see the restored content rather than a file swapped under
    them. A damaged one cannot be written that way (nor should it be: IT may want it as it is): it is
    renamed aside with its write-ahead log, kept, never deleted, and a copy of the backup, synced under
    a temporary name, is renamed into its place.
    """
    if check_file(db_path, key) == "ok":
        src = connect(backup, key)
        try:
            dst = connect(db_path, key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return None
    fresh = db_path.with_name(db_path.name + ".restoring")
    fresh.unlink(missing_ok=True)
    shutil.copyfile(backup, fresh)
    _fsync(fresh)
    aside: Path | None = None
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.stem}-damaged-{_stamp()}{db_path.suffix}")
        wal = Path(str(db_path) + "-wal")
        if wal.exists():  # committed pages not yet in the file: they belong with it
            os.replace(wal, Path(str(aside) + "-wal"))
        os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(fresh, db_path)
    return aside


def encrypt_in_place(db_path: Path, key: bytes, backup_dir: Path) -> Path:
    """Turn an unencrypted database into an encrypted one; return the (encrypted) backup taken first.

    The plain file is copied, encrypted, into ``backup_dir``; then an encrypted copy written beside the
    database is checked and swapped in with an atomic rename, so a crash leaves one whole file or the other.
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    backup = backup_dir / f"{db_path.stem}-{_stamp()}-before-encryption.db"
    fresh = db_path.with_name(db_path.name + ".encrypting")
    for target in (backup, fresh):
        target.unlink(missing_ok=True)
        _export_encrypted(db_path, target, key)
    check = connect(fresh, key)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise OSError("the encrypted copy failed its integrity check")
    finally:
        check.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(fresh, db_path)
    return backup


def _export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    import sqlcipher3

    con = sqlcipher3.connect(str(plain))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
        con.execute("SELECT sqlcipher_export('enc')")
        con.execute("DETACH DATABASE enc")
    finally:
        con.close()


def reader(path: Path, key: bytes | None) -> Engine:
    """An engine for reading a backup or a damaged file as it is: plain connections (``connect``), none
    of the app's pragmas, so no journal mode is changed and nothing is written by opening it."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine("sqlite://", creator=lambda: connect(path, key), poolclass=NullPool)
