"""The COM summary's victim-pathway and arrest-by-month figures: one statement per table, never one per row.

Periods are London calendar days: stays and contacts (date-times) are selected between the instants at
which those days begin. Each function returns typed rows; ``mshtdesk.reports.com`` assembles the tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, and_, case, func, literal, or_, select, union_all

from mshtdesk.domain.clocks import london_start
from mshtdesk.domain.engagement import EngagementCounts, engagement_counts
from mshtdesk.domain.nrm import Route
from mshtdesk.domain.offences import LEGISLATION_OF_KIND, OTHER_MS, Legislation, legislation_of
from mshtdesk.store.queries.contacts import live as live_contact
from mshtdesk.store.queries.corrections import Kind, in_utc, offence_withdrawn
from mshtdesk.store.queries.disposals import period_arrests
from mshtdesk.store.queries.engagement import decision_victims
from mshtdesk.store.queries.haven import active_beds
from mshtdesk.store.queries.outcomes import (
    OutcomeDistrictRow,
    PeopleCharged,
    outcomes_by_district,
    people_charged,
)
from mshtdesk.store.tables import (
    CORRECTION,
    DISTRICT,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    OFFENCE_TYPE,
    PERSON,
    VLO_CONTACT,
    utcnow,
)


class ReferralRow(NamedTuple):
    id: int
    route: str
    age_at_exploitation: str
    exploitation_label: str | None
    crime_ref: str | None
    submitted_date: date
    nationality: str | None
    district: str | None = None  # code of the referral's district


class DecisionRow(NamedTuple):
    id: int
    referral_id: int
    kind: str
    outcome: str | None
    decided_on: date
    supersedes_id: int | None
    is_void: bool


class ArrestDayRow(NamedTuple):
    day: date
    district: str  # code
    arrests: int


@dataclass(frozen=True)
class NavigatorCounts:
    """Navigator cases referred in the period; dated milestones counted only when on or before as-at."""

    total: int
    consent: int
    plan: int
    engaged_at_start: int
    engaged_at_start_known: int
    engaged_at_charge: int
    engaged_at_charge_known: int
    statement: int
    court: int
    evidence: int
    repatriated: int
    closed: int


class LegislationRow(NamedTuple):
    legislation: str  # a ``Legislation`` value; "" for all the offences together
    offences: int
    arrests: int  # distinct arrests with at least one such offence


class PurposeRow(NamedTuple):
    purpose: str
    contacts: int
    notified: int  # decision notifications (on time recorded either way)
    on_time: int
    concerns: int  # safeguarding concerns raised
    district: str | None = None  # code of the victim's district (``victim_district``)


class AdmittedStay(NamedTuple):
    admitted_at: datetime
    discharged_at: datetime | None
    nrm_decision_at_reception: str
    discharge_destination: str
    adults: int
    children: int
    district: str | None = None  # code of the referring district


class StaySpan(NamedTuple):
    admitted_at: datetime
    discharged_at: datetime | None


def referrals(conn: Connection, date_from: date, date_to: date) -> list[ReferralRow]:
    """NRM referrals and Duty to Notify reports submitted in the period, with the person's nationality."""
    q = (
        select(
            NRM_REFERRAL.c.id,
            NRM_REFERRAL.c.route,
            NRM_REFERRAL.c.age_at_exploitation,
            NRM_REFERRAL.c.exploitation_label,
            NRM_REFERRAL.c.crime_ref,
            NRM_REFERRAL.c.submitted_date,
            PERSON.c.nationality,
            DISTRICT.c.code,
        )
        .select_from(
            NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id).outerjoin(
                DISTRICT, DISTRICT.c.id == NRM_REFERRAL.c.district_id
            )
        )
        .where(NRM_REFERRAL.c.submitted_date >= date_from, NRM_REFERRAL.c.submitted_date <= date_to)
        .order_by(NRM_REFERRAL.c.id)
    )
    return [ReferralRow._make(r) for r in conn.execute(q)]


def referral_counts(conn: Connection, date_from: date, date_to: date) -> dict[tuple[str, str], int]:
    """(route, age at exploitation) -> referrals submitted in the period."""
    q = (
        select(NRM_REFERRAL.c.route, NRM_REFERRAL.c.age_at_exploitation, func.count())
        .where(NRM_REFERRAL.c.submitted_date >= date_from, NRM_REFERRAL.c.submitted_date <= date_to)
        .group_by(NRM_REFERRAL.c.route, NRM_REFERRAL.c.age_at_exploitation)
    )
    return {(route, age): int(n) for route, age, n in conn.execute(q)}


def decisions(
    conn: Connection, date_from: date, date_to: date, recorded_at: datetime | None = None
) -> list[DecisionRow]:
    """Every decision row recorded by ``recorded_at`` (default: now; void and superseded ones too) on the
    NRM referrals submitted in the period, by referral, date and id. The superseding rows belong to the
    same referral, so the caller applies the rule of which are in force: the plan stays a range scan
    whatever statistics the planner has."""
    d = NRM_DECISION.c
    q = (
        select(d.id, d.referral_id, d.kind, d.outcome, d.decided_on, d.supersedes_id, d.is_void)
        .select_from(NRM_DECISION.join(NRM_REFERRAL, NRM_REFERRAL.c.id == d.referral_id))
        .where(
            NRM_REFERRAL.c.submitted_date >= date_from,
            NRM_REFERRAL.c.submitted_date <= date_to,
            NRM_REFERRAL.c.route == Route.NRM.value,
            *([] if recorded_at is None else [d.recorded_at <= in_utc(recorded_at)]),
        )
        .order_by(d.referral_id, d.decided_on, d.id)
    )
    return [DecisionRow._make(r) for r in conn.execute(q)]


def navigator_count(conn: Connection, date_from: date, date_to: date) -> int:
    q = select(func.count()).where(
        NAVIGATOR_CASE.c.referral_date >= date_from, NAVIGATOR_CASE.c.referral_date <= date_to
    )
    return int(conn.execute(q).scalar_one())


def admissions(conn: Connection, date_from: date, date_to: date) -> int:
    """Haven House stays admitted on the London days of the period."""
    q = select(func.count()).where(
        HAVEN_STAY.c.admitted_at >= london_start(date_from),
        HAVEN_STAY.c.admitted_at < london_start(date_to + timedelta(days=1)),
    )
    return int(conn.execute(q).scalar_one())


def arrests_by_day(
    conn: Connection, date_from: date, date_to: date, recorded_at: datetime | None = None
) -> list[ArrestDayRow]:
    """Arrests dated in the period, by arrest date and district code, as recorded at ``recorded_at``
    (default: now): withdrawn arrests left out, corrected dates and districts used."""
    per_arrest = period_arrests(date_from, date_to, recorded_at or utcnow())
    q = (
        select(per_arrest.c.arrest_date, DISTRICT.c.code, func.count())
        .select_from(per_arrest.join(DISTRICT, DISTRICT.c.id == per_arrest.c.district_id))
        .group_by(per_arrest.c.arrest_date, DISTRICT.c.code)
    )
    return [ArrestDayRow(day, code, int(n)) for day, code, n in conn.execute(q)]


def _offence_corrected(column: str, offence_id: Any, recorded_at: datetime) -> Any:
    """The offence's latest correction of what it was (type or text), recorded by then; NULL if none."""
    c = CORRECTION.c
    return (
        select(c[column])
        .where(
            c.offence_id == offence_id,
            c.kind == Kind.OFFENCE_CORRECT.value,
            c.recorded_at <= in_utc(recorded_at),
        )
        .order_by(c.recorded_at.desc(), c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _period_offences(date_from: date, date_to: date, recorded_at: datetime) -> Select[Any]:
    """The offences on the arrests of the period, as recorded at ``recorded_at``: ``(arrest_id, type_id,
    text)`` with a corrected offence's type and text, and offences withdrawn by then left out.

    The period's offences are found first and only theirs are looked up for corrections. PostgreSQL,
    costing a correction probe at nothing (the table is nearly empty), otherwise probed every offence
    of the register, twice when the type was joined to ``offence_type`` here: 0.6 s of a COM summary at
    100,000 arrests, for 21,000 offences in the period. So there the period's rows are materialized;
    SQLite already starts from the period's arrests."""
    arrests = period_arrests(date_from, date_to, recorded_at, with_id=True)
    o = OFFENCE.c
    rows = (
        select(o.arrest_id, o.id, o.offence_type_id, o.offence_text)
        .select_from(arrests.join(OFFENCE, o.arrest_id == arrests.c.id))
        .where(o.created_at <= in_utc(recorded_at), ~offence_withdrawn(o.id, recorded_at))
        .cte("period_offence_row")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    r = rows.c
    type_id = func.coalesce(_offence_corrected("offence_type_id", r.id, recorded_at), r.offence_type_id)
    text = func.coalesce(_offence_corrected("offence_text", r.id, recorded_at), r.offence_text)
    return select(r.arrest_id, type_id.label("type_id"), text.label("text"))


def offences_by_legislation(
    conn: Connection, date_from: date, date_to: date, recorded_at: datetime | None = None
) -> list[LegislationRow]:
    """Offences on the arrests of the period, and the arrests having them, by the legislation their
    offence names (``domain.offences.legislation_of``), with a row "" for all offences together.

    The counting is one statement: the offence type decides in SQL (a CASE over the type ids, read
    first with their codes: a handful); an offence stored as "other" is placed by its text, read again
    by the domain's recogniser (which may know a spelling it did not when the offence was imported): the
    distinct such texts of the period are read first, a short list, and become IN-lists of the same
    CASE."""
    moment = recorded_at or utcnow()
    offences = _period_offences(date_from, date_to, moment).cte("period_offence")
    c = offences.c
    code_of = {int(i): str(code) for i, code in conn.execute(select(OFFENCE_TYPE.c.id, OFFENCE_TYPE.c.code))}
    other = sorted(i for i, code in code_of.items() if code == OTHER_MS)
    texts = (
        conn.execute(select(c.text).where(c.type_id.in_(other)).distinct()).scalars().all() if other else []
    )
    by_text: dict[Legislation, list[str]] = {}
    for t in texts:
        row = legislation_of(OTHER_MS, t or "")
        if row is not Legislation.OTHER:
            by_text.setdefault(row, []).append(t)
    from_text = (
        case(
            *[(c.text.in_(sorted(ts)), row.value) for row, ts in sorted(by_text.items())],
            else_=Legislation.OTHER.value,
        )
        if by_text
        else literal(Legislation.OTHER.value)
    )
    by_type = {
        i: LEGISLATION_OF_KIND[code].value for i, code in code_of.items() if code in LEGISLATION_OF_KIND
    }
    row_of = (case(by_type, value=c.type_id, else_=from_text) if by_type else from_text).label("legislation")
    placed = select(c.arrest_id, row_of).subquery("placed")  # PostgreSQL groups by the name, not a
    p = placed.c  # copy of the CASE with its own parameters
    grouped = select(p.legislation, func.count(), func.count(p.arrest_id.distinct())).group_by(p.legislation)
    everything = select(literal(""), func.count(), func.count(c.arrest_id.distinct()))
    q = union_all(grouped, everything)
    return [LegislationRow(str(row), int(n), int(a)) for row, n, a in conn.execute(q)]


def navigator_counts(conn: Connection, date_from: date, date_to: date, as_at: date) -> NavigatorCounts:
    n = NAVIGATOR_CASE.c

    def known(col: Any) -> Any:
        return case((and_(col.is_not(None), col <= as_at), 1), else_=0)

    def flag(col: Any) -> Any:
        return case((col.is_(True), 1), else_=0)

    q = select(
        func.count(),
        func.coalesce(func.sum(flag(n.consent)), 0),
        func.coalesce(func.sum(known(n.support_plan_opened)), 0),
        func.coalesce(func.sum(flag(n.engaged_at_start)), 0),
        func.coalesce(func.sum(case((n.engaged_at_start.is_not(None), 1), else_=0)), 0),
        func.coalesce(func.sum(flag(n.engaged_at_charge)), 0),
        func.coalesce(func.sum(case((n.engaged_at_charge.is_not(None), 1), else_=0)), 0),
        func.coalesce(func.sum(known(n.statement_date)), 0),
        func.coalesce(func.sum(flag(n.attended_court)), 0),
        func.coalesce(func.sum(flag(n.gave_evidence)), 0),
        func.coalesce(func.sum(flag(n.repatriated)), 0),
        func.coalesce(func.sum(known(n.closed_date)), 0),
    ).where(n.referral_date >= date_from, n.referral_date <= date_to)
    return NavigatorCounts(*(int(v) for v in conn.execute(q).one()))


def _contact_window(date_from: date, date_to: date, as_at: date) -> tuple[Any, ...]:
    v = VLO_CONTACT.c
    end = london_start(min(date_to, as_at) + timedelta(days=1))
    return (v.contact_at >= london_start(date_from), v.contact_at < end, live_contact())


def victim_district(person_id: Any, on: date) -> Any:
    """The district a victim is counted under: that of their latest NRM referral (or Duty to Notify
    report) with a district, submitted on or before ``on``; NULL when none has one."""
    r = NRM_REFERRAL.c
    return (
        select(r.district_id)
        .where(r.person_id == person_id, r.submitted_date <= on, r.district_id.is_not(None))
        .order_by(r.submitted_date.desc(), r.id.desc())
        .limit(1)
        .scalar_subquery()
    )


class ContactFigures(NamedTuple):
    by_purpose: list[PurposeRow]
    victims: dict[str | None, int]  # distinct people contacted, by the code of their district


def contact_figures(conn: Connection, date_from: date, date_to: date, as_at: date) -> ContactFigures:
    """VLO contacts made on the London days of the period up to the as-at date, by purpose and the
    victim's district (``victim_district`` at the end of the period), and the distinct victims contacted
    by district (each person under one district, so the counts add up).

    One pass over the window's contacts: grouped by victim and purpose from the covering index on
    (contact_at, purpose, person_id, ...), each victim's district looked up once, then summed both ways
    in one statement. (Two statements, each reading the window and looking districts up per row, took
    6.8 s of a COM summary at a million arrests.)"""
    v = VLO_CONTACT.c
    per_person = (
        select(
            v.person_id,
            v.purpose,
            func.count().label("contacts"),
            func.sum(case((v.notified_on_time.is_not(None), 1), else_=0)).label("notified"),
            func.sum(case((v.notified_on_time.is_(True), 1), else_=0)).label("on_time"),
            func.sum(case((v.safeguarding_concern.is_(True), 1), else_=0)).label("concerns"),
        )
        .where(*_contact_window(date_from, date_to, as_at))
        .group_by(v.person_id, v.purpose)
        .cte("per_person")
    )
    p = per_person.c
    people = (
        select(p.person_id, victim_district(p.person_id, min(date_to, as_at)).label("district_id"))
        .group_by(p.person_id)
        .cte("contacted")
    )
    by_purpose = (
        select(
            literal(0).label("victims"),
            p.purpose,
            func.sum(p.contacts).label("contacts"),
            func.sum(p.notified).label("notified"),
            func.sum(p.on_time).label("on_time"),
            func.sum(p.concerns).label("concerns"),
            DISTRICT.c.code,
        )
        .select_from(
            per_person.join(people, people.c.person_id == p.person_id).outerjoin(
                DISTRICT, DISTRICT.c.id == people.c.district_id
            )
        )
        .group_by(p.purpose, DISTRICT.c.code)
    )
    victims = (
        select(
            literal(1),
            literal(""),
            func.count(),
            literal(0),
            literal(0),
            literal(0),
            DISTRICT.c.code,
        )
        .select_from(people.outerjoin(DISTRICT, DISTRICT.c.id == people.c.district_id))
        .group_by(DISTRICT.c.code)
    )
    rows: list[PurposeRow] = []
    contacted: dict[str | None, int] = {}
    for kind, purpose, n, notified, timely, concern, code in conn.execute(union_all(by_purpose, victims)):
        if kind:
            contacted[code] = int(n)
        else:
            rows.append(
                PurposeRow(purpose, int(n), int(notified or 0), int(timely or 0), int(concern or 0), code)
            )
    return ContactFigures(rows, contacted)


def stays_admitted(conn: Connection, date_from: date, date_to: date, as_at: date) -> list[AdmittedStay]:
    """Stays admitted on the London days of the period and by the end of the as-at date, by id."""
    s = HAVEN_STAY.c
    start, stop = london_start(date_from), london_start(date_to + timedelta(days=1))
    cut = london_start(as_at + timedelta(days=1))
    q = (
        select(
            s.admitted_at,
            s.discharged_at,
            s.nrm_decision_at_reception,
            s.discharge_destination,
            s.adults,
            s.children,
            DISTRICT.c.code,
        )
        .select_from(HAVEN_STAY.outerjoin(DISTRICT, DISTRICT.c.id == s.referring_district_id))
        .where(s.admitted_at >= start, s.admitted_at < stop, s.admitted_at < cut)
        .order_by(s.id)
    )
    return [AdmittedStay._make(r) for r in conn.execute(q)]


def stays_overlapping(conn: Connection, date_from: date, date_to: date, as_at: date) -> list[StaySpan]:
    """Stays admitted before the period's end (and the as-at date's) and not discharged before it began."""
    s = HAVEN_STAY.c
    start, stop = london_start(date_from), london_start(date_to + timedelta(days=1))
    cut = london_start(as_at + timedelta(days=1))
    q = select(s.admitted_at, s.discharged_at).where(
        s.admitted_at < stop,
        s.admitted_at < cut,
        or_(s.discharged_at.is_(None), s.discharged_at > start),
    )
    return [StaySpan._make(r) for r in conn.execute(q)]


@dataclass(frozen=True)
class ComFigures:
    """Everything the COM summary reads beyond the disposal tables, in one read transaction."""

    referrals: list[ReferralRow]
    decisions: list[DecisionRow]
    referral_counts: dict[tuple[str, str], int]
    previous_referral_counts: dict[tuple[str, str], int]
    navigator_referrals: int
    previous_navigator_referrals: int
    admissions: int
    previous_admissions: int
    arrests_by_day: list[ArrestDayRow]
    navigator: NavigatorCounts
    contacts: list[PurposeRow]
    victims_contacted: dict[str | None, int]  # by district code
    stays_admitted: list[AdmittedStay]
    stays_overlapping: list[StaySpan]
    active_beds: int
    legislation: list[LegislationRow] = field(default_factory=list)
    year_ago_referral_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    year_ago_navigator_referrals: int = 0
    year_ago_admissions: int = 0
    engagement: EngagementCounts = field(default_factory=EngagementCounts)
    outcomes: list[OutcomeDistrictRow] = field(default_factory=list)
    people_charged: PeopleCharged = PeopleCharged(0, 0, 0)


def com_figures(
    conn: Connection,
    date_from: date,
    date_to: date,
    as_at: date,
    previous: tuple[date, date],
    recorded_at: datetime | None = None,
    year_ago: tuple[date, date] | None = None,
) -> ComFigures:
    """The period's figures, and the previous period's headline counts (``previous``: its first and
    last days), as at ``as_at``, the arrests, disposal events and NRM decisions as recorded at
    ``recorded_at`` (default: now), and the same headline counts for ``year_ago`` (the same period a
    year earlier; None: the previous period's). Referrals, Navigator cases, stays and contacts are edited
    in place (no transaction time yet), so they are read as they stand."""
    before = (
        referral_counts(conn, *previous),
        navigator_count(conn, *previous),
        admissions(conn, *previous),
    )
    year = before
    if year_ago is not None and year_ago != previous:  # a financial year's are the previous period's
        year = (
            referral_counts(conn, *year_ago),
            navigator_count(conn, *year_ago),
            admissions(conn, *year_ago),
        )
    contacted = contact_figures(conn, date_from, date_to, as_at)
    period_referrals = referrals(conn, date_from, date_to)
    return ComFigures(
        referrals=period_referrals,
        decisions=decisions(conn, date_from, date_to, recorded_at),
        # the period's counts from its rows, already read, not a second reading of the period
        referral_counts=dict(Counter((r.route, r.age_at_exploitation) for r in period_referrals)),
        previous_referral_counts=before[0],
        navigator_referrals=navigator_count(conn, date_from, date_to),
        previous_navigator_referrals=before[1],
        admissions=admissions(conn, date_from, date_to),
        previous_admissions=before[2],
        arrests_by_day=arrests_by_day(conn, date_from, date_to, recorded_at),
        navigator=navigator_counts(conn, date_from, date_to, as_at),
        contacts=contacted.by_purpose,
        victims_contacted=contacted.victims,
        stays_admitted=stays_admitted(conn, date_from, date_to, as_at),
        stays_overlapping=stays_overlapping(conn, date_from, date_to, as_at),
        active_beds=active_beds(conn),
        legislation=offences_by_legislation(conn, date_from, date_to, recorded_at),
        year_ago_referral_counts=year[0],
        year_ago_navigator_referrals=year[1],
        year_ago_admissions=year[2],
        engagement=engagement_counts(decision_victims(conn, date_from, date_to, as_at, recorded_at), as_at),
        outcomes=outcomes_by_district(conn, date_from, date_to, as_at, recorded_at),
        people_charged=people_charged(conn, date_from, date_to, as_at, recorded_at),
    )
