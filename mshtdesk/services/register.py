"""The arrests register: list, read, add and amend arrests, offences and disposal events.

Disposal events are appended, never edited: a correction is a new event that supersedes the old one
and carries a reason; a retraction is a superseding event marked void. Arrest details carry a version
number, so a save based on a stale read is refused rather than silently overwriting someone's change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.disposals import Event, offence_disposal_as_at
from mshtdesk.domain.offences import offence_title, recognise_offence
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import add_text_problems, text_problem, text_problems
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import note_changed, returned, writes
from mshtdesk.services.corrections import CorrectionRow, correction_row
from mshtdesk.store.database import Database
from mshtdesk.store.queries import register as q
from mshtdesk.store.queries.arrests import NO_DISPOSAL, SORT_KEYS, ArrestQuery, count_arrests, page_arrests
from mshtdesk.store.queries.corrections import Kind, arrest_corrections, arrest_state, corrections_of
from mshtdesk.store.queries.disposals import refresh_current_rank
from mshtdesk.store.queries.reference import disposal_type_labels, district_names
from mshtdesk.store.tables import utcnow

__all__ = [
    "NO_DISPOSAL",
    "SORT_KEYS",
    "ArrestDetail",
    "ArrestInput",
    "ArrestQuery",
    "ArrestRow",
    "EventRow",
    "OffenceRow",
    "RegisterCounts",
    "RegisterService",
]


@dataclass(frozen=True)
class ArrestRow:
    id: int
    custody_ref: str
    arrest_date: date
    district: str
    detainee_ref: str
    operation: str
    offences: int
    disposal_code: str | None
    disposal_label: str  # "No disposal recorded" when None
    withdrawn: str = ""  # who withdrew it, when and why; "" when it counts


@dataclass(frozen=True)
class EventRow:
    id: int
    disposal_code: str
    disposal_label: str
    event_date: date
    note: str
    reason: str
    source: str
    recorded_at_utc: str
    supersedes_id: int | None
    superseded: bool  # a later correction replaced it
    is_void: bool  # a retraction marker


@dataclass(frozen=True)
class OffenceRow:
    id: int
    offence_ref: str
    type_code: str
    type_title: str
    offence_text: str
    events: tuple[EventRow, ...]  # oldest first
    disposal_code: str | None  # as at today
    disposal_label: str
    withdrawn: str = ""  # who withdrew the offence, when and why; "" when it counts
    corrected: str = ""  # the latest correction of what the offence was; "" when none


@dataclass(frozen=True)
class ArrestDetail:
    id: int
    custody_ref: str
    arrest_date: date
    district: str
    detainee_ref: str
    operation: str
    notes: str
    version: int
    offences: tuple[OffenceRow, ...]
    disposal_code: str | None
    disposal_label: str
    corrections: tuple[CorrectionRow, ...] = ()  # oldest first
    withdrawn: str = ""  # who withdrew it, when and why; "" when it counts


@dataclass(frozen=True)
class ArrestInput:
    custody_ref: str
    arrest_date: date | None
    district: str
    detainee_ref: str = ""
    operation: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RegisterCounts:
    arrests: int
    offences: int
    events: int


NO_DISPOSAL_LABEL = "No disposal recorded"


def _offence_problems(offence_ref: str, text: str, taken: set[str]) -> dict[str, str]:
    ref, text = offence_ref.strip(), text.strip()
    problems = {}
    if not ref:
        problems["offence_ref"] = "Enter the offence reference."
    elif len(ref) > 64:
        problems["offence_ref"] = "At most 64 characters."
    elif ref in taken:
        problems["offence_ref"] = f"This arrest already has an offence {ref}."
    if not text:
        problems["offence"] = "Choose or type the offence."
    elif len(text) > 400:
        problems["offence"] = "At most 400 characters."
    return add_text_problems(problems, {"offence_ref": ref, "offence": text}, multiline=("offence",))


class RegisterService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- reading -----------------------------------------------------------------------------
    def _labels(self, conn: Connection) -> tuple[dict[int, str], dict[str, str], dict[str, int]]:
        rows = disposal_type_labels(conn)
        return {r.rank: r.code for r in rows}, {r.code: r.label for r in rows}, {r.code: r.rank for r in rows}

    def count(self, query: ArrestQuery, at_most: int | None = None) -> int:
        """How many arrests ``page`` would give over all its pages (no more than ``at_most``)."""
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            return count_arrests(conn, query, at_most)

    def page(
        self,
        query: ArrestQuery,
        *,
        sort: str = "arrest_date",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ArrestRow]:
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            code_of, label_of, _ = self._labels(conn)
            rows = page_arrests(conn, query, sort=sort, descending=descending, offset=offset, limit=limit)
            gone = [r.id for r in rows if r.withdrawn]
            why = {a: correction_row(c).summary for a, c in corrections_of(conn, gone, Kind.WITHDRAW)}
        out = []
        for r in rows:
            code = None if r.rank is None else code_of[r.rank]
            out.append(
                ArrestRow(
                    id=r.id,
                    custody_ref=r.custody_ref,
                    arrest_date=r.arrest_date,
                    district=r.district,
                    detainee_ref=r.detainee_ref,
                    operation=r.operation,
                    offences=r.offences,
                    disposal_code=code,
                    disposal_label=label_of[code] if code else NO_DISPOSAL_LABEL,
                    withdrawn=why.get(r.id, ""),
                )
            )
        return out

    def counts(self) -> RegisterCounts:
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            arrests, offences, events = q.table_counts(conn)
        return RegisterCounts(arrests=arrests, offences=offences, events=events)

    def find_id(self, custody_ref: str) -> int | None:
        self._actor.require(Action.READ, Entity.ARREST)
        with self._db.engine.connect() as conn:
            return q.arrest_id_of(conn, custody_ref.strip())

    def get(self, arrest_id: int, *, consult: bool = True) -> ArrestDetail:
        """Open one arrest: a consultation, recorded once. ``consult=False`` refreshes a record this
        user already has open (after their own change), which is not a new consultation."""
        self._actor.require(Action.READ, Entity.ARREST)
        if consult:
            with self._db.engine.begin() as conn:
                record(conn, self._actor, AuditAction.CONSULT, Entity.ARREST, arrest_id)
        return self._read(arrest_id)

    def _read(self, arrest_id: int) -> ArrestDetail:
        with self._db.engine.connect() as conn:
            a = q.arrest_head(conn, arrest_id)
            if a is None:
                raise NotFoundError("That arrest is no longer in the register.")
            _, label_of, rank = self._labels(conn)
            offences = q.arrest_offences(conn, arrest_id)
            events = q.arrest_events(conn, arrest_id)
            fixes = tuple(correction_row(c) for c in arrest_corrections(conn, arrest_id))
        by_offence: dict[int, list[EventRow]] = {}
        for e in events:
            by_offence.setdefault(e.offence_id, []).append(
                EventRow(
                    id=e.id,
                    disposal_code=e.disposal_code,
                    disposal_label=label_of[e.disposal_code],
                    event_date=e.event_date,
                    note=e.note,
                    reason=e.reason,
                    source=e.source,
                    recorded_at_utc=e.recorded_at.strftime("%Y-%m-%d %H:%M UTC"),
                    supersedes_id=e.supersedes_id,
                    superseded=bool(e.superseded_by),
                    is_void=bool(e.is_void),
                )
            )
        offence_withdrawn = {c.offence_id: c.summary for c in fixes if c.kind is Kind.OFFENCE_WITHDRAW}
        offence_corrected = {c.offence_id: c.summary for c in fixes if c.kind is Kind.OFFENCE_CORRECT}
        rows = []
        for o in offences:
            evs = tuple(by_offence.get(o.id, []))
            live = [Event(e.disposal_code, e.event_date) for e in evs if not (e.superseded or e.is_void)]
            code = offence_disposal_as_at(live, self.today, rank)
            rows.append(
                OffenceRow(
                    id=o.id,
                    offence_ref=o.offence_ref,
                    type_code=o.type_code,
                    type_title=offence_title(o.legislation, o.section, o.type_label),
                    offence_text=o.offence_text,
                    events=evs,
                    disposal_code=code,
                    disposal_label=label_of[code] if code else NO_DISPOSAL_LABEL,
                    withdrawn=offence_withdrawn.get(o.id, ""),
                    corrected=offence_corrected.get(o.id, ""),
                )
            )
        # A withdrawn offence has no say in the arrest's disposal, as in every table.
        found = [r.disposal_code for r in rows if r.disposal_code and not r.withdrawn]
        best = min(found, key=lambda c: rank[c]) if found else None
        return ArrestDetail(
            id=a.id,
            custody_ref=a.custody_ref,
            arrest_date=a.arrest_date,
            district=a.district,
            detainee_ref=a.detainee_ref,
            operation=a.operation,
            notes=a.notes,
            version=a.version,
            offences=tuple(rows),
            disposal_code=best,
            disposal_label=label_of[best] if best else NO_DISPOSAL_LABEL,
            corrections=fixes,
            withdrawn=next((c.summary for c in fixes if c.kind is Kind.WITHDRAW), ""),
        )

    def disclose(self, arrest_ids: list[int], reason: str, recipient: str = "") -> None:
        """Record that these arrests' rows were copied or exported, and why: one event per arrest, so
        "who disclosed this record" has an answer. Call before handing the rows over."""
        self._actor.require(Action.EXPORT, Entity.ARREST)
        if not reason.strip():
            raise ValidationError(
                {"reason": "Give the reason for this disclosure; it is kept in the audit log."}
            )
        if problems := text_problems({"reason": reason, "recipient": recipient}, multiline=("reason",)):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            for arrest_id in sorted(set(arrest_ids)):
                record(
                    conn,
                    self._actor,
                    AuditAction.DISCLOSE,
                    Entity.ARREST,
                    arrest_id,
                    reason=reason,
                    recipient=recipient,
                )

    # ----- writing -----------------------------------------------------------------------------
    def _district_id(self, conn: Connection, text: str) -> int | None:
        t = text.strip().casefold()
        for d in district_names(conn):
            if t in (d.code.casefold(), d.name.casefold()):
                return d.id
        return None

    def _check_arrest(self, conn: Connection, data: ArrestInput, own_id: int | None) -> int:
        problems, district_id = self._arrest_problems(conn, data, own_id)
        if problems:
            raise ValidationError(problems)
        assert district_id is not None
        return district_id

    def _arrest_problems(
        self, conn: Connection, data: ArrestInput, own_id: int | None
    ) -> tuple[dict[str, str], int | None]:
        problems: dict[str, str] = {}
        ref = data.custody_ref.strip()
        if not ref:
            problems["custody_ref"] = "Enter the custody reference."
        elif len(ref) > 64:
            problems["custody_ref"] = "A custody reference has at most 64 characters."
        elif text_problem(ref) is None:  # a refused character is said below, never sent to the database
            # (PostgreSQL refuses a NUL in any text, so the look-up itself would fail there)
            other = q.arrest_id_of(conn, ref)
            if other is not None and other != own_id:
                problems["custody_ref"] = f"Custody reference {ref} is already in the register."
        if data.arrest_date is None:
            problems["arrest_date"] = "Enter the date of arrest."
        elif data.arrest_date > self.today:
            problems["arrest_date"] = "The date of arrest cannot be in the future."
        district_id = self._district_id(conn, data.district)
        if district_id is None:
            problems["district"] = "Choose the district on the custody record."
        for field, limit in (("detainee_ref", 64), ("operation", 120), ("notes", 4000)):
            if len(getattr(data, field)) > limit:
                problems[field] = f"At most {limit} characters."
        add_text_problems(problems, vars(data), multiline=("notes",))
        return problems, district_id

    @writes(Data.ARREST, ids=returned)
    def create_arrest(self, data: ArrestInput, offences: list[tuple[str, str]]) -> int:
        """Add an arrest with its offences, given as ``(offence_ref, offence text or type code)``."""
        self._actor.require(Action.CREATE, Entity.ARREST)
        with self._db.engine.begin() as conn:
            problems, district_id = self._arrest_problems(conn, data, None)
            if not offences:
                problems["offences"] = "An arrest needs at least one offence."
            taken: set[str] = set()
            for row, (ref, text) in enumerate(offences, start=1):
                for key, message in _offence_problems(ref, text, taken).items():
                    # Name the row, so the form can say which offence needs fixing.
                    note = f"Offence {row}: {message}" if len(offences) > 1 else message
                    problems[key] = f"{problems[key]} {note}" if key in problems else note
                taken.add(ref.strip())
            if problems:
                raise ValidationError(problems)
            assert district_id is not None
            now = utcnow()
            arrest_id = q.insert_arrest(
                conn,
                {
                    "custody_ref": data.custody_ref.strip(),
                    "arrest_date": data.arrest_date,
                    "district_id": district_id,
                    "detainee_ref": data.detainee_ref.strip(),
                    "operation": data.operation.strip(),
                    "notes": data.notes,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            for ref, text in offences:
                self._insert_offence(conn, arrest_id, ref, text)
            filled = [
                f
                for f in ("custody_ref", "arrest_date", "district", "detainee_ref", "operation", "notes")
                if getattr(data, f)
            ]
            record(
                conn, self._actor, AuditAction.COLLECT, Entity.ARREST, arrest_id, fields=[*filled, "offences"]
            )
        return arrest_id

    @writes(Data.ARREST, arg="arrest_id")
    def update_arrest(self, arrest_id: int, version: int, data: ArrestInput) -> int:
        """Save changed arrest details; returns the new version. Refused if someone saved in between."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        with self._db.engine.begin() as conn:
            district_id = self._check_arrest(conn, data, arrest_id)
            before = q.arrest_fields(conn, arrest_id)
            self._check_corrected(conn, arrest_id, before, data.arrest_date, district_id)
            if before is not None:  # the district and date as first recorded: they change by correction
                district_id, data = before.district_id, replace(data, arrest_date=before.arrest_date)
            saved = q.update_arrest(
                conn,
                arrest_id,
                version,
                {
                    "custody_ref": data.custody_ref.strip(),
                    "arrest_date": data.arrest_date,
                    "district_id": district_id,
                    "detainee_ref": data.detainee_ref.strip(),
                    "operation": data.operation.strip(),
                    "notes": data.notes,
                    "version": version + 1,
                    "updated_at": utcnow(),
                },
            )
            if not saved:
                if not q.arrest_exists(conn, arrest_id):
                    raise NotFoundError("That arrest is no longer in the register.")
                raise ConflictError(
                    "Someone else saved this arrest after you opened it; your changes were not saved. "
                    "Compare the two versions and choose what to keep.",
                    mine=data,
                    theirs=self._read(arrest_id),  # another connection: WAL lets it read meanwhile
                )
            after = (
                data.custody_ref.strip(),
                data.arrest_date,
                district_id,
                data.detainee_ref.strip(),
                data.operation.strip(),
                data.notes,
            )
            names = ("custody_ref", "arrest_date", "district", "detainee_ref", "operation", "notes")
            changed = [n for n, old, new in zip(names, before or (), after, strict=False) if old != new]
            record(conn, self._actor, AuditAction.ALTER, Entity.ARREST, arrest_id, fields=changed)
        return version + 1

    def _check_corrected(
        self,
        conn: Connection,
        arrest_id: int,
        before: q.ArrestFields | None,
        arrest_date: date | None,
        district_id: int,
    ) -> None:
        """A withdrawn arrest is not edited, and the district and date are not edited in place: they
        count in published tables, so they change only by a correction with its reason (Correct arrest…),
        which keeps the first value for a report as recorded before it. The form may send either the
        first value or the one in force now (it shows the latter); any other is refused."""
        if before is None:
            return
        kinds = {c.kind for c in arrest_corrections(conn, arrest_id)}
        if Kind.WITHDRAW.value in kinds:
            raise ConflictError("This arrest is withdrawn; its details can no longer be changed.")
        now = arrest_state(conn, arrest_id, utcnow())
        in_force = (now.district_id, now.arrest_date) if now is not None else (None, None)
        problems = {}
        if district_id not in (before.district_id, in_force[0]):
            problems["district"] = (
                "The district is changed with Correct arrest\u2026, with a reason; the first value stays on "
                "record."
            )
        if arrest_date not in (before.arrest_date, in_force[1]):
            problems["arrest_date"] = (
                "The arrest date is changed with Correct arrest\u2026, with a reason; the first value stays "
                "on record."
            )
        if problems:
            raise ValidationError(problems)

    def _insert_offence(self, conn: Connection, arrest_id: int, offence_ref: str, text: str) -> int:
        ref, text = offence_ref.strip(), text.strip()
        taken = q.offence_refs(conn, arrest_id)
        problems = _offence_problems(ref, text, taken)
        if problems:
            raise ValidationError(problems)
        type_code = recognise_offence(text)
        type_id = q.offence_type_id(conn, type_code)
        return q.insert_offence(
            conn,
            {
                "arrest_id": arrest_id,
                "offence_ref": ref,
                "offence_type_id": type_id,
                "offence_text": text,
                "created_at": utcnow(),
            },
        )

    @writes(Data.ARREST, arg="arrest_id")
    def add_offence(self, arrest_id: int, offence_ref: str, text: str) -> int:
        self._actor.require(Action.APPEND, Entity.ARREST)
        with self._db.engine.begin() as conn:
            if not q.arrest_exists(conn, arrest_id):
                raise NotFoundError("That arrest is no longer in the register.")
            _refuse_withdrawn(conn, arrest_id)
            offence_id = self._insert_offence(conn, arrest_id, offence_ref, text)
            record(
                conn,
                self._actor,
                AuditAction.COLLECT,
                "offence",
                offence_id,
                fields=("offence_ref", "offence"),
            )
            return offence_id

    def _event_checks(
        self, conn: Connection, offence_id: int, disposal_code: str, on: date | None
    ) -> tuple[int, date]:
        arrested = q.arrest_date_of_offence(conn, offence_id)
        if arrested is None:
            raise NotFoundError("That offence is no longer in the register.")
        _refuse_withdrawn(conn, q.arrest_id_of_offence(conn, offence_id))
        type_id = q.disposal_type_id(conn, disposal_code)
        problems = {}
        if type_id is None:
            problems["disposal"] = "Choose a disposal type."
        if on is None:
            problems["event_date"] = "Enter the date of the disposal."
        elif on < arrested:
            problems["event_date"] = f"A disposal cannot be before the arrest ({uk(arrested)})."
        elif on > self.today:
            problems["event_date"] = "A disposal cannot be in the future."
        if problems:
            raise ValidationError(problems)
        assert on is not None and type_id is not None
        return type_id, on

    def _insert_event(
        self, conn: Connection, offence_id: int, type_id: int, on: date, **extra: object
    ) -> int:
        values: dict[str, object] = {
            "offence_id": offence_id,
            "disposal_type_id": type_id,
            "event_date": on,
            "note": "",
            "supersedes_id": None,
            "is_void": False,
            "reason": "",
            "source": "manual",
            "import_batch_id": None,
            "recorded_at": utcnow(),
        }
        values.update(extra)
        event_id = q.insert_event(conn, values)
        arrest_id = q.arrest_id_of_offence(conn, offence_id)
        refresh_current_rank(conn, [arrest_id])
        note_changed(Data.DISPOSAL, arrest_id)  # views open on an arrest show its disposal history
        return event_id

    @writes(Data.DISPOSAL)
    def append_event(self, offence_id: int, disposal_code: str, on: date | None, note: str = "") -> int:
        self._actor.require(Action.APPEND, Entity.ARREST)
        if problems := text_problems({"note": note}, multiline=("note",)):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            type_id, day = self._event_checks(conn, offence_id, disposal_code, on)
            event_id = self._insert_event(conn, offence_id, type_id, day, note=note.strip()[:2000])
            fields = ("disposal", "event_date", "note") if note.strip() else ("disposal", "event_date")
            record(conn, self._actor, AuditAction.COLLECT, "disposal_event", event_id, fields=fields)
            return event_id

    def _superseded_target(self, conn: Connection, event_id: int, reason: str) -> tuple[int, int, date]:
        target = q.event_target(conn, event_id)
        if target is None:
            raise NotFoundError("That disposal event is no longer in the register.")
        if target.is_void:
            raise ValidationError({"event": "A retraction cannot itself be corrected."})
        if q.is_superseded(conn, event_id):
            raise ConflictError("That event has already been corrected; correct the latest version instead.")
        if not reason.strip():
            raise ValidationError({"reason": "Give the reason for the correction."})
        if problems := text_problems({"reason": reason}, multiline=("reason",)):
            raise ValidationError(problems)
        return target.offence_id, target.disposal_type_id, target.event_date

    @writes(Data.DISPOSAL)
    def correct_event(self, event_id: int, disposal_code: str, on: date | None, reason: str) -> int:
        """Replace an event with a corrected one; the original stays on record, marked superseded."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        with self._db.engine.begin() as conn:
            offence_id, _, _ = self._superseded_target(conn, event_id, reason)
            type_id, day = self._event_checks(conn, offence_id, disposal_code, on)
            new_id = self._insert_event(
                conn, offence_id, type_id, day, supersedes_id=event_id, reason=reason.strip()
            )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                "disposal_event",
                event_id,
                fields=("disposal", "event_date"),
                reason=reason,
            )
            return new_id

    @writes(Data.DISPOSAL)
    def retract_event(self, event_id: int, reason: str) -> int:
        """Withdraw an event entered in error; it stays on record, marked superseded by a void event."""
        self._actor.require(Action.UPDATE, Entity.ARREST)
        with self._db.engine.begin() as conn:
            offence_id, type_id, on = self._superseded_target(conn, event_id, reason)
            new_id = self._insert_event(
                conn, offence_id, type_id, on, supersedes_id=event_id, is_void=True, reason=reason.strip()
            )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                "disposal_event",
                event_id,
                fields=("withdrawn",),
                reason=reason,
            )
            return new_id


def _refuse_withdrawn(conn: Connection, arrest_id: int) -> None:
    """A withdrawn arrest (entered in error, a duplicate) takes no new offences or disposals: they would
    count nowhere, and the import refuses its rows the same way."""
    if any(c.kind == Kind.WITHDRAW.value for c in arrest_corrections(conn, arrest_id)):
        raise ConflictError("This arrest is withdrawn; it takes no new offences or disposals.")
