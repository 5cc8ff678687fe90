"""Haven House: the beds, the stays in them and who is in the house now."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, func, select

from mshtdesk.store.tables import HAVEN_BED, HAVEN_STAY, PERSON


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
