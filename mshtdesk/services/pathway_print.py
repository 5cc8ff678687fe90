"""A victim's pathway printed as a PDF: the person's details, NRM referrals and decisions, the Navigator
case, Haven House stays, VLO contacts in date order and the links to arrests, for a case file or a
case conference.

Who may print (decided from the roles matrix and the domain brief): a print is a disclosure, so it
needs the export right over the person's record (``Action.EXPORT`` on ``Entity.PERSON``) and sight of
every section it holds. Managers and HTT officers have both, for the whole force. A victim liaison
officer does not: the matrix gives a VLO no export right over anything (their job is logging contacts,
not taking records out of the app), and the pathway holds sections a VLO may not read (Haven House
stays, the Navigator case); a VLO who needs a printed pathway asks an HTT officer or a manager, as for a
subject access request. Navigators, Haven House staff, administrators and auditors are refused too.

Like every other output: the role is refused first, in one sentence; then the target file is checked
(never the database, its key file or its backups: ``ExportFiles``); the person's record scope is
checked; a reason is required; the sections are read in one read transaction (one query per table);
the disclosure is recorded with the reason and the file's SHA-256 before the bytes are written
atomically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from mshtdesk.domain.forces import PROFILES
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import NotFoundError, PermissionDeniedError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.exports import ExportFiles
from mshtdesk.services.reasons import required_reason
from mshtdesk.services.support_scope import OUT_OF_SCOPE, record_scope
from mshtdesk.store.database import Database
from mshtdesk.store.queries import pathway as pathway_q
from mshtdesk.store.queries import subject_access as q
from mshtdesk.store.reference import force_profile_key

if TYPE_CHECKING:
    from mshtdesk.reports.pathway_print import PathwaySections

#: Besides exporting the person, the print needs sight of each kind of record it holds.
SECTIONS = (Entity.NRM_REFERRAL, Entity.NAVIGATOR_CASE, Entity.HAVEN_STAY, Entity.VLO_CONTACT)
AUDIT_TAG = "pathway_print"
#: What the progress callback hears, in order: (phase, done, total).
PHASES = ("Reading the pathway", "Setting the pages", "Writing the file")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PathwayPrinted:
    """What was written: where, for whom, how many pages, and its SHA-256 (as the audit event records)."""

    path: Path
    person_ref: str
    pages: int
    size_bytes: int
    sha256: str


class PathwayPrintService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def may_print(self) -> bool:
        """Whether this role may print pathways at all (for showing the command)."""
        a = self._actor
        return (
            a.may(Action.EXPORT, Entity.PERSON)
            and a.may(Action.READ, Entity.ARREST)
            and all(a.may(Action.READ, e) for e in SECTIONS)
        )

    def print_pathway(
        self,
        person: int | str,
        reason: str,
        target: str | Path,
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> PathwayPrinted:
        """Print the pathway of ``person`` (a record id, or a person reference such as "P-000012") to
        the PDF file ``target``: a disclosure, recorded with ``reason`` before the file is written."""
        if not self.may_print():
            raise PermissionDeniedError(
                f"Your role ({self._actor.role.label}) does not allow you to print a person's pathway; "
                "ask an HTT officer or a manager."
            )
        why = required_reason(
            reason, missing="Give the reason for printing this pathway; it is kept in the audit log."
        )
        exports = ExportFiles(self._db)
        exports.check(target, replace=replace)  # before anything is read or recorded
        tell = progress or (lambda _phase, _done, _total: None)
        tell(PHASES[0], 0, len(PHASES))
        produced = datetime.now(UTC)
        with self._db.engine.connect() as conn:  # one read transaction: one consistent picture
            person_id = self._resolve(conn, person)
            scope = record_scope(conn, person_id)
            wanted = [(Action.EXPORT, Entity.PERSON), *((Action.READ, e) for e in SECTIONS)]
            if not all(self._actor.may(action, entity, scope) for action, entity in wanted):
                raise PermissionDeniedError(OUT_OF_SCOPE)
            profile = PROFILES.get(force_profile_key(conn))
            from mshtdesk.reports import pathway_print as report  # ReportLab only when a PDF is made

            sections = _read(conn, person_id)

        tell(PHASES[1], 1, len(PHASES))
        document = report.build_pathway(
            sections,
            force=profile.name if profile else "Police force",
            prepared_by=self._actor.display_name or self._actor.username,
            produced=produced,
        )
        data, pages = report.pathway_pdf(document)  # typeset outside any transaction
        digest = hashlib.sha256(data).hexdigest()
        tell(PHASES[2], 2, len(PHASES))
        with self._db.engine.begin() as conn:  # recorded before the bytes leave
            record(
                conn,
                self._actor,
                AuditAction.DISCLOSE,
                Entity.PERSON,
                person_id,
                fields=(AUDIT_TAG, "pdf", f"sha256:{digest}"),
                reason=why,
            )
        written = exports.write(target, data, replace=replace)
        tell(PHASES[2], len(PHASES), len(PHASES))
        return PathwayPrinted(written, document.person_ref, pages, len(data), digest)

    @staticmethod
    def _resolve(conn: Connection, person: int | str) -> int:
        """The record id of ``person`` (an id, checked by ``record_scope``, or a reference in any case);
        NotFoundError if there is none."""
        if isinstance(person, int) and not isinstance(person, bool):
            return person
        ref = str(person).strip().upper()
        found = q.person_id_of(conn, ref) if ref else None
        if found is None:
            raise NotFoundError(f"There is no person {ref or '(no reference given)'} in the register.")
        return found


def _read(conn: Connection, person_id: int) -> PathwaySections:
    """Every section, one query per table, in the caller's transaction."""
    from mshtdesk.reports.pathway_print import PathwaySections

    return PathwaySections(
        person=q.person(conn, person_id),
        supporters=q.supporters(conn, person_id),
        referrals=q.referrals(conn, person_id),
        decisions=q.decisions(conn, person_id),
        navigator_cases=q.navigator_cases(conn, person_id),
        stays=q.stays(conn, person_id),
        contacts=q.contacts(conn, person_id),
        links=q.links(conn, person_id),
        offences=q.offences(conn, person_id),
        disposals=pathway_q.disposals(conn, person_id),
    )
