"""The Today page: what is overdue or due this week for the logged-in user, within their scope.

Each kind of item comes from one query over the people the user may see; kinds the role may not read
are skipped (a Navigator has no NRM or contact items). Items are plain rows, soonest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, false, func, select

from mshtdesk.domain.clocks import (
    RECONSIDERATION_WINDOW_DAYS,
    days_waiting,
    london_date,
    rg_decision_expected,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.nrm import Outcome, Route, replay
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.support import describe_length, length_of_stay
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.actor import Actor
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.haven import ANONYMOUS
from mshtdesk.services.nrm import clocks_of, effective, overdue_cutoff
from mshtdesk.services.pathway import FIRST_CONTACT_TEXT, owed_notifications
from mshtdesk.services.support_scope import display_name, person_condition
from mshtdesk.store.database import Database
from mshtdesk.store.tables import (
    EVENT,
    HAVEN_BED,
    HAVEN_STAY,
    NRM_DECISION,
    NRM_REFERRAL,
    PERSON,
    PERSON_LINK,
    VLO_CONTACT,
)

#: "Due this week": due within this many days from today (today included).
HORIZON_DAYS = 7
#: Decisions older than this are history, not today's work: an unnotified one shows on the pathway.
NOTIFICATION_LOOKBACK_DAYS = 90
#: Roles whose Today page carries victims' contacts and notifications: the VLOs who make them and the
#: managers who supervise them (other readers of contacts do not owe them).
CONTACT_ROLES = frozenset({Role.VLO, Role.MANAGER})


class TodayKind(StrEnum):
    RG_OVERDUE = "rg-overdue"
    VLO_CONTACT = "vlo-contact"
    DECISION_NOTIFICATION = "decision-notification"
    RECONSIDERATION_CLOSING = "reconsideration-closing"
    IN_HAVEN_HOUSE = "in-haven-house"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TodayKind.RG_OVERDUE: "Reasonable Grounds decision overdue",
    TodayKind.VLO_CONTACT: "VLO contact due",
    TodayKind.DECISION_NOTIFICATION: "Decision notification owed",
    TodayKind.RECONSIDERATION_CLOSING: "Reconsideration window closing",
    TodayKind.IN_HAVEN_HOUSE: "In Haven House",
}


@dataclass(frozen=True)
class TodayItem:
    kind: TodayKind
    person_id: int | None  # None for an anonymous Haven House stay
    person: str  # display: "Surname, Forenames (P-000012)", or "Anonymous"
    due: date | None  # None for "in Haven House"
    overdue: bool
    text: str
    record_id: int | None = None  # referral, stay or arrest the item concerns
    since: datetime | None = None  # admission time for "in Haven House"


def _effective_decision(d: Any) -> ColumnElement[bool]:
    later = NRM_DECISION.alias("later_decision")
    return and_(d.c.is_void == false(), ~exists().where(later.c.supersedes_id == d.c.id))


class TodayService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def items(self, today: date | None = None) -> list[TodayItem]:
        """Everything overdue or due within HORIZON_DAYS for this user, overdue first then by due date;
        then who is in Haven House now, longest stay first."""
        actor = self._actor
        now = self.now
        today = today or london_date(now)
        horizon = today + timedelta(days=HORIZON_DAYS - 1)
        # (kind, person_id, due, overdue, text, record_id)
        found: list[tuple[TodayKind, int, date, bool, str, int | None]] = []
        staying: list[TodayItem] = []
        with self._db.engine.connect() as conn:
            calendar = load_calendar(conn)
            if actor.may(Action.READ, Entity.NRM_REFERRAL):
                found += self._rg_overdue(conn, calendar, today)
                found += self._reconsideration(conn, calendar, today, horizon)
            if actor.role in CONTACT_ROLES and actor.may(Action.READ, Entity.VLO_CONTACT):
                found += self._contacts_due(conn, today, horizon)
                if actor.may(Action.READ, Entity.ARREST):
                    found += self._notifications(conn, calendar, today)
            names = self._names(conn, {f[1] for f in found})
            if actor.may(Action.READ, Entity.HAVEN_STAY):
                staying = self._in_house(conn, now)
        found.sort(key=lambda f: (not f[3], f[2], f[0].value, names.get(f[1], "")))
        return [
            TodayItem(kind, pid, names.get(pid, ""), due, overdue, text, rid)
            for kind, pid, due, overdue, text, rid in found
        ] + staying

    # ----- one query per kind ----------------------------------------------------------------------
    def _scope(self, entity: Entity, person_id: Any) -> list[ColumnElement[bool]]:
        condition = person_condition(self._actor, entity, person_id)
        return [] if condition is None else [condition]

    def _names(self, conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        rows = conn.execute(
            select(PERSON.c.id, PERSON.c.surname, PERSON.c.forenames, PERSON.c.person_ref).where(
                PERSON.c.id.in_(ids)
            )
        )
        return {pid: display_name(s, f, ref) for pid, s, f, ref in rows}

    def _rg_overdue(
        self, conn: Connection, calendar: WorkingCalendar, today: date
    ) -> list[tuple[TodayKind, int, date, bool, str, int | None]]:
        r = NRM_REFERRAL
        d = NRM_DECISION.alias("d")
        rows = conn.execute(
            select(r.c.id, r.c.person_id, r.c.referral_ref, r.c.submitted_date).where(
                r.c.route == Route.NRM.value,
                r.c.submitted_date <= overdue_cutoff(calendar, today),
                ~exists().where(d.c.referral_id == r.c.id, _effective_decision(d)),
                *self._scope(Entity.NRM_REFERRAL, r.c.person_id),
            )
        )
        out = []
        for rid, pid, ref, submitted in rows:
            due = rg_decision_expected(submitted, calendar)
            waited = days_waiting(submitted, today) if submitted <= today else 0
            text = f"{ref}: Reasonable Grounds decision expected by {uk(due)}; referred {waited} days ago"
            out.append((TodayKind.RG_OVERDUE, pid, due, True, text, rid))
        return out

    def _reconsideration(
        self, conn: Connection, calendar: WorkingCalendar, today: date, horizon: date
    ) -> list[tuple[TodayKind, int, date, bool, str, int | None]]:
        r = NRM_REFERRAL
        recent_negative = select(NRM_DECISION.c.referral_id).where(
            NRM_DECISION.c.outcome == Outcome.NEGATIVE.value,
            NRM_DECISION.c.decided_on >= today - timedelta(days=RECONSIDERATION_WINDOW_DAYS),
        )
        referrals = {
            rid: (pid, ref, Route(route), submitted)
            for rid, pid, ref, route, submitted in conn.execute(
                select(r.c.id, r.c.person_id, r.c.referral_ref, r.c.route, r.c.submitted_date).where(
                    r.c.id.in_(recent_negative), *self._scope(Entity.NRM_REFERRAL, r.c.person_id)
                )
            )
        }
        if not referrals:
            return []
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
            .where(NRM_DECISION.c.referral_id.in_(list(referrals)))
            .order_by(NRM_DECISION.c.id)
        ):
            history[row[0]].append((row[1], row[2], row[3], row[4], bool(row[5]), row[6]))
        out = []
        for rid, (pid, ref, route, submitted) in referrals.items():
            state = replay(effective(history[rid]))
            window = clocks_of(route, state, submitted, calendar, today).reconsideration_window_end
            if window is not None and today <= window <= horizon:
                text = (
                    f"{ref}: last day to ask for a reconsideration of the negative decision is {uk(window)}"
                )
                out.append((TodayKind.RECONSIDERATION_CLOSING, pid, window, False, text, rid))
        return out

    def _contacts_due(
        self, conn: Connection, today: date, horizon: date
    ) -> list[tuple[TodayKind, int, date, bool, str, int | None]]:
        c = VLO_CONTACT
        rank = (
            func.row_number()
            .over(partition_by=c.c.person_id, order_by=(c.c.contact_at.desc(), c.c.id.desc()))
            .label("rank")
        )
        latest = (
            select(c.c.id, c.c.person_id, c.c.next_contact_due, c.c.contact_at, rank)
            .where(*self._scope(Entity.VLO_CONTACT, c.c.person_id))
            .subquery()
        )
        rows = conn.execute(
            select(latest.c.id, latest.c.person_id, latest.c.next_contact_due, latest.c.contact_at).where(
                latest.c.rank == 1, latest.c.next_contact_due <= horizon
            )
        )
        out = []
        for cid, pid, due, last in rows:
            text = f"Next contact due by {uk(due)} (last contact {uk(london_date(last))})"
            out.append((TodayKind.VLO_CONTACT, pid, due, due < today, text, cid))
        # Victims with a VLO and no contact at all: the first contact is owed since the assignment
        # (the record's last change), so a newly assigned victim never waits unseen.
        never = conn.execute(
            select(PERSON.c.id, PERSON.c.updated_at).where(
                PERSON.c.vlo_user_id.is_not(None),
                ~exists().where(c.c.person_id == PERSON.c.id),
                *self._scope(Entity.VLO_CONTACT, PERSON.c.id),
            )
        )
        for pid, changed in never:
            due = london_date(changed)
            out.append((TodayKind.VLO_CONTACT, pid, due, due < today, FIRST_CONTACT_TEXT, None))
        return out

    def _notifications(
        self, conn: Connection, calendar: WorkingCalendar, today: date
    ) -> list[tuple[TodayKind, int, date, bool, str, int | None]]:
        since = today - timedelta(days=NOTIFICATION_LOOKBACK_DAYS)
        owed = owed_notifications(
            conn,
            calendar,
            [EVENT.c.event_date >= since, *self._scope(Entity.VLO_CONTACT, PERSON_LINK.c.person_id)],
        )
        return [
            (TodayKind.DECISION_NOTIFICATION, o.person_id, o.due, o.due < today, o.text(), o.arrest_id)
            for o in owed
        ]

    def _in_house(self, conn: Connection, now: datetime) -> list[TodayItem]:
        rows = conn.execute(
            select(
                HAVEN_STAY.c.id,
                HAVEN_STAY.c.person_id,
                PERSON.c.surname,
                PERSON.c.forenames,
                PERSON.c.person_ref,
                HAVEN_BED.c.label,
                HAVEN_STAY.c.admitted_at,
                HAVEN_STAY.c.adults,
                HAVEN_STAY.c.children,
            )
            .select_from(
                HAVEN_STAY.join(HAVEN_BED, HAVEN_BED.c.id == HAVEN_STAY.c.bed_id).outerjoin(
                    PERSON, PERSON.c.id == HAVEN_STAY.c.person_id
                )
            )
            .where(HAVEN_STAY.c.discharged_at.is_(None))
            .order_by(HAVEN_STAY.c.admitted_at, HAVEN_STAY.c.id)
        )
        out = []
        for sid, pid, surname, forenames, ref, bed, admitted, adults, children in rows:
            who = display_name(surname, forenames, ref) if pid is not None else ANONYMOUS
            party = adults + children
            text = f"{bed}: in for {describe_length(length_of_stay(admitted, None, now))}"
            if party > 1:
                text += f" (party of {party})"
            out.append(TodayItem(TodayKind.IN_HAVEN_HOUSE, pid, who, None, False, text, sid, admitted))
        return out
