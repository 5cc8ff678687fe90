"""Subject access (DPA 2018 s.45): everything held about one person, as JSON or PDF, written to a file.

Who may: a role that may export a person's record (the roles matrix: managers and HTT officers, for
the whole force) and read every kind of record in it, for this person. A liaison officer or a Navigator
does not answer a request themselves, nor does an administrator, who sees no victims' records. The
section on who consulted the record comes from the audit log; the right to export this person's
record carries it, for this person alone.

One method serves the command line and the person form: check the target file (never the database's
own files or its backups), read every section in one read transaction, typeset, record the disclosure
with its reason and the file's SHA-256, then write the file atomically. A file that then fails to be
written leaves the disclosure recorded: the record errs on the side of having disclosed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from mshtdesk.domain.forces import PROFILES
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.reports.subject_access import SubjectAccess, build_subject_access
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.exports import ExportFiles
from mshtdesk.services.support_scope import OUT_OF_SCOPE, record_scope
from mshtdesk.store.database import Database
from mshtdesk.store.queries import subject_access as q
from mshtdesk.store.reference import force_profile_key

#: Besides exporting the person, the sections need sight of each kind of record in them.
SECTIONS = (
    Entity.NRM_REFERRAL,
    Entity.NAVIGATOR_CASE,
    Entity.HAVEN_STAY,
    Entity.VLO_CONTACT,
    Entity.ENGAGEMENT,
)
AUDIT_TAG = "subject_access"
REASON_LIMIT = 1000


class AccessFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


@dataclass(frozen=True)
class SubjectAccessExport:
    """What was written: where, how big, its SHA-256 (as the audit event's fields record it)."""

    path: Path
    person_ref: str
    format: AccessFormat
    size_bytes: int
    sha256: str


class SubjectAccessService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def may_export(self) -> bool:
        """Whether this role may answer a subject access request at all (for showing the button)."""
        a = self._actor
        return (
            a.may(Action.EXPORT, Entity.PERSON)
            and a.may(Action.READ, Entity.ARREST)
            and all(a.may(Action.READ, e) for e in SECTIONS)
        )

    def _require(self) -> None:
        """The role's own refusal, before anything is looked up: one sentence naming what it lacks."""
        if not self.may_export():
            raise PermissionDeniedError(
                f"Your role ({self._actor.role.label}) does not allow you to export everything held about "
                "a person; ask an HTT officer or a manager."
            )

    def export(
        self,
        person_ref: str,
        fmt: AccessFormat | str,
        reason: str,
        target: str | Path,
        *,
        replace: bool = False,
    ) -> SubjectAccessExport:
        """Write everything held about ``person_ref`` to ``target``: a disclosure, kept with ``reason``."""
        self._require()
        fmt = AccessFormat(fmt)
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                {"reason": "Give the reason for this disclosure; it is kept in the audit log."}
            )
        if len(reason) > REASON_LIMIT:
            raise ValidationError({"reason": f"At most {REASON_LIMIT} characters."})
        if problems := text_problems({"reason": reason}, multiline=("reason",)):
            raise ValidationError(problems)
        ref = person_ref.strip().upper()
        exports = ExportFiles(self._db)
        exports.check(target, replace=replace)  # before anything is read or recorded
        produced = datetime.now(UTC)
        with self._db.engine.connect() as conn:  # one read transaction: one consistent picture
            person_id = q.person_id_of(conn, ref) if ref else None
            if person_id is None:
                raise NotFoundError(f"There is no person {ref or '(no reference given)'} in the register.")
            scope = record_scope(conn, person_id)
            wanted = [(Action.EXPORT, Entity.PERSON), *((Action.READ, e) for e in SECTIONS)]
            if not all(self._actor.may(action, entity, scope) for action, entity in wanted):
                raise PermissionDeniedError(OUT_OF_SCOPE)
            profile = PROFILES.get(force_profile_key(conn))
            holdings = q.holdings(conn, person_id)
        document = build_subject_access(
            holdings,
            force=profile.name if profile else "Police force",
            prepared_by=self._actor.display_name or self._actor.username,
            produced=produced,
        )
        data = _render(document, fmt)  # typeset outside any transaction: no lock held meanwhile
        digest = hashlib.sha256(data).hexdigest()
        with self._db.engine.begin() as conn:  # recorded before the bytes leave
            record(
                conn,
                self._actor,
                AuditAction.DISCLOSE,
                Entity.PERSON,
                person_id,
                fields=(AUDIT_TAG, fmt.value, f"sha256:{digest}"),
                reason=reason,
            )
        written = exports.write(target, data, replace=replace)
        return SubjectAccessExport(written, document.person_ref, fmt, len(data), digest)


def _render(document: SubjectAccess, fmt: AccessFormat) -> bytes:
    if fmt is AccessFormat.JSON:
        return document.json_bytes()
    from mshtdesk.reports import pdf  # ReportLab is loaded only when a PDF is made

    return pdf.subject_access_pdf(document)
