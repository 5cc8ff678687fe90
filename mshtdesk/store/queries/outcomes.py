"""Court outcomes: an arrest's outcome history, the writes, the import's look-ups and the COM tables.

Outcomes are only ever inserted: a correction is a new row that supersedes another, a withdrawal a
superseding row marked ``is_void`` (as disposal events). An outcome is *in force* as recorded at T when
it was recorded by T, is not void, and no row recorded by T supersedes it; an offence's outcome as at a
day D is its in-force outcome dated on or before D (the latest, should there be two).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    insert,
    null,
    or_,
    select,
    true,
    union_all,
)

from mshtdesk.store.queries.corrections import Kind, in_utc, latest, offence_withdrawn, withdrawn
from mshtdesk.store.queries.disposals import effective, period_arrests
from mshtdesk.store.queries.imports import chunks
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.tables import (
    ARREST,
    COURT_OUTCOME,
    DISPOSAL_TYPE,
    DISTRICT,
    EVENT,
    OFFENCE,
    USER,
    utcnow,
)

CHARGE = "CHARGE"  # the disposal type whose first event dates an offence's charge


class OutcomeLine(NamedTuple):
    offence_id: int
    id: int
    outcome: str
    outcome_date: date
    sentence_months: int | None
    custodial: bool | None
    note: str
    reason: str
    source: str
    recorded_at: datetime
    recorded_by: str
    supersedes_id: int | None
    superseded_by: int  # how many later rows supersede it
    is_void: bool


class OutcomeTarget(NamedTuple):
    id: int
    offence_id: int
    arrest_id: int
    outcome: str
    outcome_date: date
    sentence_months: int | None
    custodial: bool | None
    is_void: bool
    superseded: bool


class OffenceForOutcome(NamedTuple):
    id: int
    arrest_id: int
    offence_ref: str
    arrest_date: date  # as corrected
    arrest_withdrawn: bool
    withdrawn: bool


class StoredOffence(NamedTuple):
    """An offence named by a file's ``(custody_ref, offence_ref)``, as recorded now."""

    id: int
    arrest_id: int
    arrest_date: date  # as corrected
    arrest_withdrawn: bool
    withdrawn: bool


class InForce(NamedTuple):
    id: int
    outcome: str
    outcome_date: date
    sentence_months: int | None
    custodial: bool | None


class OutcomeDistrictRow(NamedTuple):
    district: str  # code
    charged: int  # offences whose first Charge is dated in the period
    outcomes: int  # offences with an outcome dated in the period
    convicted: int
    convicted_lesser: int
    acquitted: int
    discontinued: int
    other: int
    awaiting: int  # charged on or before the as-at date, no outcome by then
    custodial: int  # custodial sentences among the outcomes dated in the period
    custodial_months: int


class PeopleCharged(NamedTuple):
    arrested: int
    charged: int
    repeat: int


# ----- in force ------------------------------------------------------------------------------------


def in_force(recorded_at: datetime | None = None) -> ColumnElement[bool]:
    """The condition on ``COURT_OUTCOME`` keeping the rows in force (as recorded at ``recorded_at``)."""
    c = COURT_OUTCOME.c
    later = COURT_OUTCOME.alias("superseding_outcome")
    if recorded_at is None:
        return and_(c.is_void == false(), ~row_exists().where(later.c.supersedes_id == c.id))
    moment = in_utc(recorded_at)
    return and_(
        c.is_void == false(),
        c.recorded_at <= moment,
        ~row_exists().where(later.c.supersedes_id == c.id, later.c.recorded_at <= moment),
    )


# ----- one arrest ----------------------------------------------------------------------------------


def arrest_outcomes(conn: Connection, arrest_id: int) -> list[OutcomeLine]:
    """Every outcome row of the arrest's offences, oldest first, with whether it was superseded."""
    c = COURT_OUTCOME.c
    later = COURT_OUTCOME.alias("later")
    superseded = select(func.count()).where(later.c.supersedes_id == c.id).scalar_subquery()
    rows = conn.execute(
        select(
            c.offence_id,
            c.id,
            c.outcome,
            c.outcome_date,
            c.sentence_months,
            c.custodial,
            c.note,
            c.reason,
            c.source,
            c.recorded_at,
            func.coalesce(USER.c.display_name, USER.c.username, ""),
            c.supersedes_id,
            superseded,
            c.is_void,
        )
        .select_from(
            COURT_OUTCOME.join(OFFENCE, OFFENCE.c.id == c.offence_id).outerjoin(
                USER, USER.c.id == c.recorded_by
            )
        )
        .where(OFFENCE.c.arrest_id == arrest_id)
        .order_by(c.recorded_at, c.id)
    )
    return [OutcomeLine._make(r) for r in rows]


def offence_for_outcome(conn: Connection, offence_id: int) -> OffenceForOutcome | None:
    now = utcnow()
    o, a = OFFENCE.c, ARREST.c
    row = conn.execute(
        select(
            o.id,
            o.arrest_id,
            o.offence_ref,
            func.coalesce(latest("arrest_date", Kind.DATE, a.id, now), a.arrest_date),
            withdrawn(a.id, now),
            offence_withdrawn(o.id, now),
        )
        .select_from(OFFENCE.join(ARREST, a.id == o.arrest_id))
        .where(o.id == offence_id)
    ).one_or_none()
    if row is None:
        return None
    return OffenceForOutcome(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]))


def outcome_in_force(conn: Connection, offence_id: int) -> InForce | None:
    """The offence's outcome in force now (the latest dated, should there be two)."""
    c = COURT_OUTCOME.c
    row = conn.execute(
        select(c.id, c.outcome, c.outcome_date, c.sentence_months, c.custodial)
        .where(c.offence_id == offence_id, in_force())
        .order_by(c.outcome_date.desc(), c.id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else InForce._make(row)


def outcome_target(conn: Connection, outcome_id: int) -> OutcomeTarget | None:
    c = COURT_OUTCOME.c
    later = COURT_OUTCOME.alias("later")
    row = conn.execute(
        select(
            c.id,
            c.offence_id,
            OFFENCE.c.arrest_id,
            c.outcome,
            c.outcome_date,
            c.sentence_months,
            c.custodial,
            c.is_void,
            row_exists().where(later.c.supersedes_id == c.id),
        )
        .select_from(COURT_OUTCOME.join(OFFENCE, OFFENCE.c.id == c.offence_id))
        .where(c.id == outcome_id)
    ).one_or_none()
    if row is None:
        return None
    return OutcomeTarget(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), bool(row[8]))


def insert_outcome(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(COURT_OUTCOME).returning(COURT_OUTCOME.c.id), values).scalar_one())


def insert_outcomes(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(COURT_OUTCOME), list(rows))


# ----- the import ----------------------------------------------------------------------------------


def stored_offences(conn: Connection, custody_refs: Sequence[str]) -> dict[tuple[str, str], StoredOffence]:
    """``(custody_ref, offence_ref)`` -> the offence as recorded now, for every offence of those arrests."""
    now = utcnow()
    o, a = OFFENCE.c, ARREST.c
    q = select(
        a.custody_ref,
        o.offence_ref,
        o.id,
        a.id,
        func.coalesce(latest("arrest_date", Kind.DATE, a.id, now), a.arrest_date),
        withdrawn(a.id, now),
        offence_withdrawn(o.id, now),
    ).select_from(OFFENCE.join(ARREST, a.id == o.arrest_id))
    found: dict[tuple[str, str], StoredOffence] = {}
    for chunk in chunks(list(custody_refs)):
        for ref, off_ref, off_id, arrest_id, day, gone, off_gone in conn.execute(
            q.where(a.custody_ref.in_(chunk))
        ):
            found[(ref, off_ref)] = StoredOffence(off_id, arrest_id, day, bool(gone), bool(off_gone))
    return found


def known_arrest_refs(conn: Connection, custody_refs: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(list(custody_refs)):
        found.update(
            conn.execute(select(ARREST.c.custody_ref).where(ARREST.c.custody_ref.in_(chunk))).scalars()
        )
    return found


def outcomes_in_force(conn: Connection, offence_ids: Sequence[int]) -> dict[int, InForce]:
    """offence id -> its outcome in force now, for those of ``offence_ids`` that have one."""
    c = COURT_OUTCOME.c
    q = (
        select(c.offence_id, c.id, c.outcome, c.outcome_date, c.sentence_months, c.custodial)
        .where(in_force())
        .order_by(c.offence_id, c.outcome_date, c.id)
    )
    found: dict[int, InForce] = {}
    for chunk in chunks(list(offence_ids)):
        for off_id, *rest in conn.execute(q.where(c.offence_id.in_(chunk))):
            found[int(off_id)] = InForce(*rest)  # the latest dated wins (ordered ascending)
    return found


# ----- the COM tables ------------------------------------------------------------------------------


def _charged(as_at: date, recorded_at: datetime) -> Select[Any]:
    """Each offence's first Charge date on or before ``as_at`` (events as recorded at ``recorded_at``):
    one pass over the disposal events' covering index, filtered by the Charge type."""
    e = EVENT.c
    charge_id = select(DISPOSAL_TYPE.c.id).where(DISPOSAL_TYPE.c.code == CHARGE).scalar_subquery()
    return (
        select(e.offence_id.label("offence_id"), func.min(e.event_date).label("charged_on"))
        .where(e.disposal_type_id == charge_id, e.event_date <= as_at, effective(recorded_at))
        .group_by(e.offence_id)
    )


def _outcomes_as_at(as_at: date, recorded_at: datetime) -> Select[Any]:
    """Each offence's outcome as at ``as_at``: its in-force outcome dated on or before it, the latest."""
    c = COURT_OUTCOME.c
    n = (
        func.row_number()
        .over(partition_by=c.offence_id, order_by=(c.outcome_date.desc(), c.id.desc()))
        .label("n")
    )
    ranked = (
        select(c.offence_id, c.outcome, c.outcome_date, c.sentence_months, c.custodial, n)
        .where(c.outcome_date <= as_at, in_force(recorded_at))
        .subquery("ranked_outcome")
    )
    r = ranked.c
    return select(r.offence_id, r.outcome, r.outcome_date, r.sentence_months, r.custodial).where(r.n == 1)


def _count(cond: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _per_offence(as_at: date, recorded_at: datetime) -> Any:
    """One row per offence charged or with an outcome as at ``as_at``: ``offence_id, charged_on,
    outcome, outcome_date, sentence_months, custodial`` (custodial as 1/0/NULL). The charge events and
    the outcomes are stacked (UNION ALL) and folded by offence in one GROUP BY, rather than joined as
    two derived tables (which the planner would scan once per row of the other)."""
    e = EVENT.c
    charge_id = select(DISPOSAL_TYPE.c.id).where(DISPOSAL_TYPE.c.code == CHARGE).scalar_subquery()
    charges = select(
        e.offence_id.label("offence_id"),
        e.event_date.label("charged_on"),
        cast(null(), String).label("outcome"),  # typed: PostgreSQL will not guess a NULL's type
        cast(null(), Date).label("outcome_date"),
        cast(null(), Integer).label("sentence_months"),
        cast(null(), Integer).label("custodial"),
    ).where(e.disposal_type_id == charge_id, e.event_date <= as_at, effective(recorded_at))
    outs = _outcomes_as_at(as_at, recorded_at).subquery("outcome_as_at")
    o = outs.c
    outcomes = select(
        o.offence_id,
        cast(null(), Date),
        o.outcome,
        o.outcome_date,
        o.sentence_months,
        case((o.custodial == true(), 1), (o.custodial == false(), 0), else_=cast(null(), Integer)),
    )
    both = union_all(charges, outcomes).subquery("charge_or_outcome")
    b = both.c
    return (
        select(
            b.offence_id,
            func.min(b.charged_on).label("charged_on"),
            func.max(b.outcome).label("outcome"),
            func.max(b.outcome_date).label("outcome_date"),
            func.max(b.sentence_months).label("sentence_months"),
            func.max(b.custodial).label("custodial"),
        )
        .group_by(b.offence_id)
        .subquery("per_offence_outcome")
    )


def outcomes_by_district(
    conn: Connection, date_from: date, date_to: date, as_at: date, recorded_at: datetime | None = None
) -> list[OutcomeDistrictRow]:
    """The ``outcomes`` table's figures by district code (the arrest's district, as corrected), one
    grouped statement: offences charged or with an outcome, as at ``as_at``, as recorded at
    ``recorded_at`` (default: now); withdrawn arrests and offences left out. An offence has at most one
    outcome as at a day (``_outcomes_as_at``), so folding its rows with MAX keeps that outcome whole."""
    moment = in_utc(recorded_at or utcnow())
    per = _per_offence(as_at, moment)
    p, o, a = per.c, OFFENCE.c, ARREST.c
    district_id = func.coalesce(latest("district_id", Kind.DISTRICT, a.id, moment), a.district_id)
    rows = (
        select(
            district_id.label("district_id"),
            p.charged_on,
            p.outcome,
            p.outcome_date,
            p.sentence_months,
            p.custodial,
        )
        .select_from(per.join(OFFENCE, o.id == p.offence_id).join(ARREST, a.id == o.arrest_id))
        .where(
            a.created_at <= moment,
            o.created_at <= moment,
            ~withdrawn(a.id, moment),
            ~offence_withdrawn(o.id, moment),
        )
        .subquery("per_offence")
    )
    r = rows.c
    in_period = and_(r.outcome_date >= date_from, r.outcome_date <= date_to)
    custodial = and_(in_period, r.custodial == 1)

    def outcome_is(code: str) -> Any:
        return _count(and_(in_period, r.outcome == code))

    # Grouped by the district's id, then named: joined to ``district`` before grouping, PostgreSQL
    # (expecting 200 offences) tried each offence against each district, working out each offence's
    # corrected district once a district (100,000 probes for 20,000 offences at 100,000 arrests).
    grouped = (
        select(
            r.district_id,
            _count(and_(r.charged_on >= date_from, r.charged_on <= date_to)),
            _count(in_period),
            outcome_is("convicted"),
            outcome_is("convicted-lesser"),
            outcome_is("acquitted"),
            outcome_is("discontinued"),
            outcome_is("other"),
            _count(and_(r.charged_on.is_not(None), r.outcome.is_(None))),
            _count(custodial),
            func.coalesce(func.sum(case((custodial, func.coalesce(r.sentence_months, 0)), else_=0)), 0),
        )
        .group_by(r.district_id)
        .subquery("by_district")
    )
    g = list(grouped.c)
    q = select(DISTRICT.c.code, *g[1:]).select_from(grouped.join(DISTRICT, DISTRICT.c.id == g[0]))
    return [OutcomeDistrictRow(str(x[0]), *(int(v) for v in x[1:])) for x in conn.execute(q)]


def people_charged(
    conn: Connection, date_from: date, date_to: date, as_at: date, recorded_at: datetime | None = None
) -> PeopleCharged:
    """Distinct detainee references (an empty one names nobody): arrested in the period; charged in the
    period (an offence's first Charge dated in it, whenever arrested); and, of those arrested in the
    period, those with another arrest on record dated on or before the period's end (a probe of the
    detainee-reference index for each person). One statement."""
    moment = in_utc(recorded_at or utcnow())
    arrests = period_arrests(date_from, date_to, moment, with_id=True)
    a = ARREST.c
    person = (
        select(a.detainee_ref.label("ref"), func.count().label("arrests"))
        .select_from(arrests.join(ARREST, a.id == arrests.c.id))
        .where(a.detainee_ref != "")
        .group_by(a.detainee_ref)
        .subquery("person")
    )
    pc = person.c
    other = ARREST.alias("other_arrest")
    before = row_exists().where(
        other.c.detainee_ref == pc.ref,
        other.c.arrest_date < date_from,
        other.c.created_at <= moment,
        ~withdrawn(other.c.id, moment),
    )
    charged = _charged(as_at, moment).subquery("charged")
    o = OFFENCE.c
    charged_people = (
        select(func.count(a.detainee_ref.distinct()))
        .select_from(charged.join(OFFENCE, o.id == charged.c.offence_id).join(ARREST, a.id == o.arrest_id))
        .where(
            charged.c.charged_on >= date_from,
            charged.c.charged_on <= date_to,
            a.detainee_ref != "",
            a.created_at <= moment,
            o.created_at <= moment,
            ~withdrawn(a.id, moment),
            ~offence_withdrawn(o.id, moment),
        )
        .scalar_subquery()
    )
    row = conn.execute(
        select(func.count(), charged_people, _count(or_(pc.arrests >= 2, before))).select_from(person)
    ).one()
    return PeopleCharged(int(row[0]), int(row[1] or 0), int(row[2]))


class ChargedOffence(NamedTuple):
    custody_ref: str
    offence_ref: str
    charged_on: date


def charged_offences(conn: Connection) -> list[ChargedOffence]:
    """The offences charged and with no court outcome in force yet, with their first Charge date and
    references (the demo gives some of them an outcome)."""
    charged = _charged(date.max, utcnow()).subquery("charged")
    o, a, c = OFFENCE.c, ARREST.c, COURT_OUTCOME.c
    q = (
        select(a.custody_ref, o.offence_ref, charged.c.charged_on)
        .select_from(charged.join(OFFENCE, o.id == charged.c.offence_id).join(ARREST, a.id == o.arrest_id))
        .where(~row_exists().where(c.offence_id == o.id, in_force()))
        .order_by(a.custody_ref, o.offence_ref)
    )
    return [ChargedOffence._make(r) for r in conn.execute(q)]
