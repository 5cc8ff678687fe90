"""People in the victim pathway: the scoped, filtered list and one person's record and links.

List queries take the user's ``PersonScope``; the service checks single records before it reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, and_, delete, func, insert, select, union_all, update

from mshtdesk.store.queries.filters import contains_text, count_rows
from mshtdesk.store.queries.scope import PersonScope, person_in_scope
from mshtdesk.store.tables import PERSON, PERSON_LINK, PERSON_SUPPORT, USER


class PersonLine(NamedTuple):
    """One row of the people list."""

    id: int
    person_ref: str
    surname: str
    forenames: str
    date_of_birth: date | None
    nationality: str
    vlo: str  # the assigned VLO's user name, or ""


class PersonRecord(NamedTuple):
    id: int
    person_ref: str
    vlo_user_id: int | None
    version: int
    values: dict[str, Any]  # the fields asked for, by name


class NameKept(NamedTuple):
    """What decides whether a referral may be anonymous, and the age rules."""

    surname: str
    forenames: str
    aliases: str
    contact_details: str
    date_of_birth: date | None
    estimated_age: int | None


def _filtered(stmt: Select[Any], scope: PersonScope, text: str, vlo: str | None) -> Select[Any]:
    """``stmt`` narrowed to ``scope``, to people whose names, aliases or ref hold ``text``, and to those
    assigned to the liaison officer ``vlo`` (a user name; "" for nobody; None for any)."""
    stmt = stmt.where(PERSON.c.merged_into_id.is_(None))  # a merged duplicate lives on in the other
    condition = person_in_scope(scope, PERSON.c.id)
    if condition is not None:
        stmt = stmt.where(condition)
    if vlo == "":
        stmt = stmt.where(PERSON.c.vlo_user_id.is_(None))
    elif vlo is not None:
        stmt = stmt.where(
            PERSON.c.vlo_user_id.in_(select(USER.c.id).where(USER.c.username == vlo).scalar_subquery())
        )
    found = contains_text(text, (PERSON.c.surname, PERSON.c.forenames, PERSON.c.aliases, PERSON.c.person_ref))
    if found is not None:
        stmt = stmt.where(found)
    return stmt


def count_people(
    conn: Connection, scope: PersonScope, text: str, vlo: str | None, at_most: int | None = None
) -> int:
    stmt = _filtered(select(func.count()).select_from(PERSON), scope, text, vlo)
    return count_rows(conn, stmt, at_most)


def page_people(
    conn: Connection, scope: PersonScope, text: str, vlo: str | None, *, offset: int, limit: int | None
) -> list[PersonLine]:
    """One page of the list, by name (``limit`` None: the rest of it)."""
    officer = USER.alias("vlo")
    stmt: Select[Any] = select(
        PERSON.c.id,
        PERSON.c.person_ref,
        PERSON.c.surname,
        PERSON.c.forenames,
        PERSON.c.date_of_birth,
        PERSON.c.nationality,
        func.coalesce(officer.c.username, ""),
    ).select_from(PERSON.outerjoin(officer, officer.c.id == PERSON.c.vlo_user_id))
    stmt = _filtered(stmt, scope, text, vlo)
    stmt = stmt.order_by(PERSON.c.surname, PERSON.c.forenames, PERSON.c.id).offset(offset).limit(limit)
    return [PersonLine._make(r) for r in conn.execute(stmt)]


def person_record(conn: Connection, person_id: int, fields: Sequence[str]) -> PersonRecord:
    """The person's reference, liaison officer, version and ``fields``; the person must exist."""
    row = conn.execute(
        select(
            PERSON.c.id,
            PERSON.c.person_ref,
            PERSON.c.vlo_user_id,
            PERSON.c.version,
            *(PERSON.c[f] for f in fields),
        ).where(PERSON.c.id == person_id)
    ).one()
    return PersonRecord(
        row.id, row.person_ref, row.vlo_user_id, row.version, dict(zip(fields, row[4:], strict=True))
    )


def person_values(conn: Connection, person_id: int, fields: Sequence[str]) -> dict[str, Any]:
    """The stored ``fields`` of the person, by name; the person must exist."""
    row = conn.execute(select(*(PERSON.c[f] for f in fields)).where(PERSON.c.id == person_id)).one()
    return dict(zip(fields, row, strict=True))


def name_kept(conn: Connection, person_id: int) -> NameKept | None:
    row = conn.execute(
        select(
            PERSON.c.surname,
            PERSON.c.forenames,
            PERSON.c.aliases,
            PERSON.c.contact_details,
            PERSON.c.date_of_birth,
            PERSON.c.estimated_age,
        ).where(PERSON.c.id == person_id)
    ).one_or_none()
    return None if row is None else NameKept._make(row)


def person_exists(conn: Connection, person_id: int) -> bool:
    return conn.execute(select(PERSON.c.id).where(PERSON.c.id == person_id)).first() is not None


def insert_person(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(PERSON).returning(PERSON.c.id), values).scalar_one())


def set_person_ref(conn: Connection, person_id: int, person_ref: str) -> None:
    conn.execute(update(PERSON).where(PERSON.c.id == person_id).values(person_ref=person_ref))


def update_person(conn: Connection, person_id: int, version: int, values: dict[str, Any]) -> bool:
    """Save ``values`` if the person is still at ``version``; False when someone saved in between."""
    result = conn.execute(
        update(PERSON).where(PERSON.c.id == person_id, PERSON.c.version == version).values(**values)
    )
    return result.rowcount == 1


def set_vlo(conn: Connection, person_id: int, vlo_user_id: int | None, updated_at: datetime) -> None:
    conn.execute(
        update(PERSON).where(PERSON.c.id == person_id).values(vlo_user_id=vlo_user_id, updated_at=updated_at)
    )


def is_supported_by(conn: Connection, person_id: int, user_id: int) -> bool:
    return (
        conn.execute(
            select(PERSON_SUPPORT.c.person_id).where(
                PERSON_SUPPORT.c.person_id == person_id, PERSON_SUPPORT.c.user_id == user_id
            )
        ).first()
        is not None
    )


def add_support(conn: Connection, person_id: int, user_id: int) -> None:
    conn.execute(insert(PERSON_SUPPORT).values(person_id=person_id, user_id=user_id))


class Supporter(NamedTuple):
    user_id: int
    username: str
    display_name: str


def supporters(conn: Connection, person_id: int) -> list[Supporter]:
    """The Victim Navigators supporting this person (their scope), by display name."""
    stmt = (
        select(USER.c.id, USER.c.username, USER.c.display_name)
        .select_from(PERSON_SUPPORT.join(USER, USER.c.id == PERSON_SUPPORT.c.user_id))
        .where(PERSON_SUPPORT.c.person_id == person_id)
        .order_by(USER.c.display_name, USER.c.username)
    )
    return [Supporter(int(r.id), str(r.username), str(r.display_name)) for r in conn.execute(stmt)]


def end_support(conn: Connection, person_id: int, user_id: int) -> bool:
    """The Navigator no longer supports the person; False when they did not."""
    result = conn.execute(
        delete(PERSON_SUPPORT).where(
            PERSON_SUPPORT.c.person_id == person_id, PERSON_SUPPORT.c.user_id == user_id
        )
    )
    return result.rowcount == 1


def insert_link(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(PERSON_LINK).returning(PERSON_LINK.c.id), values).scalar_one())


class PersonBrief(NamedTuple):
    """One side of a possible duplicate: what is shown (ref and names) and what is only compared."""

    id: int
    person_ref: str
    surname: str
    forenames: str
    nationality: str
    gender: str


class DuplicateCandidate(NamedTuple):
    first: PersonBrief  # the older record (lower id)
    second: PersonBrief
    basis: str  # "date_of_birth" or "estimated_age": what the two share


def duplicate_candidates(conn: Connection, scope: PersonScope) -> list[DuplicateCandidate]:
    """Pairs of named people in ``scope`` sharing a date of birth, or with none and the same estimated
    age: the blocking step of duplicate finding, in one statement. The names are compared by the caller
    (``domain.names``); anonymous people (no surname or forenames, as a Duty to Notify) never pair."""
    a, b = PERSON.alias("a"), PERSON.alias("b")
    cols = ("id", "person_ref", "surname", "forenames", "nationality", "gender")
    named = [func.trim(t.c.surname + t.c.forenames) != "" for t in (a, b)]
    scoped = [c for c in (person_in_scope(scope, a.c.id), person_in_scope(scope, b.c.id)) if c is not None]

    def pairs(on: Any) -> Select[Any]:
        return (
            select(
                *(a.c[c].label(f"a_{c}") for c in cols),
                *(b.c[c].label(f"b_{c}") for c in cols),
                a.c.date_of_birth.is_not(None).label("dated"),
            )
            .select_from(a.join(b, and_(on, a.c.id < b.c.id)))
            .where(*named, *scoped, a.c.merged_into_id.is_(None), b.c.merged_into_id.is_(None))
        )

    same_birth = pairs(a.c.date_of_birth == b.c.date_of_birth)
    same_estimate = pairs(
        and_(a.c.date_of_birth.is_(None), b.c.date_of_birth.is_(None), a.c.estimated_age == b.c.estimated_age)
    )
    return [
        DuplicateCandidate(
            PersonBrief(**{c: row._mapping[f"a_{c}"] for c in cols}),
            PersonBrief(**{c: row._mapping[f"b_{c}"] for c in cols}),
            "date_of_birth" if row.dated else "estimated_age",
        )
        for row in conn.execute(union_all(same_birth, same_estimate))
    ]
