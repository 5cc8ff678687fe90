"""Engagement milestones on a person's links to arrests and operations (``domain/engagement.py``): one
statement per list, and the COM summary's population of victims whose investigation reached a charge
decision, with the milestones that decide whether they were engaged at it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from mshtdesk.domain.clocks import london_date, london_start
from mshtdesk.domain.engagement import DecisionVictim, Milestone, MilestoneFact
from mshtdesk.store.queries.corrections import in_utc
from mshtdesk.store.queries.disposals import effective, period_arrests
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    ENGAGEMENT,
    EVENT,
    NAVIGATOR_CASE,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    USER,
    utcnow,
)

#: The roles on a link that make someone a victim in the investigation (a witness is not counted).
VICTIM_ROLES = ("potential_victim", "confirmed_victim")
#: The disposals that are the decision whether to charge: a charge, or no further action.
DECISION_CODES = ("CHARGE", "NFA")


class LinkChoice(NamedTuple):
    id: int
    role: str
    custody_ref: str | None
    operation: str


class StoredMilestone(NamedTuple):
    id: int
    link_id: int
    person_id: int
    milestone: str
    milestone_date: date
    reason: str
    recorded_at: datetime
    recorded_by: int | None
    recorded_by_name: str | None
    withdrawn_at: datetime | None
    withdraw_reason: str
    custody_ref: str | None
    operation: str


class DecisionRow(NamedTuple):
    """A victim's link to an arrest of the period that reached a charge decision by the as-at date, with
    one of its milestones (all None when it has none)."""

    link_id: int
    decided_on: date  # the first Charge or NFA event dated on or before the as-at date
    with_navigator: bool  # a Navigator case open on the day of the decision
    milestone_id: int | None
    milestone: str | None
    milestone_date: date | None
    recorded_at: datetime | None
    withdrawn_at: datetime | None


def insert_milestone(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(ENGAGEMENT).values(**values).returning(ENGAGEMENT.c.id)).scalar_one())


def withdraw_milestone(conn: Connection, milestone_id: int, at: datetime, by: int, reason: str) -> bool:
    """Mark the milestone withdrawn, once: False when it already was (a second withdrawal changes nothing)."""
    e = ENGAGEMENT.c
    done = conn.execute(
        update(ENGAGEMENT)
        .where(e.id == milestone_id, e.withdrawn_at.is_(None))
        .values(withdrawn_at=at, withdrawn_by=by, withdraw_reason=reason)
    )
    return done.rowcount == 1


def link_person(conn: Connection, link_id: int) -> int | None:
    """The person a link belongs to (None if there is no such link)."""
    return conn.execute(
        select(PERSON_LINK.c.person_id).where(PERSON_LINK.c.id == link_id)
    ).scalar_one_or_none()


def person_links(conn: Connection, person_id: int) -> list[LinkChoice]:
    """The person's links to arrests and operations, oldest first, for choosing one."""
    link = PERSON_LINK.c
    q = (
        select(link.id, link.role, ARREST.c.custody_ref, link.operation)
        .select_from(PERSON_LINK.outerjoin(ARREST, ARREST.c.id == link.arrest_id))
        .where(link.person_id == person_id)
        .order_by(link.created_at, link.id)
    )
    return [LinkChoice._make(r) for r in conn.execute(q)]


def person_id_by_ref(conn: Connection, person_ref: str) -> int | None:
    found = conn.execute(select(PERSON.c.id).where(PERSON.c.person_ref == person_ref)).scalar()
    return None if found is None else int(found)


def link_by_refs(conn: Connection, person_ref: str, custody_ref: str | None) -> list[tuple[int, int]]:
    """``(link id, person id)`` of the person's links (to that arrest, with ``custody_ref``)."""
    link = PERSON_LINK.c
    q = (
        select(link.id, link.person_id)
        .select_from(
            PERSON_LINK.join(PERSON, PERSON.c.id == link.person_id).outerjoin(
                ARREST, ARREST.c.id == link.arrest_id
            )
        )
        .where(PERSON.c.person_ref == person_ref)
        .order_by(link.id)
    )
    if custody_ref is not None:
        q = q.where(ARREST.c.custody_ref == custody_ref)
    return [(int(r[0]), int(r[1])) for r in conn.execute(q)]


def _stored() -> Any:
    e, link = ENGAGEMENT.c, PERSON_LINK.c
    return select(
        e.id,
        e.link_id,
        link.person_id,
        e.milestone,
        e.milestone_date,
        e.reason,
        e.recorded_at,
        e.recorded_by,
        func.coalesce(func.nullif(USER.c.display_name, ""), USER.c.username).label("recorded_by_name"),
        e.withdrawn_at,
        e.withdraw_reason,
        ARREST.c.custody_ref,
        link.operation,
    ).select_from(
        ENGAGEMENT.join(PERSON_LINK, link.id == e.link_id)
        .outerjoin(ARREST, ARREST.c.id == link.arrest_id)
        .outerjoin(USER, USER.c.id == e.recorded_by)
    )


def stored_milestone(conn: Connection, milestone_id: int) -> StoredMilestone | None:
    row = conn.execute(_stored().where(ENGAGEMENT.c.id == milestone_id)).one_or_none()
    return None if row is None else StoredMilestone._make(row)


def person_milestones(conn: Connection, person_id: int) -> list[StoredMilestone]:
    """Every milestone on the person's links, withdrawn ones included (the pathway strikes them)."""
    q = _stored().where(PERSON_LINK.c.person_id == person_id).order_by(ENGAGEMENT.c.id)
    return [StoredMilestone._make(r) for r in conn.execute(q)]


# ----- the COM summary ------------------------------------------------------------------------------


def decision_rows(
    conn: Connection,
    date_from: date,
    date_to: date,
    as_at: date,
    recorded_at: datetime,
    milestones_by: datetime,
) -> list[DecisionRow]:
    """Victims' links to the arrests dated in the period (as recorded at ``recorded_at``: withdrawn
    arrests left out) whose offences have an effective Charge or NFA event dated on or before ``as_at``,
    with the first such date and whether the person had a Navigator case open on it (referred on or
    before it, not closed before it); one row per milestone recorded by ``milestones_by`` (the end of the
    as-at day, or the moment the report reproduces, whichever is earlier), or one row with no milestone.
    A person merged into another counts under the kept record (their links moved there)."""
    arrests = period_arrests(date_from, date_to, recorded_at, with_id=True)
    ev, link, n, e = EVENT.c, PERSON_LINK.c, NAVIGATOR_CASE.c, ENGAGEMENT.c
    # The first decision of each linked arrest by a probe of that arrest's events: the victims' links in
    # a period are a few thousand, where grouping every decision event of the register cost 0.4 s of
    # the COM summary at 100,000 arrests (and grew with every year kept).
    first_decision = (
        select(func.min(ev.event_date))
        .select_from(
            EVENT.join(OFFENCE, OFFENCE.c.id == ev.offence_id).join(
                DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == ev.disposal_type_id
            )
        )
        .where(
            OFFENCE.c.arrest_id == link.arrest_id,
            DISPOSAL_TYPE.c.code.in_(DECISION_CODES),
            ev.event_date <= as_at,
            effective(recorded_at),
        )
        .correlate(PERSON_LINK)
        .scalar_subquery()
    )
    linked = (
        select(link.id, link.person_id, first_decision.label("decided_on"))
        .select_from(PERSON_LINK.join(arrests, arrests.c.id == link.arrest_id))
        .where(link.role.in_(VICTIM_ROLES), link.created_at <= in_utc(recorded_at))
        # Materialized: inlined, SQLite copied the first-decision probe into each of the four places
        # that read ``decided_on`` (1.87 -> 1.43 s at a million arrests, once per link).
        .cte("linked")
        .prefix_with("MATERIALIZED")
    )
    navigator = row_exists().where(
        n.person_id == linked.c.person_id,
        n.referral_date <= linked.c.decided_on,
        or_(n.closed_date.is_(None), n.closed_date >= linked.c.decided_on),
    )
    q = (
        select(
            linked.c.id,
            linked.c.decided_on,
            navigator.label("with_navigator"),
            e.id,
            e.milestone,
            e.milestone_date,
            e.recorded_at,
            e.withdrawn_at,
        )
        .select_from(
            linked.outerjoin(
                ENGAGEMENT, and_(e.link_id == linked.c.id, e.recorded_at <= in_utc(milestones_by))
            )
        )
        .where(linked.c.decided_on.is_not(None))
        .order_by(linked.c.id, e.id)
    )
    return [DecisionRow(int(r[0]), r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7]) for r in conn.execute(q)]


def decision_victims(
    conn: Connection, date_from: date, date_to: date, as_at: date, recorded_at: datetime | None = None
) -> list[DecisionVictim]:
    """:func:`decision_rows` grouped by link, as the domain rule reads them: a milestone recorded after
    the as-at day (or after ``recorded_at``) does not exist yet, and one withdrawn after it still
    stands."""
    moment = _aware(recorded_at or utcnow())
    cutoff = min(moment, london_start(as_at + timedelta(days=1)))
    victims: dict[int, tuple[date, bool, list[MilestoneFact]]] = {}
    for r in decision_rows(conn, date_from, date_to, as_at, moment, cutoff):
        _d, _n, facts = victims.setdefault(r.link_id, (r.decided_on, r.with_navigator, []))
        code = Milestone.parse(r.milestone or "")
        if code is None or r.milestone_date is None or r.recorded_at is None or r.milestone_id is None:
            continue
        withdrawn = None if r.withdrawn_at is None else _aware(r.withdrawn_at)
        gone = None if withdrawn is None or withdrawn > cutoff else london_date(withdrawn)
        recorded_on = london_date(_aware(r.recorded_at))
        facts.append(MilestoneFact(code, r.milestone_date, recorded_on, gone, r.milestone_id))
    return [DecisionVictim(k, d, n, tuple(f)) for k, (d, n, f) in victims.items()]


def _aware(moment: datetime) -> datetime:
    """UTC, aware: SQLite hands some UTCDateTime values back naive."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UnrecordedLink(NamedTuple):
    link_id: int
    arrest_date: date
    decided_on: date | None  # the first Charge or NFA event, None while there is none
    charged: bool
    with_navigator: bool  # a Navigator case open on the decision day (or, undecided, referred at all)


def unrecorded_victim_links(conn: Connection) -> list[UnrecordedLink]:
    """Victims' links to arrests that have no milestone yet (the demo gives them a history)."""
    ev, link, n = EVENT.c, PERSON_LINK.c, NAVIGATOR_CASE.c
    decided = (
        select(
            OFFENCE.c.arrest_id,
            func.min(ev.event_date).label("decided_on"),
            func.max(case((DISPOSAL_TYPE.c.code == "CHARGE", 1), else_=0)).label("charged"),
        )
        .select_from(
            EVENT.join(OFFENCE, OFFENCE.c.id == ev.offence_id).join(
                DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == ev.disposal_type_id
            )
        )
        .where(DISPOSAL_TYPE.c.code.in_(DECISION_CODES), effective())
        .group_by(OFFENCE.c.arrest_id)
        .subquery("decided")
    )
    on_day = func.coalesce(decided.c.decided_on, ARREST.c.arrest_date)
    navigator = row_exists().where(
        n.person_id == link.person_id,
        or_(decided.c.decided_on.is_(None), n.referral_date <= on_day),
        or_(n.closed_date.is_(None), n.closed_date >= on_day),
    )
    q = (
        select(link.id, ARREST.c.arrest_date, decided.c.decided_on, decided.c.charged, navigator)
        .select_from(
            PERSON_LINK.join(ARREST, ARREST.c.id == link.arrest_id).outerjoin(
                decided, decided.c.arrest_id == link.arrest_id
            )
        )
        .where(link.role.in_(VICTIM_ROLES), ~row_exists().where(ENGAGEMENT.c.link_id == link.id))
        .order_by(link.id)
    )
    return [UnrecordedLink(int(r[0]), r[1], r[2], bool(r[3]), bool(r[4])) for r in conn.execute(q)]
