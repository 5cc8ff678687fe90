"""Retention: the rules, each person's last activity per kind of record, the review queue, keep decisions
and erasure (blanking a person's personal fields in place, so every count they are part of stays).

"Last activity" of a kind is the latest date on it: a referral's submission, edits and decisions; a
Navigator case's referral, milestones and edits; a stay's admission and discharge; a contact; the
person's own edits and links; a linked arrest's date, edits and disposal events. Date-times count by
their UTC day. A person is past review when no kind has activity on or after its cutoff (today less the
kind's years) and any next review date set by a keep decision has come.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    and_,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)

from mshtdesk.domain.record_retention import DEFAULT_YEARS, ERASED_NAME, RecordKind
from mshtdesk.store import search_index
from mshtdesk.store.queries.corrections import in_utc
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.tables import (
    ARREST,
    ENGAGEMENT,
    EVENT,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    RETENTION_REVIEW,
    RETENTION_RULE,
    USER,
    VLO_CONTACT,
)


class RuleLine(NamedTuple):
    kind: str
    years: int
    updated_at: datetime | None
    updated_by: str  # display name, else user name; "" for the default set by the upgrade


class DueLine(NamedTuple):
    """A person past review, as the queue lists them: no more than a manager needs to decide."""

    id: int
    person_ref: str
    surname: str
    forenames: str
    review_due: date | None  # the next review date a keep decision (or the form) set


@dataclass(frozen=True)
class _Dated:
    """One dated column of a kind: where it is, and how it reaches the person."""

    kind: RecordKind
    source: FromClause
    person: ColumnElement[int]
    column: ColumnElement[Any]
    is_moment: bool  # a date-time, compared by its UTC day


def _sources() -> list[_Dated]:
    r, d, n, s, c, p = NRM_REFERRAL.c, NRM_DECISION.c, NAVIGATOR_CASE.c, HAVEN_STAY.c, VLO_CONTACT.c, PERSON.c
    decisions = NRM_DECISION.join(NRM_REFERRAL, NRM_REFERRAL.c.id == d.referral_id)
    linked = PERSON_LINK.join(ARREST, ARREST.c.id == PERSON_LINK.c.arrest_id)
    milestones = PERSON_LINK.join(ENGAGEMENT, ENGAGEMENT.c.link_id == PERSON_LINK.c.id)
    events = linked.join(OFFENCE, OFFENCE.c.arrest_id == ARREST.c.id).join(
        EVENT, EVENT.c.offence_id == OFFENCE.c.id
    )
    k = RecordKind
    return [
        _Dated(k.PERSON, PERSON, p.id, p.created_at, True),
        _Dated(k.PERSON, PERSON, p.id, p.updated_at, True),
        _Dated(k.PERSON, PERSON_LINK, PERSON_LINK.c.person_id, PERSON_LINK.c.created_at, True),
        _Dated(k.PERSON, milestones, PERSON_LINK.c.person_id, ENGAGEMENT.c.milestone_date, False),
        _Dated(k.PERSON, milestones, PERSON_LINK.c.person_id, ENGAGEMENT.c.recorded_at, True),
        _Dated(k.REFERRAL, NRM_REFERRAL, r.person_id, r.submitted_date, False),
        _Dated(k.REFERRAL, NRM_REFERRAL, r.person_id, r.updated_at, True),
        _Dated(k.REFERRAL, decisions, r.person_id, d.decided_on, False),
        _Dated(k.REFERRAL, decisions, r.person_id, d.recorded_at, True),
        _Dated(k.NAVIGATOR_CASE, NAVIGATOR_CASE, n.person_id, n.referral_date, False),
        _Dated(k.NAVIGATOR_CASE, NAVIGATOR_CASE, n.person_id, n.closed_date, False),
        _Dated(k.NAVIGATOR_CASE, NAVIGATOR_CASE, n.person_id, n.updated_at, True),
        _Dated(k.STAY, HAVEN_STAY, s.person_id, s.admitted_at, True),
        _Dated(k.STAY, HAVEN_STAY, s.person_id, s.discharged_at, True),
        _Dated(k.CONTACT, VLO_CONTACT, c.person_id, c.contact_at, True),
        _Dated(k.CONTACT, VLO_CONTACT, c.person_id, c.created_at, True),
        _Dated(k.ARREST, linked, PERSON_LINK.c.person_id, ARREST.c.arrest_date, False),
        _Dated(k.ARREST, linked, PERSON_LINK.c.person_id, ARREST.c.updated_at, True),
        _Dated(k.ARREST, events, PERSON_LINK.c.person_id, EVENT.c.event_date, False),
        _Dated(k.ARREST, events, PERSON_LINK.c.person_id, EVENT.c.recorded_at, True),
    ]


def _day_start(day: date) -> datetime:
    return in_utc(datetime(day.year, day.month, day.day, tzinfo=UTC))


# ----- rules ---------------------------------------------------------------------------------------


def rules(conn: Connection) -> list[RuleLine]:
    """Every stored rule, with who last changed it."""
    who = func.coalesce(func.nullif(USER.c.display_name, ""), USER.c.username, "")
    stmt = (
        select(RETENTION_RULE.c.kind, RETENTION_RULE.c.years, RETENTION_RULE.c.updated_at, who)
        .select_from(RETENTION_RULE.outerjoin(USER, USER.c.id == RETENTION_RULE.c.updated_by))
        .order_by(RETENTION_RULE.c.kind)
    )
    return [RuleLine._make(r) for r in conn.execute(stmt)]


def rule_years(conn: Connection) -> dict[RecordKind, int]:
    """Years per kind; a kind with no stored rule gets the default."""
    stored = {r.kind: r.years for r in conn.execute(select(RETENTION_RULE.c.kind, RETENTION_RULE.c.years))}
    return {k: int(stored.get(k.value, DEFAULT_YEARS)) for k in RecordKind}


def set_rule(
    conn: Connection, kind: RecordKind, years: int, user_id: int | None, now: datetime
) -> int | None:
    """Store the rule; returns the years it replaced (None when the kind had no row)."""
    old = conn.execute(select(RETENTION_RULE.c.years).where(RETENTION_RULE.c.kind == kind.value)).scalar()
    values = {"years": years, "updated_at": now, "updated_by": user_id}
    if old is None:
        conn.execute(insert(RETENTION_RULE).values(kind=kind.value, **values))
    else:
        conn.execute(update(RETENTION_RULE).where(RETENTION_RULE.c.kind == kind.value).values(**values))
    return None if old is None else int(old)


# ----- the queue -----------------------------------------------------------------------------------


def _past_review(cutoffs: Mapping[RecordKind, date], today: date) -> ColumnElement[bool]:
    """People not erased, with no activity of any kind on or after that kind's cutoff, whose next review
    date (if any) has come."""
    conditions: list[ColumnElement[bool]] = [
        PERSON.c.erased_at.is_(None),
        PERSON.c.merged_into_id.is_(None),  # a merged duplicate is reviewed with the record it went into
        or_(PERSON.c.review_due.is_(None), PERSON.c.review_due <= today),
    ]
    recent: dict[tuple[RecordKind, int], tuple[_Dated, list[ColumnElement[bool]]]] = {}
    for src in _sources():
        cut = cutoffs[src.kind]
        bound: Any = _day_start(cut) if src.is_moment else cut
        if src.source is PERSON:
            conditions.append(or_(src.column.is_(None), src.column < bound))
            continue
        # one probe per table and kind: any of its dates on or after the cutoff
        recent.setdefault((src.kind, id(src.source)), (src, []))[1].append(src.column >= bound)
    for src, found in recent.values():
        conditions.append(
            not_(row_exists().select_from(src.source).where(src.person == PERSON.c.id, or_(*found)))
        )
    return and_(*conditions)


def count_due(conn: Connection, cutoffs: Mapping[RecordKind, date], today: date) -> int:
    stmt = select(func.count()).select_from(PERSON).where(_past_review(cutoffs, today))
    return int(conn.execute(stmt).scalar_one())


def page_due(
    conn: Connection,
    cutoffs: Mapping[RecordKind, date],
    today: date,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[DueLine]:
    """People past review, oldest record first (by id: sorting by last activity would compute it for all)."""
    stmt = (
        select(PERSON.c.id, PERSON.c.person_ref, PERSON.c.surname, PERSON.c.forenames, PERSON.c.review_due)
        .where(_past_review(cutoffs, today))
        .order_by(PERSON.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [DueLine._make(r) for r in conn.execute(stmt)]


def last_activity(conn: Connection, person_ids: Sequence[int]) -> dict[int, dict[RecordKind, date | None]]:
    """Per person, the latest day of activity of each kind (None: no record of that kind)."""
    found: dict[int, dict[RecordKind, date | None]] = {pid: dict.fromkeys(RecordKind) for pid in person_ids}
    if not person_ids:
        return found
    for src in _sources():
        stmt = (
            select(src.person, func.max(src.column))
            .select_from(src.source)
            .where(src.person.in_(person_ids))
            .group_by(src.person)
        )
        for pid, latest in conn.execute(stmt):
            if latest is None:
                continue
            day = latest.date() if isinstance(latest, datetime) else latest
            kinds = found[pid]
            current = kinds[src.kind]
            kinds[src.kind] = day if current is None or day > current else current
    return found


# ----- decisions and erasure -----------------------------------------------------------------------


class PersonState(NamedTuple):
    person_ref: str
    erased_at: datetime | None
    merged_into_ref: str  # "" unless the record was merged into another


def person_state(conn: Connection, person_id: int) -> PersonState | None:
    """The person's reference, when they were erased and what they went into; None if no such person."""
    into = PERSON.alias("into")
    row = conn.execute(
        select(PERSON.c.person_ref, PERSON.c.erased_at, into.c.person_ref.label("merged_into_ref"))
        .select_from(PERSON.outerjoin(into, into.c.id == PERSON.c.merged_into_id))
        .where(PERSON.c.id == person_id)
    ).one_or_none()
    return None if row is None else PersonState(row.person_ref, row.erased_at, row.merged_into_ref or "")


def merged_into(conn: Connection, person_id: int) -> list[int]:
    """Every record merged into this one, directly or through another merged record: erasing a person
    erases the duplicates that were folded into them (they still hold the names they were entered with)."""
    found: list[int] = []
    wave = [person_id]
    while wave:
        wave = [
            int(i)
            for i in conn.execute(select(PERSON.c.id).where(PERSON.c.merged_into_id.in_(wave))).scalars()
            if int(i) != person_id and int(i) not in found
        ]
        found.extend(wave)
    return found


def person_names(conn: Connection, person_id: int) -> list[str]:
    """The names the person is known by (surname, forenames, aliases), to keep them out of a reason."""
    row = conn.execute(
        select(PERSON.c.surname, PERSON.c.forenames, PERSON.c.aliases).where(PERSON.c.id == person_id)
    ).one()
    return [row.surname, row.forenames, *row.aliases.replace(",", ";").split(";")]


def add_review(
    conn: Connection,
    person_id: int,
    decision: str,
    reason: str,
    next_review: date | None,
    user_id: int | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(RETENTION_REVIEW).values(
            person_id=person_id,
            decision=decision,
            reason=reason,
            next_review=next_review,
            decided_by=user_id,
            decided_at=now,
        )
    )


def set_review_due(conn: Connection, person_id: int, next_review: date) -> None:
    """Keep: the next review date. The version moves (an open form reloads) but ``updated_at`` does not:
    a review is not activity, or every keep would restart the clock."""
    conn.execute(
        update(PERSON)
        .where(PERSON.c.id == person_id)
        .values(review_due=next_review, version=PERSON.c.version + 1)
    )


#: The person's fields an erasure blanks. Nationality stays: the COM summary counts referrals by it.
ERASED_PERSON = {
    "surname": ERASED_NAME,
    "forenames": "",
    "aliases": "",
    "date_of_birth": None,
    "estimated_age": None,
    "gender": "unknown",
    "second_nationality": "",
    "first_language": "",
    "interpreter_language": "",
    "contact_details": "",
    "facts": "",
    "assessments": "",
    "review_due": None,
}


def erase(conn: Connection, person_id: int, now: datetime) -> dict[str, int]:
    """Blank the person's personal fields and the free text on everything hanging off them; codes, dates
    and flags (what the tables count) stay. Returns how many rows of each kind were blanked."""
    conn.execute(
        update(PERSON)
        .where(PERSON.c.id == person_id)
        .values(**ERASED_PERSON, erased_at=now, updated_at=now, version=PERSON.c.version + 1)
    )
    referrals = select(NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.person_id == person_id).scalar_subquery()
    blanks: Iterable[tuple[str, Any, dict[str, Any]]] = (
        (
            "referrals",
            update(NRM_REFERRAL).where(NRM_REFERRAL.c.person_id == person_id),
            {"first_responder": "", "no_crime_reason": "", "operation": "", "notes": ""},
        ),
        (
            "decisions",
            update(NRM_DECISION).where(NRM_DECISION.c.referral_id.in_(referrals)),
            {"note": "", "reason": ""},
        ),
        (
            "navigator_cases",
            update(NAVIGATOR_CASE).where(NAVIGATOR_CASE.c.person_id == person_id),
            {"referral_source": "", "notes": ""},
        ),
        (
            "stays",
            update(HAVEN_STAY).where(HAVEN_STAY.c.person_id == person_id),
            {"operation": "", "notes": ""},
        ),
        (
            "contacts",
            update(VLO_CONTACT).where(VLO_CONTACT.c.person_id == person_id),
            {"interpreter_language": "", "summary": "", "reason": ""},
        ),
        (
            "links",
            update(PERSON_LINK).where(PERSON_LINK.c.person_id == person_id),
            {"operation": ""},
        ),
        (
            "milestones",
            update(ENGAGEMENT).where(
                ENGAGEMENT.c.link_id.in_(
                    select(PERSON_LINK.c.id).where(PERSON_LINK.c.person_id == person_id).scalar_subquery()
                )
            ),
            {"reason": "", "withdraw_reason": ""},
        ),
        (
            "reviews",
            update(RETENTION_REVIEW).where(RETENTION_REVIEW.c.person_id == person_id),
            {"reason": ""},
        ),
    )
    counts = {name: conn.execute(stmt.values(**values)).rowcount for name, stmt, values in blanks}
    search_index.purge(conn)  # the triggers blanked the search entries; this drops their old trigrams
    return counts


def zero_freed_space(conn: Connection) -> None:
    """SQLite: from now on this connection overwrites deleted and replaced content with zeros, so the
    erasure's own transaction leaves no old cell behind in the pages it writes (SQLCipher does this by
    default; a plain SQLite file does not). The old page images stay in the WAL and the main file until
    ``scrub_free_space`` checkpoints them away."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def scrub_free_space(conn: Connection) -> bool:
    """SQLite: rebuild the file (VACUUM), so no free page or cell still holds text erased now or replaced
    earlier, and empty the WAL. ``conn`` must not be in a transaction.

    Returns False when another connection's read kept the WAL from being emptied (the next checkpoint
    overwrites it). A server database (PostgreSQL) keeps old row versions until its own VACUUM."""
    if conn.dialect.name != "sqlite":
        return True
    raw = conn.connection.dbapi_connection  # VACUUM cannot run inside the transaction SQLAlchemy begins
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.execute("PRAGMA secure_delete = ON")
        cur.execute("VACUUM")
        busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        cur.close()
    return not busy
