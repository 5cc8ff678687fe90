"""One object per logged-in user: the database, who they are, and every service acting as them.

This is what the CLI and the app hold. Each service checks the actor's role before it reads or
writes, and records what it did in the audit log in the same transaction.
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.imports.custody import CustodyImport, ImportSummary
from mshtdesk.imports.nrm import NrmImport, NrmImportSummary
from mshtdesk.imports.outcomes import OutcomeImport, OutcomeImportSummary
from mshtdesk.imports.pipeline import Cancel, ImportFormat, Progress, S, run_import
from mshtdesk.imports.source import CsvSource, open_source
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, AuditService, record
from mshtdesk.services.backups import BackupService
from mshtdesk.services.calendar import CalendarService
from mshtdesk.services.changes import writes
from mshtdesk.services.contacts import ContactService
from mshtdesk.services.corrections import CorrectionService
from mshtdesk.services.disposal_report import disposal_table
from mshtdesk.services.engagement import EngagementService
from mshtdesk.services.exports import ExportFiles
from mshtdesk.services.haven import HavenService
from mshtdesk.services.list_disclosure import ListDisclosureService
from mshtdesk.services.navigator import NavigatorService
from mshtdesk.services.nrm import NrmService
from mshtdesk.services.outcomes import OutcomeService
from mshtdesk.services.pathway import PathwayService
from mshtdesk.services.pathway_print import PathwayPrintService
from mshtdesk.services.people import PeopleService
from mshtdesk.services.reference import ReferenceService
from mshtdesk.services.register import RegisterService
from mshtdesk.services.retention import RetentionService
from mshtdesk.services.search import SearchService
from mshtdesk.services.subject_access import SubjectAccessService
from mshtdesk.services.today import TodayService
from mshtdesk.services.users import UserService, actor_for, create_database, login, unlock
from mshtdesk.store.database import Database

if TYPE_CHECKING:
    from mshtdesk.services.com_report import ReportService

#: The rights each kind of import needs, by the name the command line and the window give the kind.
IMPORT_KINDS: dict[str, tuple[tuple[Action, Entity], ...]] = {
    "custody": CustodyImport.needs,
    "nrm": NrmImport.needs,
    "outcomes": OutcomeImport.needs,
}
AnySummary = ImportSummary | NrmImportSummary | OutcomeImportSummary


@cache
def freeze_start_up() -> None:
    """Once a process, at the first login or database creation: put what start-up made (modules,
    classes, the tables' metadata: about 100,000 objects, all kept for the life of the process) out of
    the garbage collector's full passes. Such a pass scanned them all again, 55-75 ms, and fell in
    whatever came first after logging in: the Today page's first call went from about 0.22 to
    0.29-0.41 s once Alembic stopped being imported at login (its import had happened to take that
    pass). Only once: what a later session makes must stay collectable after it logs out."""
    gc.freeze()


class Backend:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.register = RegisterService(db, actor)
        self.corrections = CorrectionService(db, actor)
        self.outcomes = OutcomeService(db, actor)
        self.reference = ReferenceService(db, actor)
        self.audit = AuditService(db, actor)
        self.users = UserService(db, actor)
        self.people = PeopleService(db, actor)
        self.search = SearchService(db, actor)
        self.backups = BackupService(db, actor)
        self.navigator = NavigatorService(db, actor)
        self.haven = HavenService(db, actor)
        self.contacts = ContactService(db, actor)
        self.engagement = EngagementService(db, actor)
        self.pathway = PathwayService(db, actor)
        self.today = TodayService(db, actor)
        self.nrm = NrmService(db, actor)
        self.calendar = CalendarService(db, actor)
        self.subject_access = SubjectAccessService(db, actor)
        self.retention = RetentionService(db, actor)
        self.exports = ExportFiles(db)
        self.list_disclosure = ListDisclosureService(db, actor)
        self.pathway_print = PathwayPrintService(db, actor)

    @cached_property
    def reports(self) -> ReportService:
        """The COM reports, loaded on first use: a command or window that makes none (an import, a list)
        starts without their queries and layouts."""
        from mshtdesk.services.com_report import ReportService

        return ReportService(self.db, self.actor)

    @classmethod
    def login(
        cls, db: str | None, username: str, password: str, *, progress: Progress | None = None
    ) -> Backend:
        """Open the database named by ``--db``/``MSHTDESK_DB`` as this user (AuthenticationError if not);
        ``progress`` hears the steps of an upgrade, if the file needs one."""
        freeze_start_up()
        return cls(*login(db, username, password, progress=progress))

    @classmethod
    def create(
        cls,
        db: str | None,
        admin_username: str,
        password: str,
        *,
        display_name: str = "",
        profile: str | None = None,
    ) -> Backend:
        """Create an encrypted database (or encrypt an old one) with its first administrator: like a login,
        the first in a process freezes what start-up made."""
        freeze_start_up()
        return cls(*create_database(db, admin_username, password, display_name=display_name, profile=profile))

    @classmethod
    def as_user(cls, db: Database, username: str) -> Backend:
        """Another user on an already unlocked database (tests, and the demo's role switcher)."""
        return cls(db, actor_for(db, username))

    def describe(self) -> str:
        return self.db.describe()

    def disposal_table(self, date_from: date, date_to: date, as_at: date) -> DisposalTable:
        """On screen: aggregate counts, no personal data; not a disclosure until exported or printed."""
        self.actor.require(Action.READ, Entity.DISPOSAL_REPORT)
        return disposal_table(self.db, date_from, date_to, as_at)

    def export_disposal_table(
        self,
        date_from: date,
        date_to: date,
        as_at: date,
        reason: str,
        recorded_at: datetime | None = None,
    ) -> DisposalTable:
        """The table for export, print or copy: a disclosure, recorded with its reason. With
        ``recorded_at``, the arrests as they were recorded then (corrections made later left out)."""
        self.actor.require(Action.EXPORT, Entity.DISPOSAL_REPORT)
        from mshtdesk.errors import ValidationError

        if not reason.strip():
            raise ValidationError(
                {"reason": "Give the reason for this disclosure; it is kept in the audit log."}
            )
        table = disposal_table(self.db, date_from, date_to, as_at, recorded_at)
        what = f"{date_from.isoformat()}..{date_to.isoformat()}@{as_at.isoformat()}"
        if recorded_at is not None:
            what += "#" + recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.db.engine.begin() as conn:
            record(conn, self.actor, AuditAction.DISCLOSE, Entity.DISPOSAL_REPORT, what, reason=reason)
        return table

    @writes(*Data, changed_if=lambda s: s.changed)  # a bulk change: every open view re-reads
    def import_custody(
        self,
        data: bytes | CsvSource,
        file_name: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ImportSummary:
        """A combination of the export with the register: needs create rights, recorded once per file."""
        fmt = CustodyImport(date.today())
        return self._import(fmt, data, file_name, dry_run=dry_run, progress=progress, cancel=cancel)

    def import_file(
        self,
        path: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ImportSummary:
        with open_source(path) as source:
            return self.import_custody(
                source, Path(path).name, dry_run=dry_run, progress=progress, cancel=cancel
            )

    @writes(*Data, changed_if=lambda s: s.changed)
    def import_nrm(
        self,
        data: bytes | CsvSource,
        file_name: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> NrmImportSummary:
        """A team's NRM register combined with the database: needs the rights to create referrals and
        people; recorded once per file."""
        fmt = NrmImport(date.today(), recorded_by=self.actor.user_id)
        return self._import(fmt, data, file_name, dry_run=dry_run, progress=progress, cancel=cancel)

    def import_nrm_file(
        self,
        path: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> NrmImportSummary:
        with open_source(path) as source:
            return self.import_nrm(source, Path(path).name, dry_run=dry_run, progress=progress, cancel=cancel)

    @writes(*Data, changed_if=lambda s: s.changed)
    def import_outcomes(
        self,
        data: bytes | CsvSource,
        file_name: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> OutcomeImportSummary:
        """Court outcomes appended to offences already in the register: needs the right to append to
        arrests (as a disposal does); recorded once per file."""
        fmt = OutcomeImport(date.today(), recorded_by=self.actor.user_id)
        return self._import(fmt, data, file_name, dry_run=dry_run, progress=progress, cancel=cancel)

    def import_outcomes_file(
        self,
        path: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> OutcomeImportSummary:
        with open_source(path) as source:
            return self.import_outcomes(
                source, Path(path).name, dry_run=dry_run, progress=progress, cancel=cancel
            )

    def may_import(self, kind: str) -> bool:
        """Whether this user holds every right an import of ``kind`` (see ``IMPORT_KINDS``) needs, so a
        window offers only the imports its user may run."""
        return all(self.actor.may(action, entity) for action, entity in IMPORT_KINDS[kind])

    def import_kind_file(
        self,
        kind: str,
        path: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> AnySummary:
        """Import ``path`` as ``kind`` ("custody", "nrm" or "outcomes"): the one entry point the window
        and the command line share."""
        if kind == "nrm":
            return self.import_nrm_file(path, dry_run=dry_run, progress=progress, cancel=cancel)
        if kind == "outcomes":
            return self.import_outcomes_file(path, dry_run=dry_run, progress=progress, cancel=cancel)
        if kind == "custody":
            return self.import_file(path, dry_run=dry_run, progress=progress, cancel=cancel)
        raise ValueError(f"unknown import kind {kind!r}")

    def _import(
        self,
        fmt: ImportFormat[S],
        data: bytes | CsvSource,
        file_name: str,
        *,
        dry_run: bool,
        progress: Progress | None,
        cancel: Cancel | None,
    ) -> S:
        """Every import: the rights its format needs, then the pipeline, with one audit record of a
        file that changed something, inside the transaction that writes it."""
        for action, entity in fmt.needs:
            self.actor.require(action, entity)

        def audit(conn: Connection, summary: S) -> None:
            record(
                conn,
                self.actor,
                AuditAction.COMBINE,
                "import_batch",
                summary.batch_id or "",
                fields=fmt.audit_fields,
                reason=fmt.audit_reason.format(file_name=file_name),
            )

        return run_import(
            self.db,
            fmt,
            data,
            file_name,
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
            on_commit=None if dry_run else audit,
        )

    def unlock(self, password: str) -> None:
        """After an idle lock: the same user's password again (AuthenticationError if wrong)."""
        unlock(self.db, self.actor, password)

    def lock(self) -> None:
        with self.db.engine.begin() as conn:
            record(conn, self.actor, AuditAction.LOGOUT, Entity.USER, self.actor.user_id, reason="idle lock")

    def logout(self) -> None:
        with self.db.engine.begin() as conn:
            record(conn, self.actor, AuditAction.LOGOUT, Entity.USER, self.actor.user_id)
        self.close()

    def close(self) -> None:
        self.db.close()
