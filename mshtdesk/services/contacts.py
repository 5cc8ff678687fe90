"""Victim liaison officers' contacts with victims, and the clocks they set.

A VLO logs contacts with the victims assigned to them. A decision notification stores, at entry, when
it was due (1 working day for enhanced rights, the default for MSHT victims, else 5) and whether it was
on time, so reports need no calendar. Every contact stores the next contact due: the date the VLO set,
else the contact date plus the interval in the ``vlo_contact_interval_days`` setting (28 by default);
a closing contact sets none unless the VLO gives a date.
A victim who opted out of updates is not sent investigation updates or decision notifications; welfare
and safeguarding contacts go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import (
    DEFAULT_VLO_CONTACT_INTERVAL_DAYS,
    decision_notification_due,
    is_on_time,
    london_date,
    vlo_next_contact_due,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.domain.text import add_text_problems
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.changes import writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.services.support_scope import person_scope, plain_name, require_person
from mshtdesk.store.database import Database
from mshtdesk.store.queries import contacts as queries
from mshtdesk.store.queries.contacts import ContactQuery, Superseded
from mshtdesk.store.tables import utcnow

#: The Setting key holding the default days between contacts.
INTERVAL_SETTING = "vlo_contact_interval_days"


@dataclass(frozen=True)
class ContactFilter:
    """``person_id``: one victim's contacts; ``mine``: only the user's own contacts; ``vlo``: only
    those logged by this VLO (user name), for a supervisor; ``overdue``: only each victim's latest
    contact, where the next contact it set has passed (who is waiting to hear from us)."""

    person_id: int | None = None
    mine: bool = False
    purpose: ContactPurpose | None = None
    vlo: str = ""
    overdue: bool = False
    corrected: bool = False  # also those corrected or withdrawn since, each with ``ContactRow.corrected``


@dataclass(frozen=True)
class ContactInput:
    person_id: int
    contact_at: datetime  # time-zone aware
    method: ContactMethod
    purpose: ContactPurpose
    interpreter_language: str = ""
    decision_notified: NotifiableDecision | None = None  # required for a decision notification
    decision_date: date | None = None  # required for a decision notification
    enhanced_rights: bool = True  # Victims' Code enhanced rights: 1 working day, else 5
    safeguarding_concern: bool = False
    summary: str = ""
    next_contact_due: date | None = None  # None: the setting's interval after this one (none after closure)


@dataclass(frozen=True)
class ContactRow:
    id: int
    person_id: int
    person_ref: str
    person_name: str
    vlo: str  # user name of the VLO who logged it
    contact_at: datetime
    method: ContactMethod
    purpose: ContactPurpose
    interpreter_language: str
    decision_notified: NotifiableDecision | None
    decision_date: date | None
    notification_due: date | None
    notified_on_time: bool | None
    safeguarding_concern: bool
    summary: str
    next_contact_due: date | None
    corrected: str = ""  # "Corrected by vlo on 03/12/2026 16:05 UTC: reason"; "" while in force


def correction_note(s: Superseded) -> str:
    """Who corrected or withdrew a contact, when (UTC) and why, as the register says it of an arrest;
    "" for a contact in force."""
    if s.void is None:
        return ""
    what = "Withdrawn" if s.void else "Corrected"
    who = f" by {s.by}" if s.by else ""
    when = f" on {s.at.strftime('%d/%m/%Y %H:%M')} UTC" if s.at is not None else ""
    return f"{what}{who}{when}: {s.reason or ''}"


@dataclass(frozen=True)
class ContactSaved:
    """What a new contact set in motion, to show the VLO at once."""

    id: int
    next_contact_due: date | None  # None after a closing contact with no date set
    notification_due: date | None
    notified_on_time: bool | None


#: A clock a few minutes ahead on another workstation is not "the future".
CLOCK_SKEW = timedelta(minutes=5)
OPTED_OUT = (
    "This victim has opted out of updates, so no investigation update or decision notification is sent "
    "to them; the refusal is recorded. Welfare and safeguarding contacts can still be logged."
)


MAX_REASON = 2000
NOT_YOURS = "Only the VLO who logged a contact can correct or withdraw it; ask them, or your supervisor."
SUPERSEDED = "That contact has already been corrected or withdrawn; open its latest version."


def _check_reason(reason: str) -> str:
    return required_reason(
        reason, missing="Give the reason; it is kept with the correction.", limit=MAX_REASON
    )


def read_interval(conn: Connection) -> int:
    """The setting's days between contacts; the default when unset or not a whole number of days."""
    value = queries.setting(conn, INTERVAL_SETTING)
    try:
        days = int(value.strip()) if value is not None else DEFAULT_VLO_CONTACT_INTERVAL_DAYS
    except ValueError:
        return DEFAULT_VLO_CONTACT_INTERVAL_DAYS
    return days if days >= 1 else DEFAULT_VLO_CONTACT_INTERVAL_DAYS


def _problems(data: ContactInput, now: datetime) -> dict[str, str]:
    problems = add_text_problems({}, vars(data), multiline=("summary",))
    if ContactMethod.parse(data.method) is None:
        problems["method"] = "Choose how the contact was made."
    purpose = ContactPurpose.parse(data.purpose)
    if purpose is None:
        problems["purpose"] = "Choose the purpose of the contact."
    if data.contact_at.tzinfo is None or data.contact_at.utcoffset() is None:
        problems["contact_at"] = "Give the contact time with its time zone."
        return problems
    if data.contact_at > now + CLOCK_SKEW:
        problems["contact_at"] = "A contact cannot be logged before it happens."
    day = london_date(data.contact_at)
    if purpose is ContactPurpose.DECISION_NOTIFICATION:
        if data.decision_notified is None or NotifiableDecision.parse(data.decision_notified) is None:
            problems["decision_notified"] = "Say which decision was notified: charge, NFA, bail or RUI."
        if data.decision_date is None:
            problems["decision_date"] = "Give the date of the decision notified."
        elif data.decision_date > day:
            problems["decision_date"] = "A decision cannot be notified before it was made."
    elif data.decision_notified is not None or data.decision_date is not None:
        problems["decision_notified"] = (
            "Only a decision notification names a decision; clear it or change the purpose."
        )
    if data.next_contact_due is not None and data.next_contact_due <= day:
        problems["next_contact_due"] = "The next contact is due after this one."
    if len(data.interpreter_language) > 80:
        problems["interpreter_language"] = "At most 80 characters."
    if len(data.summary) > 4000:
        problems["summary"] = "At most 4000 characters."
    return problems


class ContactService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def _query(self, q: ContactFilter) -> ContactQuery:
        return ContactQuery(
            scope=person_scope(self._actor, Entity.VLO_CONTACT),
            person_id=q.person_id,
            logged_by_id=self._actor.user_id if q.mine else None,
            purpose=ContactPurpose(q.purpose).value if q.purpose is not None else None,
            logged_by=q.vlo,
            latest_due_before=london_date(self.now) if q.overdue else None,
            corrected=q.corrected,
        )

    def count(self, q: ContactFilter = ContactFilter(), at_most: int | None = None) -> int:
        self._actor.require(Action.READ, Entity.VLO_CONTACT)
        with self._db.engine.connect() as conn:
            return queries.count_contacts(conn, self._query(q), at_most)

    def list(
        self, q: ContactFilter = ContactFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[ContactRow]:
        """One page of contacts in scope, latest first. Listing one person's contacts is a consultation
        of that person's record."""
        self._actor.require(Action.READ, Entity.VLO_CONTACT)
        query = self._query(q)
        with self._db.engine.begin() as conn:
            if q.person_id is not None:
                require_person(conn, self._actor, Action.READ, Entity.VLO_CONTACT, q.person_id)
            rows = queries.page_contacts(conn, query, offset=offset, limit=limit)
            if q.person_id is not None:
                record(
                    conn,
                    self._actor,
                    AuditAction.CONSULT,
                    Entity.PERSON,
                    q.person_id,
                    fields=("vlo_contacts",),
                )
        return [
            ContactRow(
                id=r.id,
                person_id=r.person_id,
                person_ref=r.person_ref,
                person_name=plain_name(r.surname, r.forenames, r.person_ref),
                vlo=r.vlo,
                contact_at=r.contact_at,
                method=ContactMethod.parse(r.method) or ContactMethod.IN_PERSON,
                purpose=ContactPurpose.parse(r.purpose) or ContactPurpose.WELFARE,
                interpreter_language=r.interpreter_language,
                decision_notified=NotifiableDecision.parse(r.decision_notified)
                if r.decision_notified
                else None,
                decision_date=r.decision_date,
                notification_due=r.notification_due,
                notified_on_time=r.notified_on_time,
                safeguarding_concern=r.safeguarding_concern,
                summary=r.summary,
                next_contact_due=r.next_contact_due,
                corrected=correction_note(r.superseded),
            )
            for r in rows
        ]

    @writes(Data.CONTACT, ids=lambda saved: saved.id)
    def add(self, data: ContactInput) -> ContactSaved:
        """Log a contact with an assigned victim; refuses an update to a victim who opted out.

        A refused update is itself recorded (the opt-out was respected); nothing else is written.
        """
        self._actor.require(Action.CREATE, Entity.VLO_CONTACT)
        problems = _problems(data, self.now)
        if problems:
            raise ValidationError(problems)
        purpose = ContactPurpose(data.purpose)
        day = london_date(data.contact_at)
        saved: ContactSaved | None = None
        with self._db.engine.begin() as conn:
            require_person(conn, self._actor, Action.CREATE, Entity.VLO_CONTACT, data.person_id)
            if purpose.is_update and queries.opted_out_of_updates(conn, data.person_id):
                # nothing is written but the record that the opt-out was respected; refused below
                record(
                    conn,
                    self._actor,
                    AuditAction.CONSULT,
                    Entity.PERSON,
                    data.person_id,
                    fields=("opted_out_of_updates",),
                    reason=f"{purpose.label} withheld: the victim opted out of updates",
                )
            else:
                saved = self._insert(conn, data, purpose, day)
        if saved is None:
            raise ValidationError({"purpose": OPTED_OUT})
        return saved

    def _own_live_contact(self, conn: Connection, contact_id: int) -> dict[str, object]:
        """The stored contact, refused unless it is in force, in scope and logged by this VLO."""
        found = queries.stored_contact(conn, contact_id)
        if found is None:
            raise NotFoundError("That contact is no longer in the register.")
        person_id = found.values["person_id"]
        assert isinstance(person_id, int)
        require_person(conn, self._actor, Action.APPEND, Entity.VLO_CONTACT, person_id)
        if found.values["vlo_user_id"] != self._actor.user_id:
            raise PermissionDeniedError(NOT_YOURS)
        if not found.live:
            raise ValidationError({"contact": SUPERSEDED})
        return found.values

    @writes(Data.CONTACT, ids=lambda saved: saved.id)
    def correct(self, contact_id: int, data: ContactInput, reason: str) -> ContactSaved:
        """Correct one of the VLO's own contacts: a new row with the corrected values supersedes it, with
        the reason; the old row is kept as it was, and every list and figure reads only the new one."""
        self._actor.require(Action.APPEND, Entity.VLO_CONTACT)
        why = _check_reason(reason)
        problems = _problems(data, self.now)
        if problems:
            raise ValidationError(problems)
        purpose = ContactPurpose(data.purpose)
        with self._db.engine.begin() as conn:
            old = self._own_live_contact(conn, contact_id)
            if old["person_id"] != data.person_id:
                raise ValidationError({"person_id": "A correction keeps the contact with the same victim."})
            if purpose.is_update and queries.opted_out_of_updates(conn, data.person_id):
                raise ValidationError({"purpose": OPTED_OUT})
            return self._insert(conn, data, purpose, london_date(data.contact_at), (contact_id, why))

    @writes(Data.CONTACT, ids=lambda new_id: new_id)
    def withdraw(self, contact_id: int, reason: str) -> int:
        """Withdraw one of the VLO's own contacts logged in error: a void row supersedes it, with the
        reason, so it leaves the lists, the clocks and the COM figures; the old row is kept. The void
        row's id."""
        self._actor.require(Action.APPEND, Entity.VLO_CONTACT)
        why = _check_reason(reason)
        with self._db.engine.begin() as conn:
            old = self._own_live_contact(conn, contact_id)
            values = {k: v for k, v in old.items() if k != "id"}
            values.update(supersedes_id=contact_id, is_void=True, reason=why, version=1, created_at=utcnow())
            void_id = queries.insert_contact(conn, values)
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.VLO_CONTACT,
                contact_id,
                fields=("withdrawn",),
                reason=why,
            )
        return void_id

    def _insert(
        self,
        conn: Connection,
        data: ContactInput,
        purpose: ContactPurpose,
        day: date,
        supersedes: tuple[int, str] | None = None,
    ) -> ContactSaved:
        """Insert the contact with its computed dates, inside the caller's transaction; ``supersedes``:
        the contact it corrects and the reason."""
        due: date | None = None
        on_time: bool | None = None
        if purpose is ContactPurpose.DECISION_NOTIFICATION:
            assert data.decision_date is not None  # checked above
            due = decision_notification_due(
                data.decision_date, load_calendar(conn), enhanced=data.enhanced_rights
            )
            on_time = is_on_time(day, due)
        next_due: date | None = data.next_contact_due
        if next_due is None and purpose is not ContactPurpose.CLOSURE:
            next_due = vlo_next_contact_due(day, None, read_interval(conn))
        values = {
            "person_id": data.person_id,
            "vlo_user_id": self._actor.user_id,
            "contact_at": data.contact_at.astimezone(UTC),
            "method": ContactMethod(data.method).value,
            "interpreter_language": data.interpreter_language.strip(),
            "purpose": purpose.value,
            "decision_notified": NotifiableDecision(data.decision_notified).value
            if data.decision_notified
            else "",
            "decision_date": data.decision_date,
            "notification_due": due,
            "notified_on_time": on_time,
            "safeguarding_concern": data.safeguarding_concern,
            "summary": data.summary,
            "next_contact_due": next_due,
            "supersedes_id": supersedes[0] if supersedes else None,
            "reason": supersedes[1] if supersedes else "",
            "version": 1,
            "created_at": utcnow(),
        }
        contact_id = queries.insert_contact(conn, values)
        filled = [
            k
            for k in (
                "contact_at",
                "method",
                "purpose",
                "interpreter_language",
                "decision_notified",
                "decision_date",
                "safeguarding_concern",
                "summary",
                "next_contact_due",
            )
            if values[k] not in ("", None, False)
        ]
        if supersedes is None:
            record(conn, self._actor, AuditAction.COLLECT, Entity.VLO_CONTACT, contact_id, fields=filled)
        else:
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.VLO_CONTACT,
                supersedes[0],
                fields=filled,
                reason=supersedes[1],
            )
        return ContactSaved(contact_id, next_due, due, on_time)

    def interval_days(self) -> int:
        """The default days between contacts (the setting, else 28)."""
        self._actor.require(Action.READ, Entity.VLO_CONTACT)
        with self._db.engine.connect() as conn:
            return read_interval(conn)


def describe_saved(saved: ContactSaved) -> str:
    """One line for the status bar after logging a contact."""
    if saved.next_contact_due is None:
        text = "Contact logged; no further contact is due."
    else:
        text = f"Contact logged; next contact due {uk(saved.next_contact_due)}."
    if saved.notification_due is not None:
        verdict = "on time" if saved.notified_on_time else "late"
        text += f" Decision notified {verdict} (due by {uk(saved.notification_due)})."
    return text
