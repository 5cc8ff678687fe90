"""Consistent copies of a SQLite database through SQLite's online backup API, and the encryption of a
database written before encryption existed."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path


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


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def backup_sqlite(db_path: Path, dest_dir: Path, label: str, key: bytes | None = None) -> Path:
    """Copy ``db_path`` into ``dest_dir`` as a timestamped file and return its path.

    The backup API copies a consistent snapshot even while other connections write, unlike a file copy
    that could catch the WAL half-applied. With ``key`` the copy is encrypted with the same key.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{db_path.stem}-{_stamp()}-{label}.db"
    if target.resolve() == db_path.resolve():
        raise ValueError("A backup cannot overwrite the database itself.")
    src = connect(db_path, key)
    try:
        dst = connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


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
