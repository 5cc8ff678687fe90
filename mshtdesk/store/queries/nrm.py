"""NRM referrals and their decisions: the scoped, filtered and sorted list, one referral, and the writes.

A referral's status is computed in SQL from its latest effective decision (the same rule as
``services.nrm_rules.status_of``), so the list can filter and sort on it and one query serves a page.
Decisions are only ever inserted: a withdrawal is a void row that supersedes another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    false,
    func,
    insert,
    select,
    update,
)

from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, ReferralStatus, Route
from mshtdesk.store.queries.filters import contains_text, count_rows
from mshtdesk.store.queries.imports import chunks
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.queries.scope import PersonScope, person_in_scope
from mshtdesk.store.tables import DISTRICT, NRM_DECISION, NRM_REFERRAL, PERSON, USER

#: The referral columns a form fills in, stored as they are (the rest are keys, versions and times).
REFERRAL_STORED = (
    "route",
    "consents",
    "cooperates",
    "first_responder",
    "first_responder_org",
    "submitted_date",
    "age_at_referral",
    "age_at_exploitation",
    "exploitation",
    "exploitation_label",
    "sub_types",
    "exploitation_location",
    "crime_ref",
    "no_crime_reason",
    "district_id",
    "operation",
    "notes",
)

#: Columns the list may be sorted by.
SORT_KEYS = (
    "referral_ref",
    "person",
    "route",
    "submitted_date",
    "age_at_referral",
    "exploitation",
    "status",
)


@dataclass(frozen=True)
class ReferralQuery:
    """The NRM page's filter bar. ``text`` matches the referral reference, person reference, names and
    crime reference; dates are inclusive."""

    text: str = ""
    route: Route | None = None
    age_at_referral: AgeAtReferral | None = None
    status: ReferralStatus | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


class ReferralLine(NamedTuple):
    """One row of the list, with the referral's latest effective decision (None when it has none)."""

    id: int
    referral_ref: str
    person_id: int
    person_ref: str
    surname: str
    forenames: str
    route: str
    age_at_referral: str
    submitted_date: date
    exploitation_label: str
    status: str
    last_kind: str | None
    last_outcome: str | None
    last_on: date | None


class ReferralRecord(NamedTuple):
    referral_ref: str
    person_id: int
    person_ref: str
    surname: str
    forenames: str
    version: int
    district: str  # code, "" for none
    values: dict[str, Any]  # REFERRAL_STORED but district_id, by name


class DecisionEntry(NamedTuple):
    """What the decision rules need of an entry (``nrm_rules.effective`` takes these)."""

    id: int
    kind: str
    outcome: str
    decided_on: date
    is_void: bool
    supersedes_id: int | None


class DecisionLine(NamedTuple):
    """An entry of the decision history as the referral shows it."""

    id: int
    kind: str
    outcome: str
    decided_on: date
    is_void: bool
    supersedes_id: int | None
    note: str
    reason: str
    source: str
    recorded_by: str  # user name, "" when unknown
    recorded_at: datetime

    @property
    def entry(self) -> DecisionEntry:
        return DecisionEntry(
            self.id, self.kind, self.outcome, self.decided_on, self.is_void, self.supersedes_id
        )


class DecisionTarget(NamedTuple):
    referral_id: int
    kind: str
    outcome: str
    decided_on: date


class RouteAndDate(NamedTuple):
    route: str
    submitted_date: date


def _effective_sql(d: FromClause) -> ColumnElement[bool]:
    """Not a void marker and not withdrawn by one. The withdrawn ids are one uncorrelated subquery, which
    SQLite and PostgreSQL run once and hash: withdrawals are rare, so this stays cheaper than a correlated
    NOT EXISTS probing the ``supersedes_id`` index once per decision."""
    later = NRM_DECISION.alias("later")
    withdrawn = select(later.c.supersedes_id).where(later.c.supersedes_id.is_not(None))
    return and_(d.c.is_void == false(), d.c.id.not_in(withdrawn))


def _referrals(
    q: ReferralQuery, scope: PersonScope, overdue_cutoff: date, columns: Sequence[Any]
) -> tuple[Select[Any], ColumnElement[str]]:
    """The filtered statement over ``columns`` (the names "status", "last_kind", "last_outcome" and
    "last_on" stand for the computed columns), and the status column to sort on."""
    # Each referral's latest decision in force, found by a probe of its few decisions: a page (200 rows
    # in submission order, read from the index) probes 200 referrals. A window over every decision made
    # each page cost the whole register: 0.13 s at 50,000 referrals.
    d = NRM_DECISION.alias("d")
    last_id = (
        select(d.c.id)
        .where(d.c.referral_id == NRM_REFERRAL.c.id, _effective_sql(d))
        .order_by(d.c.decided_on.desc(), d.c.id.desc())
        .limit(1)
        .correlate(NRM_REFERRAL)
        .scalar_subquery()
    )
    last = NRM_DECISION.alias("last")
    cg = NRM_DECISION.alias("cg")
    has_cg = row_exists().where(
        cg.c.referral_id == NRM_REFERRAL.c.id, cg.c.kind == DecisionKind.CG.value, _effective_sql(cg)
    )
    status = case(
        (NRM_REFERRAL.c.route == Route.DUTY_TO_NOTIFY.value, ReferralStatus.DUTY_TO_NOTIFY.value),
        (
            last.c.kind.is_(None),
            case(
                (NRM_REFERRAL.c.submitted_date <= overdue_cutoff, ReferralStatus.RG_OVERDUE.value),
                else_=ReferralStatus.AWAITING_RG.value,
            ),
        ),
        (last.c.kind == DecisionKind.WITHDRAWAL.value, ReferralStatus.WITHDRAWN.value),
        (
            and_(last.c.kind == DecisionKind.RG.value, last.c.outcome == Outcome.POSITIVE.value),
            ReferralStatus.AWAITING_CG.value,
        ),
        (
            last.c.kind == DecisionKind.RECONSIDERATION_REQUESTED.value,
            case((has_cg, ReferralStatus.AWAITING_CG.value), else_=ReferralStatus.AWAITING_RG.value),
        ),
        else_=ReferralStatus.CONCLUDED.value,
    ).label("status")
    named = {
        "status": status,
        "last_kind": last.c.kind,
        "last_outcome": last.c.outcome,
        "last_on": last.c.decided_on,
    }
    cols = [named[c] if isinstance(c, str) else c for c in columns]
    base = NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id)
    if q.status is not None or any(isinstance(c, str) for c in columns):
        # Only a page or a status filter needs each referral's latest decision.
        base = base.outerjoin(last, last.c.id == last_id)
    stmt = select(*cols).select_from(base)
    condition = person_in_scope(scope, NRM_REFERRAL.c.person_id)
    if condition is not None:
        stmt = stmt.where(condition)
    found = contains_text(
        q.text,
        (
            NRM_REFERRAL.c.referral_ref,
            NRM_REFERRAL.c.crime_ref,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
        ),
    )
    if found is not None:
        stmt = stmt.where(found)
    if q.route is not None:
        stmt = stmt.where(NRM_REFERRAL.c.route == Route(q.route).value)
    if q.age_at_referral is not None:
        stmt = stmt.where(NRM_REFERRAL.c.age_at_referral == AgeAtReferral(q.age_at_referral).value)
    if q.submitted_from is not None:
        stmt = stmt.where(NRM_REFERRAL.c.submitted_date >= q.submitted_from)
    if q.submitted_to is not None:
        stmt = stmt.where(NRM_REFERRAL.c.submitted_date <= q.submitted_to)
    if q.status is not None:
        stmt = stmt.where(status == ReferralStatus(q.status).value)
    return stmt, status


def count_referrals(
    conn: Connection, q: ReferralQuery, scope: PersonScope, overdue_cutoff: date, at_most: int | None = None
) -> int:
    """How many referrals the list holds over all its pages (no more than ``at_most``). ``overdue_cutoff``:
    the latest submission date whose RG decision is overdue (``nrm_rules.overdue_cutoff``)."""
    stmt, _ = _referrals(q, scope, overdue_cutoff, [func.count()])
    return count_rows(conn, stmt, at_most)


def page_referrals(
    conn: Connection,
    q: ReferralQuery,
    scope: PersonScope,
    overdue_cutoff: date,
    *,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[ReferralLine]:
    """One page of the list, sorted on ``sort`` (one of ``SORT_KEYS``) with the id breaking ties."""
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort referrals by {sort!r}; choose one of {', '.join(SORT_KEYS)}")
    rt = NRM_REFERRAL
    stmt, status = _referrals(
        q,
        scope,
        overdue_cutoff,
        [
            rt.c.id,
            rt.c.referral_ref,
            rt.c.person_id,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            rt.c.route,
            rt.c.age_at_referral,
            rt.c.submitted_date,
            rt.c.exploitation_label,
            "status",
            "last_kind",
            "last_outcome",
            "last_on",
        ],
    )
    keys: dict[str, list[Any]] = {
        "referral_ref": [rt.c.referral_ref],
        "person": [PERSON.c.surname, PERSON.c.forenames, PERSON.c.person_ref],
        "route": [rt.c.route],
        "submitted_date": [rt.c.submitted_date],
        "age_at_referral": [rt.c.age_at_referral],
        "exploitation": [rt.c.exploitation_label],
        "status": [status],
    }
    order = [k.desc() if descending else k.asc() for k in [*keys[sort], rt.c.id]]
    stmt = stmt.order_by(*order).offset(offset).limit(limit)
    return [ReferralLine._make(r) for r in conn.execute(stmt)]


def find_referral_id(conn: Connection, referral_ref: str, scope: PersonScope) -> int | None:
    """The id of the referral with this reference, if it is in ``scope``."""
    stmt = (
        select(NRM_REFERRAL.c.id)
        .select_from(NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id))
        .where(NRM_REFERRAL.c.referral_ref == referral_ref)
    )
    condition = person_in_scope(scope, NRM_REFERRAL.c.person_id)
    if condition is not None:
        stmt = stmt.where(condition)
    found = conn.execute(stmt).scalar()
    return None if found is None else int(found)


def person_of_referral(conn: Connection, referral_id: int) -> int | None:
    found = conn.execute(select(NRM_REFERRAL.c.person_id).where(NRM_REFERRAL.c.id == referral_id)).scalar()
    return None if found is None else int(found)


_SHOWN = tuple(f for f in REFERRAL_STORED if f != "district_id")


def referral_record(conn: Connection, referral_id: int) -> ReferralRecord:
    """The referral with its person's names and district code; the referral must exist."""
    rt = NRM_REFERRAL
    row = conn.execute(
        select(
            rt.c.referral_ref,
            rt.c.person_id,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            rt.c.version,
            func.coalesce(DISTRICT.c.code, ""),
            *(rt.c[f] for f in _SHOWN),
        )
        .select_from(
            rt.join(PERSON, PERSON.c.id == rt.c.person_id).outerjoin(
                DISTRICT, DISTRICT.c.id == rt.c.district_id
            )
        )
        .where(rt.c.id == referral_id)
    ).one()
    ref, person_id, person_ref, surname, forenames, version, district, *stored = row
    return ReferralRecord(
        ref,
        person_id,
        person_ref,
        surname,
        forenames,
        version,
        district,
        dict(zip(_SHOWN, stored, strict=True)),
    )


def decision_history(conn: Connection, referral_id: int) -> list[DecisionLine]:
    """Every entry of the referral's history in id order, void markers included."""
    recorder = USER.alias("recorder")
    rows = conn.execute(
        select(
            NRM_DECISION.c.id,
            NRM_DECISION.c.kind,
            NRM_DECISION.c.outcome,
            NRM_DECISION.c.decided_on,
            NRM_DECISION.c.is_void,
            NRM_DECISION.c.supersedes_id,
            NRM_DECISION.c.note,
            NRM_DECISION.c.reason,
            NRM_DECISION.c.source,
            func.coalesce(recorder.c.username, ""),
            NRM_DECISION.c.recorded_at,
        )
        .select_from(NRM_DECISION.outerjoin(recorder, recorder.c.id == NRM_DECISION.c.recorded_by))
        .where(NRM_DECISION.c.referral_id == referral_id)
        .order_by(NRM_DECISION.c.id)
    )
    return [DecisionLine._make(r) for r in rows]


def decision_entries(conn: Connection, referral_id: int) -> list[DecisionEntry]:
    """The referral's entries in id order, as the decision rules take them."""
    dt = NRM_DECISION
    rows = conn.execute(
        select(dt.c.id, dt.c.kind, dt.c.outcome, dt.c.decided_on, dt.c.is_void, dt.c.supersedes_id)
        .where(dt.c.referral_id == referral_id)
        .order_by(dt.c.id)
    )
    return [
        DecisionEntry(r.id, r.kind, r.outcome, r.decided_on, bool(r.is_void), r.supersedes_id) for r in rows
    ]


def referral_ref_taken(conn: Connection, referral_ref: str, own_id: int | None) -> bool:
    """Does a referral other than ``own_id`` have this reference?"""
    stmt = select(NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.referral_ref == referral_ref)
    if own_id is not None:
        stmt = stmt.where(NRM_REFERRAL.c.id != own_id)
    return conn.execute(stmt).first() is not None


def insert_referral(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(NRM_REFERRAL).returning(NRM_REFERRAL.c.id), values).scalar_one())


def set_referral_ref(conn: Connection, referral_id: int, referral_ref: str) -> None:
    conn.execute(
        update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == referral_id).values(referral_ref=referral_ref)
    )


def has_decisions(conn: Connection, referral_id: int) -> bool:
    found = conn.execute(
        select(NRM_DECISION.c.id).where(NRM_DECISION.c.referral_id == referral_id).limit(1)
    ).first()
    return found is not None


def referral_values(conn: Connection, referral_id: int, columns: Sequence[str]) -> dict[str, Any]:
    """The stored ``columns`` of the referral, by name; the referral must exist."""
    row = conn.execute(
        select(*(NRM_REFERRAL.c[c] for c in columns)).where(NRM_REFERRAL.c.id == referral_id)
    ).one()
    return dict(zip(columns, row, strict=True))


def update_referral(conn: Connection, referral_id: int, version: int, values: dict[str, Any]) -> bool:
    """Save ``values`` if the referral is still at ``version``; False when someone saved in between."""
    result = conn.execute(
        update(NRM_REFERRAL)
        .where(NRM_REFERRAL.c.id == referral_id, NRM_REFERRAL.c.version == version)
        .values(**values)
    )
    return result.rowcount == 1


def route_and_date(conn: Connection, referral_id: int) -> RouteAndDate:
    row = conn.execute(
        select(NRM_REFERRAL.c.route, NRM_REFERRAL.c.submitted_date).where(NRM_REFERRAL.c.id == referral_id)
    ).one()
    return RouteAndDate(row.route, row.submitted_date)


def insert_decision(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(NRM_DECISION).returning(NRM_DECISION.c.id), values).scalar_one())


def touch_referral(conn: Connection, referral_id: int, updated_at: datetime) -> None:
    """Mark the referral changed (a decision was added or withdrawn)."""
    conn.execute(update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == referral_id).values(updated_at=updated_at))


def decision_target(conn: Connection, decision_id: int) -> DecisionTarget | None:
    dt = NRM_DECISION
    row = conn.execute(
        select(dt.c.referral_id, dt.c.kind, dt.c.outcome, dt.c.decided_on).where(dt.c.id == decision_id)
    ).one_or_none()
    return None if row is None else DecisionTarget._make(row)


class ReferralAge(NamedTuple):
    """What the age rule looks at on a stored referral."""

    person_id: int
    referral_ref: str
    route: str
    age_at_referral: str
    age_at_exploitation: str
    submitted_date: date


def referral_ages(conn: Connection, person_ids: Sequence[int]) -> list[ReferralAge]:
    """Those people's referrals, in order of submission, for checking a date of birth against them."""
    out: list[ReferralAge] = []
    stmt = select(
        NRM_REFERRAL.c.person_id,
        NRM_REFERRAL.c.referral_ref,
        NRM_REFERRAL.c.route,
        NRM_REFERRAL.c.age_at_referral,
        NRM_REFERRAL.c.age_at_exploitation,
        NRM_REFERRAL.c.submitted_date,
    ).order_by(NRM_REFERRAL.c.submitted_date, NRM_REFERRAL.c.id)
    for chunk in chunks(person_ids):
        out += [ReferralAge._make(r) for r in conn.execute(stmt.where(NRM_REFERRAL.c.person_id.in_(chunk)))]
    return out
