"""One person's pathway: every link, stay, referral, decision, Navigator milestone and contact on one
timeline, newest first, with what is due next above it.

Sections the user's role may not read are left out (a VLO sees no Haven House stays). Opening a pathway
is one consultation of the person's record. The queries are one per table, whatever the history's length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, false, func, select

from mshtdesk.domain.clocks import LONDON, decision_notification_due, london_date
from mshtdesk.domain.dates import uk
from mshtdesk.domain.nrm import DecisionKind, Outcome, Route, replay
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
from mshtdesk.services.nrm import clocks_of, effective
from mshtdesk.services.support_scope import plain_name, record_scope, require_person
from mshtdesk.store.database import Database
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    EVENT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    USER,
    VLO_CONTACT,
)


class TimelineKind(StrEnum):
    LINK = "link"  # person linked to an arrest or operation
    STAY = "stay"  # admitted to / discharged from Haven House
    REFERRAL = "referral"  # NRM referral or Duty to Notify submitted
    DECISION = "decision"  # RG, CG, reconsideration, withdrawal
    NAVIGATOR = "navigator"  # case opened, support plan, statement, closed
    CONTACT = "contact"  # a VLO contact
    DISPOSAL = "disposal"  # charge / NFA / bail / RUI on a linked arrest


class DueKind(StrEnum):
    RG_EXPECTED = "rg-expected"
    VLO_CONTACT = "vlo-contact"
    DECISION_NOTIFICATION = "decision-notification"
    RECONSIDERATION_WINDOW = "reconsideration-window"
    RECOVERY_PERIOD_END = "recovery-period-end"

    @property
    def label(self) -> str:
        return _DUE_LABELS[self]


_DUE_LABELS = {
    DueKind.RG_EXPECTED: "Reasonable Grounds decision expected",
    DueKind.VLO_CONTACT: "Next VLO contact",
    DueKind.DECISION_NOTIFICATION: "Decision notification owed",
    DueKind.RECONSIDERATION_WINDOW: "Reconsideration window closes",
    DueKind.RECOVERY_PERIOD_END: "Recovery period ends",
}


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due: date
    overdue: bool
    text: str


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


#: Links in which a person is a victim (witnesses are not owed victims' notifications).
VICTIM_ROLES = ("potential_victim", "confirmed_victim")
_LINK_WORDS = {
    "potential_victim": "Potential victim",
    "confirmed_victim": "Confirmed victim",
    "witness": "Witness",
}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON).astimezone(UTC)


def effective_events() -> ColumnElement[bool]:
    """Disposal events in force: not a void marker and not superseded by a later row."""
    later = EVENT.alias("later_event")
    return and_(EVENT.c.is_void == false(), ~exists().where(later.c.supersedes_id == EVENT.c.id))


def notification_owed_condition() -> ColumnElement[bool]:
    """No decision-notification contact with the linked person names a decision dated on or after this
    event: the victim has not yet been told of it (or of anything later)."""
    told = VLO_CONTACT.alias("told")
    return ~exists().where(
        told.c.person_id == PERSON_LINK.c.person_id,
        told.c.purpose == ContactPurpose.DECISION_NOTIFICATION.value,
        told.c.decision_date >= EVENT.c.event_date,
    )


@dataclass(frozen=True)
class OwedNotification:
    """Charge, NFA, bail or RUI on an arrest linked to a victim, of which they have not been told."""

    person_id: int
    arrest_id: int
    custody_ref: str
    decided: date
    decisions: tuple[NotifiableDecision, ...]
    due: date

    def text(self) -> str:
        what = ", ".join(d.label for d in self.decisions)
        return (
            f"Tell the victim of the {what.lower()} decision of {uk(self.decided)} "
            f"on arrest {self.custody_ref}"
        )


FIRST_CONTACT_TEXT = "First contact with the victim not yet made"


def owed_notifications(
    conn: Connection, calendar: WorkingCalendar, where: Iterable[ColumnElement[bool]]
) -> list[OwedNotification]:
    """One query: each (person, arrest, day) with a notifiable decision not yet notified, oldest first.

    ``where`` narrows it (a person, a scope, a period); victims who opted out of updates are left out.
    """
    codes = [d.value for d in NotifiableDecision]
    stmt = (
        select(
            PERSON_LINK.c.person_id,
            ARREST.c.id,
            ARREST.c.custody_ref,
            EVENT.c.event_date,
            DISPOSAL_TYPE.c.code,
        )
        .distinct()
        .select_from(
            EVENT.join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
            .join(PERSON_LINK, PERSON_LINK.c.arrest_id == ARREST.c.id)
            .join(PERSON, PERSON.c.id == PERSON_LINK.c.person_id)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
        )
        .where(
            effective_events(),
            DISPOSAL_TYPE.c.code.in_(codes),
            PERSON_LINK.c.role.in_(VICTIM_ROLES),
            PERSON.c.opted_out_of_updates == false(),
            notification_owed_condition(),
            *where,
        )
    )
    grouped: dict[tuple[int, int, str, date], set[NotifiableDecision]] = defaultdict(set)
    for person_id, arrest_id, ref, day, code in conn.execute(stmt):
        grouped[(person_id, arrest_id, ref, day)].add(NotifiableDecision(code))
    order = list(NotifiableDecision)
    return sorted(
        (
            OwedNotification(
                p,
                a,
                ref,
                day,
                tuple(d for d in order if d in found),
                decision_notification_due(day, calendar),
            )
            for (p, a, ref, day), found in grouped.items()
        ),
        key=lambda o: (o.decided, o.custody_ref, o.person_id),
    )


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
            kind: TimelineKind, at: datetime | date, title: str, detail: str, entity: str, rid: int
        ) -> None:
            if isinstance(at, datetime):
                entries.append(TimelineEntry(kind, at, london_date(at), title, detail, entity, rid))
            else:
                entries.append(TimelineEntry(kind, _day_start(at), at, title, detail, entity, rid))

        def owe(kind: DueKind, on: date, text: str, *, can_be_late: bool = True) -> None:
            due.append(DueItem(kind, on, can_be_late and on < today, text))

        with self._db.engine.begin() as conn:
            require_person(conn, actor, Action.READ, Entity.PERSON, person_id)
            scope = record_scope(conn, person_id)
            person = conn.execute(
                select(
                    PERSON.c.person_ref,
                    PERSON.c.surname,
                    PERSON.c.forenames,
                    PERSON.c.opted_out_of_updates,
                    USER.c.username,
                    PERSON.c.interpreter_language,
                    PERSON.c.updated_at,
                )
                .select_from(PERSON.outerjoin(USER, USER.c.id == PERSON.c.vlo_user_id))
                .where(PERSON.c.id == person_id)
            ).one()
            calendar = load_calendar(conn)

            # links to arrests and operations (part of the person's own record)
            for link_id, role, operation, created, ref, arrest_day in conn.execute(
                select(
                    PERSON_LINK.c.id,
                    PERSON_LINK.c.role,
                    PERSON_LINK.c.operation,
                    PERSON_LINK.c.created_at,
                    ARREST.c.custody_ref,
                    ARREST.c.arrest_date,
                )
                .select_from(PERSON_LINK.outerjoin(ARREST, ARREST.c.id == PERSON_LINK.c.arrest_id))
                .where(PERSON_LINK.c.person_id == person_id)
            ):
                where = f"arrest {ref}" if ref else f"operation {operation}"
                extra = f" (operation {operation})" if ref and operation else ""
                add(
                    TimelineKind.LINK,
                    arrest_day if arrest_day is not None else created,
                    f"{_LINK_WORDS.get(role, role)} in {where}{extra}",
                    "",
                    "person_link",
                    link_id,
                )

            if actor.may(Action.READ, Entity.ARREST):
                self._disposals(conn, person_id, add)
                if actor.may(Action.READ, Entity.VLO_CONTACT, scope) and not person[3]:
                    for owed in owed_notifications(conn, calendar, [PERSON_LINK.c.person_id == person_id]):
                        owe(DueKind.DECISION_NOTIFICATION, owed.due, owed.text())

            if actor.may(Action.READ, Entity.HAVEN_STAY, scope):
                self._stays(conn, person_id, add)

            if actor.may(Action.READ, Entity.NRM_REFERRAL, scope):
                self._referrals(conn, person_id, calendar, today, add, owe)

            if actor.may(Action.READ, Entity.NAVIGATOR_CASE, scope):
                self._navigator(conn, person_id, add)

            if actor.may(Action.READ, Entity.VLO_CONTACT, scope):
                contacted, latest = self._contacts(conn, person_id, add)
                if latest is not None:
                    owe(DueKind.VLO_CONTACT, latest, f"Next contact with the victim due by {uk(latest)}")
                elif not contacted and person[4]:
                    # Assigned but never contacted: the first contact is owed from the record's last
                    # change (the assignment, at the latest), so nobody waits unseen on a VLO's list.
                    owe(DueKind.VLO_CONTACT, london_date(person[6]), FIRST_CONTACT_TEXT)

            if consult:
                record(conn, actor, AuditAction.CONSULT, Entity.PERSON, person_id, fields=("pathway",))

        entries.sort(key=lambda e: (e.at, e.kind.value, e.record_id), reverse=True)
        due.sort(key=lambda d: (d.due, d.kind.value))
        return Pathway(
            person_id=person_id,
            person_ref=person[0],
            person_name=plain_name(person[1], person[2], person[0]),
            vlo=person[4] or "",
            opted_out_of_updates=bool(person[3]),
            due=due,
            entries=entries,
            interpreter_language=person[5] or "",
        )

    # ----- one query per section -----------------------------------------------------------------------
    def _disposals(self, conn: Connection, person_id: int, add: Any) -> None:
        linked = select(PERSON_LINK.c.arrest_id).where(
            PERSON_LINK.c.person_id == person_id, PERSON_LINK.c.arrest_id.is_not(None)
        )
        for event_id, day, label, offence_ref, ref in conn.execute(
            select(
                EVENT.c.id,
                EVENT.c.event_date,
                DISPOSAL_TYPE.c.label,
                OFFENCE.c.offence_ref,
                ARREST.c.custody_ref,
            )
            .select_from(
                EVENT.join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
                .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
                .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
            )
            .where(effective_events(), ARREST.c.id.in_(linked))
        ):
            add(
                TimelineKind.DISPOSAL,
                day,
                f"{label} on arrest {ref}",
                f"Offence {offence_ref}",
                "disposal_event",
                event_id,
            )

    def _stays(self, conn: Connection, person_id: int, add: Any) -> None:
        now = self.now
        for stay_id, admitted, discharged, bed, decision, destination in conn.execute(
            select(
                HAVEN_STAY.c.id,
                HAVEN_STAY.c.admitted_at,
                HAVEN_STAY.c.discharged_at,
                HAVEN_BED.c.label,
                HAVEN_STAY.c.nrm_decision_at_reception,
                HAVEN_STAY.c.discharge_destination,
            )
            .select_from(HAVEN_STAY.join(HAVEN_BED, HAVEN_BED.c.id == HAVEN_STAY.c.bed_id))
            .where(HAVEN_STAY.c.person_id == person_id)
        ):
            reception = ReceptionDecision.parse(decision)
            add(
                TimelineKind.STAY,
                admitted,
                "Admitted to Haven House",
                f"{bed}; NRM at reception: {reception.label if reception else decision}",
                "haven_stay",
                stay_id,
            )
            if discharged is None:
                continue
            length = describe_length(length_of_stay(admitted, discharged, now))
            where_to = DischargeDestination.parse(destination)
            place = where_to.label if where_to else destination or "an unrecorded destination"
            add(
                TimelineKind.STAY,
                discharged,
                "Left Haven House",
                f"To {place} after {length}",
                "haven_stay",
                stay_id,
            )

    def _referrals(
        self, conn: Connection, person_id: int, calendar: WorkingCalendar, today: date, add: Any, owe: Any
    ) -> None:
        referrals = conn.execute(
            select(
                NRM_REFERRAL.c.id,
                NRM_REFERRAL.c.referral_ref,
                NRM_REFERRAL.c.route,
                NRM_REFERRAL.c.submitted_date,
            ).where(NRM_REFERRAL.c.person_id == person_id)
        ).all()
        if not referrals:
            return
        history: dict[int, list[tuple[int, str, str, date, bool, int | None]]] = defaultdict(list)
        for row in conn.execute(
            select(
                NRM_DECISION.c.referral_id,
                NRM_DECISION.c.id,
                NRM_DECISION.c.kind,
                NRM_DECISION.c.outcome,
                NRM_DECISION.c.decided_on,
                NRM_DECISION.c.is_void,
                NRM_DECISION.c.supersedes_id,
            )
            .where(NRM_DECISION.c.referral_id.in_([r[0] for r in referrals]))
            .order_by(NRM_DECISION.c.id)
        ):
            history[row[0]].append((row[1], row[2], row[3], row[4], bool(row[5]), row[6]))
        for referral_id, ref, route_code, submitted in referrals:
            route = Route(route_code)
            add(
                TimelineKind.REFERRAL,
                submitted,
                f"{route.label} {ref} submitted",
                "",
                "nrm_referral",
                referral_id,
            )
            rows = history.get(referral_id, [])
            withdrawn = {r[5] for r in rows if r[5] is not None}
            for decision_id, kind, outcome, on, is_void, _ in rows:
                if not is_void and decision_id not in withdrawn:
                    add(
                        TimelineKind.DECISION,
                        on,
                        _decision_text(kind, outcome),
                        f"Referral {ref}",
                        "nrm_decision",
                        decision_id,
                    )
            state = replay(effective(rows))
            clocks = clocks_of(route, state, submitted, calendar, today)
            if clocks.waiting_for == "RG" and clocks.rg_expected is not None:
                owe(
                    DueKind.RG_EXPECTED,
                    clocks.rg_expected,
                    f"Reasonable Grounds decision on {ref} expected by {uk(clocks.rg_expected)} "
                    f"(waiting {clocks.days_waiting} days)",
                )
            if (
                clocks.waiting_for == "CG"
                and clocks.recovery_period_end is not None
                and clocks.recovery_period_end >= today
            ):
                owe(
                    DueKind.RECOVERY_PERIOD_END,
                    clocks.recovery_period_end,
                    f"Recovery period on {ref} ends {uk(clocks.recovery_period_end)}",
                    can_be_late=False,
                )
            window = clocks.reconsideration_window_end
            if window is not None and window >= today:
                owe(
                    DueKind.RECONSIDERATION_WINDOW,
                    window,
                    f"Last day to ask for a reconsideration of the negative decision on {ref}: {uk(window)}",
                    can_be_late=False,
                )

    def _navigator(self, conn: Connection, person_id: int, add: Any) -> None:
        for case_id, referred, source, plan, statement, closed, reason, username in conn.execute(
            select(
                NAVIGATOR_CASE.c.id,
                NAVIGATOR_CASE.c.referral_date,
                NAVIGATOR_CASE.c.referral_source,
                NAVIGATOR_CASE.c.support_plan_opened,
                NAVIGATOR_CASE.c.statement_date,
                NAVIGATOR_CASE.c.closed_date,
                NAVIGATOR_CASE.c.closed_reason,
                func.coalesce(func.nullif(USER.c.display_name, ""), USER.c.username),
            )
            .select_from(NAVIGATOR_CASE.outerjoin(USER, USER.c.id == NAVIGATOR_CASE.c.navigator_user_id))
            .where(NAVIGATOR_CASE.c.person_id == person_id)
        ):
            who = username or ""  # the Navigator's display name
            add(
                TimelineKind.NAVIGATOR,
                referred,
                "Referred to the Victim Navigator",
                ", ".join(p for p in (f"from {source}" if source else "", who) if p),
                "navigator_case",
                case_id,
            )
            if plan is not None:
                add(TimelineKind.NAVIGATOR, plan, "Support plan opened", who, "navigator_case", case_id)
            if statement is not None:
                add(
                    TimelineKind.NAVIGATOR,
                    statement,
                    "Statement or ABE interview",
                    who,
                    "navigator_case",
                    case_id,
                )
            if closed is not None:
                why = NavigatorCloseReason.parse(reason)
                add(
                    TimelineKind.NAVIGATOR,
                    closed,
                    "Navigator case closed",
                    why.label if why else reason,
                    "navigator_case",
                    case_id,
                )

    def _contacts(self, conn: Connection, person_id: int, add: Any) -> tuple[bool, date | None]:
        """Add the contacts; whether there were any, and the next contact due set by the latest one."""
        latest: tuple[datetime, int, date | None] | None = None
        for cid, at, method, purpose, decision, on_time, summary, next_due, username in conn.execute(
            select(
                VLO_CONTACT.c.id,
                VLO_CONTACT.c.contact_at,
                VLO_CONTACT.c.method,
                VLO_CONTACT.c.purpose,
                VLO_CONTACT.c.decision_notified,
                VLO_CONTACT.c.notified_on_time,
                VLO_CONTACT.c.summary,
                VLO_CONTACT.c.next_contact_due,
                USER.c.username,
            )
            .select_from(VLO_CONTACT.outerjoin(USER, USER.c.id == VLO_CONTACT.c.vlo_user_id))
            .where(VLO_CONTACT.c.person_id == person_id)
        ):
            p, m, d = (
                ContactPurpose.parse(purpose),
                ContactMethod.parse(method),
                NotifiableDecision.parse(decision),
            )
            title = (p.label if p else purpose) + f" ({m.label.lower() if m else method})"
            if d is not None:
                title += f": {d.label.lower()}, " + ("on time" if on_time else "late")
            detail = f"{username}: {summary}" if username else summary
            add(TimelineKind.CONTACT, at, title, detail[:300], "vlo_contact", cid)
            if latest is None or (at, cid) > latest[:2]:
                latest = (at, cid, next_due)
        return (False, None) if latest is None else (True, latest[2])
