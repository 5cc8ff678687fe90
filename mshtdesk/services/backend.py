"""One object that opens a database and offers every service over it: what the CLI and the app hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.services import custody_import
from mshtdesk.services.custody_import import ImportSummary, Progress
from mshtdesk.services.disposal_report import disposal_table
from mshtdesk.services.reference import ReferenceService
from mshtdesk.services.register import RegisterService
from mshtdesk.store.database import Database, open_database


class Backend:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.register = RegisterService(db)
        self.reference = ReferenceService(db)

    @classmethod
    def open(cls, db: str | None = None, *, profile: str | None = None) -> Backend:
        """Open (creating and migrating as needed) the database named by ``--db``/``MSHTDESK_DB``."""
        return cls(open_database(db, profile=profile))

    def describe(self) -> str:
        return self.db.describe()

    def disposal_table(self, date_from: date, date_to: date, as_at: date) -> DisposalTable:
        return disposal_table(self.db, date_from, date_to, as_at)

    def import_custody(
        self,
        data: bytes,
        file_name: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        return custody_import.import_custody(
            self.db, data, file_name, dry_run=dry_run, progress=progress, cancel=cancel
        )

    def import_file(
        self,
        path: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        from pathlib import Path

        data = custody_import.read_file(path)
        return self.import_custody(data, Path(path).name, dry_run=dry_run, progress=progress, cancel=cancel)

    def close(self) -> None:
        self.db.close()
