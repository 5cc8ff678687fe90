"""Court outcomes: record an offence's outcome after charge and its sentence, correct it, withdraw it.

Appended like disposal events, never overwritten: a correction is a new row superseding the old one, a
withdrawal (entered in error) a superseding row marked void, each with its reason, author and the moment
it was recorded, so a COM report run before it is reproduced exactly and the change counts from then
on. Rights are the disposals': an HTT officer appends an outcome and updates the arrest to correct or
withdraw one. Views open on an arrest hear of it as a change of its disposals (``Data.DISPOSAL``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.outcomes import Outcome, describe, parse_outcome, sentence_problems
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import note_changed, writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.store.database import Database
from mshtdesk.store.queries import outcomes as q
from mshtdesk.store.tables import utcnow

__all__ = ["OutcomeRow", "OutcomeService"]

AUDIT_ENTITY = "court_outcome"
FIELDS = ("outcome", "outcome_date", "sentence_months", "custodial")


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome row as the arrest dialog shows it (superseded and void rows included, marked)."""

    id: int
    offence_id: int
    outcome: Outcome
    outcome_date: date
    sentence_months: int | None
    custodial: bool | None
    note: str
    reason: str
    source: str
    recorded_at: datetime
    recorded_by: str
    supersedes_id: int | None
    superseded: bool
    is_void: bool

    @property
    def in_force(self) -> bool:
        return not self.superseded and not self.is_void

    @property
    def summary(self) -> str:
        """ "Convicted, 18 months, custodial on 03/12/2026"; a withdrawal says so."""
        if self.is_void:
            return f"Outcome withdrawn: {self.reason}"
        text = f"{describe(self.outcome, self.sentence_months, self.custodial)} on {uk(self.outcome_date)}"
        if self.supersedes_id is not None:
            text += f" (correction: {self.reason})"
        return text


def _row(r: q.OutcomeLine) -> OutcomeRow:
    return OutcomeRow(
        id=r.id,
        offence_id=r.offence_id,
        outcome=Outcome(r.outcome),
        outcome_date=r.outcome_date,
        sentence_months=r.sentence_months,
        custodial=r.custodial,
        note=r.note,
        reason=r.reason,
        source=r.source,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
        supersedes_id=r.supersedes_id,
        superseded=r.superseded_by > 0,
        is_void=bool(r.is_void),
    )


class OutcomeService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- reading ----------------------------------------------------------------------------------
    def history(self, arrest_id: int) -> list[OutcomeRow]:
        """Every outcome row of the arrest's offences, oldest recorded first (part of reading the arrest)."""
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            rows = q.arrest_outcomes(conn, arrest_id)
        return [_row(r) for r in rows]

    # ----- checks -----------------------------------------------------------------------------------
    def _offence(self, conn: Connection, offence_id: int) -> q.OffenceForOutcome:
        off = q.offence_for_outcome(conn, offence_id)
        if off is None:
            raise NotFoundError("That offence is not in the register.")
        if off.arrest_withdrawn:
            raise ConflictError("The offence's arrest is withdrawn; nothing was changed.")
        if off.withdrawn:
            raise ConflictError(f"Offence {off.offence_ref} is withdrawn; nothing was changed.")
        return off

    def _values(
        self,
        off: q.OffenceForOutcome,
        outcome: Outcome | str,
        on: date | None,
        sentence_months: int | None,
        custodial: bool | None,
        note: str,
    ) -> tuple[Outcome, date]:
        problems: dict[str, str] = {}
        parsed = outcome if isinstance(outcome, Outcome) else parse_outcome(outcome)
        if parsed is None:
            problems["outcome"] = "Choose the outcome."
        if on is None:
            problems["outcome_date"] = "Enter the date of the outcome."
        elif on > self.today:
            problems["outcome_date"] = "An outcome cannot be in the future."
        elif on < off.arrest_date:
            problems["outcome_date"] = f"An outcome cannot be before the arrest ({uk(off.arrest_date)})."
        if parsed is not None:
            problems.update(sentence_problems(parsed, sentence_months, custodial))
        if len(note) > 2000:
            problems["note"] = "At most 2,000 characters."
        problems.update(text_problems({"note": note}, multiline=("note",)))
        if problems:
            raise ValidationError(problems)
        assert parsed is not None and on is not None
        return parsed, on

    def _insert(
        self,
        conn: Connection,
        offence_id: int,
        outcome: Outcome,
        on: date,
        sentence_months: int | None,
        custodial: bool | None,
        **extra: object,
    ) -> int:
        values: dict[str, object] = {
            "offence_id": offence_id,
            "outcome": outcome.value,
            "outcome_date": on,
            "sentence_months": sentence_months,
            "custodial": custodial,
            "note": "",
            "supersedes_id": None,
            "is_void": False,
            "reason": "",
            "source": "manual",
            "import_batch_id": None,
            "recorded_at": utcnow(),
            "recorded_by": self._actor.user_id,
        }
        values.update(extra)
        return q.insert_outcome(conn, values)

    def _target(self, conn: Connection, outcome_id: int) -> q.OutcomeTarget:
        target = q.outcome_target(conn, outcome_id)
        if target is None:
            raise NotFoundError("That court outcome is not in the register.")
        if target.is_void:
            raise ValidationError({"outcome": "A withdrawal cannot itself be corrected."})
        if target.superseded:
            raise ConflictError(
                "That outcome has already been corrected or withdrawn; change the latest version instead."
            )
        return target

    # ----- writing ----------------------------------------------------------------------------------
    @writes(Data.DISPOSAL)
    def record_outcome(
        self,
        offence_id: int,
        outcome: Outcome | str,
        on: date | None,
        *,
        sentence_months: int | None = None,
        custodial: bool | None = None,
        note: str = "",
    ) -> int:
        """Record the offence's outcome at court; an offence with one already in force is refused (correct
        that one instead, so its history says what changed and why)."""
        self._actor.require(Action.APPEND, Entity.ARREST)
        note = note.strip()
        with self._db.engine.begin() as conn:
            off = self._offence(conn, offence_id)
            parsed, day = self._values(off, outcome, on, sentence_months, custodial, note)
            existing = q.outcome_in_force(conn, offence_id)
            if existing is not None:
                raise ConflictError(
                    f"Offence {off.offence_ref} already has an outcome "
                    f"({Outcome(existing.outcome).label}, {uk(existing.outcome_date)}); correct it instead."
                )
            new_id = self._insert(conn, offence_id, parsed, day, sentence_months, custodial, note=note)
            fields = (*FIELDS, "note") if note else FIELDS
            record(conn, self._actor, AuditAction.COLLECT, AUDIT_ENTITY, new_id, fields=fields)
        note_changed(Data.DISPOSAL, off.arrest_id)
        return new_id

    @writes(Data.DISPOSAL)
    def correct_outcome(
        self,
        outcome_id: int,
        outcome: Outcome | str,
        on: date | None,
        *,
        sentence_months: int | None = None,
        custodial: bool | None = None,
        reason: str,
    ) -> int:
        """Replace an outcome with a corrected one; the original stays on record, marked superseded."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = required_reason(reason, missing="Give the reason for the correction; it is kept with it.")
        with self._db.engine.begin() as conn:
            target = self._target(conn, outcome_id)
            off = self._offence(conn, target.offence_id)
            parsed, day = self._values(off, outcome, on, sentence_months, custodial, "")
            if (parsed.value, day, sentence_months, custodial) == (
                target.outcome,
                target.outcome_date,
                target.sentence_months,
                target.custodial,
            ):
                raise ValidationError({"outcome": "Nothing differs from the outcome recorded."})
            new_id = self._insert(
                conn,
                target.offence_id,
                parsed,
                day,
                sentence_months,
                custodial,
                supersedes_id=outcome_id,
                reason=why,
            )
            record(conn, self._actor, AuditAction.ALTER, AUDIT_ENTITY, outcome_id, fields=FIELDS, reason=why)
        note_changed(Data.DISPOSAL, target.arrest_id)
        return new_id

    @writes(Data.DISPOSAL)
    def withdraw_outcome(self, outcome_id: int, reason: str) -> int:
        """Withdraw an outcome entered in error: it stays on record, superseded by a void row."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = required_reason(reason, missing="Give the reason for the withdrawal; it is kept with it.")
        with self._db.engine.begin() as conn:
            target = self._target(conn, outcome_id)
            self._offence(conn, target.offence_id)
            new_id = self._insert(
                conn,
                target.offence_id,
                Outcome(target.outcome),
                target.outcome_date,
                target.sentence_months,
                target.custodial,
                supersedes_id=outcome_id,
                is_void=True,
                reason=why,
            )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                AUDIT_ENTITY,
                outcome_id,
                fields=("withdrawn",),
                reason=why,
            )
        note_changed(Data.DISPOSAL, target.arrest_id)
        return new_id
