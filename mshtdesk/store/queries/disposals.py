"""The as-at rule in SQL: one statement per table, never a query per arrest.

An offence's disposal as at D is its latest effective event dated on or before D, a same-day tie going
to the higher rank (lower number); an arrest's is the best of its offences'. An event is effective
unless it is a retraction (``is_void``) or another event supersedes it. The correlated subquery is an
index probe on ``(offence_id, event_date)``; plain SQL that SQLite and PostgreSQL both run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, Connection, ScalarSelect, and_, exists, false, func, select, update
from sqlalchemy.sql.elements import ColumnClause

from mshtdesk.store.tables import ARREST, DISPOSAL_TYPE, EVENT, OFFENCE


def effective() -> ColumnElement[bool]:
    """The condition on ``EVENT`` that keeps only events still in force."""
    later = EVENT.alias("superseding")
    return and_(EVENT.c.is_void == false(), ~exists().where(later.c.supersedes_id == EVENT.c.id))


def offence_rank_as_at(
    offence_id: ColumnElement[int] | ColumnClause[int], as_at: date | None
) -> ScalarSelect[int]:
    """Rank of the offence's disposal as at ``as_at`` (None: over all events; NULL when it has none)."""
    dated = [] if as_at is None else [EVENT.c.event_date <= as_at]
    return (
        select(DISPOSAL_TYPE.c.rank)
        .select_from(EVENT.join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id))
        .where(EVENT.c.offence_id == offence_id, *dated, effective())
        .order_by(EVENT.c.event_date.desc(), DISPOSAL_TYPE.c.rank.asc())
        .limit(1)
        .scalar_subquery()
    )


def arrest_rank_as_at(arrest_id: ColumnElement[int], as_at: date | None) -> ScalarSelect[int]:
    """Rank of the arrest's disposal as at ``as_at``: the best of its offences' (NULL when none has one)."""
    o = OFFENCE.alias("o_rank")
    return (
        select(func.min(offence_rank_as_at(o.c.id, as_at)))
        .where(o.c.arrest_id == arrest_id)
        .scalar_subquery()
    )


def refresh_current_rank(conn: Connection, arrest_ids: Iterable[int] | None = None) -> None:
    """Recompute ``arrest.current_rank`` for these arrests (None: all, after the ranking changed)."""
    stmt = update(ARREST).values(current_rank=arrest_rank_as_at(ARREST.c.id, None))
    if arrest_ids is None:
        conn.execute(stmt)
        return
    ids = sorted(set(arrest_ids))
    for i in range(0, len(ids), 500):
        conn.execute(stmt.where(ARREST.c.id.in_(ids[i : i + 500])))


def disposal_counts(
    conn: Connection, date_from: date, date_to: date, as_at: date
) -> list[tuple[int, int | None, int]]:
    """``(district_id, rank or None, arrests)`` for arrests dated in [date_from, date_to], as at ``as_at``.

    Each arrest's rank is the correlated ``arrest_rank_as_at`` (the best of its offences', NULL when none
    has one, as an outer join and MIN would give). Without a GROUP BY on the arrest id the planner reads
    the period through the ``arrest_date`` index instead of scanning every arrest in id order (half the
    time of a financial year on the 100,000-arrest benchmark)."""
    per_arrest = (
        select(ARREST.c.district_id, arrest_rank_as_at(ARREST.c.id, as_at).label("rank"))
        .where(ARREST.c.arrest_date >= date_from, ARREST.c.arrest_date <= date_to)
        .subquery("per_arrest")
    )
    stmt = select(per_arrest.c.district_id, per_arrest.c.rank, func.count()).group_by(
        per_arrest.c.district_id, per_arrest.c.rank
    )
    return [(int(d), None if r is None else int(r), int(n)) for d, r, n in conn.execute(stmt)]
