"""One person's pathway: every link, stay, referral, decision, Navigator milestone and contact on one
timeline, newest first, with what is due next above it.

Sections the user's role may not read are left out (a VLO sees no Haven House stays). Opening a pathway
is one consultation of the person's record. The queries are one per table, whatever the history's length
(``store/queries/pathway.py``; what is due from ``store/queries/due.py`` and ``domain/due.py``, as on the
Today page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import Connection

from mshtdesk.domain import due as words
from mshtdesk.domain.clocks import london_date, london_start
from mshtdesk.domain.due import FIRST_CONTACT_TEXT, DueItem, DueKind
from mshtdesk.domain.engagement import Milestone
from mshtdesk.domain.nrm import DecisionKind, Outcome, replay
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    NavigatorCloseReason,
    NotifiableDecision,
    ReceptionDecision,
    describe_length,
    length_of_stay,
)
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.contacts import correction_note
from mshtdesk.services.nrm_rules import clocks_of, effective
from mshtdesk.services.support_scope import plain_name, record_scope, require_person
from mshtdesk.store.database import Database
from mshtdesk.store.queries import due as due_q
from mshtdesk.store.queries import engagement as engagement_q
from mshtdesk.store.queries import pathway as q
from mshtdesk.store.queries.due import VICTIM_ROLES

__all__ = [
    "FIRST_CONTACT_TEXT",
    "VICTIM_ROLES",
    "DueItem",
    "DueKind",
    "Pathway",
    "PathwayService",
    "TimelineEntry",
    "TimelineKind",
]


class TimelineKind(StrEnum):
    LINK = "link"  # person linked to an arrest or operation
    STAY = "stay"  # admitted to / discharged from Haven House
    REFERRAL = "referral"  # NRM referral or Duty to Notify submitted
    DECISION = "decision"  # RG, CG, reconsideration, withdrawal
    NAVIGATOR = "navigator"  # case opened, support plan, statement, closed
    CONTACT = "contact"  # a VLO contact
    DISPOSAL = "disposal"  # charge / NFA / bail / RUI on a linked arrest
    ENGAGEMENT = "engagement"  # a dated engagement milestone on a link


@dataclass(frozen=True)
class TimelineEntry:
    """``at`` is a date-time for things that happened at a time (contacts, stays), else the London
    midnight starting the day; ``day`` is the London calendar day, for display and grouping."""

    kind: TimelineKind
    at: datetime
    day: date
    title: str
    detail: str
    entity: str  # the table the entry comes from, to open it
    record_id: int
    struck: str = ""  # a contact since corrected or withdrawn: who, when and why; "" while in force


@dataclass(frozen=True)
class Pathway:
    person_id: int
    person_ref: str
    person_name: str
    vlo: str
    opted_out_of_updates: bool
    due: list[DueItem]  # soonest first
    entries: list[TimelineEntry]  # newest first
    interpreter_language: str = ""  # so a contact form opens with it, without a second consultation


_LINK_WORDS = {
    "potential_victim": "Potential victim",
    "confirmed_victim": "Confirmed victim",
    "witness": "Witness",
}


class Add(Protocol):
    """Adds one timeline entry: kind, when (a date-time, or a London day), title, detail, table, record
    id; ``struck``: what took it out of force (a corrected contact), "" while it is in force."""

    def __call__(
        self,
        kind: TimelineKind,
        at: datetime | date,
        title: str,
        detail: str,
        entity: str,
        rid: int,
        /,
        *,
        struck: str = "",
    ) -> None: ...


def _decision_text(kind: str, outcome: str) -> str:
    k = DecisionKind(kind)
    text = k.label[:1].upper() + k.label[1:]
    return f"{text}: {Outcome(outcome).label}" if outcome else text


class PathwayService:
    def __init__(
        self, db: Database, actor: Actor, *, today: date | None = None, now: datetime | None = None
    ) -> None:
        self._db = db
        self._actor = actor
        self._today = today
        self._now = now

    @property
    def today(self) -> date:
        return self._today or date.today()

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def timeline(self, person_id: int, *, consult: bool = True) -> Pathway:
        """The pathway of one person in the user's scope (PermissionDeniedError otherwise).

        ``consult=False`` re-reads a pathway already open on the user's screen (after a change): not a
        new consultation, so the audit log counts openings, not refreshes."""
        today = self.today
        actor = self._actor
        entries: list[TimelineEntry] = []
        due: list[DueItem] = []

        def add(
            kind: TimelineKind,
            at: datetime | date,
            title: str,
            detail: str,
            entity: str,
            rid: int,
            /,
            *,
            struck: str = "",
        ) -> None:
            if isinstance(at, datetime):
                entries.append(TimelineEntry(kind, at, london_date(at), title, detail, entity, rid, struck))
            else:
                entries.append(TimelineEntry(kind, london_start(at), at, title, detail, entity, rid, struck))

        with self._db.engine.begin() as conn:
            require_person(conn, actor, Action.READ, Entity.PERSON, person_id)
            scope = record_scope(conn, person_id)
            person = q.person_head(conn, person_id)
            calendar = load_calendar(conn)

            # links to arrests and operations (part of the person's own record)
            for link in q.links(conn, person_id):
                where = f"arrest {link.custody_ref}" if link.custody_ref else f"operation {link.operation}"
                extra = f" (operation {link.operation})" if link.custody_ref and link.operation else ""
                add(
                    TimelineKind.LINK,
                    link.arrest_date if link.arrest_date is not None else link.created_at,
                    f"{_LINK_WORDS.get(link.role, link.role)} in {where}{extra}",
                    "",
                    "person_link",
                    link.id,
                )

            if actor.may(Action.READ, Entity.ENGAGEMENT, scope):
                self._engagement(conn, person_id, add)

            if actor.may(Action.READ, Entity.ARREST):
                self._disposals(conn, person_id, add)
                if actor.may(Action.READ, Entity.VLO_CONTACT, scope) and not person.opted_out_of_updates:
                    untold = due_q.untold_decisions(conn, person_id=person_id)
                    due += [o.item(today) for o in words.owed_notifications(untold, calendar)]

            if actor.may(Action.READ, Entity.HAVEN_STAY, scope):
                self._stays(conn, person_id, add)

            if actor.may(Action.READ, Entity.NRM_REFERRAL, scope):
                due += self._referrals(conn, person_id, calendar, today, add)

            if actor.may(Action.READ, Entity.NAVIGATOR_CASE, scope):
                self._navigator(conn, person_id, add)

            if actor.may(Action.READ, Entity.VLO_CONTACT, scope):
                latest = self._contacts(conn, person_id, add)
                if latest is not None:
                    if latest.next_contact_due is not None:
                        due.append(
                            words.next_contact(latest.next_contact_due, london_date(latest.contact_at), today)
                        )
                elif person.vlo:
                    # Assigned but never contacted: the first contact is owed from the record's last
                    # change (the assignment, at the latest), so nobody waits unseen on a VLO's list.
                    due.append(words.first_contact(london_date(person.updated_at), today))

            if consult:
                record(conn, actor, AuditAction.CONSULT, Entity.PERSON, person_id, fields=("pathway",))

        entries.sort(key=lambda e: (e.at, e.kind.value, e.record_id), reverse=True)
        due.sort(key=lambda d: (d.due, d.kind.value, d.text))  # the same order on every engine
        return Pathway(
            person_id=person_id,
            person_ref=person.person_ref,
            person_name=plain_name(person.surname, person.forenames, person.person_ref),
            vlo=person.vlo or "",
            opted_out_of_updates=bool(person.opted_out_of_updates),
            due=due,
            entries=entries,
            interpreter_language=person.interpreter_language or "",
        )

    # ----- one query per section -----------------------------------------------------------------------
    def _engagement(self, conn: Connection, person_id: int, add: Add) -> None:
        for m in engagement_q.person_milestones(conn, person_id):
            code = Milestone.parse(m.milestone)
            where = f"arrest {m.custody_ref}" if m.custody_ref else f"operation {m.operation}"
            detail = f"{where}; {m.reason}" if m.reason else where
            struck = ""
            if m.withdrawn_at is not None:  # as a withdrawn contact says it (only its author withdraws)
                who = f" by {m.recorded_by_name}" if m.recorded_by_name else ""
                when = _aware(m.withdrawn_at).strftime("%d/%m/%Y %H:%M")
                struck = f"Withdrawn{who} on {when} UTC: {m.withdraw_reason}"
            add(
                TimelineKind.ENGAGEMENT,
                m.milestone_date,
                code.label if code is not None else m.milestone,
                detail + (f" (recorded by {m.recorded_by_name})" if m.recorded_by_name else ""),
                "engagement_milestone",
                m.id,
                struck=struck,
            )

    def _disposals(self, conn: Connection, person_id: int, add: Add) -> None:
        for e in q.disposals(conn, person_id):
            add(
                TimelineKind.DISPOSAL,
                e.event_date,
                f"{e.label} on arrest {e.custody_ref}",
                f"Offence {e.offence_ref}",
                "disposal_event",
                e.event_id,
            )

    def _stays(self, conn: Connection, person_id: int, add: Add) -> None:
        now = self.now
        for stay in q.stays(conn, person_id):
            decision = stay.nrm_decision_at_reception
            reception = ReceptionDecision.parse(decision)
            add(
                TimelineKind.STAY,
                stay.admitted_at,
                "Admitted to Haven House",
                f"{stay.bed}; NRM at reception: {reception.label if reception else decision}",
                "haven_stay",
                stay.id,
            )
            if stay.discharged_at is None:
                continue
            length = describe_length(length_of_stay(stay.admitted_at, stay.discharged_at, now))
            where_to = DischargeDestination.parse(stay.discharge_destination)
            place = where_to.label if where_to else stay.discharge_destination or "an unrecorded destination"
            add(
                TimelineKind.STAY,
                stay.discharged_at,
                "Left Haven House",
                f"To {place} after {length}",
                "haven_stay",
                stay.id,
            )

    def _referrals(
        self, conn: Connection, person_id: int, calendar: WorkingCalendar, today: date, add: Add
    ) -> list[DueItem]:
        """Add the referrals and their decisions in force; what is due on them."""
        owed: list[DueItem] = []
        for r in due_q.referral_histories(conn, person_id=person_id):
            add(
                TimelineKind.REFERRAL,
                r.submitted_date,
                f"{r.route.label} {r.referral_ref} submitted",
                "",
                "nrm_referral",
                r.id,
            )
            withdrawn = {d.supersedes_id for d in r.decisions if d.supersedes_id is not None}
            for d in r.decisions:
                if not d.is_void and d.id not in withdrawn:
                    add(
                        TimelineKind.DECISION,
                        d.decided_on,
                        _decision_text(d.kind, d.outcome),
                        f"Referral {r.referral_ref}",
                        "nrm_decision",
                        d.id,
                    )
            state = replay(effective(r.decisions))
            clocks = clocks_of(r.route, state, r.submitted_date, calendar, today)
            if clocks.waiting_for == "RG" and clocks.rg_expected is not None:
                owed.append(
                    words.rg_expected(r.referral_ref, clocks.rg_expected, clocks.days_waiting or 0, today)
                )
            end = clocks.recovery_period_end
            if clocks.waiting_for == "CG" and end is not None and end >= today:
                owed.append(words.recovery_period_end(r.referral_ref, end))
            window = clocks.reconsideration_window_end
            if window is not None and window >= today:
                owed.append(words.reconsideration_window(r.referral_ref, window))
        return owed

    def _navigator(self, conn: Connection, person_id: int, add: Add) -> None:
        for case in q.navigator_cases(conn, person_id):
            who = case.navigator or ""  # the Navigator's display name
            source = case.referral_source
            add(
                TimelineKind.NAVIGATOR,
                case.referral_date,
                "Referred to the Victim Navigator",
                ", ".join(p for p in (f"from {source}" if source else "", who) if p),
                "navigator_case",
                case.id,
            )
            if case.support_plan_opened is not None:
                add(
                    TimelineKind.NAVIGATOR,
                    case.support_plan_opened,
                    "Support plan opened",
                    who,
                    "navigator_case",
                    case.id,
                )
            if case.statement_date is not None:
                add(
                    TimelineKind.NAVIGATOR,
                    case.statement_date,
                    "Statement or ABE interview",
                    who,
                    "navigator_case",
                    case.id,
                )
            if case.closed_date is not None:
                why = NavigatorCloseReason.parse(case.closed_reason)
                add(
                    TimelineKind.NAVIGATOR,
                    case.closed_date,
                    "Navigator case closed",
                    why.label if why else case.closed_reason,
                    "navigator_case",
                    case.id,
                )

    def _contacts(self, conn: Connection, person_id: int, add: Add) -> q.ContactRow | None:
        """Add the contacts; the latest one (None when there is none), which sets the next due."""
        latest: q.ContactRow | None = None
        for c in q.contacts(conn, person_id):
            p, m, d = (
                ContactPurpose.parse(c.purpose),
                ContactMethod.parse(c.method),
                NotifiableDecision.parse(c.decision_notified),
            )
            title = (p.label if p else c.purpose) + f" ({m.label.lower() if m else c.method})"
            if d is not None:
                title += f": {d.label.lower()}, " + ("on time" if c.notified_on_time else "late")
            detail = f"{c.vlo}: {c.summary}" if c.vlo else c.summary
            struck = correction_note(c.superseded)
            add(TimelineKind.CONTACT, c.contact_at, title, detail[:300], "vlo_contact", c.id, struck=struck)
            if struck:
                continue  # a corrected contact sets no next contact: its correction does
            if latest is None or (c.contact_at, c.id) > (latest.contact_at, latest.id):
                latest = c
        return latest


def _aware(moment: datetime) -> datetime:
    """SQLite hands some UTCDateTime values back naive (UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
