"""Merging two records of one person: what each holds, moving rows by id, and the merge's audit events.

The service decides what moves and records it; this module only reads and moves rows. Every mover is
guarded by the person the row is expected to belong to, so a row that has since gone elsewhere is left
where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Connection, Table, func, select, update

from mshtdesk.store.tables import (
    AUDIT,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_REFERRAL,
    PERSON,
    PERSON_LINK,
    PERSON_SUPPORT,
    USER,
    VLO_CONTACT,
)

#: The tables whose rows belong to a person by ``person_id`` and move with a merge, by the name the
#: audit event gives them (the table's own name).
MOVABLE: dict[str, Table] = {
    t.name: t for t in (NRM_REFERRAL, HAVEN_STAY, VLO_CONTACT, NAVIGATOR_CASE, PERSON_LINK)
}


class MergeState(NamedTuple):
    """What a merge checks of one person before it moves anything."""

    id: int
    person_ref: str
    version: int
    vlo_user_id: int | None
    merged_into_id: int | None
    merge_event_id: int | None
    merged_into_ref: str  # "" when not merged
    erased_at: datetime | None  # when the person's personal data was erased (services/retention.py)


class MergeSide(NamedTuple):
    """One person as the merge dialog shows them."""

    id: int
    person_ref: str
    surname: str
    forenames: str
    date_of_birth: date | None
    estimated_age: int | None
    nationality: str
    gender: str
    vlo: str  # the assigned VLO's user name, or ""
    version: int


class MergeEvent(NamedTuple):
    id: int
    action: str
    entity: str
    record_id: str
    fields: str
    at: datetime


def merge_state(conn: Connection, person_id: int) -> MergeState | None:
    into = PERSON.alias("into")
    row = conn.execute(
        select(
            PERSON.c.id,
            PERSON.c.person_ref,
            PERSON.c.version,
            PERSON.c.vlo_user_id,
            PERSON.c.merged_into_id,
            PERSON.c.merge_event_id,
            func.coalesce(into.c.person_ref, ""),
            PERSON.c.erased_at,
        )
        .select_from(PERSON.outerjoin(into, into.c.id == PERSON.c.merged_into_id))
        .where(PERSON.c.id == person_id)
    ).one_or_none()
    return None if row is None else MergeState._make(row)


def merge_side(conn: Connection, person_id: int) -> MergeSide:
    officer = USER.alias("vlo")
    row = conn.execute(
        select(
            PERSON.c.id,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            PERSON.c.date_of_birth,
            PERSON.c.estimated_age,
            PERSON.c.nationality,
            PERSON.c.gender,
            func.coalesce(officer.c.username, ""),
            PERSON.c.version,
        )
        .select_from(PERSON.outerjoin(officer, officer.c.id == PERSON.c.vlo_user_id))
        .where(PERSON.c.id == person_id)
    ).one()
    return MergeSide._make(row)


def held_rows(conn: Connection, person_id: int) -> dict[str, list[int]]:
    """The ids of the person's rows in every movable table, by table name (ascending ids)."""
    return {
        name: [
            int(i)
            for i in conn.execute(select(t.c.id).where(t.c.person_id == person_id).order_by(t.c.id)).scalars()
        ]
        for name, t in MOVABLE.items()
    }


def supporter_ids(conn: Connection, person_id: int) -> list[int]:
    stmt = select(PERSON_SUPPORT.c.user_id).where(PERSON_SUPPORT.c.person_id == person_id)
    return sorted(int(u) for u in conn.execute(stmt).scalars())


def move_rows(conn: Connection, table: str, ids: Sequence[int], from_id: int, to_id: int) -> int:
    """Give the rows ``ids`` of ``table`` still held by ``from_id`` to ``to_id``; how many moved."""
    t = MOVABLE[table]
    moved = 0
    for start in range(0, len(ids), 500):  # under every driver's limit on bound parameters
        chunk = list(ids[start : start + 500])
        result = conn.execute(
            update(t).where(t.c.id.in_(chunk), t.c.person_id == from_id).values(person_id=to_id)
        )
        moved += result.rowcount
    return moved


def move_support(conn: Connection, user_ids: Iterable[int], from_id: int, to_id: int) -> list[int]:
    """Move the Navigators ``user_ids`` supporting ``from_id`` to ``to_id`` (those not already there)."""
    moved = []
    for user_id in user_ids:
        taken = conn.execute(
            select(PERSON_SUPPORT.c.user_id).where(
                PERSON_SUPPORT.c.person_id == to_id, PERSON_SUPPORT.c.user_id == user_id
            )
        ).first()
        if taken is not None:
            continue
        result = conn.execute(
            update(PERSON_SUPPORT)
            .where(PERSON_SUPPORT.c.person_id == from_id, PERSON_SUPPORT.c.user_id == user_id)
            .values(person_id=to_id)
        )
        if result.rowcount:
            moved.append(user_id)
    return moved


def contacts_superseding(conn: Connection, ids: Iterable[int], person_id: int) -> list[int]:
    """Contacts of ``person_id`` that correct or withdraw one of ``ids``, and those correcting them."""
    found: set[int] = set()
    wanted = set(ids)
    while wanted:
        rows = conn.execute(
            select(VLO_CONTACT.c.id).where(
                VLO_CONTACT.c.supersedes_id.in_(sorted(wanted)), VLO_CONTACT.c.person_id == person_id
            )
        ).scalars()
        wanted = {int(r) for r in rows} - found
        found |= wanted
    return sorted(found)


def set_vlo_if(conn: Connection, person_id: int, expected: int | None, vlo_user_id: int | None) -> bool:
    """Set the person's VLO if it is still ``expected``; False when someone changed it since."""
    condition = PERSON.c.vlo_user_id.is_(None) if expected is None else PERSON.c.vlo_user_id == expected
    result = conn.execute(
        update(PERSON).where(PERSON.c.id == person_id, condition).values(vlo_user_id=vlo_user_id)
    )
    return result.rowcount == 1


def mark_merged(
    conn: Connection,
    person_id: int,
    version: int,
    into_id: int | None,
    event_id: int | None,
    updated_at: datetime,
) -> bool:
    """Mark (or, with None, unmark) the person merged, if still at ``version``; the version moves on."""
    result = conn.execute(
        update(PERSON)
        .where(PERSON.c.id == person_id, PERSON.c.version == version)
        .values(merged_into_id=into_id, merge_event_id=event_id, version=version + 1, updated_at=updated_at)
    )
    return result.rowcount == 1


def touch_person(conn: Connection, person_id: int, version: int, updated_at: datetime) -> bool:
    """Move the person's version on (their record changed under them), if still at ``version``."""
    result = conn.execute(
        update(PERSON)
        .where(PERSON.c.id == person_id, PERSON.c.version == version)
        .values(version=version + 1, updated_at=updated_at)
    )
    return result.rowcount == 1


def merged_from(conn: Connection, person_id: int) -> list[str]:
    """The references of the people merged into this one."""
    stmt = select(PERSON.c.person_ref).where(PERSON.c.merged_into_id == person_id).order_by(PERSON.c.id)
    return [str(r) for r in conn.execute(stmt).scalars()]


def audit_events(conn: Connection, first_id: int, count: int) -> list[MergeEvent]:
    """The audit events ``first_id`` .. ``first_id + count - 1`` (a merge and its continuations)."""
    stmt = (
        select(AUDIT.c.id, AUDIT.c.action, AUDIT.c.entity, AUDIT.c.record_id, AUDIT.c.fields, AUDIT.c.at)
        .where(AUDIT.c.id >= first_id, AUDIT.c.id < first_id + count)
        .order_by(AUDIT.c.id)
    )
    return [MergeEvent._make(r) for r in conn.execute(stmt)]


def person_id_of(conn: Connection, person_ref: str) -> int | None:
    found = conn.execute(select(PERSON.c.id).where(PERSON.c.person_ref == person_ref)).scalar()
    return None if found is None else int(found)
