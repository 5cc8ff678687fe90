"""The Today page: what is overdue or due this week for the logged-in user, within their scope.

Each kind of item comes from one query over the people the user may see (``store/queries/due.py``, the
same statements the pathway runs for one person) and reads as ``domain/due.py`` words it, so an item
reads the same here and on the pathway; kinds the role may not read are skipped (a Navigator has no NRM
or contact items). Items are plain rows, soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection

from mshtdesk.domain import due as words
from mshtdesk.domain.clocks import days_waiting, london_date, rg_decision_expected
from mshtdesk.domain.due import DueItem, DueKind
from mshtdesk.domain.nrm import replay
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.support import describe_length, length_of_stay
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.actor import Actor
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.haven import ANONYMOUS
from mshtdesk.services.nrm_rules import clocks_of, effective, overdue_cutoff
from mshtdesk.services.support_scope import display_name, person_scope
from mshtdesk.store.database import Database
from mshtdesk.store.queries import due as q
from mshtdesk.store.queries.haven import open_stays
from mshtdesk.store.queries.scope import PersonScope

#: "Due this week": due within this many days from today (today included).
HORIZON_DAYS = 7
#: Decisions older than this are history, not today's work: an unnotified one shows on the pathway.
NOTIFICATION_LOOKBACK_DAYS = 90
#: Roles whose Today page carries victims' contacts and notifications: the VLOs who make them and the
#: managers who supervise them (other readers of contacts do not owe them).
CONTACT_ROLES = frozenset({Role.VLO, Role.MANAGER})


class TodayKind(StrEnum):
    """What the Today page shows besides the due items (``DueKind``): who is in Haven House now."""

    IN_HAVEN_HOUSE = "in-haven-house"

    @property
    def label(self) -> str:
        return "In Haven House"


@dataclass(frozen=True)
class TodayItem:
    kind: DueKind | TodayKind
    person_id: int | None  # None for an anonymous Haven House stay
    person: str  # display: "Surname, Forenames (P-000012)", or "Anonymous"
    due: date | None  # None for "in Haven House"
    overdue: bool
    text: str
    record_id: int | None = None  # referral, stay or arrest the item concerns
    since: datetime | None = None  # admission time for "in Haven House"


#: A due item found for a person, before their name is read: (person, item, record id).
Found = tuple[int, DueItem, int | None]


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
        found: list[Found] = []
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
            names = {
                n.id: display_name(n.surname, n.forenames, n.person_ref)
                for n in q.person_names(conn, sorted({pid for pid, _, _ in found}))
            }
            if actor.may(Action.READ, Entity.HAVEN_STAY):
                staying = self._in_house(conn, now)
        # A total order: items alike up to the name (two people of one name, one person's two items of
        # a kind and day) come in the same order on every engine, whatever order the rows arrived in.
        found.sort(
            key=lambda f: (
                not f[1].overdue,
                f[1].due,
                f[1].kind.value,
                names.get(f[0], ""),
                f[0],
                f[1].text,
                -1 if f[2] is None else f[2],
            )
        )
        return [
            TodayItem(item.kind, pid, names.get(pid, ""), item.due, item.overdue, item.text, rid)
            for pid, item, rid in found
        ] + staying

    # ----- one query per kind ----------------------------------------------------------------------
    def _scope(self, entity: Entity) -> PersonScope:
        return person_scope(self._actor, entity)

    def _rg_overdue(self, conn: Connection, calendar: WorkingCalendar, today: date) -> list[Found]:
        rows = q.referrals_awaiting_rg(
            conn, submitted_by=overdue_cutoff(calendar, today), scope=self._scope(Entity.NRM_REFERRAL)
        )
        out: list[Found] = []
        for r in rows:
            waited = days_waiting(r.submitted_date, today) if r.submitted_date <= today else 0
            expected = rg_decision_expected(r.submitted_date, calendar)
            out.append((r.person_id, words.rg_expected(r.referral_ref, expected, waited, today), r.id))
        return out

    def _reconsideration(
        self, conn: Connection, calendar: WorkingCalendar, today: date, horizon: date
    ) -> list[Found]:
        referrals = q.referral_histories(
            conn, scope=self._scope(Entity.NRM_REFERRAL), negative_since=q.recent_negative_since(today)
        )
        out: list[Found] = []
        for r in referrals:
            state = replay(effective(r.decisions))
            window = clocks_of(r.route, state, r.submitted_date, calendar, today).reconsideration_window_end
            if window is not None and today <= window <= horizon:
                out.append((r.person_id, words.reconsideration_window(r.referral_ref, window), r.id))
        return out

    def _contacts_due(self, conn: Connection, today: date, horizon: date) -> list[Found]:
        scope = self._scope(Entity.VLO_CONTACT)
        out: list[Found] = [
            (c.person_id, words.next_contact(c.next_contact_due, london_date(c.contact_at), today), c.id)
            for c in q.latest_contacts_due(conn, due_by=horizon, scope=scope)
        ]
        # Victims with a VLO and no contact at all: the first contact is owed since the assignment
        # (the record's last change), so a newly assigned victim never waits unseen.
        out += [
            (p.person_id, words.first_contact(london_date(p.updated_at), today), None)
            for p in q.never_contacted(conn, scope=scope)
        ]
        return out

    def _notifications(self, conn: Connection, calendar: WorkingCalendar, today: date) -> list[Found]:
        since = today - timedelta(days=NOTIFICATION_LOOKBACK_DAYS)
        untold = q.untold_decisions(conn, scope=self._scope(Entity.VLO_CONTACT), since=since)
        return [(o.person_id, o.item(today), o.arrest_id) for o in words.owed_notifications(untold, calendar)]

    def _in_house(self, conn: Connection, now: datetime) -> list[TodayItem]:
        out = []
        for r in open_stays(conn):
            who = display_name(r.surname, r.forenames, r.person_ref) if r.person_id is not None else ANONYMOUS
            party = r.adults + r.children
            text = f"{r.bed}: in for {describe_length(length_of_stay(r.admitted_at, None, now))}"
            if party > 1:
                text += f" (party of {party})"
            out.append(
                TodayItem(TodayKind.IN_HAVEN_HOUSE, r.person_id, who, None, False, text, r.id, r.admitted_at)
            )
        return out
