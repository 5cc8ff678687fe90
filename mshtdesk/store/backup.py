"""Consistent copies of a SQLite database through SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_sqlite(db_path: Path, dest_dir: Path, label: str) -> Path:
    """Copy ``db_path`` into ``dest_dir`` as a timestamped file and return its path.

    The backup API copies a consistent snapshot even while other connections write, unlike a file copy
    that could catch the WAL half-applied.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = dest_dir / f"{db_path.stem}-{stamp}-{label}.db"
    if target.resolve() == db_path.resolve():
        raise ValueError("A backup cannot overwrite the database itself.")
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target
