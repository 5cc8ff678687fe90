"""The arrests register's records: one arrest with its offences and disposal events, and their writes.

The paged list is in ``arrests``; this module holds what opening, adding and amending one arrest runs.
Disposal events are only ever inserted: a correction or retraction is a new row that supersedes another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, update

from mshtdesk.store.tables import ARREST, DISPOSAL_TYPE, DISTRICT, EVENT, OFFENCE, OFFENCE_TYPE


class ArrestHead(NamedTuple):
    id: int
    custody_ref: str
    arrest_date: date
    district: str  # code
    detainee_ref: str
    operation: str
    notes: str
    version: int


class OffenceLine(NamedTuple):
    id: int
    offence_ref: str
    type_code: str
    legislation: str
    section: str
    type_label: str
    offence_text: str


class EventLine(NamedTuple):
    offence_id: int
    id: int
    disposal_code: str
    event_date: date
    note: str
    reason: str
    source: str
    recorded_at: datetime
    supersedes_id: int | None
    superseded_by: int  # how many later events supersede it
    is_void: bool


class ArrestFields(NamedTuple):
    """The editable details as stored, in the order the audit log names them."""

    custody_ref: str
    arrest_date: date
    district_id: int
    detainee_ref: str
    operation: str
    notes: str


class EventTarget(NamedTuple):
    offence_id: int
    disposal_type_id: int
    event_date: date
    is_void: bool


def table_counts(conn: Connection) -> tuple[int, int, int]:
    """How many arrests, offences and disposal events the register holds."""
    a, o, e = (
        int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in (ARREST, OFFENCE, EVENT)
    )
    return a, o, e


def arrest_id_of(conn: Connection, custody_ref: str) -> int | None:
    found = conn.execute(select(ARREST.c.id).where(ARREST.c.custody_ref == custody_ref)).scalar()
    return None if found is None else int(found)


def arrest_exists(conn: Connection, arrest_id: int) -> bool:
    return conn.execute(select(ARREST.c.id).where(ARREST.c.id == arrest_id)).scalar() is not None


def arrest_head(conn: Connection, arrest_id: int) -> ArrestHead | None:
    row = conn.execute(
        select(
            ARREST.c.id,
            ARREST.c.custody_ref,
            ARREST.c.arrest_date,
            DISTRICT.c.code,
            ARREST.c.detainee_ref,
            ARREST.c.operation,
            ARREST.c.notes,
            ARREST.c.version,
        )
        .select_from(ARREST.join(DISTRICT, DISTRICT.c.id == ARREST.c.district_id))
        .where(ARREST.c.id == arrest_id)
    ).one_or_none()
    return None if row is None else ArrestHead._make(row)


def arrest_offences(conn: Connection, arrest_id: int) -> list[OffenceLine]:
    """The arrest's offences with their offence types, by reference."""
    rows = conn.execute(
        select(
            OFFENCE.c.id,
            OFFENCE.c.offence_ref,
            OFFENCE_TYPE.c.code,
            OFFENCE_TYPE.c.legislation,
            OFFENCE_TYPE.c.section,
            OFFENCE_TYPE.c.label,
            OFFENCE.c.offence_text,
        )
        .select_from(OFFENCE.join(OFFENCE_TYPE, OFFENCE_TYPE.c.id == OFFENCE.c.offence_type_id))
        .where(OFFENCE.c.arrest_id == arrest_id)
        .order_by(OFFENCE.c.offence_ref, OFFENCE.c.id)
    )
    return [OffenceLine._make(r) for r in rows]


def arrest_events(conn: Connection, arrest_id: int) -> list[EventLine]:
    """Every disposal event of the arrest's offences, oldest first, with whether it was superseded."""
    later = EVENT.alias("later")
    superseded = select(func.count()).where(later.c.supersedes_id == EVENT.c.id).scalar_subquery()
    rows = conn.execute(
        select(
            EVENT.c.offence_id,
            EVENT.c.id,
            DISPOSAL_TYPE.c.code,
            EVENT.c.event_date,
            EVENT.c.note,
            EVENT.c.reason,
            EVENT.c.source,
            EVENT.c.recorded_at,
            EVENT.c.supersedes_id,
            superseded,
            EVENT.c.is_void,
        )
        .select_from(
            EVENT.join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id).join(
                OFFENCE, OFFENCE.c.id == EVENT.c.offence_id
            )
        )
        .where(OFFENCE.c.arrest_id == arrest_id)
        .order_by(EVENT.c.event_date, EVENT.c.recorded_at, EVENT.c.id)
    )
    return [EventLine._make(r) for r in rows]


def insert_arrest(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(ARREST).returning(ARREST.c.id), values).scalar_one())


def arrest_fields(conn: Connection, arrest_id: int) -> ArrestFields | None:
    row = conn.execute(
        select(
            ARREST.c.custody_ref,
            ARREST.c.arrest_date,
            ARREST.c.district_id,
            ARREST.c.detainee_ref,
            ARREST.c.operation,
            ARREST.c.notes,
        ).where(ARREST.c.id == arrest_id)
    ).one_or_none()
    return None if row is None else ArrestFields._make(row)


def update_arrest(conn: Connection, arrest_id: int, version: int, values: dict[str, Any]) -> bool:
    """Save ``values`` if the arrest is still at ``version``; False when it is not (or is gone)."""
    result = conn.execute(
        update(ARREST).where(ARREST.c.id == arrest_id, ARREST.c.version == version).values(**values)
    )
    return result.rowcount == 1


def offence_refs(conn: Connection, arrest_id: int) -> set[str]:
    return set(conn.execute(select(OFFENCE.c.offence_ref).where(OFFENCE.c.arrest_id == arrest_id)).scalars())


def offence_type_id(conn: Connection, code: str) -> int:
    return int(conn.execute(select(OFFENCE_TYPE.c.id).where(OFFENCE_TYPE.c.code == code)).scalar_one())


def insert_offence(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(OFFENCE).returning(OFFENCE.c.id), values).scalar_one())


def arrest_date_of_offence(conn: Connection, offence_id: int) -> date | None:
    """The date of the offence's arrest; None when the offence is not in the register."""
    row = conn.execute(
        select(ARREST.c.arrest_date)
        .select_from(OFFENCE.join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id))
        .where(OFFENCE.c.id == offence_id)
    ).one_or_none()
    return None if row is None else row.arrest_date


def disposal_type_id(conn: Connection, code: str) -> int | None:
    found = conn.execute(select(DISPOSAL_TYPE.c.id).where(DISPOSAL_TYPE.c.code == code)).scalar()
    return None if found is None else int(found)


def insert_event(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(EVENT).returning(EVENT.c.id), values).scalar_one())


def arrest_id_of_offence(conn: Connection, offence_id: int) -> int:
    return int(conn.execute(select(OFFENCE.c.arrest_id).where(OFFENCE.c.id == offence_id)).scalar_one())


def event_target(conn: Connection, event_id: int) -> EventTarget | None:
    """What a correction or retraction of this event needs to know of it."""
    row = conn.execute(
        select(EVENT.c.offence_id, EVENT.c.disposal_type_id, EVENT.c.event_date, EVENT.c.is_void).where(
            EVENT.c.id == event_id
        )
    ).one_or_none()
    return None if row is None else EventTarget._make(row)


def is_superseded(conn: Connection, event_id: int) -> bool:
    return conn.execute(select(EVENT.c.id).where(EVENT.c.supersedes_id == event_id)).scalar() is not None
