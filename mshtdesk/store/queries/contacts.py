"""VLO contacts: the list (filtered and paged in SQL, within the user's scope), a new contact, and the
setting that spaces them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    RowMapping,
    Select,
    and_,
    false,
    func,
    insert,
    select,
)

from mshtdesk.store.queries.filters import count_rows
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.queries.scope import PersonScope, person_in_scope
from mshtdesk.store.tables import LATEST_CONTACT, PERSON, SETTING, USER, VLO_CONTACT

_C = VLO_CONTACT


def live(contact: FromClause = VLO_CONTACT, *, name: str = "superseding_contact") -> ColumnElement[bool]:
    """The condition keeping only contacts in force on ``contact`` (the table or an alias of it): not a
    withdrawal marker and superseded by no later row. Every reader of contacts applies it, so a
    corrected or withdrawn contact leaves the lists, the clocks and the COM figures at once. ``name``
    keeps the inner alias distinct when one statement applies it twice."""
    later = VLO_CONTACT.alias(name)
    return and_(contact.c.is_void == false(), ~row_exists().where(later.c.supersedes_id == contact.c.id))


def latest_due(before: date, scope: PersonScope) -> Select[tuple[Any]]:
    """The ids of each person's latest contact in force in ``scope`` when the next contact it set is
    before ``before``, as a SELECT on ``latest_contact`` (``store/latest_contact.py``: one row per
    person, kept in step with the contacts by triggers; its rows are in force by construction).

    Read through the table's index on ``next_contact_due``: walking every person's contacts for their
    latest cost a probe per person (over a second at a million contacts)."""
    lc = LATEST_CONTACT.c
    q = select(lc.contact_id).where(lc.next_contact_due < before)
    if (in_scope := person_in_scope(scope, lc.person_id)) is not None:
        q = q.where(in_scope)
    return q


#: The row that corrects or withdraws a contact (there is at most one: only a contact in force is
#: corrected), and who recorded it; a list showing corrected contacts joins them.
SUPERSEDING = VLO_CONTACT.alias("superseding")
SUPERSEDED_BY = USER.alias("superseded_by")


def with_superseding(contacts: FromClause) -> FromClause:
    """``contacts`` (the table or a join on it) with the row superseding each contact, if any."""
    return contacts.outerjoin(SUPERSEDING, SUPERSEDING.c.supersedes_id == _C.c.id).outerjoin(
        SUPERSEDED_BY, SUPERSEDED_BY.c.id == SUPERSEDING.c.vlo_user_id
    )


def superseding_columns() -> list[ColumnElement[Any]]:
    """Whether the contact was withdrawn (True) or corrected (False; None: in force), when, by whom and
    why, as ``Superseded``'s fields."""
    return [
        SUPERSEDING.c.is_void.label("superseded_void"),
        SUPERSEDING.c.created_at.label("superseded_at"),
        SUPERSEDED_BY.c.username.label("superseded_by"),
        SUPERSEDING.c.reason.label("superseded_reason"),
    ]


class Superseded(NamedTuple):
    """How a contact left the figures: ``void`` None while it is in force."""

    void: bool | None
    at: datetime | None
    by: str | None
    reason: str | None


@dataclass(frozen=True)
class ContactQuery:
    """``logged_by_id``: only contacts this user logged; ``logged_by``: only those of this user name;
    ``latest_due_before``: only each person's latest contact, when the next contact it set is before
    this day."""

    scope: PersonScope
    person_id: int | None = None
    logged_by_id: int | None = None
    purpose: str | None = None
    logged_by: str = ""
    latest_due_before: date | None = None
    corrected: bool = False  # also the contacts corrected or withdrawn since (never the void markers)


class ContactListRow(NamedTuple):
    id: int
    person_id: int
    person_ref: str
    surname: str
    forenames: str
    vlo: str  # user name of the VLO who logged it ("" when gone)
    contact_at: datetime
    method: str
    purpose: str
    interpreter_language: str
    decision_notified: str
    decision_date: date | None
    notification_due: date | None
    notified_on_time: bool | None
    safeguarding_concern: bool
    summary: str
    next_contact_due: date | None
    superseded: Superseded


def _row_conditions(q: ContactQuery) -> list[ColumnElement[bool]]:
    """The filters a contact's own row answers: who logged it and why."""
    conds: list[ColumnElement[bool]] = []
    if q.logged_by_id is not None:
        conds.append(_C.c.vlo_user_id == q.logged_by_id)
    if q.purpose is not None:
        conds.append(_C.c.purpose == q.purpose)
    if q.logged_by:
        logged_by = USER.alias("logged_by")
        conds.append(
            row_exists().where(logged_by.c.id == _C.c.vlo_user_id, logged_by.c.username == q.logged_by)
        )
    return conds


def _conditions(q: ContactQuery) -> list[ColumnElement[bool]]:
    """The list's WHERE over ``vlo_contact`` when it is not the overdue filter (``_overdue``)."""
    conds: list[ColumnElement[bool]] = [_C.c.is_void == false()] if q.corrected else [live(_C)]
    scope = person_in_scope(q.scope, _C.c.person_id)
    if scope is not None:
        conds.append(scope)
    if q.person_id is not None:
        conds.append(_C.c.person_id == q.person_id)
    return conds + _row_conditions(q)


def _overdue(q: ContactQuery, before: date) -> Select[tuple[Any]]:
    """The overdue filter's contacts (each person's latest in force, its next contact due before
    ``before``) as ids read from ``latest_contact``, which also holds the list's sort key: a page is
    chosen from that one small row a person, and only its own contacts are read. (Choosing it from the
    contacts read every overdue contact to sort them: 2.7 s at a million arrests.) Only the filters on
    who logged a contact and why read the contact row of every overdue person."""
    lc = LATEST_CONTACT.c
    ids = latest_due(before, q.scope)
    if q.person_id is not None:
        ids = ids.where(lc.person_id == q.person_id)
    if row_conds := _row_conditions(q):
        ids = ids.join(_C, _C.c.id == lc.contact_id).where(*row_conds)
    return ids


def count_contacts(conn: Connection, q: ContactQuery, at_most: int | None = None) -> int:
    if q.latest_due_before is not None:
        count = _overdue(q, q.latest_due_before).with_only_columns(func.count(), maintain_column_froms=True)
        return count_rows(conn, count, at_most)
    return count_rows(conn, select(func.count()).select_from(_C).where(*_conditions(q)), at_most)


def page_contacts(conn: Connection, q: ContactQuery, *, offset: int, limit: int) -> list[ContactListRow]:
    """One page, latest contact first."""
    stmt = (
        select(
            _C.c.id,
            _C.c.person_id,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            func.coalesce(USER.c.username, "").label("vlo"),
            _C.c.contact_at,
            _C.c.method,
            _C.c.purpose,
            _C.c.interpreter_language,
            _C.c.decision_notified,
            _C.c.decision_date,
            _C.c.notification_due,
            _C.c.notified_on_time,
            _C.c.safeguarding_concern,
            _C.c.summary,
            _C.c.next_contact_due,
            *superseding_columns(),
        )
        .select_from(
            with_superseding(
                _C.join(PERSON, PERSON.c.id == _C.c.person_id).outerjoin(USER, USER.c.id == _C.c.vlo_user_id)
            )
        )
        .order_by(_C.c.contact_at.desc(), _C.c.id.desc())
    )
    if q.latest_due_before is None:
        stmt = stmt.where(*_conditions(q)).offset(offset).limit(limit)
    else:  # the page chosen from latest_contact, in the same order (it holds each contact's contact_at)
        lc = LATEST_CONTACT.c
        page = _overdue(q, q.latest_due_before).order_by(lc.contact_at.desc(), lc.contact_id.desc())
        stmt = stmt.where(_C.c.id.in_(page.offset(offset).limit(limit)))
    return [
        ContactListRow(
            **{f: r._mapping[f] for f in ContactListRow._fields if f != "superseded"},
            superseded=superseded(r._mapping),
        )
        for r in conn.execute(stmt)
    ]


def superseded(row: RowMapping) -> Superseded:
    """The ``superseding_columns`` of a row read with them, by name."""
    return Superseded(
        row["superseded_void"], row["superseded_at"], row["superseded_by"], row["superseded_reason"]
    )


def opted_out_of_updates(conn: Connection, person_id: int) -> bool:
    value = conn.execute(select(PERSON.c.opted_out_of_updates).where(PERSON.c.id == person_id)).scalar()
    return bool(value)


def insert_contact(conn: Connection, values: dict[str, Any]) -> int:
    """A new contact (``values``: the ``vlo_contact`` columns); its id."""
    return int(conn.execute(insert(_C).returning(_C.c.id), values).scalar_one())


def setting(conn: Connection, key: str) -> str | None:
    """A setting's stored text; None when unset."""
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else str(value)


class StoredContact(NamedTuple):
    """A contact as stored, for its correction: every column by name, and whether it is still in force."""

    values: dict[str, Any]
    live: bool


def stored_contact(conn: Connection, contact_id: int) -> StoredContact | None:
    row = conn.execute(select(_C, live(_C).label("in_force")).where(_C.c.id == contact_id)).one_or_none()
    if row is None:
        return None
    values = {c.name: row._mapping[c.name] for c in _C.columns}
    return StoredContact(values, bool(row._mapping["in_force"]))
