"""Corrections of arrests and offences, appended with their transaction time, and the SQL conditions that
apply them "as recorded at T": an arrest's state at T is its row plus its corrections recorded at or
before T. Corrections are rare, so the tables ask one cheap question of every arrest (is it corrected at
all by T? one probe of the small ``(arrest_id, recorded_at)`` index) and work out the corrected values
only for those that are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Exists, ScalarSelect, func, insert, select

from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.tables import ARREST, CORRECTION, DISTRICT, EVENT, OFFENCE, OFFENCE_TYPE, USER


class Kind(StrEnum):
    WITHDRAW = "withdraw"
    DISTRICT = "district"
    DATE = "date"
    OFFENCE_WITHDRAW = "offence_withdraw"
    OFFENCE_CORRECT = "offence_correct"


class CorrectionLine(NamedTuple):
    """One correction as the register shows it."""

    id: int
    offence_id: int | None
    kind: str
    district: str | None  # code
    arrest_date: date | None
    offence_type_code: str | None
    offence_text: str
    reason: str
    recorded_at: datetime
    recorded_by: str  # display name, else user name; "" when unknown


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC: the columns hold UTC without an offset, and SQLite compares the text as given
    (``10:00+01:00`` would otherwise be read as 10:00 UTC)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC)


def _upto(recorded_at: datetime) -> ColumnElement[bool]:
    return CORRECTION.c.recorded_at <= in_utc(recorded_at)


def corrected(arrest_id: ColumnElement[int], recorded_at: datetime) -> Exists:
    """Has the arrest (or one of its offences) any correction recorded at or before ``recorded_at``?"""
    return row_exists().where(CORRECTION.c.arrest_id == arrest_id, _upto(recorded_at))


def corrected_ids(recorded_at: datetime) -> Any:
    """The ids of the arrests with a correction recorded at or before ``recorded_at`` (a subquery)."""
    return select(CORRECTION.c.arrest_id).where(_upto(recorded_at))


def withdrawn(arrest_id: ColumnElement[int], recorded_at: datetime) -> Exists:
    return row_exists().where(
        CORRECTION.c.arrest_id == arrest_id, CORRECTION.c.kind == Kind.WITHDRAW.value, _upto(recorded_at)
    )


def offence_withdrawn(offence_id: ColumnElement[int], recorded_at: datetime) -> Exists:
    return row_exists().where(
        CORRECTION.c.offence_id == offence_id,
        CORRECTION.c.kind == Kind.OFFENCE_WITHDRAW.value,
        _upto(recorded_at),
    )


def latest(
    column: str, kind: Kind, arrest_id: ColumnElement[int], recorded_at: datetime
) -> ScalarSelect[Any]:
    """The value of the latest ``kind`` correction of the arrest recorded by then (NULL when none)."""
    return (
        select(CORRECTION.c[column])
        .where(CORRECTION.c.arrest_id == arrest_id, CORRECTION.c.kind == kind.value, _upto(recorded_at))
        .order_by(CORRECTION.c.recorded_at.desc(), CORRECTION.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def insert_correction(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(CORRECTION).returning(CORRECTION.c.id), values).scalar_one())


def arrest_corrections(conn: Connection, arrest_id: int) -> list[CorrectionLine]:
    """Every correction of the arrest and its offences, oldest first."""
    return [line for _, line in corrections_of(conn, [arrest_id])]


def corrections_of(
    conn: Connection, arrest_ids: list[int], kind: Kind | None = None
) -> list[tuple[int, CorrectionLine]]:
    """``(arrest_id, correction)`` of these arrests (of one ``kind``, if given), oldest first."""
    c = CORRECTION.c
    q = (
        select(
            c.arrest_id,
            c.id,
            c.offence_id,
            c.kind,
            DISTRICT.c.code,
            c.arrest_date,
            OFFENCE_TYPE.c.code,
            c.offence_text,
            c.reason,
            c.recorded_at,
            USER.c.display_name,
            USER.c.username,
        )
        .select_from(
            CORRECTION.outerjoin(DISTRICT, DISTRICT.c.id == c.district_id)
            .outerjoin(OFFENCE_TYPE, OFFENCE_TYPE.c.id == c.offence_type_id)
            .outerjoin(USER, USER.c.id == c.recorded_by)
        )
        .where(c.arrest_id.in_(arrest_ids), *([] if kind is None else [c.kind == kind.value]))
        .order_by(c.recorded_at, c.id)
    )
    return [(int(r[0]), CorrectionLine(*r[1:10], r[10] or r[11] or "")) for r in conn.execute(q)]


def withdrawn_ids(conn: Connection, arrest_ids: list[int], recorded_at: datetime) -> set[int]:
    """Which of these arrests are withdrawn as recorded at ``recorded_at``."""
    if not arrest_ids:
        return set()
    q = select(CORRECTION.c.arrest_id).where(
        CORRECTION.c.arrest_id.in_(arrest_ids), CORRECTION.c.kind == Kind.WITHDRAW.value, _upto(recorded_at)
    )
    return {int(i) for i in conn.execute(q).scalars()}


class ArrestState(NamedTuple):
    """An arrest as recorded now: its corrected district and date, and whether it is withdrawn."""

    id: int
    custody_ref: str
    arrest_date: date
    district_id: int
    withdrawn: bool
    first_event: date | None  # the earliest disposal event of its offences


class OffenceState(NamedTuple):
    id: int
    arrest_id: int
    offence_ref: str
    arrest_withdrawn: bool
    withdrawn: bool


def arrest_state(conn: Connection, arrest_id: int, now: datetime) -> ArrestState | None:

    a = ARREST.c
    first = (
        select(func.min(EVENT.c.event_date))
        .select_from(EVENT.join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id))
        .where(OFFENCE.c.arrest_id == a.id)
        .scalar_subquery()
    )
    row = conn.execute(
        select(
            a.id,
            a.custody_ref,
            func.coalesce(latest("arrest_date", Kind.DATE, a.id, now), a.arrest_date),
            func.coalesce(latest("district_id", Kind.DISTRICT, a.id, now), a.district_id),
            withdrawn(a.id, now),
            first,
        ).where(a.id == arrest_id)
    ).one_or_none()
    if row is None:
        return None
    return ArrestState(row[0], row[1], row[2], int(row[3]), bool(row[4]), row[5])


def offence_state(conn: Connection, offence_id: int, now: datetime) -> OffenceState | None:

    o = OFFENCE.c
    row = conn.execute(
        select(
            o.id, o.arrest_id, o.offence_ref, withdrawn(o.arrest_id, now), offence_withdrawn(o.id, now)
        ).where(o.id == offence_id)
    ).one_or_none()
    if row is None:
        return None
    return OffenceState(row[0], row[1], row[2], bool(row[3]), bool(row[4]))
