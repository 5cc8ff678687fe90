"""Haven House: the beds, the stays in them and who is in the house now."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, update

from mshtdesk.store.queries.filters import contains_text, count_rows
from mshtdesk.store.tables import DISTRICT, HAVEN_BED, HAVEN_STAY, PERSON


class OpenStay(NamedTuple):
    id: int
    person_id: int | None  # None for an anonymous stay
    surname: str  # "" when anonymous
    forenames: str
    person_ref: str
    bed: str  # the bed's label
    admitted_at: datetime
    adults: int
    children: int


def open_stays(conn: Connection) -> list[OpenStay]:
    """Stays not yet discharged, longest first (admission, then id)."""
    q = (
        select(
            HAVEN_STAY.c.id,
            HAVEN_STAY.c.person_id,
            func.coalesce(PERSON.c.surname, ""),
            func.coalesce(PERSON.c.forenames, ""),
            func.coalesce(PERSON.c.person_ref, ""),
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
    return [OpenStay._make(r) for r in conn.execute(q)]


# ----- beds ----------------------------------------------------------------------------------------


class BedState(NamedTuple):
    id: int
    label: str
    room: str
    active: bool
    sort_order: int
    stay_id: int | None  # the open stay in the bed, or None when free
    admitted_at: datetime | None  # that stay's admission


def beds(conn: Connection, *, include_retired: bool = True) -> list[BedState]:
    """The beds in their configured order, each with its open stay (if any)."""
    stmt = select(
        HAVEN_BED.c.id,
        HAVEN_BED.c.label,
        HAVEN_BED.c.room,
        HAVEN_BED.c.active,
        HAVEN_BED.c.sort_order,
        HAVEN_STAY.c.id,
        HAVEN_STAY.c.admitted_at,
    ).select_from(
        HAVEN_BED.outerjoin(
            HAVEN_STAY, and_(HAVEN_STAY.c.bed_id == HAVEN_BED.c.id, HAVEN_STAY.c.discharged_at.is_(None))
        )
    )
    if not include_retired:
        stmt = stmt.where(HAVEN_BED.c.active)
    return [BedState._make(r) for r in conn.execute(stmt.order_by(HAVEN_BED.c.sort_order, HAVEN_BED.c.label))]


def active_beds(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).where(HAVEN_BED.c.active.is_(True))).scalar_one())


def bed_labelled(conn: Connection, label: str) -> bool:
    """Whether a bed already has this label (any case)."""
    found = conn.execute(select(HAVEN_BED.c.id).where(func.lower(HAVEN_BED.c.label) == label.casefold()))
    return found.first() is not None


def insert_bed(conn: Connection, label: str, room: str, sort_order: int | None) -> int:
    """A new active bed; ``sort_order`` None puts it after the others."""
    if sort_order is None:
        last = conn.execute(select(func.coalesce(func.max(HAVEN_BED.c.sort_order), 0))).scalar_one()
        sort_order = int(last) + 1
    return int(
        conn.execute(
            insert(HAVEN_BED).returning(HAVEN_BED.c.id),
            {"label": label, "room": room, "active": True, "sort_order": sort_order},
        ).scalar_one()
    )


def bed_label(conn: Connection, bed_id: int) -> str | None:
    value = conn.execute(select(HAVEN_BED.c.label).where(HAVEN_BED.c.id == bed_id)).scalar()
    return None if value is None else str(value)


def bed_occupied(conn: Connection, bed_id: int) -> bool:
    q = select(HAVEN_STAY.c.id).where(HAVEN_STAY.c.bed_id == bed_id, HAVEN_STAY.c.discharged_at.is_(None))
    return conn.execute(q).first() is not None


def set_bed_active(conn: Connection, bed_id: int, active: bool) -> None:
    conn.execute(update(HAVEN_BED).where(HAVEN_BED.c.id == bed_id).values(active=active))


# ----- stays ---------------------------------------------------------------------------------------


class StayListRow(NamedTuple):
    id: int
    person_id: int | None
    person_ref: str  # "" when anonymous
    surname: str
    forenames: str
    bed_id: int
    bed: str  # the bed's label
    room: str
    admitted_at: datetime
    discharged_at: datetime | None
    adults: int
    children: int
    referring_district: str  # code, "" when none
    operation: str
    nrm_decision_at_reception: str
    discharge_destination: str
    version: int
    services: str  # codes joined
    notes: str


_STAY_COLUMNS = (
    HAVEN_STAY.c.id,
    HAVEN_STAY.c.person_id,
    func.coalesce(PERSON.c.person_ref, ""),
    func.coalesce(PERSON.c.surname, ""),
    func.coalesce(PERSON.c.forenames, ""),
    HAVEN_STAY.c.bed_id,
    HAVEN_BED.c.label,
    HAVEN_BED.c.room,
    HAVEN_STAY.c.admitted_at,
    HAVEN_STAY.c.discharged_at,
    HAVEN_STAY.c.adults,
    HAVEN_STAY.c.children,
    func.coalesce(DISTRICT.c.code, ""),
    HAVEN_STAY.c.operation,
    HAVEN_STAY.c.nrm_decision_at_reception,
    HAVEN_STAY.c.discharge_destination,
    HAVEN_STAY.c.version,
    HAVEN_STAY.c.services,
    HAVEN_STAY.c.notes,
)


def _stay_from() -> Any:
    return (
        HAVEN_STAY.join(HAVEN_BED, HAVEN_BED.c.id == HAVEN_STAY.c.bed_id)
        .outerjoin(PERSON, PERSON.c.id == HAVEN_STAY.c.person_id)
        .outerjoin(DISTRICT, DISTRICT.c.id == HAVEN_STAY.c.referring_district_id)
    )


def _stay_conditions(in_house: bool, text: str) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if in_house:
        conds.append(HAVEN_STAY.c.discharged_at.is_(None))
    found = contains_text(
        text, (PERSON.c.surname, PERSON.c.forenames, PERSON.c.person_ref, HAVEN_STAY.c.operation)
    )
    if found is not None:
        conds.append(found)
    return conds


def count_stays(conn: Connection, *, in_house: bool, text: str, at_most: int | None = None) -> int:
    """Stays (only those not yet discharged when ``in_house``) whose names, reference or operation hold
    ``text``."""
    stmt = select(func.count()).select_from(
        HAVEN_STAY.outerjoin(PERSON, PERSON.c.id == HAVEN_STAY.c.person_id)
    )
    return count_rows(conn, stmt.where(*_stay_conditions(in_house, text)), at_most)


def page_stays(conn: Connection, *, in_house: bool, text: str, offset: int, limit: int) -> list[StayListRow]:
    """One page of the stays ``count_stays`` counts, latest admission first."""
    stmt = (
        select(*_STAY_COLUMNS)
        .select_from(_stay_from())
        .where(*_stay_conditions(in_house, text))
        .order_by(HAVEN_STAY.c.admitted_at.desc(), HAVEN_STAY.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [StayListRow._make(r) for r in conn.execute(stmt)]


def get_stay(conn: Connection, stay_id: int) -> StayListRow | None:
    row = conn.execute(
        select(*_STAY_COLUMNS).select_from(_stay_from()).where(HAVEN_STAY.c.id == stay_id)
    ).first()
    return None if row is None else StayListRow._make(row)


def district_id(conn: Connection, code_or_name: str) -> int | None:
    """The district whose code or name is this text (any case); None when there is none."""
    text = code_or_name.strip().casefold()
    found = conn.execute(
        select(DISTRICT.c.id).where(
            or_(func.lower(DISTRICT.c.code) == text, func.lower(DISTRICT.c.name) == text)
        )
    ).scalar()
    return None if found is None else int(found)


def insert_stay(conn: Connection, values: dict[str, Any]) -> int:
    """A new stay (``values``: the ``haven_stay`` columns); its id."""
    return int(conn.execute(insert(HAVEN_STAY).returning(HAVEN_STAY.c.id), values).scalar_one())


class StayState(NamedTuple):
    """A stay's stored values, to check and compare a change against."""

    admitted_at: datetime
    discharged_at: datetime | None
    version: int
    person_id: int | None
    bed_id: int
    referring_district_id: int | None
    operation: str
    adults: int
    children: int
    services: str
    nrm_decision_at_reception: str
    notes: str


def stay_state(conn: Connection, stay_id: int) -> StayState | None:
    row = conn.execute(
        select(*(HAVEN_STAY.c[name] for name in StayState._fields)).where(HAVEN_STAY.c.id == stay_id)
    ).one_or_none()
    return None if row is None else StayState._make(row)


def save_stay(conn: Connection, stay_id: int, version: int, values: dict[str, Any], now: datetime) -> bool:
    """Write ``values`` if the stay is still at ``version`` (bumping it); False when someone saved first."""
    result = conn.execute(
        update(HAVEN_STAY)
        .where(HAVEN_STAY.c.id == stay_id, HAVEN_STAY.c.version == version)
        .values(**values, version=version + 1, updated_at=now)
    )
    return result.rowcount == 1


def stays_between(
    conn: Connection, first: datetime, last: datetime
) -> list[tuple[datetime, datetime | None]]:
    """(admitted, discharged) of the stays admitted before ``last`` and not discharged before ``first``."""
    q = select(HAVEN_STAY.c.admitted_at, HAVEN_STAY.c.discharged_at).where(
        HAVEN_STAY.c.admitted_at < last,
        or_(HAVEN_STAY.c.discharged_at.is_(None), HAVEN_STAY.c.discharged_at >= first),
    )
    return [(a, d) for a, d in conn.execute(q)]
