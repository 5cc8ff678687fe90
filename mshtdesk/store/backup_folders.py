"""Where a database's backups go: the folder an administrator chose (setting ``backup_folder``) and the
default ``backups`` beside the file. One reader of the setting for the backup service, a rekey, the
audit log's head check, the damaged-file recovery and the export guard."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from mshtdesk.machine import machine_settings
from mshtdesk.store.database import Database
from mshtdesk.store.tables import SETTING

FOLDER_SETTING = "backup_folder"


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def chosen_folder(conn: Connection) -> Path | None:
    """The folder an administrator chose (or the machine's preset: ``mshtdesk.machine``), or None for
    the default."""
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == FOLDER_SETTING)).scalar()
    return machine_settings().backup_folder_over(Path(value) if value else None)


def backup_folders(db: Database) -> list[Path]:
    """Every folder this database's backups may be in: the chosen one first, then the default (copies
    taken before the setting changed stay there); none for a server database."""
    path = db.path
    if path is None:
        return []
    with db.engine.connect() as conn:
        chosen = chosen_folder(conn)
    default = default_folder(path)
    return [default] if chosen is None or chosen == default else [chosen, default]
