"""Where an export may be written, for the CLI and the app alike: never over this database's own files or
its backups, always atomically (``mshtdesk.store.output_files``).

No role is checked: nothing here reads a record, only where the backups go, and each export is a
disclosure its own service has already checked and recorded.
"""

from __future__ import annotations

from pathlib import Path

from mshtdesk.store.backup_folders import chosen_folder
from mshtdesk.store.database import Database
from mshtdesk.store.engine import resolve_url, sqlite_path
from mshtdesk.store.output_files import ProtectedFiles, check_output_path, write_output


def check_before_login(db: str | None, target: str | Path, *, replace: bool) -> Path:
    """Refuse an unsafe target before anyone logs in, with what is known without the key: the files
    named by ``--db`` and the default backup folder (the configured one is checked once logged in)."""
    return check_output_path(target, ProtectedFiles.around(sqlite_path(resolve_url(db))), replace=replace)


class ExportFiles:
    def __init__(self, db: Database) -> None:
        self._db = db

    def protected(self) -> ProtectedFiles:
        path = self._db.path
        if path is None:
            return ProtectedFiles(None)
        with self._db.engine.connect() as conn:
            chosen = chosen_folder(conn)
        return ProtectedFiles.around(path, chosen)

    def check(self, target: str | Path, *, replace: bool) -> Path:
        """Before anything is disclosed: the path to write, or UnsafeOutputError saying why not."""
        return check_output_path(target, self.protected(), replace=replace)

    def write(self, target: str | Path, data: bytes, *, replace: bool) -> Path:
        """Check again (time has passed) and write ``data`` whole to ``target``, or leave it untouched."""
        return write_output(target, data, self.protected(), replace=replace)
