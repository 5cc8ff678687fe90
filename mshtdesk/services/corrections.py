"""Corrections of arrests and offences: withdraw an arrest entered in error or a duplicate, correct its
district or arrest date, withdraw an offence or correct what it was.

Nothing is overwritten: each correction is a new ``arrest_correction`` row with its reason, its author
and the moment it was recorded, and every table "as recorded at T" applies those recorded by T. So a
report run before a correction can be reproduced, and the correction shows from its moment on. Each is
an HTT officer's update of the arrest, audited with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.offences import recognise_offence
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import note_changed, writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.store.database import Database
from mshtdesk.store.queries import corrections as q
from mshtdesk.store.queries.corrections import Kind
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.queries.reference import district_names
from mshtdesk.store.queries.register import offence_type_id
from mshtdesk.store.tables import utcnow

__all__ = ["CorrectionRow", "CorrectionService", "Kind"]

MAX_REASON = 2000

KIND_WORDS = {
    Kind.WITHDRAW: "Arrest withdrawn",
    Kind.DISTRICT: "District corrected",
    Kind.DATE: "Arrest date corrected",
    Kind.OFFENCE_WITHDRAW: "Offence withdrawn",
    Kind.OFFENCE_CORRECT: "Offence corrected",
}


@dataclass(frozen=True)
class CorrectionRow:
    """One correction as the register shows it: what, to what, why, who and when (UTC)."""

    id: int
    kind: Kind
    offence_id: int | None
    district: str | None
    arrest_date: date | None
    offence_type_code: str | None
    offence_text: str
    reason: str
    recorded_at: datetime
    recorded_by: str

    @property
    def summary(self) -> str:
        """One line: "Arrest withdrawn by A. Officer on 03/12/2026 16:05 UTC: duplicate"."""
        what = KIND_WORDS[self.kind]
        if self.kind is Kind.DISTRICT:
            what += f" to {self.district}"
        elif self.kind is Kind.DATE and self.arrest_date:
            what += f" to {uk(self.arrest_date)}"
        elif self.kind is Kind.OFFENCE_CORRECT:
            what += f" to {self.offence_text}"
        who = f" by {self.recorded_by}" if self.recorded_by else ""
        return f"{what}{who} on {self.recorded_at.strftime('%d/%m/%Y %H:%M')} UTC: {self.reason}"


def correction_row(r: q.CorrectionLine) -> CorrectionRow:
    return CorrectionRow(
        id=r.id,
        kind=Kind(r.kind),
        offence_id=r.offence_id,
        district=r.district,
        arrest_date=r.arrest_date,
        offence_type_code=r.offence_type_code,
        offence_text=r.offence_text,
        reason=r.reason,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
    )


def _check_reason(reason: str) -> str:
    return required_reason(
        reason, missing="Give the reason for the correction; it is kept with it.", limit=MAX_REASON
    )


class CorrectionService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- reading ----------------------------------------------------------------------------------
    def history(self, arrest_id: int) -> list[CorrectionRow]:
        """The corrections of an arrest and its offences, oldest first (part of reading the arrest)."""
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            rows = q.arrest_corrections(conn, arrest_id)
        return [correction_row(r) for r in rows]

    # ----- writing ----------------------------------------------------------------------------------
    def _arrest(self, conn: Connection, arrest_id: int) -> q.ArrestState:
        state = q.arrest_state(conn, arrest_id, utcnow())
        if state is None:
            raise NotFoundError("That arrest is not in the register.")
        if state.withdrawn:
            raise ConflictError(f"Arrest {state.custody_ref} is already withdrawn; nothing was changed.")
        return state

    def _insert(self, conn: Connection, arrest_id: int, kind: Kind, reason: str, **values: object) -> int:
        return q.insert_correction(
            conn,
            {
                "arrest_id": arrest_id,
                "offence_id": None,
                "kind": kind.value,
                "district_id": None,
                "arrest_date": None,
                "offence_type_id": None,
                "offence_text": "",
                "reason": reason,
                "recorded_at": utcnow(),
                "recorded_by": self._actor.user_id,
                **values,
            },
        )

    @writes(Data.ARREST, arg="arrest_id")
    def withdraw_arrest(self, arrest_id: int, reason: str) -> int:
        """Withdraw an arrest entered in error or a duplicate: from now on it leaves every table."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = _check_reason(reason)
        with self._db.engine.begin() as conn:
            self._arrest(conn, arrest_id)
            new_id = self._insert(conn, arrest_id, Kind.WITHDRAW, why)
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.ARREST,
                arrest_id,
                fields=("withdrawn",),
                reason=why,
            )
        return new_id

    @writes(Data.ARREST, arg="arrest_id")
    def correct_arrest(
        self, arrest_id: int, *, district: str | None = None, arrest_date: date | None = None, reason: str
    ) -> list[int]:
        """Correct the arrest's district (code or name) and/or its date; the old values stay on record."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = _check_reason(reason)
        district = (district or "").strip() or None
        if district is None and arrest_date is None:
            raise ValidationError({"correction": "Give the corrected district or arrest date."})
        with self._db.engine.begin() as conn:
            state = self._arrest(conn, arrest_id)
            problems: dict[str, str] = {}
            district_id = None
            if district is not None:
                known = district_names(conn)
                wanted = district.casefold()
                found = [d for d in known if wanted in (d.code.casefold(), d.name.casefold())]
                if not found:
                    problems["district"] = (
                        f"There is no district {district}: use one of "
                        + ", ".join(d.code for d in known)
                        + "."
                    )
                elif found[0].id == state.district_id:
                    problems["district"] = f"The arrest is already recorded in {found[0].code}."
                else:
                    district_id = found[0].id
            if arrest_date is not None:
                if arrest_date > self.today:
                    problems["arrest_date"] = "The date of arrest cannot be in the future."
                elif arrest_date == state.arrest_date:
                    problems["arrest_date"] = f"The arrest is already dated {uk(arrest_date)}."
                elif state.first_event is not None and arrest_date > state.first_event:
                    problems["arrest_date"] = (
                        f"A disposal of this arrest is dated {uk(state.first_event)}, before "
                        f"{uk(arrest_date)}: correct that disposal first."
                    )
            if problems:
                raise ValidationError(problems)
            made, fields = [], []
            if district_id is not None:
                made.append(self._insert(conn, arrest_id, Kind.DISTRICT, why, district_id=district_id))
                fields.append("district")
            if arrest_date is not None:
                made.append(self._insert(conn, arrest_id, Kind.DATE, why, arrest_date=arrest_date))
                fields.append("arrest_date")
            record(conn, self._actor, AuditAction.ALTER, Entity.ARREST, arrest_id, fields=fields, reason=why)
        return made

    def _offence(self, conn: Connection, offence_id: int) -> q.OffenceState:
        state = q.offence_state(conn, offence_id, utcnow())
        if state is None:
            raise NotFoundError("That offence is not in the register.")
        if state.arrest_withdrawn:
            raise ConflictError("The offence's arrest is withdrawn; nothing was changed.")
        if state.withdrawn:
            raise ConflictError(f"Offence {state.offence_ref} is already withdrawn; nothing was changed.")
        return state

    @writes(Data.ARREST, Data.DISPOSAL)
    def withdraw_offence(self, offence_id: int, reason: str) -> int:
        """Withdraw an offence entered in error: its disposals no longer count towards the arrest's."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = _check_reason(reason)
        with self._db.engine.begin() as conn:
            state = self._offence(conn, offence_id)
            new_id = self._insert(conn, state.arrest_id, Kind.OFFENCE_WITHDRAW, why, offence_id=offence_id)
            refresh_current_rank(conn, [state.arrest_id])
            record(
                conn, self._actor, AuditAction.ALTER, "offence", offence_id, fields=("withdrawn",), reason=why
            )
        note_changed(Data.ARREST, state.arrest_id)
        note_changed(Data.DISPOSAL, state.arrest_id)
        return new_id

    @writes(Data.ARREST)
    def correct_offence(self, offence_id: int, offence: str, reason: str) -> int:
        """Correct what the offence was (its text, and the offence type recognised from it)."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        why = _check_reason(reason)
        text = offence.strip()
        if not text:
            raise ValidationError({"offence": "Choose or type the offence."})
        if len(text) > 400:
            raise ValidationError({"offence": "At most 400 characters."})
        if problems := text_problems({"offence": text}):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            state = self._offence(conn, offence_id)
            type_id = offence_type_id(conn, recognise_offence(text))
            new_id = self._insert(
                conn,
                state.arrest_id,
                Kind.OFFENCE_CORRECT,
                why,
                offence_id=offence_id,
                offence_type_id=type_id,
                offence_text=text,
            )
            record(
                conn, self._actor, AuditAction.ALTER, "offence", offence_id, fields=("offence",), reason=why
            )
        note_changed(Data.ARREST, state.arrest_id)
        return new_id
